/**
 * The dcv-tunnel CLI as a user runs it: a child process (node + tsx) against the simulator.
 */
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
import { cli, killLiveClis } from './cli-run';

const certDir = mkdtempSync(join(tmpdir(), 'dcv-tunnel-cli-'));

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ name: 'agent-A', webUrlPath: '/10.150.248.180/' });
});
afterAll(async () => {
  killLiveClis();
  await sim.close();
  rmSync(certDir, { recursive: true, force: true });
});

describe('dcv-tunnel', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = cli(['--help']);
    expect(await r.exited).toBe(0);
    expect(r.stdout()).toContain('dcv-tunnel --target URL');
    expect(r.stdout()).toContain('--resolve HOST:PORT:ADDR');
    expect(r.stdout()).toContain('dcv-tunnel sessions BROKER');
    expect(r.stdout()).toContain('BROKER = --broker URL [--broker-pin FP] [--client-id ID] [--token-url URL]');
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
    expect(ready).toMatchObject({ event: 'ready', port: expect.any(Number), fingerprint: expect.stringMatching(/^sha256\//), spki: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/) });
    expect(ready.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${ready.port as number}/__launch/[A-Za-z0-9_-]{43}$`));

    // Open the launch URL: the certificate presented is the one announced.
    const { location, cookie, fingerprint, spki } = await new Promise<{ location?: string; cookie: string; fingerprint: string; spki: string }>((resolve, reject) => {
      httpsGet(ready.url as string, { rejectUnauthorized: false }, (res) => {
        const cert = (res.socket as TLSSocket).getPeerX509Certificate() as X509Certificate;
        res.resume();
        resolve({
          location: res.headers.location,
          cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0],
          fingerprint: 'sha256/' + createHash('sha256').update(cert.raw).digest('base64'),
          spki: createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'),
        });
      }).on('error', reject);
    });
    expect(fingerprint).toBe(ready.fingerprint);
    // What Chromium's --ignore-certificate-errors-spki-list wants.
    expect(spki).toBe(ready.spki);
    expect(location).toBe('/?authToken=T#session-1');
    const ch = await openChannel(`https://127.0.0.1:${ready.port as number}/`, 'echo', { headers: { Cookie: cookie } });
    expect(ch.landed?.path).toBe('/10.150.248.180/ws');
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
