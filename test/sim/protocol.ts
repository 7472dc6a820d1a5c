/**
 * The simulator's tiny message protocol, shaped like DCV's: binary WebSocket messages,
 * each starting with an 8-byte header of two little-endian uint32 (type, payload length).
 * Plus a Node client (`openChannel`, `openAuth`) that tests and the benchmark drive it with.
 */
import { createHash } from 'node:crypto';
import WebSocket, { type ClientOptions } from 'ws';

export const SUBPROTOCOL = 'dcv';
export const HEADER_BYTES = 8;
/** Payload size of each downstream message of a 'stream' channel. */
export const STREAM_CHUNK_BYTES = 64 * 1024;

export const MsgType = {
  /** client → server, JSON AuthRequest, first message on <base>auth */
  AuthRequest: 1,
  /** server → client, JSON AuthResult */
  AuthResult: 2,
  /** client → server, JSON Hello, first message on every <base>ws socket */
  Hello: 3,
  /** server → client, JSON Ack */
  Ack: 4,
  /** raw bytes, either way */
  Data: 5,
  /** server → client, JSON StreamDone, after the last Data of a 'stream' channel */
  Done: 6,
  /** server → client, JSON { error }, before the server closes a socket it cannot serve */
  Error: 7,
} as const;
export type MsgTypeValue = (typeof MsgType)[keyof typeof MsgType];

/** Channels a real client opens, plus two for tests: 'echo' and 'stream'. */
export const CHANNELS = ['main', 'display', 'input', 'clipboard', 'audio', 'filestorage', 'echo', 'stream'] as const;
export type ChannelName = (typeof CHANNELS)[number];

export interface AuthRequest {
  user: string;
  authToken?: string;
}
export interface AuthResult {
  ok: boolean;
  agent: string;
}
export interface Hello {
  channel: ChannelName;
  /** 'main' carries these, as the DCV client does: inside the first /ws message, not in the URL. */
  sessionId?: string;
  authToken?: string;
  /** 'stream': how many bytes the server should send. */
  bytes?: number;
}
export interface Ack {
  channel: ChannelName;
  agent: string;
  /** What the server saw on the upgrade, so a test can tell where a socket landed and how. */
  path: string;
  host: string;
  origin: string;
  sessionId?: string;
  tokenPresent: boolean;
}
export interface StreamDone {
  bytes: number;
  sha256: string;
}

export interface Message {
  type: number;
  payload: Buffer;
}

export function encode(type: number, payload: Buffer | Uint8Array | string | object = Buffer.alloc(0)): Buffer {
  const body =
    Buffer.isBuffer(payload) ? payload
    : payload instanceof Uint8Array ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(type, 0);
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Throws on a message that is too short or whose length field disagrees with its size. */
export function decode(data: Buffer): Message {
  if (data.length < HEADER_BYTES) throw new Error(`dcv message too short: ${data.length} bytes, header needs ${HEADER_BYTES}`);
  const type = data.readUInt32LE(0);
  const length = data.readUInt32LE(4);
  if (length !== data.length - HEADER_BYTES) {
    throw new Error(`dcv message length field says ${length}, payload is ${data.length - HEADER_BYTES} bytes`);
  }
  return { type, payload: data.subarray(HEADER_BYTES) };
}

export function decodeJson<T>(data: Buffer, expected: number): T {
  const msg = decode(data);
  if (msg.type === MsgType.Error) throw new Error(`simulator error: ${msg.payload.toString()}`);
  if (msg.type !== expected) throw new Error(`expected dcv message type ${expected}, got ${msg.type}`);
  return JSON.parse(msg.payload.toString()) as T;
}

/** The upgrade was answered with plain HTTP (403, 404, 302 …) instead of 101. */
export class UpgradeRefusedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: string,
  ) {
    super(`WebSocket upgrade refused: HTTP ${statusCode}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'UpgradeRefusedError';
  }
}

export interface SocketOptions {
  /** Default: the URL's own https origin, as a browser on that page would send. */
  origin?: string;
  headers?: Record<string, string>;
  ca?: string | string[];
  /** Default false: the simulator's certificate is self-signed. */
  rejectUnauthorized?: boolean;
  /** Anything else ws accepts (agent, servername, lookup, …). */
  wsOptions?: ClientOptions;
  /** For opening and for each awaited message; default 15 000 ms. */
  timeoutMs?: number;
}

export interface ChannelOptions extends SocketOptions {
  sessionId?: string;
  authToken?: string;
  /** 'stream': bytes to ask for. */
  bytes?: number;
}

/**
 * `url` may be the page URL (https://host:port/<base>, the socket path is resolved against it
 * like the web client does) or the socket URL itself (wss://…/ws).
 */
export function socketUrl(url: string, path: 'auth' | 'ws'): string {
  const u = new URL(url);
  if (u.protocol === 'wss:' || u.protocol === 'ws:') return u.toString();
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`socketUrl: expected an https:// or wss:// URL, got ${url}`);
  const s = new URL(path, u);
  s.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  s.search = '';
  s.hash = '';
  return s.toString();
}

/** Messages arrive into a queue so none is lost between awaits. */
class Inbox {
  private queue: Buffer[] = [];
  private waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private ended?: Error;

  push(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w.resolve(b);
    else this.queue.push(b);
  }
  end(err: Error): void {
    this.ended ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
  next(timeoutMs: number): Promise<Buffer> {
    const b = this.queue.shift();
    if (b) return Promise.resolve(b);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const w = {
        resolve: (v: Buffer) => (clearTimeout(t), resolve(v)),
        reject: (e: Error) => (clearTimeout(t), reject(e)),
      };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no dcv message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
}

export interface DcvSocket {
  ws: WebSocket;
  /** The next message, raw (header included). */
  next(timeoutMs?: number): Promise<Buffer>;
  send(data: Buffer): Promise<void>;
  close(): Promise<void>;
}

/** Opens a 'dcv' WebSocket and queues its messages. Rejects with UpgradeRefusedError on a non-101 answer. */
export function openSocket(wsUrl: string, opts: SocketOptions = {}): Promise<DcvSocket> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const origin = opts.origin ?? `https://${new URL(wsUrl).host}`;
  const ws = new WebSocket(wsUrl, SUBPROTOCOL, {
    origin,
    headers: opts.headers,
    ca: opts.ca,
    rejectUnauthorized: opts.rejectUnauthorized ?? false,
    perMessageDeflate: false,
    maxPayload: 256 * 1024 * 1024,
    handshakeTimeout: timeoutMs,
    ...opts.wsOptions,
  });
  const inbox = new Inbox();
  ws.on('message', (data: Buffer) => inbox.push(data));
  ws.on('close', (code, reason) => inbox.end(new Error(`socket closed: ${code} ${reason.toString()}`.trim())));
  const socket: DcvSocket = {
    ws,
    next: (t = timeoutMs) => inbox.next(t),
    send: (data) => new Promise((resolve, reject) => ws.send(data, { binary: true }, (err) => (err ? reject(err) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.OPEN) ws.close(1000);
        else ws.terminate();
        // A peer that never answers the close frame must not hang a test.
        setTimeout(() => ws.terminate(), 2_000).unref();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.on('error', (e) => inbox.end(e));
      resolve(socket);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, res.headers, body)));
      res.on('error', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, res.headers, body)));
    });
    ws.once('error', reject);
  });
}

