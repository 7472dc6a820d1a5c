/** `dcv-tunnel doctor` as a user runs it: a child process, its stdout and its exit status. */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI from source with a proxy environment we control (none unless given). */
function doctor(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/_proxy$/i.test(k)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'tunnel/cli.ts', 'doctor', ...args], { env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('dcv-tunnel doctor', () => {
  let sim: Simulator;
  let other: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ keepaliveMs: 60_000 });
    other = await startSimulator({ keepaliveMs: 60_000 });
  });
  afterAll(async () => {
    await sim?.close();
    await other?.close();
  });

  it('--json: one parseable line, exit 0 when the path works', async () => {
    const r = await doctor(['--target', sim.url, '--pin', sim.fingerprintHex, '--proxy', 'direct', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]);
    expect(out.ok).toBe(true);
    expect(out.steps.map((s: { id: string }) => s.id)).toEqual(['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket']);
    expect(out.steps[5]).toMatchObject({ id: 'websocket', status: 'ok', code: 'OK' });
    for (const s of out.steps) expect(Object.keys(s)).toEqual(expect.arrayContaining(['id', 'status', 'code', 'durationMs', 'detail']));
  });

  it('--json: exit 1 and the failing step when the pin does not match', async () => {
    const r = await doctor(['--target', sim.url, '--pin', other.fingerprint, '--proxy', 'direct', '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout.trim());
    expect(out.ok).toBe(false);
    const tls = out.steps.find((s: { id: string }) => s.id === 'tls');
    expect(tls).toMatchObject({ status: 'fail', code: 'TLS_PIN_MISMATCH' });
    expect(tls.hint).toContain('dcv list-endpoints');
  });

  it('exit 2 on a bad flag', async () => {
    const r = await doctor(['--target', sim.url, '--pin', 'not-a-fingerprint', '--json']);
    expect(r.code).toBe(2);
  });

  it('text: a table with symbols, and the proxy the environment would impose on a plain browser', async () => {
    const r = await doctor(['--target', `${sim.url}?authToken=SECRET-T0KEN-42`, '--pin', sim.fingerprint, '--proxy', 'direct'], {
      HTTPS_PROXY: 'http://proxy.corp.example:8080',
      NO_PROXY: 'localhost,.internal.example',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/– dns\s+SKIPPED.*IP address/);
    expect(r.stdout).toMatch(/✓ tcp\s+OK/);
    expect(r.stdout).toMatch(/ℹ proxy\s+SYSTEM_PROXY_WOULD_INTERCEPT/);
    expect(r.stdout).toContain('PROXY proxy.corp.example:8080');
    // The plain browser's route and why, each said once, no parentheses inside parentheses.
    expect(r.stdout).toContain('a plain browser here would use PROXY proxy.corp.example:8080 (HTTPS_PROXY is set and no NO_PROXY entry matches)');
    expect(r.stdout).toMatch(/a plain browser on this machine would send 127\.0\.0\.1 to PROXY proxy\.corp\.example:8080\s+\(HTTPS_PROXY is set and no NO_PROXY entry matches\): that is why curl works/);
    expect(r.stdout).not.toMatch(/\([^()]*\(/);
    expect(r.stdout).toMatch(/✓ websocket\s+OK/);
    expect(r.stdout).toContain('OK, with notes');
    expect(r.stdout).toContain('no_proxy');
    expect(r.stdout).not.toContain('SECRET-T0KEN-42');
    // Without a session id the client signs in on <base>auth, and no socket URL carries the token.
    expect(sim.stats().sockets.at(-1)).toMatchObject({ socket: 'auth', path: '/auth', query: '' });
    expect(r.stdout).toMatch(/ℹ http\s+HSTS_SELF_SIGNED.*GET \/\?authToken=\[redacted\] → 200/);
  });
});
