/**
 * Where a Session Manager session is, in the tunnel's terms: through the Connection Gateway
 * (`https://endpoint:port<WebUrlPath>?authToken=…#<session>`, as AWS's own Access Console
 * builds it) or straight at its server, mapped by the source's rules to an NLB port or the
 * path router's prefix. Also the stable key a session has in the desktop list.
 */
import { createHash } from 'node:crypto';
import type { Endpoint, SessionSource } from '../../preload/contract/model';
import { formatHostPort } from '../../tunnel/proxy-list';
import { sessionEntry, webUrlPathOf } from '../../tunnel/session-manager/session-url';
import type { SessionSummary } from '../../tunnel/session-manager/types';
import type { UpstreamTarget } from '../../tunnel/types';
import type { DesktopTarget } from './desktop-target';
import { trustKey } from './trust-store';

/**
 * The session's id in the desktop list, recents, favourites and connections. Session ids are
 * the Broker's (any characters, any length); the key is short, safe and stable per source.
 */
export function sessionKey(sourceId: string, sessionId: string): string {
  return `s-${createHash('sha256').update(`${sourceId}\n${sessionId}`).digest('base64url').slice(0, 27)}`;
}

export function isSessionKey(id: string): boolean {
  return /^s-[A-Za-z0-9_-]{27}$/.test(id);
}

export type SessionRoute = { ok: true; port: number; pathPrefix: string } | { ok: false; ip: string; hostname: string };

/** The first rule naming the server's Ip or Hostname (or "*"), as the endpoint reaches it. */
export function serverRoute(source: SessionSource, session: SessionSummary): SessionRoute {
  const { ip, hostname } = session.server;
  if (source.open.via === 'gateway') return { ok: true, port: source.open.port, pathPrefix: '/' };
  const names = [ip, hostname].filter(Boolean).map((s) => s.toLowerCase());
  const rule = source.open.rules.find((r) => r.server === '*' || names.includes(r.server.toLowerCase()));
  if (!rule) return { ok: false, ip, hostname };
  if (rule.route.kind === 'port') return { ok: true, port: rule.route.port, pathPrefix: '/' };
  // The field's router takes the agent's IP as the first path segment.
  return ip ? { ok: true, port: rule.route.port, pathPrefix: `/${ip}/` } : { ok: false, ip, hostname };
}

/** The session's target with its fresh token on the entry page; undefined when no rule maps its server. */
export function sessionTarget(endpoint: Endpoint, source: SessionSource, session: SessionSummary, token: string): DesktopTarget | undefined {
  const route = serverRoute(source, session);
  if (!route.ok) return undefined;
  const { port, pathPrefix } = route;
  const upstream: UpstreamTarget = {
    host: endpoint.host,
    port,
    pathPrefix,
    ...(endpoint.addressOverride ? { resolve: [{ host: endpoint.host, port, address: endpoint.addressOverride }] } : {}),
  };
  return {
    upstream,
    webUrlPath: webUrlPathOf(session),
    entry: sessionEntry(session.id, token),
    url: `https://${formatHostPort(endpoint.host, port)}/`,
    trustKey: trustKey(endpoint.host, port),
    ...(endpoint.hostHeader ? { hostHeader: endpoint.hostHeader } : {}),
    ...(endpoint.origin ? { origin: endpoint.origin } : {}),
    authToken: token,
    sessionId: session.id,
  };
}

/** https://endpoint:brokerPort/ — what proxy decisions for the Broker are made for. */
export function brokerUrl(endpoint: Endpoint, source: SessionSource): string {
  return `https://${formatHostPort(endpoint.host, source.brokerPort)}/`;
}

/** "{user}-{n}" → "alice-3": the first n from 1 that no session of the list has as its name. */
export function newSessionName(pattern: string, user: string, taken: readonly string[]): string {
  const names = new Set(taken.map((n) => n.toLowerCase()));
  for (let n = 1; n < 10_000; n++) {
    const name = pattern.replaceAll('{user}', user).replaceAll('{n}', String(n)).trim().slice(0, 120);
    if (!pattern.includes('{n}') || !names.has(name.toLowerCase())) return name;
  }
  return `${user}-${Date.now()}`;
}
