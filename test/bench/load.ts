/**
 * The load generator: what one measurement does against one endpoint (the simulator directly,
 * the tunnel, nginx). Same client code for every scenario, so only the proxy differs.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { request } from '../sim/http';
import { ASSET_COUNT } from '../sim/page';
import { HEADER_BYTES, SimMsg, openChannel, openMain, type Channel, type DcvSocket, type MainConnection } from '../sim/protocol';

export interface Endpoint {
  /** The desktop's page, https://host:port/ */
  url: string;
  /** Sent on every request and upgrade: the tunnel's session cookie, nothing elsewhere. */
  headers: Record<string, string>;
  /** WebSocket Origin; default the page's own origin, as a browser on that page sends. */
  origin?: string;
}

const SOCKET_TIMEOUT_MS = 120_000;

/** Trades a tunnel's one-time launch URL for its session cookie, as the app's window does. */
export async function signIn(launchUrl: string): Promise<Endpoint> {
  const res = await request(launchUrl);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]?.split(';')[0];
  if (res.status !== 302 || !cookie) throw new Error(`launch URL answered ${res.status} without a session cookie: ${res.text.slice(0, 200)}`);
  const origin = new URL(launchUrl).origin;
  return { url: `${origin}/`, headers: { Cookie: cookie }, origin };
}

/** Reads the simulator's Data messages up to Done; returns the payload bytes seen. No hashing: the client must not be the bottleneck. */
async function drainStream(s: DcvSocket): Promise<number> {
  let bytes = 0;
  for (;;) {
    const m = await s.next(SOCKET_TIMEOUT_MS);
    const type = m.readUInt32LE(0);
    if (type === SimMsg.Data) bytes += m.length - HEADER_BYTES;
    else if (type === SimMsg.Done) return bytes;
    else throw new Error(`stream: unexpected message type ${type}: ${m.subarray(HEADER_BYTES, 200).toString()}`);
  }
}

/**
 * One downstream bulk stream (the display channel's shape): payload bytes and ms from the
 * channel's confirm to Done. The main connection (and /auth before it) is opened first, outside the timing.
 */
export async function streamOnce(ep: Endpoint, bytes: number): Promise<{ bytes: number; ms: number }> {
  const ch = await openChannel(ep.url, 'stream', { bytes, headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS });
  try {
    const t0 = performance.now();
    const got = await drainStream(ch);
    const ms = performance.now() - t0;
    if (got !== bytes) throw new Error(`stream: asked for ${bytes} bytes, got ${got}`);
    return { bytes: got, ms };
  } finally {
    await ch.close();
  }
}

/** `count` sequential echo round trips of `size` bytes (the input channel's shape), in ms each (on its own main connection). */
export async function echoRoundTrips(ep: Endpoint, count: number, size = 64): Promise<number[]> {
  const ch = await openChannel(ep.url, 'echo', { headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS });
  try {
    const payload = Buffer.alloc(size, 0x5a);
    for (let i = 0; i < Math.min(50, count); i++) await ch.echo(payload); // JIT and TCP warm-up
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const back = await ch.echo(payload);
      samples.push(performance.now() - t0);
      if (back.length !== size) throw new Error(`echo: sent ${size} bytes, got ${back.length} back`);
    }
    return samples;
  } finally {
    await ch.close();
  }
}

/**
 * Echo round trips while a bulk stream runs on another socket of the same desktop (same main
 * connection, so through the tunnel: the same LocalTunnel), paced at `bulkRate` bytes/s so
 * every proxy carries the same load (0: as fast as it goes). The bulk runs from before the
 * warm-up to after the last sample. Also the bulk's MiB/s.
 */
