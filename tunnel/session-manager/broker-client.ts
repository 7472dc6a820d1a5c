/**
 * The Broker client: the four calls the launcher makes of a DCV Session Manager Broker, each
 * through dial() (route, proxy credentials, address override, the Broker's pin checked before a
 * byte), with the OAuth2 token in front and every failure a BrokerError with a stable code.
 *
 * Request and response bodies are the generated OpenAPI types (PascalCase on the wire; absent
 * fields omitted, since a Java service binding the body refuses what its model does not have).
 * Answers are read defensively (session-wire.ts): the definition types everything optional.
 */
import { formatHostPort } from '../proxy-list';
import type { DialOptions, TrustPolicy } from '../types';
import type { components } from './api/broker-api.generated';
import { AccessTokenCache, readTokenAnswer, tokenRequest } from './broker-auth';
import { apiError, badShape, errorTextOf, isRecord, jsonOf, params, sessionNotFound, sessionNotReady, sessionRefusal, type Where } from './broker-errors';
import { DEFAULT_REQUEST_TIMEOUT_MS, exchange, MAX_RESPONSE_BYTES, type ExchangeLimits, type HttpAnswer, type HttpCall } from './broker-http';
import { sessionFromWire, sessionsFromWire } from './session-wire';
import { BrokerError, type BrokerClient, type BrokerClientOptions, type CreateSessionInput, type DescribeQuery, type SessionSummary } from './types';

type Schemas = components['schemas'];

const MAX_PAGE_SIZE = 1000;

