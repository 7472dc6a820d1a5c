import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (or at an absolute path), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = name.startsWith('/') ? [''] : [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    const candidate = dir ? join(dir, name) : name;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/**
 * For suites that need a real peer (nginx, squid, chromium, …).
 * On a laptop without the binary the suite is skipped *loudly*; under CI=true a missing
 * binary is a failure, so CI can never go green by skipping the real thing.
 * Usage: `describe.skipIf(!needBinaries('nginx'))('through nginx', …)`
 */
export function needBinaries(...names: string[]): boolean {
  const missing = names.filter((n) => !findBinary(n));
  if (missing.length === 0) return true;
  const msg = `missing binaries: ${missing.join(', ')} (install them: see .ci/run)`;
  if (process.env.CI === 'true' || process.env.CI === '1') {
    throw new Error(`CI=true and ${msg}`);
  }
  console.warn(`\n*** SKIPPING a suite: ${msg} ***\n`);
  return false;
}
