// Generates tunnel/session-manager/api/broker-api.generated.ts from the vendored DCV Session
// Manager Broker definition (OpenAPI 3.0) with openapi-typescript's programmatic API.
//
//   node scripts/gen-broker-types.mjs          writes the file
//   node scripts/gen-broker-types.mjs --check  exits 1 when the file on disk is stale
//
// generateBrokerTypes() is also imported by tunnel/session-manager/api/generated.test.ts, which
// regenerates in memory and fails when the committed file differs: the types can never drift
// from the definition silently. The output must therefore be deterministic (no dates, no
// absolute paths); the definition's SHA-256 in the header ties the two together.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('../', import.meta.url);
export const definitionUrl = new URL('tunnel/session-manager/api/dcv-session-manager-api.yaml', root);
export const outputUrl = new URL('tunnel/session-manager/api/broker-api.generated.ts', root);

const repoPath = (url) => relative(fileURLToPath(root), fileURLToPath(url)).split('\\').join('/');

/** The full text of broker-api.generated.ts, header included. */
export async function generateBrokerTypes() {
  const yamlText = readFileSync(definitionUrl);
  const sha256 = createHash('sha256').update(yamlText).digest('hex');
  // silent: openapi-typescript would otherwise print its own banner and timing to stderr.
  const ast = await openapiTS(definitionUrl, { silent: true });
  const header = [
    '/**',
    ' * GENERATED FILE, DO NOT EDIT.',
    ' *',
    ` * Types of the Amazon DCV Session Manager Broker API, generated from`,
    ` * ${repoPath(definitionUrl)} (OpenAPI 3.0, Apache-2.0, see NOTICE beside it)`,
    ` * sha256 ${sha256}`,
    ' * by openapi-typescript. To regenerate after changing the definition:',
    ' *',
    ' *   node scripts/gen-broker-types.mjs',
    ' *',
    ' * generated.test.ts fails while this file differs from what that command writes.',
    ' */',
    '',
  ].join('\n');
  return header + astToString(ast);
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const text = await generateBrokerTypes();
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(outputUrl, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(`${repoPath(outputUrl)} is stale: run node scripts/gen-broker-types.mjs`);
      process.exit(1);
    }
    console.log(`${repoPath(outputUrl)} is up to date`);
  } else {
    writeFileSync(outputUrl, text);
    console.log(`wrote ${repoPath(outputUrl)} (${text.length} characters)`);
  }
}
