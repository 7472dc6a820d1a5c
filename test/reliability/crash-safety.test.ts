/**
 * Kill a process in the middle of saving the catalogue, 20 times at random moments: the file
 * on disk must always be one whole save (old or new), never a torn or mixed one.
 */
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_FILE, openCatalogueStore } from '../../main/services/store/catalogue-store';
import { readCatalogueText } from '../../main/services/store/document';
import { tempDir } from '../../main/services/store/fixtures';
import { recordFigure, startFigures } from './record';

const ROOT = resolve(import.meta.dirname, '../..');
const CHILD = join(import.meta.dirname, 'crash-safety-child.ts');
const ROUNDS = 20;

/** Starts the saving child, waits until it is saving, kills it after `delayMs`. Resolves how it ended. */
function runAndKill(dir: string, delayMs: number): Promise<{ killed: boolean; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, '1000'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => done({ killed: signal === 'SIGKILL', stderr: code === 0 || signal ? '' : stderr }));
  });
}

/** A whole save n: (n % 9) + 1 desktops, all named "save n #k" with k in order. */
function expectWholeSave(text: string, what: string): void {
  const read = readCatalogueText(text);
  if (!read.ok) throw new Error(`${what} is not a valid catalogue: ${read.message}`);
  const names = read.catalogue.desktops.map((d) => d.name);
  const n = Number(/^save (\d+) #0$/.exec(names[0] ?? '')?.[1]);
  expect(Number.isInteger(n), `${what}: first desktop ${names[0]}`).toBe(true);
  expect(names, what).toEqual(Array.from({ length: (n % 9) + 1 }, (_, k) => `save ${n} #${k}`));
}

describe('crash safety of the catalogue store', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    startFigures('crash-safety', 'Crash safety of the catalogue');
    ({ dir, cleanup } = await tempDir('dcv-crash-'));
  });
  afterAll(() => cleanup());

  it(`leaves a whole catalogue after ${ROUNDS} SIGKILLs at random moments`, { timeout: 120_000 }, async () => {
    let killedMidRun = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const { killed, stderr } = await runAndKill(dir, Math.floor(Math.random() * 250));
      expect(stderr, `child failed in round ${round}`).toBe('');
      if (killed) killedMidRun++;

      const files = await readdir(dir);
      if (!files.includes(CATALOGUE_FILE)) {
        // Only possible when killed before the very first save finished.
        expect(round, 'catalogue.json vanished after it had been written').toBe(0);
        continue;
      }
      expectWholeSave(await readFile(join(dir, CATALOGUE_FILE), 'utf8'), `round ${round}: catalogue.json`);
      if (files.includes(`${CATALOGUE_FILE}.bak`)) expectWholeSave(await readFile(join(dir, `${CATALOGUE_FILE}.bak`), 'utf8'), `round ${round}: the backup`);
      expect(files.filter((f) => f.includes('.broken-')), 'nothing was judged broken').toEqual([]);
    }
    // The kills must really have landed mid-run for this test to mean anything.
    expect(killedMidRun).toBeGreaterThan(ROUNDS / 2);

    const store = await openCatalogueStore({ dir });
    expect(store.problem()).toBeNull();
    expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    recordFigure('crash-safety', {
      case: `SIGKILL while saving the catalogue in a loop, ${ROUNDS} rounds`,
      'Killed mid-save': `${killedMidRun}/${ROUNDS}`,
      Outcome: 'catalogue.json and its .bak always one whole save; nothing judged broken; no temp file left',
    });
  });
});
