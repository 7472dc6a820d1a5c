/**
 * Plain HTTP requests from the page to the upstream, streamed both ways over a keep-alive pool
 * of verified TLS connections. Bodies are streamed (pump), never buffered whole.
 */
import { Agent, request as httpRequest, type ClientRequest, type ClientRequestArgs, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { TunnelError, isTunnelError } from './errors';
import { upstreamErrorAnswer } from './error-page';
import { pump } from './pump';
import { rewriteRequestHeaders, rewriteResponseHeaders, type RewriteContext } from './rewrite';
import type { DialResult } from './types';

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
  pool: UpstreamPool;
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
  let answered = false;
  let current: ClientRequest | undefined;
  res.once('close', () => {
    // The page went away before the answer was complete: the pooled connection is in an
    // unknown state, so drop it rather than hand it to the next request.
    if (!res.writableFinished) current?.destroy();
  });

  const send = (retry: boolean): void => {
    const up: ClientRequest = (current = httpRequest({
      agent: fw.pool,
      host: fw.upstream.host,
      port: fw.upstream.port,
      method: req.method,
      path: upstreamPath,
      headers,
      setHost: false,
    }));
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
      // A pooled connection the server closed just as we reused it: a bodyless idempotent
      // request has not done anything yet, so send it once more on a fresh connection. Not
      // after our own response timeout: the upstream had it all along, and a retry would hide
      // the 504 behind a second wait.
      const timedOut = isTunnelError(e) && e.code === 'UPSTREAM_TIMEOUT';
      if (!answered && !retry && !timedOut && up.reusedSocket && !hasBody && IDEMPOTENT.has(req.method ?? '') && !res.destroyed) return send(true);
      if (answered || res.headersSent) return void res.destroy();
      const err = toTunnelError(e);
      fw.onError(err);
      if (res.destroyed) return;
      const answer = upstreamErrorAnswer(err, req.headers.accept);
      res.shouldKeepAlive = false;
      res.writeHead(answer.status, answer.headers);
      res.end(req.method === 'HEAD' ? undefined : answer.body);
    });

    if (hasBody) {
      if (expectContinue) up.flushHeaders();
      pump(req, up);
    } else {
      up.end();
    }
  };

  if (!hasBody) req.resume();
  send(false);
}

export function toTunnelError(e: unknown): TunnelError {
  if (isTunnelError(e)) return e;
  const err = e as NodeJS.ErrnoException;
  const code = err?.code ?? '';
  const message = err?.message ?? String(e);
  if (code === 'ETIMEDOUT') return new TunnelError('UPSTREAM_TIMEOUT', `the upstream timed out: ${message}`, { errno: code }, { cause: e });
  return new TunnelError('UPSTREAM_RESET', `the upstream closed the connection: ${message}`, { errno: code || undefined }, { cause: e });
}
