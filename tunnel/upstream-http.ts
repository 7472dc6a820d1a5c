/**
 * Requests without a body (page loads: GET, HEAD) sent to the upstream over pooled dial()
 * connections by hand: one request head written, one response read with a small parser.
 * Node's http client (Agent, ClientRequest, IncomingMessage and their events) cost more CPU per
 * request than the bytes it carried; requests with a body still go through it (forward-http).
 *
 * The parser is strict where framing is decided (status line, header syntax, Content-Length,
 * Transfer-Encoding, chunk sizes) and refuses what it does not understand rather than guess.
 */
import { STATUS_CODES } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { TunnelError } from './errors';
import type { DialResult } from './types';

const MAX_HEAD = 64 * 1024;
const MAX_LINE = 4 * 1024;
const MAX_TRAILERS = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_REASON_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

export interface ResponseHead {
  status: number;
  /** The reason phrase, or the standard one when the upstream's is empty or unprintable. */
  reason: string;
  /** Flat [name, value, …] as received. */
  rawHeaders: string[];
  /** The connection may carry another request after this response (HTTP/1.1, no Connection: close). */
  keepAlive: boolean;
  /** From "Keep-Alive: timeout=N": how long the upstream keeps an idle connection, less a second. */
  idleMs?: number;
}

export interface ResponseSink {
  head(head: ResponseHead): void;
  body(chunk: Buffer): void;
  end(): void;
}

type State = 'head' | 'length' | 'close' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'done';

function protocolError(message: string): TunnelError {
  return new TunnelError('UPSTREAM_RESET', `the upstream's answer is not valid HTTP/1.1: ${message}`);
}

/** One HTTP/1.1 response, fed as it arrives. push() throws a TunnelError on a protocol error. */
export class ResponseReader {
  private state: State = 'head';
  private pending: Buffer | null = null;
  private remaining = 0;
  private trailerBytes = 0;
  private keepAlive = false;
  /** Bytes arrived after the response ended: the connection is not in a known state. */
  private extra = false;
  /** How long the upstream keeps the connection idle, when its answer said. */
  idleMs?: number;

  constructor(
    private readonly isHeadRequest: boolean,
    private readonly sink: ResponseSink,
  ) {}

  get done(): boolean {
    return this.state === 'done';
  }

  get started(): boolean {
    return this.state !== 'head';
  }

  /** The connection can carry the next request. */
  get reusable(): boolean {
    return this.state === 'done' && this.keepAlive && !this.extra;
  }

  push(chunk: Buffer): void {
    let buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    while (buf.length > 0) {
      switch (this.state) {
        case 'head': {
          const end = buf.indexOf(HEAD_END);
          if (end < 0) {
            if (buf.length > MAX_HEAD) throw protocolError('a response head larger than 64 KiB');
            this.pending = buf;
            return;
          }
          const text = buf.toString('latin1', 0, end);
          buf = buf.subarray(end + HEAD_END.length);
          this.begin(parseHead(text));
          break;
        }
        case 'length':
        case 'chunk-data': {
          const n = Math.min(buf.length, this.remaining);
          this.sink.body(buf.subarray(0, n));
          buf = buf.subarray(n);
          this.remaining -= n;
          if (this.remaining === 0) {
            if (this.state === 'length') this.finish();
            else this.state = 'chunk-crlf';
          }
          break;
        }
        case 'close':
          this.sink.body(buf);
          return;
        case 'chunk-crlf':
          if (buf.length < 2) {
            this.pending = buf;
            return;
          }
          if (buf[0] !== 13 || buf[1] !== 10) throw protocolError('a chunk not followed by CRLF');
          buf = buf.subarray(2);
          this.state = 'chunk-size';
          break;
        case 'chunk-size':
        case 'trailers': {
          const eol = buf.indexOf(CRLF);
          if (eol < 0) {
            if (buf.length > MAX_LINE) throw protocolError('a chunk-size or trailer line longer than 4 KiB');
            this.pending = buf;
            return;
          }
          const line = buf.toString('latin1', 0, eol);
          buf = buf.subarray(eol + 2);
          if (this.state === 'chunk-size') {
            const size = parseChunkSize(line);
            if (size === 0) this.state = 'trailers';
            else {
              this.remaining = size;
              this.state = 'chunk-data';
            }
          } else if (line === '') {
            this.finish();
          } else if ((this.trailerBytes += line.length) > MAX_TRAILERS) {
            throw protocolError('trailers larger than 16 KiB');
          }
          break;
        }
        case 'done':
          this.extra = true;
          return;
      }
    }
  }

  /** The upstream closed its side. True when that completed the response (a close-delimited body). */
  eof(): boolean {
    if (this.state === 'close') this.finish();
    return this.state === 'done';
  }

  private begin(head: ResponseHead & { framing: Framing }): void {
    if (head.status < 200) {
      // 101 only answers an upgrade, which never comes this way; 100 and 103 are skipped.
      if (head.status === 101) throw protocolError('101 Switching Protocols to a plain request');
      return;
    }
    const { framing, ...rest } = head;
    const bodiless = this.isHeadRequest || head.status === 204 || head.status === 304;
    this.keepAlive = head.keepAlive && (bodiless || framing.kind !== 'close');
    this.idleMs = head.idleMs;
    this.sink.head(rest);
    if (bodiless || (framing.kind === 'length' && framing.length === 0)) return this.finish();
    if (framing.kind === 'length') {
      this.remaining = framing.length;
      this.state = 'length';
    } else {
      this.state = framing.kind === 'chunked' ? 'chunk-size' : 'close';
    }
  }

  private finish(): void {
    this.state = 'done';
    this.sink.end();
  }
}

