/**
 * A fault-injecting TCP proxy for loopback tests: tunnel → fault proxy → desktop. It forwards
 * bytes untouched (TLS passes through), and on request makes the path behave like a bad
 * corporate network: latency, a bandwidth cap, a stall, a reset, a half-close, a slow
 * handshake, or the whole hop vanishing and coming back on the same port.
 *
 * Faults set with set() apply to connections already open and to new ones.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';

export interface FaultSettings {
  /** Added to every chunk, each way. */
  latencyMs: number;
  /** Token bucket per connection and direction; 0 = no cap. */
  bytesPerSecond: number;
  /** The first bytes of each new connection, each way, wait this long (a slow TLS handshake). */
  firstBytesDelayMs: number;
}

export interface FaultProxyOptions {
  target: { host: string; port: number };
  /** Default 127.0.0.1 and a free port. */
  listen?: { host?: string; port?: number };
}

export type Direction = 'to-upstream' | 'to-client';

/** Above this many queued bytes a lane stops reading its source, as a full TCP window would. */
const HIGH_WATER = 256 * 1024;
const NO_FAULTS: FaultSettings = { latencyMs: 0, bytesPerSecond: 0, firstBytesDelayMs: 0 };

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class FaultProxy {
  readonly host: string;
  /** Fixed for the proxy's life: restart() listens on it again. */
  readonly port: number;
  private server: Server | undefined;
  private readonly pairs = new Set<Pair>();
  private faults: FaultSettings = { ...NO_FAULTS };
  private stalledUntil = 0;
  private connections = 0;

  private constructor(
    private readonly opts: FaultProxyOptions,
    host: string,
    port: number,
  ) {
    this.host = host;
    this.port = port;
  }

  static async start(opts: FaultProxyOptions): Promise<FaultProxy> {
    const host = opts.listen?.host ?? '127.0.0.1';
    if (!host.startsWith('127.')) throw new Error(`FaultProxy: listens on loopback only, not ${host}`);
    const server = createServer({ allowHalfOpen: true });
    const port = await listenOn(server, host, opts.listen?.port ?? 0);
    const proxy = new FaultProxy(opts, host, port);
    proxy.adopt(server);
    return proxy;
  }

  /** Changes faults for open and new connections; unnamed ones keep their value. */
  set(faults: Partial<FaultSettings>): void {
    this.faults = { ...this.faults, ...faults };
  }

  clear(): void {
    this.faults = { ...NO_FAULTS };
    this.stalledUntil = 0;
  }

  settings(): Readonly<FaultSettings> {
    return this.faults;
  }

  /** Stops forwarding (both ways, every connection) for `ms`; what arrives meanwhile waits. */
  stall(ms: number): void {
    this.stalledUntil = Date.now() + ms;
  }

  stalledFor(): number {
    return Math.max(0, this.stalledUntil - Date.now());
  }

  /** Sends a TCP RST on both sides of every open connection. Returns how many connections. */
  reset(): number {
    const n = this.pairs.size;
    for (const p of this.pairs) {
      p.client.resetAndDestroy();
      p.upstream.resetAndDestroy();
    }
    return n;
  }

  /** Ends one direction of every open connection (a FIN), the other direction keeps flowing. */
  halfClose(direction: Direction): number {
    const n = this.pairs.size;
    for (const p of this.pairs) (direction === 'to-upstream' ? p.up : p.down).finish();
    return n;
  }

  /** The hop is gone: no listener, every connection closed. */
  async vanish(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** Listens again on the same port after vanish(). */
  async restart(): Promise<void> {
    if (this.server) return;
    const server = createServer({ allowHalfOpen: true });
    await listenOn(server, this.host, this.port);
    this.adopt(server);
  }

  /** Sockets open right now, both sides counted (a connection through the proxy is two). */
  openSockets(): number {
    let n = 0;
    for (const p of this.pairs) n += (p.client.destroyed ? 0 : 1) + (p.upstream.destroyed ? 0 : 1);
    return n;
  }

  stats(): { connections: number; open: number } {
    return { connections: this.connections, open: this.pairs.size };
  }

  async close(): Promise<void> {
    await this.vanish();
  }

  // -------------------------------------------------------------------------------------------

  private adopt(server: Server): void {
    this.server = server;
    server.on('connection', (client) => this.onConnection(client));
    server.on('error', () => {});
  }

  private onConnection(client: Socket): void {
    this.connections++;
    const upstream = netConnect({ host: this.opts.target.host, port: this.opts.target.port, allowHalfOpen: true });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: Pair = {
      client,
      upstream,
      up: new Lane(client, upstream, this),
      down: new Lane(upstream, client, this),
    };
    this.pairs.add(pair);
    let closed = 0;
    const onClose = (): void => {
      // Either side gone for good: the other goes too, as a real middlebox's state would.
      client.destroy();
      upstream.destroy();
      if (++closed === 2) this.pairs.delete(pair);
    };
    client.once('close', onClose);
    upstream.once('close', onClose);
    client.on('error', () => {});
    upstream.on('error', () => {});
  }

  /** For lanes: the settings now, and how long forwarding must still wait. */
  now(): { faults: FaultSettings; stallLeftMs: number } {
    return { faults: this.faults, stallLeftMs: this.stalledFor() };
  }
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** client → upstream */
  up: Lane;
  /** upstream → client */
  down: Lane;
}

/** One direction of one connection: a queue of chunks with a due time, drained in order. */
class Lane {
  private readonly queue: Array<{ due: number; data: Buffer }> = [];
  private queued = 0;
  private srcEnded = false;
  private finished = false;
  private running = false;
  private first = true;
  private tokens = 0;
  private refilledAt = Date.now();

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly proxy: FaultProxy,
  ) {
    src.on('data', (chunk: Buffer) => this.onData(chunk));
    src.on('end', () => {
      this.srcEnded = true;
      this.kick();
    });
  }

  /** Ends this direction now: a FIN to the destination, later bytes from the source dropped. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.queue.length = 0;
    this.queued = 0;
    this.src.resume();
    if (!this.dst.destroyed) this.dst.end();
  }

  private onData(chunk: Buffer): void {
    if (this.finished) return;
    const { faults } = this.proxy.now();
    const delay = faults.latencyMs + (this.first ? faults.firstBytesDelayMs : 0);
    this.first = false;
    this.queue.push({ due: Date.now() + delay, data: chunk });
    this.queued += chunk.length;
    if (this.queued > HIGH_WATER) this.src.pause();
    this.kick();
  }

  private kick(): void {
    if (this.running) return;
    this.running = true;
    void this.drain().finally(() => {
      this.running = false;
      if (this.queue.length > 0 && !this.finished && !this.dst.destroyed) this.kick();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && !this.finished && !this.dst.destroyed) {
      const head = this.queue[0];
      const wait = head.due - Date.now();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      const { faults, stallLeftMs } = this.proxy.now();
      if (stallLeftMs > 0) {
        await sleep(stallLeftMs);
        continue;
      }
      let piece = head.data;
      if (faults.bytesPerSecond > 0) {
        const allowed = this.take(faults.bytesPerSecond, piece.length);
        if (allowed === 0) {
          await sleep(Math.max(5, Math.ceil((Math.min(piece.length, 16 * 1024) / faults.bytesPerSecond) * 1000)));
          continue;
        }
        piece = piece.subarray(0, allowed);
      }
      if (piece.length === head.data.length) this.queue.shift();
      else head.data = head.data.subarray(piece.length);
      this.queued -= piece.length;
      if (this.queued <= HIGH_WATER / 2 && !this.finished) this.src.resume();
      if (!this.dst.write(piece)) await new Promise<void>((r) => this.dst.once('drain', r).once('close', r));
    }
    if (this.srcEnded && this.queue.length === 0 && !this.finished) {
      this.finished = true;
      if (!this.dst.destroyed) this.dst.end();
    }
  }

  /** Token bucket with 100 ms of burst: how many of `want` bytes may go now. */
  private take(rate: number, want: number): number {
    const now = Date.now();
    const burst = Math.max(1024, rate / 10);
    this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) / 1000) * rate);
    this.refilledAt = now;
    const n = Math.min(want, Math.floor(this.tokens));
    this.tokens -= n;
    return n;
  }
}

function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}
