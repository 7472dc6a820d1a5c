import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The generator is a plain .mjs script (it runs without a TypeScript toolchain); load it by
// path and state the one function this test needs.
type Generator = { generateBrokerTypes(): Promise<string> };
const generatorPath = fileURLToPath(new URL('../../../scripts/gen-broker-types.mjs', import.meta.url));
const generatedPath = fileURLToPath(new URL('./broker-api.generated.ts', import.meta.url));
const definitionPath = fileURLToPath(new URL('./dcv-session-manager-api.yaml', import.meta.url));

describe('broker-api.generated.ts', () => {
  it('is exactly what the generator writes from the vendored definition', async () => {
    const { generateBrokerTypes } = (await import(/* @vite-ignore */ generatorPath)) as Generator;
    const expected = await generateBrokerTypes();
    const onDisk = readFileSync(generatedPath, 'utf8');
    if (onDisk !== expected) {
      throw new Error('tunnel/session-manager/api/broker-api.generated.ts is stale or edited by hand: run `node scripts/gen-broker-types.mjs`');
    }
  });

  it('names the definition it came from by its SHA-256', () => {
    const sha = createHash('sha256').update(readFileSync(definitionPath)).digest('hex');
    expect(readFileSync(generatedPath, 'utf8')).toContain(`sha256 ${sha}`);
  });
});
