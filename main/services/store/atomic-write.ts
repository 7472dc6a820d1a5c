/**
 * Replace a file so that a reader (or a crash) only ever sees the old bytes or the new bytes:
 * write a temp file in the same folder, fsync it, rename it over the target, fsync the folder
 * so the rename itself is durable.
 */
import type * as fsp from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The parts of node:fs/promises the store uses; pass another implementation to test failures. */
export type StoreFs = Pick<typeof fsp, 'open' | 'readFile' | 'rename' | 'mkdir' | 'readdir' | 'unlink'>;

let counter = 0;

export function tempNameFor(file: string): string {
  return join(dirname(file), `${basename(file)}.tmp-${process.pid}-${++counter}`);
}

export async function writeFileAtomic(fs: StoreFs, file: string, data: string): Promise<void> {
  const temp = tempNameFor(file);
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.unlink(temp).catch(() => {});
    throw e;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.unlink(temp).catch(() => {});
    throw e;
  }
  await syncDirectory(fs, dirname(file));
}

export async function syncDirectory(fs: StoreFs, dir: string): Promise<void> {
  // Windows cannot open a directory for fsync (EISDIR/EPERM); its rename is durable enough there.
  let handle: Awaited<ReturnType<StoreFs['open']>> | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    if (process.platform !== 'win32') throw e;
  } finally {
    await handle?.close();
  }
}
