/**
 * dcv-tunnel's Session Manager side: the Broker client's options from the flags, `sessions`
 * (every page of the Broker's list, as one JSON line or a table), and what opening a session
 * needs (a fresh ConnectionToken, then the Gateway's or the server's target for the tunnel).
 * The Broker, the Gateway and the server are reached with the same --proxy and --resolve rules.
 */
import { userInfo } from 'node:os';
import { resolveProxyRule, resolveTrust, UsageError, type BrokerCliArgs, type ResolveDeps, type RouteDecision, type SessionCliArgs, type SessionsCliArgs, type TunnelTarget } from './cli-args';
import type { Output } from './cli-output';
import { formatHostPort } from './proxy-list';
import { createBrokerClient } from './session-manager/broker-client';
import { sessionEntry, sessionOpening } from './session-manager/session-url';
import { BrokerError, type BrokerClient, type BrokerClientOptions, type SessionSummary } from './session-manager/types';
import type { AddressOverride } from './types';

export const CLIENT_PASSWORD_ENV = 'DCV_BROKER_CLIENT_PASSWORD';

export interface ResolvedBroker {
  options: BrokerClientOptions;
  /** Why the Broker's route, in words (as for a target). */
  routeReason: string;
  /** The same --proxy rule for the other hosts (Gateway, server). */
  routeFor: (url: URL) => RouteDecision;
}

/** The Broker client's options from BROKER, --resolve and --proxy; the client password from the environment. */
export async function resolveBroker(args: { broker: BrokerCliArgs; resolve: AddressOverride[]; proxy: string }, deps: ResolveDeps): Promise<ResolvedBroker> {
  const { broker } = args;
  let auth: BrokerClientOptions['auth'] = { kind: 'none' };
  if (broker.clientId !== undefined) {
    const password = deps.env[CLIENT_PASSWORD_ENV];
    if (!password) throw new UsageError(`--client-id ${broker.clientId} needs its password in ${CLIENT_PASSWORD_ENV} (it is never taken as a flag: flags show in the process list)`);
    auth = { kind: 'client-credentials', clientId: broker.clientId, clientPassword: password, ...(broker.tokenUrl !== undefined ? { tokenUrl: broker.tokenUrl } : {}) };
  }
  const routeFor = await resolveProxyRule(args.proxy, deps);
  const { route, routeReason, proxyCredentials } = routeFor(new URL(`${broker.url}/`));
  const resolve = args.resolve.length > 0 ? args.resolve : undefined;
  return {
    options: {
      broker: { host: broker.host, port: broker.port, ...(resolve ? { resolve } : {}) },
      route,
      ...(proxyCredentials ? { proxyCredentials } : {}),
      trust: resolveTrust({ pins: broker.pins }),
      auth,
      // An external token URL: the system's trust store (it is a public IdP as a rule), the same overrides.
      ...(resolve ? { tokenEndpoint: { resolve } } : {}),
    },
    routeReason,
    routeFor,
  };
}

// ---------------------------------------------------------------------------------------------
// dcv-tunnel sessions

export interface SessionsIo {
  out: Output;
  /** Progress while pages arrive (a terminal's stderr; each call replaces the last, '' clears it); absent: quiet. */
  progress?: (text: string) => void;
  createClient?: (options: BrokerClientOptions) => BrokerClient;
}

export async function runSessions(args: SessionsCliArgs, deps: ResolveDeps, io: SessionsIo): Promise<number> {
  const broker = await resolveBroker(args, deps);
  io.out.secret(broker.options.auth.kind === 'client-credentials' ? broker.options.auth.clientPassword : undefined);
  const client = (io.createClient ?? createBrokerClient)(broker.options);
  let skipped = 0;
  const sessions = await client.describeSessions({
    ...(args.owner !== undefined ? { owner: args.owner } : {}),
    ...(args.tags.length > 0 ? { tags: args.tags } : {}),
    onPage: (p) => {
      skipped = p.skipped;
      io.progress?.(`${p.sessions} sessions (${p.pages} pages)…`);
    },
  });
  io.progress?.('');
  if (io.out.json) io.out.line({ event: 'sessions', sessions: sessions.map(sessionJson) }, '');
  else io.out.line({}, sessionsTable(sessions) + (skipped > 0 ? `\n(${skipped} more without a session Id left out)` : ''));
  return 0;
}

/** One session of `sessions --json`, keys in a fixed order; optional ones only when known. */
export function sessionJson(s: SessionSummary): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    owner: s.owner,
    type: s.type,
    state: s.state,
    ...(s.substate !== undefined ? { substate: s.substate } : {}),
    server: { ip: s.server.ip, hostname: s.server.hostname, port: s.server.port ?? null },
    tags: { ...s.server.tags },
    ...(s.lastDisconnectionTime !== undefined ? { lastDisconnectionTime: s.lastDisconnectionTime } : {}),
  };
}

