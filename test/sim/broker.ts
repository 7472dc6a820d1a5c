/**
 * A fake Amazon DCV Session Manager Broker for tests: three HTTPS listeners on loopback, one
 * self-signed certificate (CN=dcvsmbroker) for all of them, like the Broker's own ports:
 *
 * - client API (8443, 8448 in the field): OAuth2 client credentials at /oauth2/token, then the
 *   operations of the vendored definition (describeSessions, createSessions, …). Every body is
 *   validated strictly against the definition; what fails answers 400 {"error":"Invalid input"}
 *   and lands in `rejectedRequests`, so a test can assert the launcher never sent one. Every 200
 *   it sends is checked against the definition's response schema (`responseProblems`).
 * - resolver (the `enable-gateway` port, 8447): what a Connection Gateway asks.
 * - agent port (8445): the token verifier a DCV server asks (`auth-token-verifier`).
 *
 * Error statuses and bodies, with what backs each (details in the functions below):
 * - no Authorization header → 401 {"error":"No authorization header"}: the body is the field's,
 *   401 is our reading (SESSION-MANAGER.md: "status not documented; expect 401").
 * - unknown, expired or revoked bearer token → 401 {"error":"Invalid access token"} with
 *   `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 §3.1; the body text is ours).
 * - a client made `forbidden` → 403 {"error":"Access Denied"} (Spring Security's wording; ours).
 * - bad or missing client credentials at /oauth2/token → 401 {"error":"invalid_client"} with
 *   `WWW-Authenticate: Basic` (RFC 6749 §5.2; what the Broker itself sends is not documented).
 * - invalid request body → 400 {"error":"Invalid input"} (the definition's 400 description).
 * - GetSessionConnectionData: unknown session or one not READY → 400 {"error":"…"}; a user who
 *   is not the owner gets a token (200). Evidence in broker-operations.ts.
 * - createSessions / deleteSessions: per-item failures in UnsuccessfulList inside a 200.
 * - resolver without a destination → 404 {"error":"The requested combination of transport and
 *   sessionId does not exist"} (the field's message).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { listenTracked } from './http';
import { brokerOperations, validateBrokerRequest, validateBrokerResponse, type BrokerOperation } from '../../tunnel/session-manager/api/schemas';
import { VERIFIER_PATH, resolverHandler, verifierHandler, type AgentDeps, type ResolverCall, type VerifierCall } from './broker-agent';
import { mediaType, readBody, sendJson, type Handler, type RejectedRequest } from './broker-http';
import { OPERATIONS, type OperationContext } from './broker-operations';
import { SessionStore, type BrokerServerSeed, type BrokerSessionSeed, type SessionState, type SimServer, type SimSession } from './broker-sessions';
import { AccessTokens, ConnectionTokens } from './broker-tokens';
import { makeSelfSignedCert, peerCertificate, type PeerCertificate } from './cert';

export { RESOLVER_NOT_FOUND, verifyTokenWithBroker, parseAuthXml, type ResolvedSession, type ResolverCall, type VerifierCall, type VerifyResult } from './broker-agent';
export type { RejectedRequest } from './broker-http';
export type { BrokerServerSeed, BrokerSessionSeed, SessionState, SimServer } from './broker-sessions';

export const DEFAULT_CLIENT_ID = 'launcher-test';
export const DEFAULT_CLIENT_PASSWORD = 'bGF1bmNoZXItdGVzdC1wYXNzd29yZC0wMDAx';

export interface BrokerClient {
  id: string;
  password: string;
}

export interface BrokerOptions {
  /** A loopback address; default '127.0.0.1'. */
  host?: string;
  /** Each default 0 (a free port). */
  port?: number;
  resolverPort?: number;
  verifierPort?: number;
  /** API clients as `register-api-client` would have made them; default one: DEFAULT_CLIENT_ID. */
  clients?: BrokerClient[];
  /** expires_in of issued access tokens; default 3600. */
  accessTokenTtlSeconds?: number;
  /** Clients whose API calls answer 403 from the start (see also `forbidden()`). */
  forbiddenClients?: string[];
  /** false = `enable-authorization = false`: API calls need no token. Default true. */
  authorization?: boolean;
  /** The simulated DCV agents; default one, 'dcv-agent-1' at 127.0.0.2:8443. */
  servers?: BrokerServerSeed[];
  sessions?: BrokerSessionSeed[];
  /** CREATING → READY after this long; default 1500. */
  creationDelayMs?: number;
  /** DELETING → gone after this long; default 1500. */
  deletionDelayMs?: number;
  /** createSessions refuses an owner's next session beyond this many. Default unlimited. */
  maxSessionsPerOwner?: number;
  /** Lifetime of a ConnectionToken; default 60 minutes (connect-session-token-duration-minutes). */
  connectionTokenTtlMs?: number;
  /** The verifier accepts each ConnectionToken once (default false: until it expires). */
  singleUseConnectionTokens?: boolean;
  cert?: { key: string; cert: string };
}


