/**
 * Prints the reliability figures as Markdown, from what the last run of each test file in
 * test/reliability recorded under test-results/reliability/ (run `npx vitest run test/reliability`
 * first). Paste the output into the README's "Reliability" section.
 *   npx tsx test/reliability/figures.ts
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FIGURES_DIR, type FigureFile } from './record';

const ROOT = resolve(import.meta.dirname, '../..');

/** Suites in the order they are shown, and what their first column is called. */
const SUITES: Array<{ suite: string; first: string; file: string }> = [
  { suite: 'faults', first: 'Fault', file: 'test/reliability/faults.test.ts' },
  { suite: 'soak', first: 'Run', file: 'test/reliability/soak.test.ts' },
  { suite: 'abuse', first: 'Attack', file: 'test/reliability/abuse.test.ts' },
  { suite: 'certificates', first: 'Case', file: 'test/reliability/certificates.test.ts' },
  { suite: 'properties', first: 'Property', file: 'test/reliability/properties.test.ts' },
  { suite: 'crash-safety', first: 'Test', file: 'test/reliability/crash-safety.test.ts' },
];

/** Cases other tests already cover: named, with the file and test title (checked to exist below). */
const COVERED_ELSEWHERE: Record<string, Array<{ what: string; file: string; test: string }>> = {
  abuse: [
    { what: 'launch token used twice → 403', file: 'tunnel/local-tunnel.test.ts', test: 'a launch URL works once' },
    { what: 'launch token after expiry → 403', file: 'tunnel/local-tunnel.test.ts', test: 'a launch URL expires' },
    { what: 'foreign Host (DNS rebinding) → 421', file: 'tunnel/local-tunnel.test.ts', test: 'refuses a foreign Host (DNS rebinding) and accepts localhost' },
    {
      what: 'WebSocket from https://127.0.0.1:<other port> WITH the cookie → 403',
      file: 'tunnel/local-tunnel.test.ts',
      test: 'refuses WebSocket upgrades without the cookie, from a foreign Origin, or without Origin',
    },
    { what: 'one 70 KB header → 431', file: 'tunnel/local-tunnel.test.ts', test: 'answers an oversized header with 431' },
    { what: '../, %2e%2e, %2F, \\ and absolute-URL targets → 400', file: 'tunnel/local-tunnel.test.ts', test: 'refuses request targets that could leave the prefix with 400' },
  ],
  certificates: [
    {
      what: 'pinned desktop restarted with a new certificate right after a drop → failed TLS_PIN_MISMATCH, never retried',
      file: 'main/services/connection-manager.test.ts',
      test: 'a different certificate after a drop: failed TLS_PIN_MISMATCH, never retried',
    },
    { what: 'local certificate renewal rules (within a day of expiry, after expiry, before validity)', file: 'tunnel/local-cert.test.ts', test: 'regenerates within a day of expiry, after expiry and before validity' },
  ],
  faults: [
    { what: 'the desktop itself vanishing mid-stream (no proxy in between)', file: 'tunnel/forward-ws.test.ts', test: 'closes the page’s socket, does not crash, and leaves nothing open' },
    { what: 'an upstream that never answers → 504 UPSTREAM_TIMEOUT', file: 'tunnel/local-tunnel.test.ts', test: 'an upstream that never answers: 504 UPSTREAM_TIMEOUT' },
  ],
};

const cell = (v: unknown) => String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function table(first: string, rows: FigureFile['rows']): string[] {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => k !== 'case')))];
  // Many measures of few runs read better down than across.
  if (columns.length > 6 && rows.length <= 3) {
    const lines = [`| ${['Measure', ...rows.map((r) => r.case)].map(cell).join(' | ')} |`, `|${' --- |'.repeat(rows.length + 1)}`];
    for (const c of columns) lines.push(`| ${[c, ...rows.map((r) => r[c] ?? '')].map(cell).join(' | ')} |`);
    return lines;
  }
  const lines = [`| ${[first, ...columns].join(' | ')} |`, `|${' --- |'.repeat(columns.length + 1)}`];
  for (const r of rows) lines.push(`| ${[r.case, ...columns.map((c) => r[c] ?? '')].map(cell).join(' | ')} |`);
  return lines;
}

function testExists(file: string, test: string): boolean {
  const path = join(ROOT, file);
  return existsSync(path) && readFileSync(path, 'utf8').includes(test);
}

export function renderFigures(): string {
  const out: string[] = [];
  const machines = new Set<string>();
  const dates: string[] = [];
  const sections: string[] = [];
  for (const { suite, first, file } of SUITES) {
    // A suite may have variants (soak.json for CI, soak-600s.json for `npm run soak`): one table.
    const names = existsSync(FIGURES_DIR) ? readdirSync(FIGURES_DIR).filter((n) => n === `${suite}.json` || n.startsWith(`${suite}-`)).sort() : [];
    if (names.length === 0) {
      sections.push(`### ${suite}`, '', `_No figures: run \`npx vitest run ${file}\`._`, '');
      continue;
    }
    const files = names.map((n) => JSON.parse(readFileSync(join(FIGURES_DIR, n), 'utf8')) as FigureFile);
    for (const v of files.slice(1)) machines.add(v.machine);
    const f: FigureFile = { ...files[0], notes: [...new Set(files.flatMap((v) => v.notes))], rows: files.flatMap((v) => v.rows) };
    machines.add(f.machine);
    dates.push(f.startedAt);
    sections.push(`### ${f.title}`, '');
    for (const n of f.notes) sections.push(`_${n}_  `);
    if (f.notes.length) sections.push('');
    if (f.rows.length === 0) sections.push('_No case passed in the last run._');
    else sections.push(...table(first, f.rows));
    if (suite === 'properties') {
      const total = f.rows.reduce((n, r) => n + Number(r['Inputs tried'] ?? 0), 0);
      sections.push('', `${f.rows.length} properties, **${total.toLocaleString('en')} generated inputs** tried, none failed.`);
    }
    const elsewhere = COVERED_ELSEWHERE[suite] ?? [];
    if (elsewhere.length) {
      sections.push('', 'Also covered elsewhere:');
      for (const e of elsewhere) sections.push(`- ${e.what} — \`${e.file}\` › “${e.test}”${testExists(e.file, e.test) ? '' : ' **(test not found)**'}`);
    }
    sections.push('');
  }
  const when = dates.sort();
  out.push(
    `Figures printed by the reliability suite (\`npx vitest run test/reliability\`, then \`npx tsx test/reliability/figures.ts\`), run ${when[0]?.slice(0, 10) ?? '?'} on ${[...machines].join('; ') || '?'}. Every row is recorded only after its assertions passed.`,
    '',
    ...sections,
  );
  return out.join('\n');
}

process.stdout.write(renderFigures() + '\n');
