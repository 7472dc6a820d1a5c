/**
 * HTTP CONNECT over a socket already connected to the proxy. One request, one answer: a 407
 * after credentials were sent is final (retrying would lock the user's account).
 *
 * Nothing the proxy wrote is repeated: a broken or hostile proxy can put the credentials it was
 * sent (base64 of user:password) in its reason phrase, its headers or its body. An answer is
 * known by its status code, Node's standard phrase for it, and the names of the auth schemes
 * it offers.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { TunnelError } from './errors';
import { formatHostPort } from './proxy-list';
import type { ProxyCredentials } from './types';

/** The proxy's answer may not exceed this before the blank line. */
export const MAX_PROXY_HEAD_BYTES = 16 * 1024;

export interface ConnectRequest {
  proxy: { host: string; port: number };
  /** What CONNECT names: the endpoint, or its override address (the proxy can't resolve private names). */
  target: { host: string; port: number };
  credentials?: ProxyCredentials;
  /** How long to wait for the proxy's answer. */
  timeoutMs: number;
}

export interface ConnectAnswer {
  status: number;
  /** The standard phrase for the status ("Proxy Authentication Required"), never the proxy's own. */
  statusText: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  credentialsSent: boolean;
}

/** Basic credentials: base64 of the raw UTF-8 "user:password" (no escaping, RFC 7617). */
export function basicProxyAuthorization(c: ProxyCredentials): string {
  return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
}

export function connectRequestHead(req: Pick<ConnectRequest, 'target' | 'credentials'>): string {
  const authority = formatHostPort(req.target.host, req.target.port);
  const auth = req.credentials ? `Proxy-Authorization: ${basicProxyAuthorization(req.credentials)}\r\n` : '';
  return `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n${auth}\r\n`;
}

function parseHead(head: string): Omit<ConnectAnswer, 'credentialsSent'> | undefined {
  const lines = head.split(/\r?\n/);
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const status = Number(m[1]);
  return { status, statusText: STATUS_CODES[status] ?? '', headers };
}

/** Auth schemes a proxy may offer; anything else is named only as "other". */
const KNOWN_SCHEMES = new Map(['Basic', 'Digest', 'Negotiate', 'NTLM', 'Kerberos', 'Bearer'].map((s) => [s.toLowerCase(), s]));

/**
 * "Basic realm=\"corp\", Negotiate" → "Basic, Negotiate": the schemes of the challenges, from a
 * fixed list (a realm, a token68 or an unknown word is the proxy's text, not repeated).
 */
export function offeredSchemes(proxyAuthenticate: string): string {
  const schemes = new Set<string>();
  for (const piece of proxyAuthenticate.split(',')) {
    const word = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)(\s*=)?/.exec(piece);
    if (!word || word[2]) continue; // an auth-param (realm="…"), not a scheme
    schemes.add(KNOWN_SCHEMES.get(word[1].toLowerCase()) ?? 'other');
  }
  return [...schemes].join(', ');
}

/** End of the head: index just past the blank line, or -1. Bare-LF proxies are tolerated. */
function headEnd(buf: Buffer): number {
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return crlf + 4;
  return lf >= 0 ? lf + 2 : -1;
}

/** Reads exactly the proxy's answer head; any bytes after it are put back on the socket for TLS. */
function readHead(socket: Socket, timeoutMs: number, proxy: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const done = (err?: Error, head?: string) => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('error', onError).off('close', onEnd);
      if (err) reject(err);
      else resolve(head!);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = headEnd(buf);
      if (end < 0) {
        if (buf.length > MAX_PROXY_HEAD_BYTES) {
          done(new TunnelError('PROXY_ERROR', `proxy ${proxy} sent more than ${MAX_PROXY_HEAD_BYTES} bytes without ending its answer to CONNECT`, { proxy }));
        }
        return;
      }
      if (end > MAX_PROXY_HEAD_BYTES) {
        return done(new TunnelError('PROXY_ERROR', `proxy ${proxy} answered CONNECT with a head over ${MAX_PROXY_HEAD_BYTES} bytes`, { proxy }));
      }
      socket.pause();
      // Bytes past the head already belong to the tunnelled stream: hand them back, in order.
      if (end < buf.length) socket.unshift(buf.subarray(end));
      done(undefined, buf.subarray(0, end).toString('latin1'));
    };
    const onEnd = () =>
      done(new TunnelError('PROXY_ERROR', `proxy ${proxy} closed the connection without answering CONNECT`, { proxy }));
    const onError = (e: NodeJS.ErrnoException) =>
      done(new TunnelError('PROXY_ERROR', `connection to proxy ${proxy} failed while waiting for its answer: ${e.message}`, { proxy, errno: e.code }, { cause: e }));
    const timer = setTimeout(
      () => done(new TunnelError('PROXY_ERROR', `proxy ${proxy} did not answer CONNECT within ${timeoutMs} ms`, { proxy, timeout: true })),
      Math.max(0, timeoutMs),
    );
    socket.on('data', onData).on('end', onEnd).on('error', onError).on('close', onEnd);
  });
}

/**
 * Sends CONNECT and reads the answer. Resolves on 2xx with the socket paused and positioned
 * at the first tunnelled byte; otherwise throws a TunnelError (the caller destroys the socket).
 */
export async function connectThroughProxy(socket: Socket, req: ConnectRequest): Promise<ConnectAnswer> {
  const proxy = formatHostPort(req.proxy.host, req.proxy.port);
  const connectTo = formatHostPort(req.target.host, req.target.port);
  const credentialsSent = req.credentials !== undefined;
  const reading = readHead(socket, req.timeoutMs, proxy);
  socket.write(connectRequestHead(req));
  const head = await reading;
  const parsed = parseHead(head);
  if (!parsed) {
    // Not quoted: it may be our own request echoed back, Proxy-Authorization and all.
    throw new TunnelError('PROXY_ERROR', `proxy ${proxy} answered CONNECT with something that is not HTTP (${head.length} bytes)`, { proxy });
  }
  const answer: ConnectAnswer = { ...parsed, credentialsSent };
  const { status, statusText } = answer;
  if (status >= 200 && status < 300) return answer;

  const details = { proxy, proxyStatus: status, proxyStatusText: statusText, connectTo, credentialsSent };
  const line = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (status === 407) {
    const offered = answer.headers['proxy-authenticate'];
    const proxyAuthenticate = offered === undefined ? undefined : offeredSchemes(offered) || undefined;
    const message = credentialsSent
      ? `proxy ${proxy} rejected the credentials (${line})`
      : `proxy ${proxy} requires authentication (${line}) and no proxy credentials are set`;
    throw new TunnelError('PROXY_AUTH_REQUIRED', message, { ...details, ...(proxyAuthenticate ? { proxyAuthenticate } : {}) });
  }
  if (status === 403 || status === 405) {
    throw new TunnelError('PROXY_CONNECT_FORBIDDEN', `proxy ${proxy} refused CONNECT to ${connectTo} (${line})`, details);
  }
  throw new TunnelError('PROXY_ERROR', `proxy ${proxy} could not open ${connectTo} (${line})`, details);
}
