/**
 * Plumbing shared by the real peers: a temp dir, a free port, a child process that is
 * always killed (even when a test run dies), and waiting until its port answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `dcv-${prefix}-`));
}

/** A port free on `host` right now (the peer binds it a moment later; callers retry on a clash). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export function tail(file: string, lines = 30): string {
  if (!existsSync(file)) return `(no ${file})`;
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

export interface Peer {
  child: ChildProcess;
  /** stdout + stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  /** Signal, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function spawnPeer(command: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Peer {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    });
    child.once('error', (e) => {
      output += `\nspawn ${command} failed: ${e.message}`;
      live.delete(child);
      resolve(-1);
    });
  });
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM', graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null || !live.has(child)) return void (await exited);
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(t);
    },
  };
}

/**
 * Resolves once host:port accepts a TCP connection (or completes a TLS handshake when `tls`).
 * Rejects early if the peer exits, and after `timeoutMs`, with `describe()` in the message.
 */
export async function waitForPort(
  host: string,
  port: number,
  opts: { tls?: boolean; timeoutMs?: number; peer?: Peer; describe?: () => string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let exitCode: number | null | undefined;
  void opts.peer?.exited.then((c) => (exitCode = c));
  let lastError = '';
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`peer exited (code ${exitCode}) before ${host}:${port} answered\n${opts.describe?.() ?? ''}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = opts.tls
        ? tlsConnect({ host, port, rejectUnauthorized: false, servername: undefined }, () => (s.destroy(), resolve(true)))
        : tcpConnect({ host, port }, () => (s.destroy(), resolve(true)));
      s.once('error', (e) => ((lastError = e.message), s.destroy(), resolve(false)));
      s.setTimeout(2_000, () => ((lastError = 'timeout'), s.destroy(), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${host}:${port} did not answer within ${opts.timeoutMs ?? 30_000} ms (last: ${lastError})\n${opts.describe?.() ?? ''}`);
}

/** Child processes of `pid`, from /proc (nginx workers of a master, for CPU-time reading). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) comes after the parenthesised command, which may contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** user+system CPU time of a process in milliseconds, from /proc/<pid>/stat. */
export function cpuTimeMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the command.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
}
