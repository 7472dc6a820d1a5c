// Electronegativity as a gate: fails (exit 1) on any HIGH or MEDIUM finding in the Electron
// code (main/, preload/) that has no justification next to it.
//
//   node scripts/electronegativity-gate.mjs [-o report.json]
//
// A justification is electronegativity's own inline comment plus a reason, on the flagged
// line or the line above:
//   // eng-disable OPEN_EXTERNAL_JS_CHECK: only http(s) URLs without credentials (externalUrl)
// Electronegativity honours the comment on the same line; this gate also accepts the line
// above, and refuses any eng-disable without a reason. Findings without a line (global
// checks) are justified in GLOBAL_JUSTIFICATIONS below.
//
// Runs offline: electronegativity fetches translations and Electron's release list with `got`;
// both are stubbed out here (the release-list check only matters for upgrades).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const INPUTS = ['main', 'preload'];
/** Test doubles are not the app: a fake BrowserWindow is not a window. */
const NOT_SHIPPED = /(\.test\.tsx?|electron-fake\.ts)$/;
const GATED = new Set(['HIGH', 'MEDIUM']);

/** Global findings have no line to comment on: each needs its reason here. */
const GLOBAL_JUSTIFICATIONS = {
  CSP_GLOBAL_CHECK:
    'the CSP is a response header of the app:// protocol (main/shell/app-protocol.ts → rendererCsp() in main/renderer-files.ts), built at run time so the tool cannot read it; its exact value is asserted in main/shell/security.test.ts',
};

const DISABLE = /(?:\/\/|\/\*)[ \t]*eng-disable[ \t]+([A-Z0-9_ \t]+?)[ \t]*(?::|—|-{1,2})[ \t]*(\S.*?)?[ \t]*(?:\*\/)?$/;
const ANY_DISABLE = /(?:\/\/|\/\*)[ \t]*eng-disable\b/;

const outIndex = process.argv.indexOf('-o');
const outFile = outIndex > 0 ? process.argv[outIndex + 1] : undefined;

const require = createRequire(import.meta.url);
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (request === 'got') return () => Promise.reject(new Error('offline: electronegativity-gate does not use the network'));
  return originalLoad.call(this, request, ...rest);
};
const run = require('@doyensec/electronegativity');
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version;

// One run over main/ and preload/ together, so the global checks (navigation limits,
// permission handlers) see the whole Electron side at once. Paths inside stay the same.
const stage = mkdtempSync(join(tmpdir(), 'electronegativity-'));
let result;
const quiet = console.log;
try {
  for (const dir of INPUTS) cpSync(join(root, dir), join(stage, dir), { recursive: true, filter: (src) => !NOT_SHIPPED.test(src) });
  console.log = () => {}; // its progress chatter
  result = await run(
    { input: stage, isRelative: true, electronVersionOverride: electronVersion, excludeFromScan: ['AvailableSecurityFixesGlobalCheck'] },
    false,
  );
} finally {
  console.log = quiet;
  rmSync(stage, { recursive: true, force: true });
}

const problems = [];
const justified = [];
const lines = new Map();
const linesOf = (file) => {
  if (!lines.has(file)) lines.set(file, readFileSync(join(root, file), 'utf8').split('\n'));
  return lines.get(file);
};

for (const error of result.errors) {
  if (!error.tolerable) problems.push(`could not parse ${relative(stage, error.file)}: ${error.message}`);
}

for (const issue of result.issues) {
  const severity = issue.severity.name ?? String(issue.severity);
  if (!GATED.has(severity)) continue;
  const where = issue.file === 'N/A' ? 'global' : `${issue.file}:${issue.location.line}`;
  if (issue.file === 'N/A') {
    const reason = GLOBAL_JUSTIFICATIONS[issue.id];
    if (reason) justified.push({ id: issue.id, severity, where, reason });
    else problems.push(`${severity} ${issue.id} (${where}): ${issue.description}`);
    continue;
  }
  const source = linesOf(issue.file);
  const reason = [source[issue.location.line - 1], source[issue.location.line - 2]]
    .map((line) => (line ?? '').match(DISABLE))
    .find((m) => m && m[1].split(/[ \t]+/).some((id) => sameCheck(id, issue.id)) && m[2])?.[2];
  if (reason) justified.push({ id: issue.id, severity, where, reason });
  else problems.push(`${severity} ${issue.id} at ${where}: ${issue.description}\n      ${source[issue.location.line - 1]?.trim()}`);
}

// An eng-disable electronegativity honoured silently must still say why.
for (const dir of INPUTS) {
  for (const file of listFiles(join(root, dir))) {
    const rel = relative(root, file);
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!ANY_DISABLE.test(line)) return;
        const m = line.match(DISABLE);
        if (!m || !m[2]) problems.push(`eng-disable without a reason at ${rel}:${i + 1} (write "eng-disable CHECK_ID: why it is safe")\n      ${line.trim()}`);
      });
  }
}

if (outFile) writeFileSync(outFile, JSON.stringify({ electronVersion, justified, problems, issues: result.issues.map(brief) }, null, 2));
for (const j of justified) console.log(`justified  ${j.severity.padEnd(6)} ${j.id} (${j.where}): ${j.reason}`);
if (problems.length > 0) {
  console.error(`\nelectronegativity-gate: ${problems.length} unjustified finding(s):\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`electronegativity-gate: no unjustified HIGH or MEDIUM finding (${result.issues.length} finding(s) in all, Electron ${electronVersion}).`);

function sameCheck(a, b) {
  const norm = (s) => s.toUpperCase().replace(/_(JS|HTML|JSON)_CHECK$/, '_GLOBAL_CHECK');
  return a.toUpperCase() === b.toUpperCase() || norm(a) === norm(b);
}

function brief(issue) {
  return { id: issue.id, severity: issue.severity.name, confidence: issue.confidence.name, file: issue.file, line: issue.location.line, manualReview: issue.manualReview };
}

function listFiles(dir) {
  return readdirRecursive(dir).filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f) && !NOT_SHIPPED.test(f));
}

function readdirRecursive(dir) {
  return require('node:fs')
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? d.path, d.name));
}