export function createBrokerClient(options: BrokerClientOptions): BrokerClient {
  const now = options.now ?? Date.now;
  const broker: Where = { host: options.broker.host, port: options.broker.port };
  const limits = { peer: 'the Broker', timeoutMs: options.timeouts?.requestMs ?? DEFAULT_REQUEST_TIMEOUT_MS, maxBytes: MAX_RESPONSE_BYTES };

  const dialTo = (target: DialOptions['target'], trust: TrustPolicy): DialOptions => ({
    target,
    route: options.route,
    proxyCredentials: options.proxyCredentials,
    trust,
    connectTimeoutMs: options.timeouts?.connectMs,
    handshakeTimeoutMs: options.timeouts?.handshakeMs,
    onStep: options.onStep,
  });
  const brokerDial = dialTo({ ...broker, resolve: options.broker.resolve }, options.trust);

  const tokens = options.auth.kind === 'client-credentials' ? tokenCache(options, dialTo, limits, now) : undefined;

  /**
   * One API call with the current token; on a 401 the token is renewed ONCE and the call sent
   * once more. A second 401 is an answer, not a reason to loop: BROKER_AUTH_FAILED.
   */
  async function call(operation: string, http: HttpCall, signal?: AbortSignal): Promise<HttpAnswer> {
    const send = (token: string | undefined) =>
      exchange(brokerDial, { ...http, headers: { ...http.headers, ...(token ? { Authorization: `Bearer ${token}` } : {}) } }, { ...limits, signal });
    const first = tokens ? await abortable(tokens.current(), signal) : undefined;
    let answer = await send(first);
    if (answer.status === 401 && tokens && first) answer = await send(await abortable(tokens.renewAfterRefusal(first), signal));
    if (answer.status === 401 && !tokens) {
      throw new BrokerError('BROKER_AUTH_FAILED', `${operation} at ${formatHostPort(broker.host, broker.port)}: HTTP 401: the Broker wants an access token; give the API client's id and password`, params({ ...broker, status: 401, error: errorTextOf(answer), operation }), { status: 401 });
    }
    return answer;
  }

  async function json(operation: string, http: HttpCall, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const answer = await call(operation, http, signal);
    if (answer.status !== 200) throw apiError(answer, broker, operation);
    const body = jsonOf(answer, broker, operation);
    if (!isRecord(body)) throw badShape(broker, operation, answer.status);
    return body;
  }

  const post = (path: string, body: unknown): HttpCall => ({ method: 'POST', path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  async function describeSessions(query: DescribeQuery = {}): Promise<SessionSummary[]> {
    const pageSize = query.pageSize ?? MAX_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new RangeError(`describeSessions: pageSize must be 1..${MAX_PAGE_SIZE}, got ${pageSize}`);
    const filters: Schemas['KeyValuePair'][] = [
      ...(query.owner !== undefined ? [{ Key: 'owner', Value: query.owner }] : []),
      ...(query.tags ?? []).map((t) => ({ Key: `tag:${t.key}`, Value: t.value })),
    ];
    const all: SessionSummary[] = [];
    const seenTokens = new Set<string>();
    let skipped = 0;
    let pages = 0;
    let nextToken: string | undefined;
    do {
      query.signal?.throwIfAborted();
      const body: Schemas['DescribeSessionsRequestData'] = {
        ...(filters.length > 0 ? { Filters: filters } : {}),
        ...(query.sessionIds !== undefined ? { SessionIds: query.sessionIds } : {}),
        MaxResults: pageSize,
        ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
      };
      const page = await json('describeSessions', post('/describeSessions', body), query.signal);
      const wire = page as Schemas['DescribeSessionsResponse'];
      if (wire.Sessions !== undefined && !Array.isArray(wire.Sessions)) throw badShape(broker, 'describeSessions', 200);
      const read = sessionsFromWire(wire.Sessions);
      all.push(...read.sessions);
      skipped += read.skipped;
      pages++;
      query.onPage?.({ pages, sessions: all.length, skipped });
      const token: unknown = wire.NextToken;
      nextToken = typeof token === 'string' && token !== '' ? token : undefined;
      if (token !== undefined && token !== null && typeof token !== 'string') throw badShape(broker, 'describeSessions', 200);
      // A Broker handing out the same token twice would page forever.
      if (nextToken !== undefined) {
        if (seenTokens.has(nextToken)) throw new BrokerError('BROKER_BAD_RESPONSE', `describeSessions at ${formatHostPort(broker.host, broker.port)}: the Broker returned the same NextToken twice`, { ...broker, pages, reason: 'repeated-next-token' });
        seenTokens.add(nextToken);
      }
    } while (nextToken !== undefined);
    return all;
  }

  async function getSessionConnectionData(sessionId: string, user: string): Promise<{ session: SessionSummary; connectionToken: string }> {
    const operation = 'GetSessionConnectionData';
    const path = `/sessionConnectionData/${encodeURIComponent(sessionId)}/${encodeURIComponent(user)}`;
    const answer = await call(operation, { method: 'GET', path });
    if (answer.status === 400 || answer.status === 404) throw await refusedConnection(answer, sessionId, user);
    if (answer.status !== 200) throw apiError(answer, broker, operation, { sessionId });
    const body = jsonOf(answer, broker, operation);
    if (!isRecord(body)) throw badShape(broker, operation, 200);
    // AWS's clients read the fields under `Session`; one doc page lists them flat: take either.
    const wire = body as Schemas['GetSessionConnectionDataResponse'] & Record<string, unknown>;
    const session = sessionFromWire(isRecord(wire.Session) ? wire.Session : body);
    const token: unknown = wire.ConnectionToken;
    if (typeof token !== 'string' || token.trim() === '') {
      throw new BrokerError('BROKER_BAD_RESPONSE', `${operation} at ${formatHostPort(broker.host, broker.port)}: no ConnectionToken for session "${sessionId}"`, { ...broker, status: 200, sessionId, reason: 'no-connection-token' });
    }
    if (!session) throw new BrokerError('BROKER_BAD_RESPONSE', `${operation} at ${formatHostPort(broker.host, broker.port)}: the answer does not describe session "${sessionId}"`, { ...broker, status: 200, sessionId, reason: 'no-session' });
    return { session, connectionToken: token };
  }

  /**
   * A 400/404 from GetSessionConnectionData: the text says "does not exist" or "not ready" when
   * it is the Broker's we know; when it is not, the session's own state decides (one more call),
   * so an unknown wording still gives the user SESSION_NOT_FOUND or SESSION_NOT_READY.
   */
  async function refusedConnection(answer: HttpAnswer, sessionId: string, user: string): Promise<BrokerError> {
    const error = errorTextOf(answer);
    const facts = { status: answer.status, error, user };
    const said = sessionRefusal(error);
    if (said?.code === 'SESSION_NOT_FOUND') return sessionNotFound(broker, sessionId, facts);
    if (said?.code === 'SESSION_NOT_READY' && said.state) return sessionNotReady(broker, sessionId, said.state, facts);
    let listed: SessionSummary[] | undefined;
    try {
      listed = await describeSessions({ sessionIds: [sessionId], pageSize: 1 });
    } catch {
      // The refusal itself is the better answer than a failure of the double-check.
    }
    const found = listed?.find((s) => s.id === sessionId);
    if (said?.code === 'SESSION_NOT_READY') return sessionNotReady(broker, sessionId, found?.state, { ...facts, reason: found?.stateReason });
    if (listed && !found) return sessionNotFound(broker, sessionId, facts);
    if (found && found.state.toUpperCase() !== 'READY') return sessionNotReady(broker, sessionId, found.state, { ...facts, reason: found.stateReason });
    return apiError(answer, broker, 'GetSessionConnectionData', { sessionId, user });
  }

  async function createSessions(items: CreateSessionInput[]) {
    const body: Schemas['CreateSessionRequestData'][] = items.map((i) => ({
      Name: i.name,
      Owner: i.owner,
      Type: i.type,
      ...(i.requirements !== undefined ? { Requirements: i.requirements } : {}),
      ...(i.maxConcurrentClients !== undefined ? { MaxConcurrentClients: i.maxConcurrentClients } : {}),
    }));
    const wire = (await json('createSessions', post('/createSessions', body))) as Schemas['CreateSessionsResponse'];
    const created = sessionsFromWire(listOf(wire.SuccessfulList, 'createSessions')).sessions;
    const failed = listOf(wire.UnsuccessfulList, 'createSessions').map((f) => {
      const item = isRecord(f) ? (f as Schemas['UnsuccessfulCreateSessionRequestData']) : {};
      const data: unknown = item.CreateSessionRequestData;
      const name = isRecord(data) && typeof data.Name === 'string' ? data.Name : '';
      return { name, reason: typeof item.FailureReason === 'string' ? item.FailureReason : '' };
    });
    return { created, failed };
  }

  async function deleteSessions(items: Array<{ sessionId: string; owner: string; force?: boolean }>) {
    const body: Schemas['DeleteSessionRequestData'][] = items.map((i) => ({ SessionId: i.sessionId, Owner: i.owner, Force: i.force ?? false }));
    const wire = (await json('deleteSessions', post('/deleteSessions', body))) as Schemas['DeleteSessionsResponse'];
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const deleted = listOf(wire.SuccessfulList, 'deleteSessions')
      .filter(isRecord)
      .map((d) => ({ sessionId: text(d.SessionId), state: text(d.State) }));
    const failed = listOf(wire.UnsuccessfulList, 'deleteSessions')
      .filter(isRecord)
      .map((f) => ({ sessionId: text(f.SessionId), reason: text(f.FailureReason) }));
    return { deleted, failed };
  }

  function listOf(v: unknown, operation: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw badShape(broker, operation, 200);
    return v as unknown[];
  }

  return {
    describeSessions,
    getSessionConnectionData,
    createSessions,
    deleteSessions,
    reset: () => tokens?.reset(),
  };
}

/** The token cache for client credentials: the Broker's /oauth2/token, or the token URL's host with its own trust. */
function tokenCache(
  options: BrokerClientOptions,
  dialTo: (target: DialOptions['target'], trust: TrustPolicy) => DialOptions,
  limits: ExchangeLimits,
  now: () => number,
): AccessTokenCache {
  const auth = options.auth as Extract<BrokerClientOptions['auth'], { kind: 'client-credentials' }>;
  const url = auth.tokenUrl === undefined ? undefined : tokenUrlOf(auth.tokenUrl);
  const where: Where = url ? { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : 443 } : { host: options.broker.host, port: options.broker.port };
  const dialOptions = url
    ? dialTo({ ...where, resolve: options.tokenEndpoint?.resolve ?? options.broker.resolve }, options.tokenEndpoint?.trust ?? { kind: 'system' })
    : dialTo({ ...where, resolve: options.broker.resolve }, options.trust);
  // No caller's signal here: the request is shared, and one caller giving up must not fail the others.
  const peer = url ? 'the token endpoint' : "the Broker's token endpoint";
  return new AccessTokenCache(async () => readTokenAnswer(await exchange(dialOptions, tokenRequest(auth.clientId, auth.clientPassword, url), { ...limits, peer }), where), now);
}

function tokenUrlOf(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(`createBrokerClient: tokenUrl ${JSON.stringify(text)} is not a URL`);
  }
  if (url.protocol !== 'https:') throw new TypeError(`createBrokerClient: tokenUrl must be https://, got ${url.protocol}//`);
  if (url.username || url.password || url.hash) throw new TypeError('createBrokerClient: tokenUrl takes no user name, password or #fragment');
  return url;
}

/** `work`, or the abort reason as soon as `signal` fires (the shared work itself goes on). */
function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
