/**
 * Where a Session Manager session opens, in the tunnel's terms. AWS's Access Console builds the
 * browser's URL as `https://<gateway>:<port><WebUrlPath>?authToken=<ConnectionToken>#<sessionId>`
 * (SESSION-MANAGER.md); without a Gateway the session's own server takes the Gateway's place
 * (`https://<Server.Ip>:<Server.Port><WebUrlPath>`). The tunnel is path-transparent here (prefix
 * "/"): the page sits at WebUrlPath on both sides, exactly where the browser would find it.
 */
import type { UpstreamTarget } from '../types';
import type { SessionSummary } from './types';

/** DCV's default port, for a server that reports none. */
const DCV_PORT = 8443;

/** "/" or "/dcv/": the server's web-url-path as the Broker reports it, made safe to put in a URL (else "/"). */
export function webUrlPathOf(session: SessionSummary): string {
  const raw = session.server.webUrlPath || '/';
  const path = (raw.startsWith('/') ? raw : `/${raw}`).replace(/\/?$/, '/');
  const safe = /^(\/[A-Za-z0-9._~-]+)*\/$/.test(path) && !path.split('/').some((s) => s === '.' || s === '..');
  return safe ? path : '/';
}

/**
 * The session's server as a client reaches it: Server.Ip (else Hostname) and Server.Port (a
 * string on the wire, deprecated in favour of the endpoints), else the first HTTP endpoint's
 * port, else DCV's 8443. Undefined when the Broker named no address at all.
 */
export function serverEndpointOf(session: SessionSummary): { host: string; port: number } | undefined {
  const { server } = session;
  const host = server.ip || server.hostname;
  if (!host) return undefined;
  const http = server.endpoints.find((e) => e.protocol.toUpperCase() === 'HTTP');
  return { host, port: server.port ?? http?.port ?? DCV_PORT };
}

/** The entry page's query and fragment: the token (URL-encoded, so any token stays one printable query value) and the session id. */
export function sessionEntry(sessionId: string, connectionToken: string): { query: string; hash: string } {
  return { query: `authToken=${encodeURIComponent(connectionToken)}`, hash: sessionId };
}

export interface SessionOpening {
  upstream: UpstreamTarget;
  /** The entry page in the local path space (= the upstream's, the prefix being "/"). */
  webUrlPath: string;
  entry: { query: string; hash: string };
  /** The page's URL as a browser would open it directly, WITHOUT the token: for messages. */
  displayUrl: string;
}

/** Through `gateway` when given, else at the session's server; undefined when the server has no address. */
export function sessionOpening(session: SessionSummary, connectionToken: string, gateway?: { host: string; port: number }): SessionOpening | undefined {
  const at = gateway ?? serverEndpointOf(session);
  if (!at) return undefined;
  const webUrlPath = webUrlPathOf(session);
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    upstream: { host: at.host, port: at.port, pathPrefix: '/' },
    webUrlPath,
    entry: sessionEntry(session.id, connectionToken),
    displayUrl: `https://${host}:${at.port}${webUrlPath}#${session.id}`,
  };
}