export interface BrokerStats {
  tokenRequests: number;
  tokensIssued: number;
  tokenRefusals: number;
  /** Client API calls by 'METHOD /template' (e.g. 'GET /sessionConnectionData/{sessionId}/{user}'), authorized or not. */
  calls: Record<string, number>;
  /** describeSessions pages answered with 200. */
  pagesServed: number;
  rejectedRequests: number;
  unauthorized: number;
  forbidden: number;
  connectionTokensIssued: number;
  resolverCalls: ResolverCall[];
  verifierCalls: VerifierCall[];
  invalidResponses: number;
}

/** A session as a test sees it (the store's bookkeeping left out). */
export type BrokerSession = Omit<SimSession, 'pending' | 'seq'>;

export interface BrokerSim extends PeerCertificate {
  /** Client API base, https://127.0.0.1:PORT */
  url: string;
  host: string;
  port: number;
  /** https://127.0.0.1:PORT — the Gateway's `[resolver] url`. */
  resolverUrl: string;
  resolverPort: number;
  /** https://127.0.0.1:PORT/agent/validate-authentication-token — dcv.conf's `auth-token-verifier`. */
  verifierUrl: string;
  verifierPort: number;
  /** The first client's credentials (DEFAULT_CLIENT_ID / DEFAULT_CLIENT_PASSWORD unless `clients` says otherwise). */
  clientId: string;
  clientPassword: string;
  clients: readonly BrokerClient[];
  /** Live list: every request a correct client would never send. */
  rejectedRequests: readonly RejectedRequest[];
  /** Live list: 200 responses that failed the definition's response schema (should stay empty). */
  responseProblems: readonly string[];
  stats(): BrokerStats;
  sessions(): BrokerSession[];
  servers(): SimServer[];
  /** Adds n READY sessions at once (a fleet of thousands is fine); `template(i)` may vary them. */
  addSessions(n: number, template: BrokerSessionSeed | ((i: number) => BrokerSessionSeed)): BrokerSession[];
  setState(id: string, state: SessionState, reason?: string): void;
  /** Every access token issued so far stops working now. */
  expireAccessTokens(): void;
  /** Every connection token issued so far is expired from now on. */
  expireConnectionTokens(): void;
  /** API calls with this client's tokens answer 403 (until called again with false). */
  forbidden(clientId: string, on?: boolean): void;
  /** Closes the three listeners and every socket; resolves when the ports are free. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;

export async function startBroker(opts: BrokerOptions = {}): Promise<BrokerSim> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`startBroker: host must be a loopback address, got '${host}'`);
  const clients = opts.clients ?? [{ id: DEFAULT_CLIENT_ID, password: DEFAULT_CLIENT_PASSWORD }];
  if (clients.length === 0) throw new Error('startBroker: at least one API client is needed');
  const ttlSeconds = opts.accessTokenTtlSeconds ?? 3600;
  const authorization = opts.authorization ?? true;
  const { key, cert } = opts.cert ?? makeSelfSignedCert({ cn: 'dcvsmbroker' });
  const store = new SessionStore({
    servers: opts.servers ?? [{ id: 'dcv-agent-1', ip: '127.0.0.2', port: 8443, hostname: 'dcv-agent-1' }],
    sessions: opts.sessions ?? [],
    creationDelayMs: opts.creationDelayMs ?? 1500,
    deletionDelayMs: opts.deletionDelayMs ?? 1500,
    maxSessionsPerOwner: opts.maxSessionsPerOwner,
  });
  const accessTokens = new AccessTokens();
  const connectionTokens = new ConnectionTokens(opts.singleUseConnectionTokens);
  const forbiddenClients = new Set<string>(opts.forbiddenClients);
  const ctx: OperationContext = { store, connectionTokens, connectionTokenTtlMs: opts.connectionTokenTtlMs ?? 60 * 60 * 1000 };
  const operations = brokerOperations();
  for (const op of operations) if (!OPERATIONS[op.operationId]) throw new Error(`startBroker: no handler for ${op.operationId}`);

  const rejectedRequests: RejectedRequest[] = [];
  const responseProblems: string[] = [];
  const stats: BrokerStats = {
    tokenRequests: 0,
    tokensIssued: 0,
    tokenRefusals: 0,
    calls: {},
    pagesServed: 0,
    rejectedRequests: 0,
    unauthorized: 0,
    forbidden: 0,
    connectionTokensIssued: 0,
    resolverCalls: [],
    verifierCalls: [],
    invalidResponses: 0,
  };
  const reject = (r: RejectedRequest) => {
    rejectedRequests.push(r);
    stats.rejectedRequests++;
  };

  // --- client API --------------------------------------------------------------------------

  async function clientApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://broker.invalid');
    const method = req.method ?? 'GET';
    const body = await readBody(req);
    if (!body.ok) return sendJson(res, 413, { error: 'Request body too large' });
    if (url.pathname === '/oauth2/token') return tokenEndpoint(req, res, url, body.text);

    const route = routeOf(method, url.pathname);
    const callKey = `${method} ${route.op?.path ?? url.pathname}`;
    stats.calls[callKey] = (stats.calls[callKey] ?? 0) + 1;
    if (!authorize(req, res)) return;
    if (!route.op) return sendJson(res, route.status, { error: route.status === 405 ? 'Method Not Allowed' : 'Not Found' });
    const { op, params } = route;
    const rejectInput = (status: number, errors: string[], parsed?: unknown) => {
      reject({ listener: 'client', method, path: url.pathname, operationId: op.operationId, status, errors, body: parsed });
      sendJson(res, status, { error: status === 415 ? 'Unsupported Media Type' : 'Invalid input' });
    };

    let parsed: unknown;
    if (op.requestBody && body.text.trim() !== '') {
      // Spring answers a body of another media type with 415 (our assumption for the Broker).
      if (mediaType(req) !== 'application/json') return rejectInput(415, [`Content-Type must be application/json, got '${mediaType(req) || '(none)'}'`]);
      try {
        parsed = JSON.parse(body.text);
      } catch (e) {
        return rejectInput(400, [`not JSON: ${(e as Error).message}`]);
      }
    }
    if (op.requestBody) {
      const valid = validateBrokerRequest(op.operationId, parsed);
      if (!valid.ok) return rejectInput(400, valid.errors, parsed);
    }

    const reply = OPERATIONS[op.operationId](ctx, parsed, params);
    if (reply.clientError) reject({ listener: 'client', method, path: url.pathname, operationId: op.operationId, status: reply.status, errors: [reply.clientError], body: parsed });
    if (reply.status === 200) {
      if (op.operationId === 'describeSessions') stats.pagesServed++;
      if (op.operationId === 'GetSessionConnectionData') stats.connectionTokensIssued++;
      const checked = validateBrokerResponse(op.operationId, reply.body);
      if (!checked.ok) {
        stats.invalidResponses++;
        responseProblems.push(`${op.operationId}: ${checked.errors.join('; ')}`);
      }
    }
    sendJson(res, reply.status, reply.body);
  }

  function routeOf(method: string, pathname: string): { op: BrokerOperation; params: Record<string, string> } | { op?: undefined; status: 404 | 405 } {
    let pathKnown = false;
    for (const op of operations) {
      const params = op.match(pathname);
      if (!params) continue;
      if (op.method === method) return { op, params };
      pathKnown = true;
    }
    return { status: pathKnown ? 405 : 404 };
  }

  /** Bearer check (when authorization is on); answers 401/403 itself and returns false then. */
  function authorize(req: IncomingMessage, res: ServerResponse): boolean {
    if (!authorization) return true;
    const header = req.headers.authorization;
    const deny = (status: 401 | 403, error: string, challenge?: string) => {
      if (status === 401) stats.unauthorized++;
      else stats.forbidden++;
      sendJson(res, status, { error }, challenge ? { 'WWW-Authenticate': challenge } : {});
      return false;
    };
    if (!header) return deny(401, 'No authorization header', 'Bearer');
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const grant = bearer ? accessTokens.check(bearer[1]) : undefined;
    if (!grant) return deny(401, 'Invalid access token', 'Bearer error="invalid_token"');
    if (forbiddenClients.has(grant.clientId)) return deny(403, 'Access Denied');
    return true;
  }

