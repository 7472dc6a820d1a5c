/**
 * Plain HTTP requests from the page to the upstream, streamed both ways over a keep-alive pool
 * of verified TLS connections. Bodies are streamed (pump), never buffered whole.
 */
import { Agent, request as httpRequest, type ClientRequest, type ClientRequestArgs, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import { TunnelError, isTunnelError } from './errors';
import { upstreamErrorAnswer } from './error-page';
import { MAX_BUFFERED, pump } from './pump';
import { rewriteRequestHeaders, rewriteResponseHeaders, type RewriteContext } from './rewrite';
import type { DialResult } from './types';
import { RawUpstreamPool, ResponseReader } from './upstream-http';

/**
 * An http.Agent whose connections come from dial(): DNS/override, DIRECT or CONNECT, TLS, and
 * the certificate check all happen before the socket is handed to a request.
 */
export class UpstreamPool extends Agent {
  constructor(
    private readonly dialUpstream: () => Promise<DialResult>,
    options: { maxSockets?: number; maxFreeSockets?: number; idleTimeoutMs?: number } = {},
  ) {
    super({
      keepAlive: true,
      keepAliveMsecs: 15_000,
      // A browser opens at most 6 per host; the page's assets plus a few parallel XHRs fit.
      maxSockets: options.maxSockets ?? 16,
      maxFreeSockets: options.maxFreeSockets ?? 8,
      // Idle time in the pool before a socket is closed (shortened by a server's
      // "Keep-Alive: timeout=N"), so a reused connection is one the server still holds.
      timeout: options.idleTimeoutMs ?? 30_000,
      scheduling: 'lifo',
    });
  }

  /** Disarm the idle timer while a request uses the socket: an armed one is refreshed on every chunk. */
  override reuseSocket(socket: Duplex, request: ClientRequest): void {
    (socket as Socket).setTimeout(0);
    super.reuseSocket(socket, request);
  }

  override createConnection(_options: ClientRequestArgs, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.dialUpstream().then(
      (r) => callback?.(null, r.socket),
      (e: Error) => callback?.(e, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

export interface HttpForwarder {
  /** For requests with a body (Node's http client). */
  pool: UpstreamPool;
  /** For requests without one (hand-written HTTP/1.1, see upstream-http). */
  raw: RawUpstreamPool;
  rewrite: RewriteContext;
  /** Upstream host and port: they only name the pool's key, the socket comes from dial(). */
  upstream: { host: string; port: number };
  /** No response head within this long after the request was sent → 504. Default 60 000. */
  responseTimeoutMs?: number;
  onError(err: TunnelError): void;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Forwards one request. `upstreamPath` is the already-mapped request target.
 * `expectContinue`: the client sent "Expect: 100-continue"; its 100 comes from the upstream's.
 */
export function forwardHttp(fw: HttpForwarder, req: IncomingMessage, res: ServerResponse, upstreamPath: string, expectContinue = false): void {
  const headers = rewriteRequestHeaders(req.rawHeaders, fw.rewrite);
  const hasBody = (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0') || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) {
    req.resume();
    return forwardBodiless(fw, req, res, `${req.method} ${upstreamPath} HTTP/1.1\r\n${headerLines(headers)}\r\n`);
  }
  // A request with a body is never retried: the upstream may have acted on part of it.
  let answered = false;
  const up: ClientRequest = httpRequest({
    agent: fw.pool,
    host: fw.upstream.host,
    port: fw.upstream.port,
    method: req.method,
    path: upstreamPath,
    headers,
    setHost: false,
  });
  res.once('close', () => {
    // The page went away before the answer was complete: the pooled connection is in an
    // unknown state, so drop it rather than hand it to the next request.
    if (!res.writableFinished) up.destroy();
  });
  // From the request fully sent to the answer's head; a plain timer, nothing per chunk.
  const timeoutMs = fw.responseTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  up.once('finish', () => {
    if (!answered) timer = setTimeout(() => up.destroy(new TunnelError('UPSTREAM_TIMEOUT', `no answer from the upstream within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  });
  up.once('close', () => clearTimeout(timer));

  up.on('continue', () => res.writeContinue());
  up.on('response', (upRes) => {
    answered = true;
    clearTimeout(timer);
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, rewriteResponseHeaders(upRes.rawHeaders, fw.rewrite));
    pump(upRes, res);
    // A body cut short upstream must look cut short to the page, not complete.
    upRes.on('close', () => {
      if (!upRes.complete) res.destroy();
    });
  });
  up.on('error', (e) => {
    if (answered || res.headersSent) return void res.destroy();
    answerError(fw, req, res, e);
  });

  if (expectContinue) up.flushHeaders();
  pump(req, up);
}

/** The request never got an answer head: the page gets an error page naming what failed. */
function answerError(fw: HttpForwarder, req: IncomingMessage, res: ServerResponse, e: unknown): void {
  const err = toTunnelError(e);
  fw.onError(err);
  if (res.destroyed) return;
  const answer = upstreamErrorAnswer(err, req.headers.accept);
  res.shouldKeepAlive = false;
  res.writeHead(answer.status, answer.headers);
  res.end(req.method === 'HEAD' ? undefined : answer.body);
}

/** Names and values come from rewriteRequestHeaders, which lets no CR, LF or control character through. */
function headerLines(headers: string[]): string {
  let out = '';
  for (let i = 0; i < headers.length; i += 2) out += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return out;
}

/**
 * A request without a body over a raw pooled connection. A reused connection the upstream
 * closed before answering a byte is retried once on a fresh one for idempotent methods (it
 * cannot have done anything), never after our own response timeout.
 */
function forwardBodiless(fw: HttpForwarder, req: IncomingMessage, res: ServerResponse, head: string): void {
  const timeoutMs = fw.responseTimeoutMs ?? 60_000;
  const retryable = IDEMPOTENT.has(req.method ?? '');
  let pageGone = false;
  let current: TLSSocket | undefined;
  res.once('close', () => {
    pageGone = true;
    // Gone before the answer was complete: the connection is in an unknown state.
    if (!res.writableFinished) current?.destroy();
  });

  const attempt = (retry: boolean): void => {
    fw.raw.acquire().then((lease) => {
      if (pageGone) return fw.raw.release(lease.socket, true);
      exchange(lease.socket, lease.reused && !retry);
    }, (e: unknown) => answerError(fw, req, res, e));
  };

  const exchange = (socket: TLSSocket, mayRetry: boolean): void => {
    current = socket;
    let received = false;
    let finished = false;
    let lastError: Error | undefined;
    const resume = (): void => void socket.resume();
    const reader = new ResponseReader(req.method === 'HEAD', {
      head: (h) => {
        clearTimeout(timer);
        res.writeHead(h.status, h.reason, rewriteResponseHeaders(h.rawHeaders, fw.rewrite));
      },
      body: (chunk) => {
        res.write(chunk);
        if (res.writableLength > MAX_BUFFERED) {
          socket.pause();
          res.once('drain', resume);
        }
      },
      end: () => {
        finished = true;
        res.end();
      },
    });
    const settle = (): void => {
      clearTimeout(timer);
      socket.removeListener('data', onData).removeListener('end', onEnd).removeListener('close', onClose).removeListener('error', onError);
      res.removeListener('drain', resume);
      current = undefined;
    };
    const onData = (chunk: Buffer): void => {
      received = true;
      try {
        reader.push(chunk);
      } catch (e) {
        return fail(e);
      }
      if (!finished) return;
      settle();
      fw.raw.release(socket, reader.reusable, reader.idleMs);
    };
    // A clean end completes a close-delimited body; any other unfinished answer fails on 'close'.
    const onEnd = (): void => {
      reader.eof();
      if (!finished) return;
      settle();
      fw.raw.release(socket, false);
    };
    const onClose = (): void => {
      if (finished) return;
      const reason = lastError ?? new TunnelError('UPSTREAM_RESET', 'the upstream closed the connection before answering');
      fail(reason);
    };
    const onError = (e: Error): void => void (lastError = e);
    const fail = (e: unknown): void => {
      settle();
      fw.raw.discard(socket);
      if (pageGone) return; // we closed it: nothing failed
      const timedOut = isTunnelError(e) && e.code === 'UPSTREAM_TIMEOUT';
      if (reader.started || res.headersSent) return void res.destroy();
      if (mayRetry && !received && !timedOut && retryable) return attempt(true);
      answerError(fw, req, res, e);
    };
    const timer = setTimeout(() => fail(new TunnelError('UPSTREAM_TIMEOUT', `no answer from the upstream within ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    socket.on('data', onData).on('end', onEnd).on('close', onClose).on('error', onError);
    socket.write(head);
    socket.resume();
  };

  attempt(false);
}

export function toTunnelError(e: unknown): TunnelError {
  if (isTunnelError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  const message = err?.message ?? String(e);
  if (code === 'ETIMEDOUT') return new TunnelError('UPSTREAM_TIMEOUT', `the upstream timed out: ${message}`, { errno: code }, { cause: e });
  return new TunnelError('UPSTREAM_RESET', `the upstream closed the connection: ${message}`, { errno: code || undefined }, { cause: e });
}
