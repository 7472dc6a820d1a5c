/**
 * The Broker's two non-client faces, and the DCV server's side of the second one:
 *
 * - the session resolver a DCV Connection Gateway asks (the Broker's `enable-gateway` port,
 *   8447 in the field): `POST /resolveSession?sessionId=…&transport=HTTP|QUIC&clientIpAddress=…`;
 * - the external authenticator a DCV server asks (`[security] auth-token-verifier =
 *   "https://<broker>:8445/agent/validate-authentication-token"`), and
 *   `verifyTokenWithBroker`, which the simulated DCV agents call the way a DCV server does.
 *
 * DCV's external authenticator protocol: the DCV server POSTs the form fields `sessionId`,
 * `authenticationToken` and `clientAddress` (application/x-www-form-urlencoded); the answer is
 * XML, `<auth result="yes"><username>USER</username></auth>` or
 * `<auth result="no"><message>why</message></auth>`, both with status 200. Sources: Amazon DCV
 * Administrator Guide, "Use External Authentication" → "Authentication service requirements";
 * AWS ParallelCluster's pcluster_dcv_authenticator, which parses exactly those three form fields
 * and answers 200 text/xml in exactly those two shapes.
 */
import { request } from 'node:https';
import { mediaType, readBody, sendJson, sendXml, type Handler, type RejectedRequest } from './broker-http';
import type { SessionStore } from './broker-sessions';
import type { ConnectionTokens } from './broker-tokens';

/** The field's message for a resolver 404 (observed; see SESSION-MANAGER.md). */
export const RESOLVER_NOT_FOUND = 'The requested combination of transport and sessionId does not exist';
export const VERIFIER_PATH = '/agent/validate-authentication-token';

export interface ResolvedSession {
  SessionId: string;
  TransportProtocol: 'HTTP' | 'QUIC';
  DcvServerEndpoint: string;
  Port: number;
  WebUrlPath: string;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const xmlUnescape = (s: string) =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

export function authXml(result: { ok: true; user: string } | { ok: false; message: string }): string {
  return result.ok
    ? `<auth result="yes"><username>${xmlEscape(result.user)}</username></auth>`
    : `<auth result="no"><message>${xmlEscape(result.message)}</message></auth>`;
}

export type VerifyResult = { ok: true; user: string } | { ok: false; message: string };

/** Reads the external authenticator's XML answer; anything else is a refusal that says why. */
export function parseAuthXml(xml: string): VerifyResult {
  const auth = /<auth\s+result\s*=\s*"(yes|no)"\s*\/?>/i.exec(xml);
  if (!auth) return { ok: false, message: `not an <auth> answer: ${xml.slice(0, 200)}` };
  if (auth[1].toLowerCase() === 'yes') {
    const user = /<username>([\s\S]*?)<\/username>/.exec(xml);
    if (!user || user[1] === '') return { ok: false, message: 'result="yes" without a username' };
    return { ok: true, user: xmlUnescape(user[1]) };
  }
  const message = /<message>([\s\S]*?)<\/message>/.exec(xml);
  return { ok: false, message: message ? xmlUnescape(message[1]) : 'refused without a message' };
}

/**
 * What a DCV server does with a client's token: POST it to the `auth-token-verifier` URL.
 * With `ca`, the verifier's certificate must chain to it; its name is not checked, since the
 * Broker's self-signed certificate names the broker (CN=dcvsmbroker), not the address an agent
 * dials — like dcv.conf's `ca-file` with the Broker's CA. Network and HTTP failures resolve to
 * a refusal whose message says what failed: a DCV server cannot let a client in either way.
 */
export function verifyTokenWithBroker(
  verifierUrl: string,
  form: { sessionId: string; authenticationToken: string; clientAddress: string },
  tls: { ca: string } | { rejectUnauthorized: false },
): Promise<VerifyResult> {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve) => {
    const req = request(
      verifierUrl,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) },
        agent: false,
        timeout: 10_000,
        ...('ca' in tls ? { ca: tls.ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (res.statusCode !== 200) return resolve({ ok: false, message: `token verifier answered ${res.statusCode}: ${text.slice(0, 200)}` });
          resolve(parseAuthXml(text));
        });
        res.on('error', (e) => resolve({ ok: false, message: `token verifier: ${e.message}` }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ ok: false, message: `token verifier ${verifierUrl}: ${e.message}` }));
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Server side: the resolver and verifier listeners' handlers

export interface ResolverCall {
  sessionId: string | null;
  transport: string | null;
  clientIpAddress: string | null;
  status: number;
}

