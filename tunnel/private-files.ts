/**
 * Folders and files only this user may read: the data folder, the localhost certificate's key,
 * the launch files. A folder is made 0700 whatever the umask, and one found with wider modes
 * (made by an older version, by hand, or at umask 000) is narrowed to 0700. Windows has no
 * such modes: its profile folders are private already.
 */
import { chmodSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

const POSIX = process.platform !== 'win32';
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Makes `dir` (and missing parents) 0700, or narrows an existing one to 0700. */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX && (statSync(dir).mode & 0o077) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (POSIX && ((await stat(dir)).mode & 0o077) !== 0) await chmod(dir, PRIVATE_DIR_MODE);
}

/**
 * Whether a secret read from this file can still be trusted as ours alone: nobody else could
 * read it (no group or other bits) and it belongs to this user (not planted by another).
 */
export function onlyOwnerCanRead(stats: Pick<Stats, 'mode' | 'uid'>): boolean {
  if (!POSIX) return true;
  return (stats.mode & 0o077) === 0 && (process.getuid === undefined || stats.uid === process.getuid());
}

/** Narrows a file to 0600 when it is readable by others; a missing file is fine. */
export async function narrowFile(path: string): Promise<void> {
  if (!POSIX) return;
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if ((mode & 0o077) !== 0) await chmod(path, PRIVATE_FILE_MODE);
}

/** A data folder: made or narrowed to 0700, and every file directly in it that others could read narrowed to 0600. */
export async function ensurePrivateDataDir(dir: string): Promise<void> {
  await ensurePrivateDir(dir);
  if (!POSIX) return;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) await narrowFile(join(dir, entry.name));
  }
}
