/**
 * The catalogue as one JSON document in the app's data folder.
 *
 * - Writes are atomic (see atomic-write.ts) and serialized: saves run one at a time in call
 *   order, so the last call wins and two saves never interleave.
 * - Before a write replaces the file, the file's bytes are kept as `catalogue.json.bak`
 *   (only when they are a valid catalogue).
 * - A broken file is never overwritten: at start-up (or if another program broke it while we
 *   ran) it is renamed to `catalogue.json.broken-<time>` untouched, and `problem()` says where it
 *   broke. The store then starts from the backup when that is valid, else empty.
 */
import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreProblem } from '../../../preload/contract/api';
import { Catalogue, CATALOGUE_VERSION } from '../../../preload/contract/model';
import { type StoreFs, writeFileAtomic } from './atomic-write';
import { readCatalogueText, serializeCatalogue, validateCatalogue } from './document';

export const CATALOGUE_FILE = 'catalogue.json';

export interface CatalogueStoreOptions {
  /** The app's data folder; created when missing. */
  dir: string;
  now?: () => Date;
  fs?: StoreFs;
}

export interface CatalogueStore {
  readonly file: string;
  /** The last committed catalogue (frozen: build a new one and save it). */
  catalogue(): Catalogue;
  /** Set when a broken file was moved aside; stays until the app restarts. */
  problem(): StoreProblem | null;
  /** Validates and writes; rejects (writing nothing) when `next` is not a valid catalogue. */
  save(next: Catalogue): Promise<Catalogue>;
  /** Resolves when every queued save has finished. */
  idle(): Promise<void>;
}

export function emptyCatalogue(): Catalogue {
  return Catalogue.parse({ version: CATALOGUE_VERSION });
}

export async function openCatalogueStore(options: CatalogueStoreOptions): Promise<CatalogueStore> {
  const fs = options.fs ?? nodeFs;
  const now = options.now ?? (() => new Date());
  const file = join(options.dir, CATALOGUE_FILE);
  const backup = `${file}.bak`;

  await fs.mkdir(options.dir, { recursive: true, mode: 0o700 });
  await removeStaleTemps(fs, options.dir);

  const readIfExists = async (path: string): Promise<string | null> => {
    try {
      return await fs.readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  };

  const moveAside = async (): Promise<string> => {
    const stamp = now().toISOString().replace(/[:.]/g, '-');
    const taken = new Set(await fs.readdir(options.dir));
    let name = `${CATALOGUE_FILE}.broken-${stamp}`;
    for (let n = 2; taken.has(name); n++) name = `${CATALOGUE_FILE}.broken-${stamp}-${n}`;
    const movedTo = join(options.dir, name);
    await fs.rename(file, movedTo);
    return movedTo;
  };

  let current = deepFreeze(emptyCatalogue());
  let problem: StoreProblem | null = null;
  /** The bytes we last read or wrote: known good, so they need no re-validation. */
  let lastText: string | null = null;

  const text = await readIfExists(file);
  if (text !== null) {
    const read = readCatalogueText(text);
    if (read.ok) {
      current = deepFreeze(read.catalogue);
      lastText = text;
    } else {
      const movedTo = await moveAside();
      const backupText = await readIfExists(backup);
      const fromBackup = backupText === null ? null : readCatalogueText(backupText);
      let message = read.message;
      if (fromBackup?.ok) current = deepFreeze(fromBackup.catalogue);
      else if (fromBackup) message += ` (the backup ${backup} is unusable too: ${fromBackup.message})`;
      problem = { file, movedTo, message, restoredFrom: fromBackup?.ok ? 'backup' : 'empty' };
    }
  }

  const commit = async (next: Catalogue): Promise<Catalogue> => {
    const valid = validateCatalogue(next);
    if (!valid.ok) throw new Error(`refusing to save an invalid catalogue: ${valid.message}`);
    const nextText = serializeCatalogue(valid.catalogue);
    const onDisk = await readIfExists(file);
    if (onDisk !== nextText) {
      if (onDisk !== null) {
        // Someone else changed the file since we wrote it: keep a valid edit as the backup,
        // move a broken one aside; either way our copy is what gets saved.
        const check = onDisk === lastText ? null : readCatalogueText(onDisk);
        if (check && !check.ok) {
          problem = { file, movedTo: await moveAside(), message: check.message, restoredFrom: 'memory' };
        } else {
          await writeFileAtomic(fs, backup, onDisk);
        }
      }
      await writeFileAtomic(fs, file, nextText);
    }
    current = deepFreeze(valid.catalogue);
    lastText = nextText;
    return current;
  };

  // Written back at once: otherwise quitting before any change would leave no catalogue.json,
  // and the next start would begin empty.
  if (problem?.restoredFrom === 'backup') await commit(current);

  let tail: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = tail.then(job);
    tail = run.catch(() => {});
    return run;
  };

  return {
    file,
    catalogue: () => current,
    problem: () => problem,
    save: (next) => enqueue(() => commit(next)),
    idle: () => enqueue(async () => {}),
  };
}

/** Temp files left by a crash mid-write (the rename never happened); nothing else reads them. */
async function removeStaleTemps(fs: StoreFs, dir: string): Promise<void> {
  const stale = /^catalogue\.json(\.bak)?\.tmp-/;
  for (const name of await fs.readdir(dir)) {
    if (stale.test(name)) await fs.unlink(join(dir, name)).catch(() => {});
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