  /**
   * OAuth 2.0 client credentials, as AWS documents the Broker's (sm-dev "Get an access token"):
   * POST /oauth2/token?grant_type=client_credentials, `Authorization: Basic base64(id:password)`,
   * `Content-Type: application/x-www-form-urlencoded`, empty body → access_token, token_type,
   * expires_in. Refusals follow RFC 6749 §5.2 (what the Broker itself sends is not documented).
   */
  function tokenEndpoint(req: IncomingMessage, res: ServerResponse, url: URL, body: string): void {
    stats.tokenRequests++;
    const method = req.method ?? 'GET';
    const malformed = (error: string, why: string) => {
      reject({ listener: 'client', method, path: url.pathname, status: 400, errors: [why], body: body || undefined });
      sendJson(res, 400, { error, error_description: why });
    };
    if (method !== 'POST') return sendJson(res, 405, { error: 'Method Not Allowed' }, { Allow: 'POST' });
    const grantType = url.searchParams.get('grant_type');
    if (grantType === null) return malformed('invalid_request', 'grant_type is missing from the query');
    if (grantType !== 'client_credentials') return malformed('unsupported_grant_type', `grant_type '${grantType}' is not supported`);
    if (mediaType(req) !== 'application/x-www-form-urlencoded') return malformed('invalid_request', `Content-Type must be application/x-www-form-urlencoded, got '${mediaType(req) || '(none)'}'`);
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
    const decoded = basic ? Buffer.from(basic[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const client = colon < 0 ? undefined : clients.find((c) => c.id === decoded.slice(0, colon) && c.password === decoded.slice(colon + 1));
    if (!client) {
      stats.tokenRefusals++;
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'Bad client credentials' }, { 'WWW-Authenticate': 'Basic realm="dcvsmbroker"' });
    }
    stats.tokensIssued++;
    sendJson(res, 200, { access_token: accessTokens.issue(client.id, ttlSeconds), token_type: 'Bearer', expires_in: ttlSeconds }, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  }

  // --- listeners ---------------------------------------------------------------------------

  const connections = new Set<Duplex>();
  const agentDeps: AgentDeps = { store, connectionTokens, resolverCalls: stats.resolverCalls, verifierCalls: stats.verifierCalls, reject };
  const listen = async (handler: Handler, port: number | undefined, what: string): Promise<Server> => {
    const server = createServer({ key, cert }, (req, res) => {
      handler(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: `simulator: ${(e as Error).message}` });
        else res.destroy();
      });
    });
    await listenTracked(server, host, port, `startBroker (${what})`, connections);
    return server;
  };
  const listeners: Server[] = [];
  try {
    listeners.push(await listen(clientApi, opts.port, 'client API'));
    listeners.push(await listen(resolverHandler(agentDeps), opts.resolverPort, 'resolver'));
    listeners.push(await listen(verifierHandler(agentDeps), opts.verifierPort, 'agent'));
  } catch (e) {
    for (const l of listeners) l.close();
    throw e;
  }
  const portOf = (s: Server) => (s.address() as { port: number }).port;
  const [port, resolverPort, verifierPort] = listeners.map(portOf);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const snapshot = (s: SimSession): BrokerSession => {
    const { pending: _pending, seq: _seq, ...rest } = s;
    return { ...rest };
  };

  let closing: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${port}`,
    host,
    port,
    resolverUrl: `https://${urlHost}:${resolverPort}`,
    resolverPort,
    verifierUrl: `https://${urlHost}:${verifierPort}${VERIFIER_PATH}`,
    verifierPort,
    ...peerCertificate(cert, key),
    clientId: clients[0].id,
    clientPassword: clients[0].password,
    clients,
    rejectedRequests,
    responseProblems,
    stats: () => ({
      ...stats,
      calls: { ...stats.calls },
      resolverCalls: stats.resolverCalls.map((c) => ({ ...c })),
      verifierCalls: stats.verifierCalls.map((c) => ({ ...c })),
    }),
    sessions: () => store.all().map(snapshot),
    servers: () => store.allServers().map((s) => ({ ...s, tags: { ...s.tags } })),
    addSessions: (n, template) => Array.from({ length: n }, (_, i) => snapshot(store.add(typeof template === 'function' ? template(i) : template))),
    setState: (id, state, reason) => store.setState(id, state, reason),
    expireAccessTokens: () => accessTokens.expireAll(),
    expireConnectionTokens: () => connectionTokens.expireAll(),
    forbidden: (clientId, on = true) => void (on ? forbiddenClients.add(clientId) : forbiddenClients.delete(clientId)),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        let open = listeners.length;
        for (const l of listeners) l.close(() => --open === 0 && resolve());
        // Keep-alive and half-read sockets would hold close() open; nothing here needs a goodbye.
        for (const s of connections) s.destroy();
      })),
  } satisfies BrokerSim;
}