/** The fake sign-in a web client does on <base>auth. */
export async function openAuth(url: string, opts: SocketOptions & { authToken?: string } = {}): Promise<AuthResult> {
  const s = await openSocket(socketUrl(url, 'auth'), opts);
  try {
    await s.send(encode(MsgType.AuthRequest, { user: 'sim', authToken: opts.authToken } satisfies AuthRequest));
    return decodeJson<AuthResult>(await s.next(), MsgType.AuthResult);
  } finally {
    await s.close();
  }
}

export interface Channel extends DcvSocket {
  ack: Ack;
  /** 'echo': sends one Data message and resolves with the payload that comes back. */
  echo(payload: Buffer): Promise<Buffer>;
  /** 'stream': receives every Data message up to Done; the local hash is computed over what arrived. */
  receiveStream(): Promise<{ bytes: number; messages: number; sha256: string; serverSha256: string; serverBytes: number }>;
}

/** Opens a <base>ws socket, says hello as `channel`, waits for the Ack. */
export async function openChannel(url: string, channel: ChannelName, opts: ChannelOptions = {}): Promise<Channel> {
  const s = await openSocket(socketUrl(url, 'ws'), opts);
  try {
    const hello: Hello = { channel, sessionId: opts.sessionId, authToken: opts.authToken, bytes: opts.bytes };
    await s.send(encode(MsgType.Hello, hello));
    const ack = decodeJson<Ack>(await s.next(), MsgType.Ack);
    return {
      ...s,
      ack,
      async echo(payload) {
        await s.send(encode(MsgType.Data, payload));
        const msg = decode(await s.next());
        if (msg.type !== MsgType.Data) throw new Error(`echo: expected Data, got type ${msg.type}`);
        return msg.payload;
      },
      async receiveStream() {
        const hash = createHash('sha256');
        let bytes = 0;
        let messages = 0;
        for (;;) {
          const msg = decode(await s.next());
          if (msg.type === MsgType.Data) {
            hash.update(msg.payload);
            bytes += msg.payload.length;
            messages++;
          } else if (msg.type === MsgType.Done) {
            const done = JSON.parse(msg.payload.toString()) as StreamDone;
            return { bytes, messages, sha256: hash.digest('hex'), serverSha256: done.sha256, serverBytes: done.bytes };
          } else {
            throw new Error(`stream: unexpected message type ${msg.type}: ${msg.payload.toString().slice(0, 200)}`);
          }
        }
      },
    };
  } catch (e) {
    await s.close();
    throw e;
  }
}