export interface VerifierCall {
  sessionId: string;
  clientAddress: string;
  result: 'yes' | 'no';
  user?: string;
  message?: string;
}

export interface AgentDeps {
  store: SessionStore;
  connectionTokens: ConnectionTokens;
  /** Appended to as calls come in (the broker's stats). */
  resolverCalls: ResolverCall[];
  verifierCalls: VerifierCall[];
  reject(r: RejectedRequest): void;
}

/**
 * 200 with the agent of a READY session over HTTP. QUIC has no endpoint here (the simulated
 * agents serve WebSockets only), so it is "a combination that does not exist": 404.
 */
export function resolverHandler(deps: AgentDeps): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://broker.invalid');
    await readBody(req);
    if (url.pathname !== '/resolveSession') return sendJson(res, 404, { error: 'Not Found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Method Not Allowed' }, { Allow: 'POST' });
    const q = url.searchParams;
    const call = { sessionId: q.get('sessionId'), transport: q.get('transport'), clientIpAddress: q.get('clientIpAddress') };
    const answer = (status: number, body: object) => {
      deps.resolverCalls.push({ ...call, status });
      sendJson(res, status, body);
    };
    if (!call.sessionId || (call.transport !== 'HTTP' && call.transport !== 'QUIC')) {
      const why = !call.sessionId ? 'sessionId is missing' : `transport must be HTTP or QUIC, got '${call.transport ?? '(none)'}'`;
      deps.reject({ listener: 'resolver', method: 'POST', path: url.pathname + url.search, status: 400, errors: [why] });
      return answer(400, { error: why });
    }
    const session = deps.store.get(call.sessionId);
    const server = session && deps.store.server(session.serverId);
    if (!session || !server || session.state !== 'READY' || call.transport !== 'HTTP') return answer(404, { error: RESOLVER_NOT_FOUND });
    const resolved: ResolvedSession = { SessionId: session.id, TransportProtocol: 'HTTP', DcvServerEndpoint: server.ip, Port: server.port, WebUrlPath: server.webUrlPath };
    answer(200, resolved);
  };
}

/**
 * Valid when the token was issued for that session, has not expired, and the session still
 * exists (not DELETING or DELETED). Refusals are `result="no"` with a 200, as DCV expects.
 */
export function verifierHandler(deps: AgentDeps): Handler {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'https://broker.invalid');
    const body = await readBody(req);
    if (url.pathname !== VERIFIER_PATH) return sendJson(res, 404, { error: 'Not Found' });
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'Method Not Allowed' }, { Allow: 'POST' });
    if (!body.ok) return sendJson(res, 413, { error: 'Request body too large' });
    const form = readVerifierForm(mediaType(req), body.text);
    if (!form.ok) {
      deps.reject({ listener: 'verifier', method: 'POST', path: url.pathname, status: 200, errors: [form.why], body: body.text });
      deps.verifierCalls.push({ sessionId: '', clientAddress: '', result: 'no', message: form.why });
      return sendXml(res, 200, authXml({ ok: false, message: form.why }));
    }
    const session = deps.store.get(form.sessionId);
    const alive = session !== undefined && session.state !== 'DELETING' && session.state !== 'DELETED';
    const check = alive ? deps.connectionTokens.check(form.token, form.sessionId) : { ok: false as const, why: `session ${form.sessionId} does not exist` };
    const result: VerifyResult = check.ok ? { ok: true, user: check.grant.user } : { ok: false, message: check.why };
    deps.verifierCalls.push({
      sessionId: form.sessionId,
      clientAddress: form.clientAddress,
      ...(result.ok ? { result: 'yes', user: result.user } : { result: 'no', message: result.message }),
    });
    sendXml(res, 200, authXml(result));
  };
}

/** The verifier's form fields, or the reason it cannot read them. */
function readVerifierForm(type: string, body: string): { ok: true; sessionId: string; token: string; clientAddress: string } | { ok: false; why: string } {
  if (type !== 'application/x-www-form-urlencoded') return { ok: false, why: `expected an application/x-www-form-urlencoded body, got '${type || '(none)'}'` };
  const form = new URLSearchParams(body);
  const sessionId = form.get('sessionId');
  const token = form.get('authenticationToken');
  if (!sessionId) return { ok: false, why: 'missing sessionId' };
  if (!token) return { ok: false, why: 'missing authenticationToken' };
  return { ok: true, sessionId, token, clientAddress: form.get('clientAddress') ?? '' };
}
