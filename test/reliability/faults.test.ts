/**
 * Faults on the path between the tunnel and the desktop, injected by a TCP proxy in the
 * middle (TLS passes through it untouched, so the pin is still the desktop's):
 *
 *   page (LaunchClient) → LocalTunnel (ConnectionManager) → FaultProxy → simulator
 *
 * For each fault: nothing unhandled, a clear code on the page (502 page / refused upgrade)
 * and in the UI (connection state), no socket left behind in the tunnel or the proxy, and
 * once the fault clears a fresh WebSocket echo through the SAME local origin works.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimMsg, UpgradeRefusedError, decodeSim, type Channel, type StreamDone } from '../sim/protocol';
import { startSimulator, type Simulator } from '../sim/simulator';
import { LaunchClient } from '../scenario/launch-client';
import { LocalTunnel } from '../../tunnel/local-tunnel';
import { FaultProxy } from './fault-proxy';
import { installHosts, type Hosts } from './hosts';
import { startLauncher, type Launcher, type Opened } from './launcher';
import { eventually, recordFigure, startFigures, unhandledCounter } from './record';

const SUITE = 'faults';
const MB = 1_000_000;
/** Short dial timeouts, as a launcher on a flaky network would want; probes back off 100 ms → 800 ms. */
const TIMEOUTS = { connectMs: 2_000, handshakeMs: 1_500 };

let sim: Simulator;
let launcher: Launcher;
let hosts: Hosts;
const unhandled = unhandledCounter();

beforeAll(async () => {
  startFigures(SUITE, 'Faults between the tunnel and the desktop', [
    `dial timeouts ${TIMEOUTS.connectMs / 1000} s connect, ${TIMEOUTS.handshakeMs / 1000} s TLS; reconnect probes back off 100 ms → 800 ms`,
  ]);
  sim = await startSimulator({ name: 'agent-F' });
  launcher = await startLauncher({ timeouts: TIMEOUTS });
  hosts = installHosts();
});

afterAll(async () => {
  await launcher?.close();
  await sim?.close();
  hosts?.dispose();
  unhandled.dispose();
});

interface Scenario {
  id: string;
  proxy: FaultProxy;
  opened: Opened;
  client: LaunchClient;
}

let counter = 0;
/** A desktop reached through its own fault proxy, trusted, opened and signed in; one echo works. */
async function scenario(host = '127.0.0.1'): Promise<Scenario> {
  const proxy = await FaultProxy.start({ target: { host: sim.host, port: sim.port } });
  const id = await launcher.addDesktop(`f${++counter}`, host, proxy.port);
  const opened = await launcher.trustAndOpen(id);
  const client = await launcher.signIn(opened);
  await echoOnce(client);
  return { id, proxy, opened, client };
}

async function echoOnce(client: LaunchClient): Promise<number> {
  const ch = await client.channel('echo');
  try {
    return await timedEcho(ch, randomBytes(1024));
  } finally {
    await ch.close();
  }
}

async function timedEcho(ch: Channel, payload: Buffer): Promise<number> {
  const started = performance.now();
  const back = await ch.echo(payload);
  expect(back.equals(payload)).toBe(true);
  return Math.round(performance.now() - started);
}

function closed(ch: Channel): Promise<number> {
  return new Promise((resolve) => {
    if (ch.ws.readyState === ch.ws.CLOSED) return resolve(1006);
    ch.ws.once('close', (code) => resolve(code));
  });
}

/** What the page gets while the path is broken: a refused upgrade and a 502/504 page, both naming the code. */
async function pageSees(client: LaunchClient, code: string): Promise<string> {
  const refused = await client.channel('echo').then(
    async (ch) => {
      await ch.close();
      throw new Error('the WebSocket opened although the path is broken');
    },
    (e: unknown) => e,
  );
  expect(refused).toBeInstanceOf(UpgradeRefusedError);
  const ws = refused as UpgradeRefusedError;
  expect([502, 504]).toContain(ws.statusCode);
  expect(ws.body).toContain(code);
  const json = await client.get('/', { Accept: 'application/json' });
  expect([502, 504]).toContain(json.status);
  expect(JSON.parse(json.text)).toMatchObject({ error: { code } });
  const html = await client.get('/', { Accept: 'text/html' });
  expect(html.status).toBe(json.status);
  expect(html.text).toContain(`<code>${code}</code>`);
  return `${ws.statusCode} ${code} (WebSocket and page)`;
}

