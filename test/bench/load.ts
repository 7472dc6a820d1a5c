/**
 * The load generator: what one measurement does against one endpoint (the simulator directly,
 * the tunnel, nginx). Same client code for every scenario, so only the proxy differs.
 */
import { Agent, request as httpsRequest } from 'node:https';
import { request } from '../sim/http';
import { ASSET_COUNT } from '../sim/page';
import { HEADER_BYTES, MsgType, decodeJson, encode, openChannel, openSocket, socketUrl, type Ack, type DcvSocket, type Hello } from '../sim/protocol';

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

/** Reads Data messages up to Done; returns the payload bytes seen. No hashing: the client must not be the bottleneck. */
async function drainStream(s: DcvSocket): Promise<number> {
  let bytes = 0;
  for (;;) {
    const m = await s.next(SOCKET_TIMEOUT_MS);
    const type = m.readUInt32LE(0);
    if (type === MsgType.Data) bytes += m.length - HEADER_BYTES;
    else if (type === MsgType.Done) return bytes;
    else throw new Error(`stream: unexpected message type ${type}: ${m.subarray(HEADER_BYTES, 200).toString()}`);
  }
}

/** One downstream bulk stream (the display channel's shape): payload bytes and ms from Ack to Done. */
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

/** `count` sequential echo round trips of `size` bytes (the input channel's shape), in ms each. */
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
 * Many desktops at once: `socketsPer` sockets to every endpoint are opened first (all open at
 * the same time, like desktops left open), then every one streams `bytesPer` at once.
 * `whileOpen` runs once every socket is open, before the streams start.
 */
export async function fanout(
  eps: Endpoint[],
  socketsPer: number,
  bytesPer: number,
  whileOpen?: () => void,
): Promise<{ bytes: number; ms: number; sockets: number }> {
  const sockets: DcvSocket[] = [];
  try {
    const targets = eps.flatMap((ep) => Array.from({ length: socketsPer }, () => ep));
    await mapLimit(targets, 25, async (ep) => {
      sockets.push(await openSocket(socketUrl(ep.url, 'ws'), { headers: ep.headers, origin: ep.origin, timeoutMs: SOCKET_TIMEOUT_MS }));
    });
    whileOpen?.();
    const hello = encode(MsgType.Hello, { channel: 'stream', bytes: bytesPer } satisfies Hello);
    const t0 = performance.now();
    const got = await Promise.all(
      sockets.map(async (s) => {
        await s.send(hello);
        decodeJson<Ack>(await s.next(SOCKET_TIMEOUT_MS), MsgType.Ack);
        return drainStream(s);
      }),
    );
    const ms = performance.now() - t0;
    const bytes = got.reduce((a, b) => a + b, 0);
    if (bytes !== bytesPer * sockets.length) throw new Error(`fanout: expected ${bytesPer * sockets.length} bytes, got ${bytes}`);
    return { bytes, ms, sockets: sockets.length };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
}