/** A readable table, one session per row, and a count. */
export function sessionsTable(sessions: SessionSummary[]): string {
  const header = ['ID', 'NAME', 'OWNER', 'TYPE', 'STATE', 'SERVER', 'TAGS'];
  const rows = sessions.map((s) => [
    s.id,
    s.name,
    s.owner,
    s.type,
    s.substate ? `${s.state}/${s.substate}` : s.state,
    s.server.ip || s.server.hostname ? formatHostPort(s.server.ip || s.server.hostname, s.server.port ?? 0).replace(/:0$/, '') : '-',
    Object.entries(s.server.tags)
      .map(([k, v]) => `${k}=${v}`)
      .join(' '),
  ]);
  const cells = [header, ...rows].map((r) => r.map(printable));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const lines = cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd());
  return [...lines, `${sessions.length} session${sessions.length === 1 ? '' : 's'}`].join('\n');
}

/** Control characters from a Broker's names never reach the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

// ---------------------------------------------------------------------------------------------
// dcv-tunnel BROKER --session ID

export interface OpenedSession {
  client: BrokerClient;
  session: SessionSummary;
  target: TunnelTarget;
  /** Whom the token is for. */
  user: string;
  /** The page's URL without the token, for the text output. */
  displayUrl: string;
  /** A fresh token's entry page, for the next launch URL (tokens are short-lived). */
  freshEntry(): Promise<{ query: string; hash: string }>;
}

/** The user the token is for: --user, else --owner, else the OS user. */
export function tokenUser(args: Pick<SessionCliArgs, 'user' | 'owner'>, env: NodeJS.ProcessEnv): string {
  if (args.user !== undefined) return args.user;
  if (args.owner !== undefined) return args.owner;
  try {
    return userInfo().username;
  } catch {
    const name = env.USER ?? env.USERNAME;
    if (name) return name;
    throw new UsageError('cannot tell the OS user: give --user USER');
  }
}

/**
 * Asks the Broker for the session's connection data (a fresh token) and turns it into the
 * tunnel's target: the Gateway (--gateway) or the session's server, with --pin/--ca, the
 * --proxy decision for that host, --resolve, and the token and session id on the entry page.
 */
export async function openSession(args: SessionCliArgs, deps: ResolveDeps, hooks: { out: Output; createClient?: (o: BrokerClientOptions) => BrokerClient }): Promise<OpenedSession> {
  const broker = await resolveBroker(args, deps);
  hooks.out.secret(broker.options.auth.kind === 'client-credentials' ? broker.options.auth.clientPassword : undefined);
  const user = tokenUser(args, deps.env);
  const client = (hooks.createClient ?? createBrokerClient)(broker.options);
  const fetchToken = async () => {
    const data = await client.getSessionConnectionData(args.sessionId, user);
    hooks.out.secret(data.connectionToken);
    return data;
  };
  const { session, connectionToken } = await fetchToken();
  const { target, displayUrl } = sessionTunnelTarget(args, broker, session, connectionToken);
  return {
    client,
    session,
    target,
    user,
    displayUrl,
    freshEntry: async () => sessionEntry(session.id, (await fetchToken()).connectionToken),
  };
}

/**
 * The tunnel's target for a session with its token: the Gateway (--gateway) or the session's
 * server, with --pin/--ca, the --proxy decision for that host, --resolve, and the token and
 * session id on the entry page. The tunnel and the doctor both start from it.
 */
export function sessionTunnelTarget(args: SessionCliArgs, broker: ResolvedBroker, session: SessionSummary, connectionToken: string): { target: TunnelTarget; displayUrl: string } {
  const opening = sessionOpening(session, connectionToken, args.gateway);
  if (!opening) {
    throw new BrokerError('BROKER_BAD_RESPONSE', `the Broker names no address for the server of session "${session.id}": give --gateway URL`, { sessionId: session.id, reason: 'no-server-address' });
  }
  const resolve = args.resolve.length > 0 ? args.resolve : undefined;
  const upstream = { ...opening.upstream, ...(resolve ? { resolve } : {}) };
  const decision = broker.routeFor(new URL(`https://${formatHostPort(upstream.host, upstream.port)}/`));
  const target: TunnelTarget = {
    upstream,
    webUrlPath: opening.webUrlPath,
    entry: opening.entry,
    ...decision,
    trust: resolveTrust(args),
    hostHeader: args.hostHeader,
    origin: args.origin,
  };
  return { target, displayUrl: opening.displayUrl };
}
