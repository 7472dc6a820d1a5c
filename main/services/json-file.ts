/**
 * Small JSON files in the data folder (trust pins, encrypted secrets): read, and replace
 * atomically so a crash mid-write never leaves half a file. Writes to one path are queued,
 * so two quick updates cannot rename over each other out of order.
 */
import * as fsp from 'node:fs/promises';
import { dirname } from 'node:path';
import { PRIVATE_DIR_MODE } from '../../tunnel/private-files';
import { writeFileAtomic } from './store/atomic-write';

/** The parsed file, or undefined when it does not exist. A file that is not JSON is an error naming the file. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

const queues = new Map<string, Promise<void>>();

/** Replaces `path` with `value` as JSON, atomically (the catalogue store's temp + fsync + rename, mode 0600). */
export function writeJsonFileAtomic(path: string, value: unknown): Promise<void> {
  const previous = queues.get(path) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(() => writeNow(path, value));
  queues.set(path, next);
  void next.finally(() => {
    if (queues.get(path) === next) queues.delete(path);
  }).catch(() => undefined);
  return next;
}

async function writeNow(path: string, value: unknown): Promise<void> {
  // Made private if missing; a wider existing data folder is narrowed once, at start (app.ts).
  await fsp.mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
  await writeFileAtomic(fsp, path, JSON.stringify(value, null, 2) + '\n');
}
