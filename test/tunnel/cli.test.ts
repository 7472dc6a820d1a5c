/**
 * The dcv-tunnel CLI as a user runs it: a child process (node + tsx) against the simulator.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../peers/process';
import { openChannel } from '../sim/protocol';
import { startSimulator, type Simulator } from '../sim/simulator';

const certDir = mkdtempSync(join(tmpdir(), 'dcv-tunnel-cli-'));
const live = new Set<ChildProcess>();

interface Run {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  nextLine(match: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tunnel/cli.ts', ...args], {
    cwd: process.cwd(),
    env: { ...process.env, HTTPS_PROXY: '', https_proxy: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  let err = '';
  const lines: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
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
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
      waiters.splice(0).forEach((w) => w());
    }),
  );
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    nextLine(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching line; stdout: ${out}\nstderr: ${err}`)), timeoutMs);
        const look = (): void => {
          const found = lines.find(match);
          if (found) {
            clearTimeout(t);
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(t);
            reject(new Error(`exited ${child.exitCode}; stdout: ${out}\nstderr: ${err}`));
          } else waiters.push(look);
        };
        look();
      });
    },
  };
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ name: 'agent-A', webUrlPath: '/10.150.248.180/' });
});
afterAll(async () => {
  for (const c of live) c.kill('SIGKILL');
  await sim.close();
  rmSync(certDir, { recursive: true, force: true });
});

describe('dcv-tunnel', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = cli(['--help']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('dcv-tunnel --target URL');
    expect(r.stdout()).toContain('--resolve HOST:PORT:ADDR');
  });

  it.each([
    [['--bogus'], /--bogus/],
    [[], /--target URL is required/],
    [['--target', 'http://127.0.0.1:1/'], /https:\/\//],
    [['--target', 'https://127.0.0.1:1/', '--pin', 'not-a-fingerprint'], /--pin/],
    [['--target', 'https://127.0.0.1:1/', '--listen', '0.0.0.0:8443'], /loopback/],
    [['--target', 'https://127.0.0.1:1/', '--resolve', 'nonsense'], /HOST:PORT:ADDRESS/],
    [['--target', 'https://127.0.0.1:1/', '--proxy', 'http://u:secret@proxy:3128'], /DCV_TUNNEL_PROXY_PASSWORD/],
  ])('bad flags %j exit 2 with a clear message', async (args, message) => {
    const r = cli(args as string[]);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toMatch(message);
  });

  it('--json: a ready line with the launch URL, events, and a prompt exit on SIGTERM', async () => {
    const target = `${sim.url}?authToken=T#session-1`;
    const r = cli(['--target', target, '--pin', sim.fingerprint, '--proxy', 'direct', '--cert-dir', certDir, '--json']);
    const ready = await r.nextLine((l) => l.event === 'ready');
    expect(r.lines[0]).toBe(ready);
    expect(ready).toMatchObject({ event: 'ready', port: expect.any(Number), fingerprint: expect.stringMatching(/^sha256\//) });
    expect(ready.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${ready.port as number}/__launch/[A-Za-z0-9_-]{43}$`));

    // Open the launch URL: the certificate presented is the one announced.
    const { location, cookie, fingerprint } = await new Promise<{ location?: string; cookie: string; fingerprint: string }>((resolve, reject) => {
      httpsGet(ready.url as string, { rejectUnauthorized: false }, (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate() as X509Certificate;
        res.resume();
        resolve({
          location: res.headers.location,
          cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0],
          fingerprint: 'sha256/' + createHash('sha256').update(cert.raw).digest('base64'),
        });
      }).on('error', reject);
    });
    expect(fingerprint).toBe(ready.fingerprint);
    expect(location).toBe('/?authToken=T#session-1');
    const ch = await openChannel(`https://127.0.0.1:${ready.port as number}/`, 'echo', { headers: { Cookie: cookie } });
    expect(ch.ack.path).toBe('/10.150.248.180/ws');
    await r.nextLine((l) => l.event === 'socket-open' && l.kind === 'websocket' && l.path === '/ws');
    await r.nextLine((l) => l.event === 'stats');

    // SIGTERM with a WebSocket still open.
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
    await new Promise<void>((resolve) => (ch.ws.readyState === ch.ws.CLOSED ? resolve() : ch.ws.once('close', () => resolve())));
  });

  it('without --json: readable lines, and SIGINT stops it', async () => {
    const r = cli(['--target', sim.url, '--pin', sim.fingerprint, '--proxy', 'direct', '--cert-dir', certDir]);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no ready line: ${r.stdout()} ${r.stderr()}`)), 60_000);
      r.child.stdout!.on('data', () => /ready: open https:\/\/127\.0\.0\.1:\d+\/__launch\//.test(r.stdout()) && (clearTimeout(t), resolve()));
    });
    expect(r.stdout()).toMatch(/^route DIRECT \(--proxy direct\)/m);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
  });

  it('a startup failure prints one JSON error line and exits 1', async () => {
    const port = await freePort('127.0.0.1');
    const r = cli(['--target', `https://127.0.0.1:${port}/`, '--proxy', 'direct', '--cert-dir', certDir, '--json']);
    expect(await r.exited).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatchObject({ event: 'error', code: 'TCP_REFUSED', message: expect.any(String) });
  });

  it('a pin mismatch is a startup failure too', async () => {
    const r = cli(['--target', sim.url, '--pin', 'sha256/' + Buffer.alloc(32).toString('base64'), '--proxy', 'direct', '--cert-dir', certDir, '--json']);
    expect(await r.exited).toBe(1);
    expect(r.lines[0]).toMatchObject({ event: 'error', code: 'TLS_PIN_MISMATCH' });
  });
});
