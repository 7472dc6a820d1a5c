/**
 * One request/response head over an already verified socket, written by hand: the doctor must
 * send exactly the bytes the tunnel would (Host, Origin, path) and see exactly what came back,
 * with no client library adding, dropping or following anything.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { stopReading } from './socket-reading';

export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", " except set-cookie (kept as a list). */
  headers: Record<string, string>;
  setCookie: string[];
  /** Up to 512 bytes of a small body with a Content-Length (the server's own words on a 4xx). */
  bodySnippet?: string;
  /**
   * Bytes that came with or after the head and were not read as its body: after a 101, the
   * server's first WebSocket frames may share a TCP segment with the head. Hand them to
   * WsFrameReader.readMessage(socket, timeout, rest) so nothing is lost.
   */
  rest: Buffer;
}

export class ExchangeError extends Error {
  constructor(
    readonly kind: 'reset' | 'timeout',
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeError';
  }
}

const MAX_HEAD_BYTES = 64 * 1024;
const MAX_SNIPPET_BYTES = 512;

/**
 * Writes `head` (the request line and headers, CRLF-joined, without the blank line) and reads
 * the response head. Leaves the socket paused with its listeners removed, and returns what it
 * read beyond the head (and the snippet) in `rest`: the next reader starts where this one ended.
 */
export function exchange(socket: Duplex, head: string, timeoutMs: number): Promise<ResponseHead> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    let parsed: ResponseHead | undefined;
    let bodyWanted = 0;
    const timer = setTimeout(() => finish(new ExchangeError('timeout', `no response within ${timeoutMs} ms`)), timeoutMs);

    function finish(result: ResponseHead | Error): void {
      clearTimeout(timer);
      stopReading(socket, onData, onEnd, onError);
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    function onData(chunk: Buffer): void {
      buffered = Buffer.concat([buffered, chunk]);
      if (!parsed) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buffered.length > MAX_HEAD_BYTES) finish(new ExchangeError('reset', `response head larger than ${MAX_HEAD_BYTES} bytes`));
          return;
        }
        try {
          parsed = parseHead(buffered.subarray(0, end).toString('latin1'));
        } catch (e) {
          return finish(e as Error);
        }
        buffered = buffered.subarray(end + 4);
        const length = Number(parsed.headers['content-length']);
        // 101 is followed by frames, not a body; a big or unframed body is not worth waiting for.
        bodyWanted = parsed.status !== 101 && Number.isInteger(length) && length > 0 && length <= 4096 ? Math.min(length, MAX_SNIPPET_BYTES) : 0;
      }
      if (buffered.length >= bodyWanted) done();
    }
    function done(): void {
      if (!parsed) return;
      const snippet = Math.min(bodyWanted, buffered.length);
      if (snippet > 0) parsed.bodySnippet = buffered.subarray(0, snippet).toString('utf8').trim();
      parsed.rest = Buffer.from(buffered.subarray(snippet));
      finish(parsed);
    }
    function onEnd(): void {
      if (parsed) return done();
      finish(new ExchangeError('reset', buffered.length ? 'the connection closed in the middle of the response head' : 'the connection closed without a response'));
    }
    function onError(e: Error): void {
      if (parsed) return done();
      finish(new ExchangeError('reset', e.message));
    }
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', onError);
    socket.write(`${head}\r\n\r\n`);
  });
}

function parseHead(text: string): ResponseHead {
  const [statusLine, ...lines] = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(statusLine);
  if (!m) throw new ExchangeError('reset', `not an HTTP/1.1 response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  const setCookie: string[] = [];
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'set-cookie') setCookie.push(value);
    else headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(m[1]), statusText: m[2] ?? '', headers, setCookie, rest: Buffer.alloc(0) };
}

/** The facts of an answer worth keeping in a step's detail: the status, a few headers, a refusal's own words. */
export function responseDetail(res: ResponseHead, sent: Record<string, unknown>): Record<string, unknown> {
  const pick = ['server', 'strict-transport-security', 'x-frame-options', 'location', 'content-type', 'sec-websocket-protocol'];
  const headers: Record<string, string> = {};
  for (const name of pick) if (res.headers[name] !== undefined) headers[name] = res.headers[name];
  return {
    sent,
    status: res.status,
    statusText: res.statusText,
    headers,
    ...(res.setCookie.length ? { setCookie: res.setCookie } : {}),
    // The server's own words on a refusal ("Origin … is not allowed"); a page body is noise.
    ...(res.bodySnippet && res.status >= 300 ? { body: res.bodySnippet } : {}),
  };
}

/** A GET request head. */
export function getHead(path: string, headers: Record<string, string>): string {
  return [`GET ${path} HTTP/1.1`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A WebSocket upgrade head with a fresh key, and the Sec-WebSocket-Accept the server must answer. */
export function upgradeHead(path: string, headers: Record<string, string>, subprotocol: string): { head: string; expectedAccept: string } {
  const key = randomBytes(16).toString('base64');
  const all = {
    ...headers,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': key,
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Protocol': subprotocol,
  };
  return { head: getHead(path, all), expectedAccept: createHash('sha1').update(key + WS_GUID).digest('base64') };
}

/**
 * Sends a masked close frame (1000, normal closure) and waits briefly for the server to answer
 * it and end the connection (RFC 6455 §7.1.1: the server closes TCP first), then ends it too:
 * the server logs a clean close, not a reset.
 */
export function closeWebSocket(socket: Duplex, waitMs = 1000): Promise<void> {
  return new Promise((resolve) => {
    const mask = randomBytes(4);
    const payload = Buffer.from([0x03, 0xe8]); // 1000
    for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
    const finish = () => {
      clearTimeout(timer);
      socket.off('end', finish);
      socket.off('close', finish);
      socket.end();
      resolve();
    };
    // Already gone (the server closed first, or reset): nothing to wait for.
    if (socket.destroyed) return resolve();
    const timer = setTimeout(finish, waitMs);
    socket.on('end', finish);
    socket.on('close', finish);
    // Frames the server sends before its close (pings) are read and dropped, so 'end' can come.
    socket.resume();
    socket.write(Buffer.concat([Buffer.from([0x88, 0x80 | payload.length]), mask, payload]));
  });
}