type Framing = { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'close' };

function parseHead(text: string): ResponseHead & { framing: Framing } {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m || m[2][0] === '0') throw protocolError(`status line ${JSON.stringify(lines[0].slice(0, 80))}`);
  const status = Number(m[2]);
  const reason = m[3] && !BAD_REASON_CHAR.test(m[3]) ? m[3] : (STATUS_CODES[status] ?? '');
  const rawHeaders: string[] = [];
  const lengths: string[] = [];
  const codings: string[] = [];
  let close = m[1] === '0';
  let idleMs: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    // A bare CR or LF, obsolete line folding, or a name that is not a token: refused, not repaired.
    if (!TOKEN.test(name) || /[\r\n]/.test(line)) throw protocolError(`header line ${JSON.stringify(line.slice(0, 80))}`);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    if (lower === 'content-length') lengths.push(...value.split(','));
    else if (lower === 'transfer-encoding') codings.push(...value.split(','));
    else if (lower === 'connection') close ||= value.split(',').some((t) => t.trim().toLowerCase() === 'close');
    else if (lower === 'keep-alive') {
      const timeout = /(?:^|[,\s])timeout=(\d+)/i.exec(value);
      if (timeout) idleMs = Math.max(0, Number(timeout[1]) * 1000 - 1000);
    }
  }
  return { status, reason, rawHeaders, keepAlive: !close, ...(idleMs !== undefined ? { idleMs } : {}), framing: framingOf(lengths, codings) };
}

/** RFC 9112 §6.3, refusing the ambiguous cases request smuggling lives on. */
function framingOf(lengths: string[], codings: string[]): Framing {
  if (codings.length > 0) {
    if (lengths.length > 0) throw protocolError('both Transfer-Encoding and Content-Length');
    return codings.at(-1)!.trim().toLowerCase() === 'chunked' ? { kind: 'chunked' } : { kind: 'close' };
  }
  if (lengths.length === 0) return { kind: 'close' };
  const values = new Set(lengths.map((v) => v.trim()));
  const [only] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(only)) throw protocolError(`Content-Length ${JSON.stringify(lengths.join(','))}`);
  return { kind: 'length', length: Number(only) };
}

function parseChunkSize(line: string): number {
  const m = /^([0-9a-fA-F]{1,12})[ \t]*(?:;.*)?$/.exec(line);
  if (!m) throw protocolError(`chunk size ${JSON.stringify(line.slice(0, 40))}`);
  return parseInt(m[1], 16);
}

// ---------------------------------------------------------------------------------------------

export interface Lease {
  socket: TLSSocket;
  /** Taken from the idle list (it may have been closed by the upstream meanwhile). */
  reused: boolean;
}

/**
 * Verified upstream connections for bodiless requests: at most `maxSockets` in use or being
 * dialed (more requests wait), idle ones kept up to `maxIdle`, last in first out. Every
 * acquire() is answered by exactly one release() or discard().
 */
export class RawUpstreamPool {
  private readonly idle: TLSSocket[] = [];
  private readonly waiting: Array<() => void> = [];
  private inUse = 0;
  private closed = false;
  private readonly onIdleClose: (this: TLSSocket) => void;

  constructor(
    private readonly dialUpstream: () => Promise<DialResult>,
    private readonly options: { maxSockets?: number; maxIdle?: number; idleMs?: number } = {},
  ) {
    const idle = this.idle;
    this.onIdleClose = function (this: TLSSocket) {
      const i = idle.indexOf(this);
      if (i >= 0) idle.splice(i, 1);
    };
  }

  async acquire(): Promise<Lease> {
    for (;;) {
      if (this.closed) throw new TunnelError('UPSTREAM_RESET', 'the tunnel is closing');
      const socket = this.idle.pop();
      if (socket) {
        this.unpark(socket);
        if (socket.destroyed || !socket.writable) continue;
        this.inUse++;
        return { socket, reused: true };
      }
      if (this.inUse < (this.options.maxSockets ?? 16)) break;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.inUse++;
    try {
      return { socket: (await this.dialUpstream()).socket, reused: false };
    } catch (e) {
      this.done();
      throw e;
    }
  }

  /** The exchange ended; the socket goes back to the idle list when it can carry another request. */
  release(socket: TLSSocket, reusable: boolean, idleMs?: number): void {
    this.done();
    if (!reusable || this.closed || socket.destroyed || this.idle.length >= (this.options.maxIdle ?? 8)) return void socket.destroy();
    const ms = Math.min(idleMs ?? Infinity, this.options.idleMs ?? 30_000);
    if (ms <= 0) return void socket.destroy();
    socket.setTimeout(ms, idleTimeout);
    // Nothing may arrive on an idle connection: bytes or an end mean it is done for.
    socket.on('data', idleData);
    socket.on('end', idleData);
    socket.once('close', this.onIdleClose);
    socket.resume();
    this.idle.push(socket);
  }

  discard(socket: TLSSocket): void {
    socket.destroy();
    this.done();
  }

  destroy(): void {
    this.closed = true;
    for (const s of this.idle.splice(0)) s.destroy();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private unpark(socket: TLSSocket): void {
    socket.setTimeout(0, idleTimeout);
    socket.removeListener('timeout', idleTimeout);
    socket.removeListener('data', idleData);
    socket.removeListener('end', idleData);
    socket.removeListener('close', this.onIdleClose);
  }

  private done(): void {
    this.inUse--;
    this.waiting.shift()?.();
  }
}

function idleTimeout(this: TLSSocket): void {
  this.destroy();
}

function idleData(this: TLSSocket): void {
  this.destroy();
}