/** The UI's view: the connection went to reconnecting with this code (and kept probing while it lasted). */
async function uiSees(s: Scenario, code: string, probes = 2): Promise<string> {
  await eventually(
    () => launcher.states(s.id).some((st) => st.kind === 'reconnecting' && st.lastError.code === code && st.attempt >= probes),
    `reconnecting with ${code}, attempt ${probes}`,
  );
  expect(launcher.states(s.id).some((st) => st.kind === 'failed')).toBe(false);
  return `reconnecting ${code}`;
}

/** The UI was told "connecting" (per step) and then "open", and nothing since. */
function openThroughout(s: Scenario): void {
  expect(launcher.states(s.id).map((st) => st.kind).filter((k) => k !== 'connecting')).toEqual(['open']);
}

/** After the fault cleared: open again on the same port, and a fresh echo through the same origin. */
async function recovers(s: Scenario): Promise<string> {
  await eventually(() => launcher.manager.get(s.id)?.state.kind === 'open', 'open again');
  const info = launcher.manager.get(s.id)!;
  expect(info.port).toBe(s.opened.connection.port);
  expect(s.client.origin).toBe(s.opened.connection.origin);
  const rtt = await echoOnce(s.client);
  return `echo OK on the same :${info.port} (${rtt} ms)`;
}

/** The page closes its sockets: the tunnel must count none; closing the desktop must leave the proxy with none. */
async function cleanedUp(s: Scenario, channels: Channel[] = []): Promise<string> {
  await Promise.all(channels.map((c) => c.close()));
  await eventually(() => launcher.manager.get(s.id)?.stats.activeSockets === 0, 'tunnel: no page sockets');
  const { activeWebSockets } = launcher.manager.get(s.id)!.stats;
  expect(activeWebSockets).toBe(0);
  expect(await launcher.manager.close(s.id)).toBe(true);
  await eventually(() => s.proxy.openSockets() === 0, 'fault proxy: no sockets');
  await s.proxy.close();
  return 'tunnel 0, proxy 0';
}

function record(fault: string, columns: { page: string; ui: string; sockets: string; recovered: string }): void {
  expect(unhandled.messages).toEqual([]);
  recordFigure(SUITE, {
    case: fault,
    'Page saw': columns.page,
    'UI saw': columns.ui,
    'Sockets after': columns.sockets,
    'After the fault': columns.recovered,
    Unhandled: unhandled.count(),
  });
}

/** Reads a stream channel; `during(bytes)` is called as data arrives. Returns what arrived and the longest gap. */
async function readStream(ch: Channel, during: (bytes: number) => void): Promise<{ bytes: number; intact: boolean; maxGapMs: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  let last = performance.now();
  let maxGapMs = 0;
  for (;;) {
    const msg = decodeSim(await ch.next(30_000));
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
    if (msg.type === SimMsg.Data) {
      hash.update(msg.payload);
      bytes += msg.payload.length;
      during(bytes);
    } else if (msg.type === SimMsg.Done) {
      const done = JSON.parse(msg.payload.toString()) as StreamDone;
      return { bytes, intact: done.bytes === bytes && done.sha256 === hash.digest('hex'), maxGapMs: Math.round(maxGapMs) };
    } else {
      throw new Error(`unexpected message type ${msg.type}`);
    }
  }
}

