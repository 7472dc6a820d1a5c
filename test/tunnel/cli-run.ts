/**
 * Runs the dcv-tunnel CLI as a user does: a child process (node + tsx), its stdout read as JSON
 * lines where it prints them. Shared by the CLI's test files.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Run {
  child: ChildProcess;
  /** stdout's complete lines that are JSON, in order. */
  lines: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  nextLine(match: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when stdout (as text) matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

const live = new Set<ChildProcess>();

/** Kills whatever a test left running (call from afterAll). */
export function killLiveClis(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** HTTPS_PROXY is cleared unless `env` sets it: the host's own proxy settings must not leak into a test. */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tunnel/cli.ts', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, HTTPS_PROXY: '', https_proxy: '', DCV_BROKER_CLIENT_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    const complete = out.split('\n').slice(0, -1);
    lines.length = 0;
    for (const l of complete) {
      try {
        lines.push(JSON.parse(l) as Record<string, unknown>);
      } catch {
        /* a human line */
      }
    }
    wake();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
      wake();
    }),
  );
  const until = <T>(look: () => T | undefined, what: string, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${what}; stdout: ${out}\nstderr: ${err}`)), timeoutMs);
      const check = (): void => {
        const found = look();
        if (found !== undefined) {
          clearTimeout(t);
          resolve(found);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          clearTimeout(t);
          reject(new Error(`exited ${child.exitCode} before: ${what}; stdout: ${out}\nstderr: ${err}`));
        } else waiters.push(check);
      };
      check();
    });
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    nextLine: (match, timeoutMs = 60_000) => until(() => lines.find(match), 'no matching line', timeoutMs),
    waitFor: (re, timeoutMs = 60_000) => until(() => out.match(re) ?? undefined, `stdout never matched ${re}`, timeoutMs),
  };
}
