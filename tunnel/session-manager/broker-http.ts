/**
 * One HTTP/1.1 exchange with the Broker (or an external token URL) over a socket from dial():
 * the route, the CONNECT credentials, the address override and the certificate check all
 * happen there, before this module writes a byte.
 *
 * One request per connection (`Connection: close`): the launcher asks a Broker rarely (a
 * listing, a token, a connection token before an open), and a fresh dial per call re-checks the
 * pin each time, which a pooled connection would not. Node's http client does the framing
 * (chunked bodies, Content-Length) on the dialed socket; the body is capped so a broken or
 * hostile answer cannot fill memory.
 */
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { dial } from '../dial';
import { isTunnelError, TunnelError } from '../errors';
import { formatHostPort } from '../proxy-list';
import type { DialOptions } from '../types';
import { BrokerError } from './types';

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** A page of 1000 sessions with their servers is about 2 MB; 32 MiB leaves room without risk. */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface HttpCall {
  method: 'GET' | 'POST';
  /** Path and query, already percent-encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface ExchangeLimits {
  /** Who answers, for messages: "the Broker", "the token endpoint". */
  peer: string;
  /** From the first byte written to the last byte of the answer (the dial has its own limits). */
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/** Dials `dialOptions.target`, sends `call`, reads the whole answer; every failure is a BrokerError (or the abort reason). */
export async function exchange(dialOptions: DialOptions, call: HttpCall, limits: ExchangeLimits): Promise<HttpAnswer> {
  const { host, port } = dialOptions.target;
  const where = { host, port };
  let socket: TLSSocket;
  try {
    socket = (await dial({ ...dialOptions, signal: limits.signal })).socket;
  } catch (e) {
    if (isAbort(e, limits.signal)) throw e;
    const code = isTunnelError(e) ? e.code : null;
    // The dial's message names the address and what failed there.
    throw new BrokerError('BROKER_UNREACHABLE', `cannot reach ${limits.peer}: ${(e as Error).message}`, { ...where, reason: code }, { cause: e });
  }
  return send(socket, call, limits, where);
}

function send(socket: TLSSocket, call: HttpCall, limits: ExchangeLimits, where: { host: string; port: number }): Promise<HttpAnswer> {
  const hostPort = formatHostPort(where.host, where.port);
  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (error: unknown, answer?: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      limits.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (answer) resolve(answer);
      else reject(error);
    };
    const reset = (why: string, cause?: unknown): void =>
      finish(
        new BrokerError('BROKER_UNREACHABLE', `${limits.peer} at ${hostPort}: ${why}`, { ...where, reason: 'UPSTREAM_RESET' }, {
          cause: new TunnelError('UPSTREAM_RESET', `${hostPort}: ${why}`, {}, cause ? { cause } : undefined),
        }),
      );
    const timer = setTimeout(
      () => finish(new BrokerError('BROKER_TIMEOUT', `${limits.peer} at ${hostPort} did not answer ${call.method} ${pathOnly(call.path)} within ${limits.timeoutMs} ms`, { ...where, timeoutMs: limits.timeoutMs })),
      limits.timeoutMs,
    );
    const onAbort = (): void => finish(abortReason(limits.signal!));
    if (limits.signal?.aborted) return onAbort();
    limits.signal?.addEventListener('abort', onAbort, { once: true });

    const headers: Record<string, string> = { Host: hostPort, Accept: 'application/json', Connection: 'close', ...call.headers };
    if (call.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(call.body));
    // No agent: with createConnection and no agent, Node sends on exactly this (already verified) socket.
    const req = httpRequest({ method: call.method, path: call.path, headers, createConnection: () => socket });
    req.on('error', (e) => reset(`the connection failed before a complete answer (${e.message})`, e));
    req.on('response', (res: IncomingMessage) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > limits.maxBytes) return finish(tooLarge(where, limits.maxBytes, res.statusCode));
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > limits.maxBytes) return finish(tooLarge(where, limits.maxBytes, res.statusCode));
        chunks.push(chunk);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('aborted', () => reset('the connection closed in the middle of the answer'));
      res.on('error', (e) => reset(`the answer broke off (${e.message})`, e));
    });
    req.end(call.body);
  });
}

function tooLarge(where: { host: string; port: number }, maxBytes: number, status: number | undefined): BrokerError {
  return new BrokerError('BROKER_BAD_RESPONSE', `${formatHostPort(where.host, where.port)} sent an answer larger than ${maxBytes} bytes`, {
    ...where,
    status: status ?? null,
    reason: 'too-large',
    limitBytes: maxBytes,
  });
}

/** The path without its query, for messages (a query could carry something private one day). */
function pathOnly(path: string): string {
  return path.split('?')[0];
}

function isAbort(e: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && (e === signal.reason || (e instanceof Error && e.name === 'AbortError'));
}

function abortReason(signal: AbortSignal): Error {
  const r: unknown = signal.reason;
  if (r instanceof Error) return r;
  return Object.assign(new Error(typeof r === 'string' ? r : 'the Broker call was aborted'), { name: 'AbortError' });
}