export async function echoUnderBulk(ep: Endpoint, count: number, bulkRate: number, size = 64): Promise<{ rtt: number[]; bulkMibs: number }> {
  const opts = { headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS };
  const main = await openMain(ep.url, opts);
  let stop = false;
  let bulkBytes = 0;
  try {
    const bulk = await openChannel(ep.url, 'stream', { ...opts, main, bytes: Number.MAX_SAFE_INTEGER, ...(bulkRate > 0 && { rate: bulkRate }) });
    const t0 = performance.now();
    const draining = (async () => {
      while (!stop) {
        const m = await bulk.next(SOCKET_TIMEOUT_MS);
        if (m.readUInt32LE(0) !== SimMsg.Data) throw new Error(`bulk: unexpected message type ${m.readUInt32LE(0)}`);
        bulkBytes += m.length - HEADER_BYTES;
      }
    })();
    const ch = await openChannel(ep.url, 'echo', { ...opts, main });
    const payload = Buffer.alloc(size, 0x5a);
    const rtt: number[] = [];
    try {
      for (let i = 0; i < Math.min(50, count); i++) await ch.echo(payload);
      for (let i = 0; i < count; i++) {
        const t = performance.now();
        const back = await ch.echo(payload);
        rtt.push(performance.now() - t);
        if (back.length !== size) throw new Error(`echo: sent ${size} bytes, got ${back.length} back`);
      }
    } finally {
      stop = true;
      await ch.close();
    }
    const bulkMibs = bulkBytes / (1024 * 1024) / ((performance.now() - t0) / 1000);
    await bulk.close();
    await draining.catch(() => {}); // ends with the socket
    return { rtt, bulkMibs };
  } finally {
    stop = true;
    await main.close();
  }
}

/** A browser's connection pool to one origin: 6 keep-alive connections. */
export function browserAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 6, maxFreeSockets: 6, rejectUnauthorized: false });
}

function get(url: URL, ep: Endpoint, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { agent, headers: ep.headers, rejectUnauthorized: false, timeout: SOCKET_TIMEOUT_MS }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`GET ${url.pathname}: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url.pathname} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The page, then its script and 40 assets (≈ 4 MB) over the agent's 6 connections; ms and bytes. */
export async function loadPage(ep: Endpoint, agent: Agent): Promise<{ ms: number; bytes: number }> {
  const base = new URL(ep.url);
  const t0 = performance.now();
  let bytes = await get(base, ep, agent);
  const rest = ['client.js', ...Array.from({ length: ASSET_COUNT }, (_, i) => `assets/${i}.js`)];
  for (const b of await Promise.all(rest.map((p) => get(new URL(p, base), ep, agent)))) bytes += b;
  return { ms: performance.now() - t0, bytes };
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/**
 * Many desktops at once: every endpoint gets one main connection (after /auth) and
 * `socketsPer - 1` stream channels on it, all open at the same time like desktops left open
 * (so `socketsPer` sockets per desktop, as before); then every channel streams `bytesPer` at
 * once. `whileOpen` runs once every socket is open, before the streams start.
 */
export async function fanout(
  eps: Endpoint[],
  socketsPer: number,
  bytesPer: number,
  whileOpen?: () => void,
): Promise<{ bytes: number; ms: number; sockets: number; streams: number }> {
  if (socketsPer < 2) throw new Error(`fanout: a desktop needs its main socket and at least one channel, got socketsPer=${socketsPer}`);
  const mains: MainConnection[] = [];
  const streams: Channel[] = [];
  try {
    const opts = (ep: Endpoint) => ({ headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS });
    await mapLimit(eps, 25, async (ep) => {
      const main = await openMain(ep.url, opts(ep));
      mains.push(main);
      for (let i = 1; i < socketsPer; i++) streams.push(await openChannel(ep.url, 'stream', { ...opts(ep), main, bytes: bytesPer, hold: true }));
    });
    whileOpen?.();
    const t0 = performance.now();
    const got = await Promise.all(
      streams.map(async (s) => {
        await s.startStream();
        return drainStream(s);
      }),
    );
    const ms = performance.now() - t0;
    const bytes = got.reduce((a, b) => a + b, 0);
    if (bytes !== bytesPer * streams.length) throw new Error(`fanout: expected ${bytesPer * streams.length} bytes, got ${bytes}`);
    return { bytes, ms, sockets: mains.length + streams.length, streams: streams.length };
  } finally {
    await Promise.all(streams.map((s) => s.close()));
    await Promise.all(mains.map((m) => m.close()));
  }
}
