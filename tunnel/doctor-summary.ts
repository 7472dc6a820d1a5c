/**
 * What each diagnosis step saw, as data: one code per kind of line and its facts, so the app can
 * word the line in the user's language. detail.summary keeps the English line (CLI, reports);
 * both are made in the same place, from the same facts.
 *
 * Params are flat (MessageParam): a reason that is itself a message (the route's `because`) is
 * carried as `because` = its code and `because.<name>` = each of its params.
 */
import type { Message, MessageParam } from './messages';
import type { DiagnosisStep } from './types';

export const SUMMARY_CODES = [
  // skipped steps
  /** An earlier step failed, so this one did not run. */
  'summary.skip.earlierFailed',
  /** websocket: the page did not load. */
  'summary.skip.pageFailed',
  /** The route does not need this step. */
  'summary.skip.notNeeded',
  /** {step}: dial failed here, but the failure belongs to `step` (a dead proxy is the proxy step's). */
  'summary.skip.partOfFailedStep',
  /** broker-token: the Broker needs no token (enable-authorization = false). */
  'summary.skip.noAuthorization',
  /** broker-dns … broker-tls: the Broker was not dialled (an external token endpoint failed first). */
  'summary.skip.notReached',
  /** {code}: a failure with nothing more to show than its code (its advice says the rest). */
  'summary.failed',

  // dns
  /** {host, addresses} */
  'summary.dns',
  /** {host, address}: the address override was used, nothing was looked up. */
  'summary.dns.override',
  /** {host}: an IP address, nothing to resolve. */
  'summary.dns.ipLiteral',
  /** {route}: the proxy resolves the name. */
  'summary.dns.proxyResolves',
  /** {host}: the name did not resolve. */
  'summary.dns.failed',

  // tcp
  /** {address, proxy}: connected (or tried) to address; proxy (host:port) when that is the proxy, else null. */
  'summary.tcp',

  // proxy
  /** {because…}: the route is DIRECT, and why. */
  'summary.proxy.direct',
  /** {because…, plainBrowserRoute, plainBrowserBecause…}: DIRECT here, while a plain browser would use plainBrowserRoute. */
  'summary.proxy.plainBrowserDiffers',
  /** {proxy, connectTo, status, statusText, proxyAuthenticate, because…}: the CONNECT and the proxy's answer (status null: none came). */
  'summary.proxy.connect',
  /** {proxy, address, because…}: the proxy could not be reached. */
  'summary.proxy.unreachable',
  /** {url}: the launcher could not decide how to reach the URL (a broken PAC answer, an unusable proxy variable). */
  'summary.proxy.noRoute',

  // tls
  /** {protocol, cipher, subject, selfSigned, validTo, fingerprint, pinMatched} */
  'summary.tls',
  /** {subject, selfSigned, validTo, fingerprint, pinned}: the certificate presented and refused. */
  'summary.tls.refused',
  /** {host, port}: no handshake completed. */
  'summary.tls.handshakeFailed',

  // http
  /** {path, status, statusText, server, hsts}: GET of the page (path with the token redacted). */
  'summary.http',
  /** {path}: no answer (reset or timeout: the step's code says which). */
  'summary.http.noAnswer',

  // websocket
  /** {path, status, statusText, host, origin, location}: the upgrade was not accepted. */
  'summary.ws.upgrade',
  /** {path, acceptOk, subprotocol}: 101, but the wrong Sec-WebSocket-Accept or subprotocol. */
  'summary.ws.badUpgrade',
  /** {path}: no answer to the upgrade or to the first message (the step's code says which). */
  'summary.ws.noAnswer',
  /** {code}: the second connection (the socket's own) failed. */
  'summary.ws.secondDial',
  /** {path, connectionId, serverName, serverVersion}: connectionConfirm. */
  'summary.ws.confirm',
  /** {path, reason}: connectionAbort with an AbortReason name. */
  'summary.ws.abort',
  /** {path, closeCode, closeReason}: the socket closed after the first message, without an answer. */
  'summary.ws.closed',
  /** {path, mode, mechanisms}: authenticationInit ("authentication none", "asks for a user name and password (PLAIN)"). */
  'summary.ws.authInit',
  /** {path, mode, sessions}: authentication 'none' went through; sessions: how many session targets came back. */
  'summary.ws.authResult',
  /** {path, kind}: an answer DCV's web client would not expect (kind: what it was, e.g. 'not-dcv', 'saslChallenge'). */
  'summary.ws.unexpected',

  // Session Manager's Broker
  /** {clientId}: an access token was received. */
  'summary.broker.token',
  /** {sessionId, name, owner, type, state, stateReason, serverIp, serverHostname}: DescribeSessions found it. */
  'summary.broker.session',
  /** {sessionId}: DescribeSessions does not know it. */
  'summary.broker.sessionNotFound',
  /** {sessionId, user, tokenLength}: a connection token was received (never the token itself). */
  'summary.broker.connection',
  /** {operation, status}: the Broker refused or failed the call (status null: no HTTP answer). */
  'summary.broker.error',
  /** {serverIp, serverHostname}: no rule of the source says how to reach the session's server. */
  'summary.session.noRoute',
] as const;

export type SummaryCode = (typeof SUMMARY_CODES)[number];

/** A summary message; undefined params are left out (the dictionary gets only what was seen). */
export function summaryOf(code: SummaryCode, params: Record<string, MessageParam | undefined> = {}): Message {
  const kept: Record<string, MessageParam> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined) kept[k] = v;
  return { code, params: kept };
}

/** Sets the step's line both ways: English in detail.summary, data in summary. */
export function setSummary(step: DiagnosisStep, english: string, message: Message): void {
  step.detail.summary = english;
  step.summary = message;
}

/**
 * A reason message flattened into params: `{ [key]: code, '<key>.<param>': value }`, or
 * `{ [key]: null }` when there is none (the English reason is then all there is).
 */
export function flatMessage(key: string, m: Message | undefined): Record<string, MessageParam> {
  if (!m) return { [key]: null };
  const out: Record<string, MessageParam> = { [key]: m.code };
  for (const [k, v] of Object.entries(m.params ?? {})) out[`${key}.${k}`] = v;
  return out;
}