describe('faults between the tunnel and the desktop', () => {
  it('latency: 100 ms each way', async () => {
    const s = await scenario();
    s.proxy.set({ latencyMs: 100 });
    const openedAt = performance.now();
    const ch = await s.client.channel('echo');
    const openMs = Math.round(performance.now() - openedAt);
    const rtts = [];
    for (let i = 0; i < 3; i++) rtts.push(await timedEcho(ch, randomBytes(4096)));
    // The proxy adds 100 ms each way: a round trip cannot be quicker than 200 ms (a lower bound, not a timing budget).
    expect(Math.min(...rtts)).toBeGreaterThanOrEqual(195);
    openThroughout(s);
    s.proxy.clear();
    record('latency 100 ms each way', {
      page: `works: new socket in ${openMs} ms, echo RTT ${Math.min(...rtts)}–${Math.max(...rtts)} ms`,
      ui: 'open throughout',
      recovered: await recovers(s),
      sockets: await cleanedUp(s, [ch]),
    });
  });

  it('bandwidth cap: 1 MB/s', async () => {
    const s = await scenario();
    s.proxy.set({ bytesPerSecond: MB });
    const size = 2 * 1024 * 1024;
    const ch = await s.client.channel('stream', '/', { bytes: size });
    const started = performance.now();
    const got = await readStream(ch, () => {});
    const seconds = (performance.now() - started) / 1000;
    expect(got).toMatchObject({ bytes: size, intact: true });
    const rate = size / seconds;
    // The cap holds (with the bucket's 100 ms burst): payload cannot arrive faster than 1 MB/s.
    expect(rate).toBeLessThan(1.15 * MB);
    openThroughout(s);
    s.proxy.clear();
    record('bandwidth cap 1 MB/s', {
      page: `2 MiB stream intact at ${(rate / MB).toFixed(2)} MB/s`,
      ui: 'open throughout',
      recovered: await recovers(s),
      sockets: await cleanedUp(s, [ch]),
    });
  });

  it('a 3 s stall in mid-stream', async () => {
    const s = await scenario();
    s.proxy.set({ bytesPerSecond: MB });
    const size = 1536 * 1024;
    const ch = await s.client.channel('stream', '/', { bytes: size });
    const echo = await s.client.channel('echo');
    let stalled = false;
    const got = await readStream(ch, (bytes) => {
      if (!stalled && bytes >= 256 * 1024) {
        stalled = true;
        s.proxy.stall(3_000);
      }
    });
    expect(stalled).toBe(true);
    expect(got).toMatchObject({ bytes: size, intact: true });
    // The stall really happened (bytes already past the proxy still arrive, so a little under 3 s).
    expect(got.maxGapMs).toBeGreaterThanOrEqual(2_000);
    // The other socket of the same desktop waited out the stall too, and is still usable.
    await timedEcho(echo, randomBytes(512));
    openThroughout(s);
    s.proxy.clear();
    record('stall 3 s in mid-stream', {
      page: `stream resumed, intact (longest gap ${(got.maxGapMs / 1000).toFixed(1)} s); no socket dropped`,
      ui: 'open throughout (nothing failed)',
      recovered: await recovers(s),
      sockets: await cleanedUp(s, [ch, echo]),
    });
  });

  it('a stall longer than the response timeout, under an HTTP request (tunnel on its own, 1 s timeout)', async () => {
    // The launcher keeps the tunnel's default 60 s; a tunnel of its own makes the 504 quick to reach.
    const proxy = await FaultProxy.start({ target: { host: sim.host, port: sim.port } });
    const tunnel = await LocalTunnel.start({
      upstream: { host: '127.0.0.1', port: proxy.port, pathPrefix: '/' },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [sim.fingerprint] },
      certDir: launcher.certDir,
      upstreamResponseTimeoutMs: 1_000,
    });
    const events: string[] = [];
    tunnel.on('upstream-error', (e) => events.push(e.code));
    try {
      const { client } = await LaunchClient.signIn(tunnel.createLaunchUrl(), launcher.certDir);
      // One request first, so a pooled connection exists and the next request goes out at once.
      expect((await client.get('/')).status).toBe(200);
      proxy.stall(2_500);
      const page = await client.get('/', { Accept: 'text/html' });
      expect(page.status).toBe(504);
      expect(page.text).toContain('<code>UPSTREAM_TIMEOUT</code>');
      expect(events).toEqual(['UPSTREAM_TIMEOUT']);
      await eventually(() => proxy.stalledFor() === 0, 'the stall is over');
      expect((await client.get('/')).status).toBe(200);
      const rtt = await echoOnce(client);
      expect(client.origin).toBe(tunnel.origin);
      await eventually(() => tunnel.stats().activeSockets === 0, 'tunnel: no page sockets');
      await tunnel.close();
      await eventually(() => proxy.openSockets() === 0, 'fault proxy: no sockets');
      record('stall 2.5 s under an HTTP request (response timeout 1 s)', {
        page: '504 UPSTREAM_TIMEOUT (page)',
        ui: 'upstream-error UPSTREAM_TIMEOUT (tunnel event)',
        recovered: `page 200 and echo OK on the same :${tunnel.port} (${rtt} ms)`,
        sockets: 'tunnel 0, proxy 0',
      });
    } finally {
      await tunnel.close();
      await proxy.close();
    }
  });

  it('a reset (RST) in mid-stream', async () => {
    const s = await scenario();
    s.proxy.set({ bytesPerSecond: MB });
    const ch = await s.client.channel('stream', '/', { bytes: 4 * 1024 * 1024 });
    const idle = await s.client.channel('echo');
    const pageClosed = [closed(ch), closed(idle)];
    let resets = 0;
    await readStream(ch, (bytes) => {
      if (resets === 0 && bytes >= 256 * 1024) resets = s.proxy.reset();
    }).catch(() => {});
    expect(resets).toBeGreaterThanOrEqual(2);
    const codes = await Promise.all(pageClosed);
    expect(codes).toEqual([1006, 1006]);
    const ui = await uiSees(s, 'UPSTREAM_RESET', 1);
    s.proxy.clear();
    record('reset (RST) in mid-stream', {
      page: `both WebSockets closed (${codes[0]}, no close frame)`,
      ui,
      recovered: await recovers(s),
      sockets: await cleanedUp(s),
    });
  });

  for (const direction of ['to-client', 'to-upstream'] as const) {
    it(`a half-close (FIN ${direction === 'to-client' ? 'from the desktop side' : 'to the desktop'}, other direction open)`, async () => {
      const s = await scenario();
      const ch = await s.client.channel('echo');
      const pageClosed = closed(ch);
      // The echo channel's socket and the main connection it was opened on (the /auth socket before them has gone).
      await eventually(() => s.proxy.stats().open === 2, 'main and echo are the proxy’s only connections');
      expect(s.proxy.halfClose(direction)).toBe(2);
      // No half-open socket left dangling anywhere: the page's socket ends, and so does everything behind it.
      const code = await pageClosed;
      await eventually(() => s.proxy.openSockets() === 0, 'the proxy’s connection closed both ways');
      const state = launcher.manager.get(s.id)!.state.kind;
      record(`half-close (FIN ${direction})`, {
        page: `WebSocket closed (${code}); nothing left half-open`,
        ui: `${state} (a FIN is a normal end of a byte pipe: no error to report)`,
        recovered: await recovers(s),
        sockets: await cleanedUp(s),
      });
    });
  }

  it('a slow TLS handshake: first bytes held 3 s (over the 1.5 s handshake timeout), then 0.5 s', async () => {
    const s = await scenario();
    const open = await s.client.channel('echo');
    s.proxy.set({ firstBytesDelayMs: 3_000 });
    const page = await pageSees(s.client, 'TLS_HANDSHAKE_FAILED');
    const ui = await uiSees(s, 'TLS_HANDSHAKE_FAILED');
    // A socket opened before the fault is not affected by it.
    await timedEcho(open, randomBytes(256));
    // Slow but within the timeout: the desktop comes back.
    s.proxy.set({ firstBytesDelayMs: 500 });
    const recovered = await recovers(s);
    s.proxy.clear();
    record('slow TLS handshake (first bytes +3 s)', { page, ui, recovered: `${recovered}; with +0.5 s`, sockets: await cleanedUp(s, [open]) });
  });

  it('the hop vanishes (listener and sockets gone), then comes back on the same port', async () => {
    const s = await scenario();
    const ch = await s.client.channel('echo');
    const pageClosed = closed(ch);
    await s.proxy.vanish();
    const code = await pageClosed;
    const page = await pageSees(s.client, 'TCP_REFUSED');
    const ui = await uiSees(s, 'TCP_REFUSED');
    await s.proxy.restart();
    record('hop vanishes, back on the same port', {
      page: `open WebSocket closed (${code}); then ${page}`,
      ui,
      recovered: await recovers(s),
      sockets: await cleanedUp(s),
    });
  });

  it('DNS fails (real resolver, name under .test), then the name resolves again', async () => {
    const name = 'desk-dns.fault.test';
    hosts.set(name, '127.0.0.1');
    const s = await scenario(name);
    const open = await s.client.channel('echo');
    hosts.remove(name);
    const page = await pageSees(s.client, 'DNS_NOT_FOUND');
    const ui = await uiSees(s, 'DNS_NOT_FOUND');
    // Names matter only when dialling: the socket already open keeps working.
    await timedEcho(open, randomBytes(256));
    hosts.set(name, '127.0.0.1');
    record('DNS fails, then resolves again', { page, ui, recovered: await recovers(s), sockets: await cleanedUp(s, [open]) });
  });
});
