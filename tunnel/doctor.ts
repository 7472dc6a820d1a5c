/**
 * The troubleshooting engine: walks one desktop's path exactly as the tunnel would (the same
 * dial, the same Host/Origin rewriting, the same path mapping) and says, step by step, what
 * it saw and what to change. dns/tcp/proxy/tls come from dial(); http and websocket are
 * written here by hand on the verified socket so nothing is added or followed behind our back.
 */
import type { TLSSocket } from 'node:tls';
import { expiresWithinDays, isExpired, isNotYetValid, namesHost } from './certificate';
import { dial } from './dial';
import { closeWebSocket, exchange, ExchangeError, getHead, upgradeHead, type ResponseHead } from './doctor-exchange';
import { hintFor, type HintFacts } from './doctor-hints';
import { isTunnelError, STEP_OF, type CertificateSummary, type Step } from './errors';
import { parseProxyList } from './proxy-list';
import { createRewriteContext, mapRequestTarget } from './rewrite';
import type {
  Diagnosis,
  DiagnosisStep,
  DialOptions,
  DialResult,
  DialStep,
  ProxyCredentials,
  RouteEntry,
  TrustPolicy,
  UpstreamTarget,
} from './types';

export interface DiagnoseInput {
  upstream: UpstreamTarget;
  /** dcv.conf [connectivity] web-url-path: starts and ends with "/"; default "/". */
  webUrlPath?: string;
  /** What the tunnel would use: a PAC-style string or parsed entries. */
  route: string | RouteEntry[];
  /** Why that route ("Endpoint → Proxy: Direct", "HTTPS_PROXY", …), shown in the proxy step. */
  routeReason?: string;
  proxyCredentials?: ProxyCredentials;
  trust: TrustPolicy;
  hostHeader?: string;
  origin?: string;
  /** A Connection Gateway token: sent as ?authToken= on the page and on <base>auth, as a browser would. */
  authToken?: string;
  sessionId?: string;
  /**
   * What a plain browser on this machine would do with the endpoint (app ProxyPolicy, or the
   * env in the CLI). reason: why, in a few words that do not repeat the route, as the hint
   * and the step's summary put it in parentheses after the route.
   */
  plainBrowserRoute?: { route: string; reason: string };
  timeouts?: { connectMs?: number; handshakeMs?: number; httpMs?: number };
}

export interface DiagnoseOptions {
  /** Called once per step, in the order dns, tcp, proxy, tls, http, websocket. */
  onStep?: (step: DiagnosisStep) => void;
  signal?: AbortSignal;
}

const DIAL_STEPS = ['dns', 'tcp', 'proxy', 'tls'] as const;
const EXPIRY_WARNING_DAYS = 30;
const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const USER_AGENT = 'dcv-tunnel-doctor';
const SUBPROTOCOL = 'dcv';

export async function diagnose(input: DiagnoseInput, options: DiagnoseOptions = {}): Promise<Diagnosis> {
  const webUrlPath = input.webUrlPath ?? '/';
  if (!webUrlPath.startsWith('/') || !webUrlPath.endsWith('/')) throw new Error(`webUrlPath must start and end with "/", got ${JSON.stringify(webUrlPath)}`);
  const { host, port, pathPrefix } = input.upstream;
  // The tunnel's own rewriting: the doctor cannot disagree with it about Host or Origin.
  const rewrite = createRewriteContext({
    upstream: { host, port, pathPrefix },
    hostHeader: input.hostHeader,
    origin: input.origin,
    localOrigin: 'https://127.0.0.1:0',
    localOrigins: [],
    sessionCookieName: 'dcv_doctor',
  });
  const query = input.authToken ? `?authToken=${encodeURIComponent(input.authToken)}` : '';
  const pagePath = upstreamPath(webUrlPath + query, pathPrefix);
  const authPath = upstreamPath(`${webUrlPath}auth${query}`, pathPrefix);

  const startedAt = new Date().toISOString();
  const steps: DiagnosisStep[] = [];
  const emit = (s: DiagnosisStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const facts: HintFacts = {
    host,
    port,
    pathPrefix,
    webUrlPath,
    address: input.upstream.resolve?.find((r) => r.host.toLowerCase() === host.toLowerCase() && r.port === port)?.address,
    routeReason: input.routeReason,
    hasProxyCredentials: Boolean(input.proxyCredentials),
    pins: input.trust.kind === 'pin' ? input.trust.fingerprints : undefined,
    hostHeader: rewrite.upstreamHost,
    origin: rewrite.upstreamOrigin,
    hasAuthToken: Boolean(input.authToken),
    sessionId: input.sessionId,
    plainBrowserRoute: input.plainBrowserRoute,
  };
  const dialOptions: DialOptions = {
    target: { host, port, resolve: input.upstream.resolve },
    route: input.route,
    proxyCredentials: input.proxyCredentials,
    trust: input.trust,
    connectTimeoutMs: input.timeouts?.connectMs,
    handshakeTimeoutMs: input.timeouts?.handshakeMs,
    signal: options.signal,
  };
  const httpTimeoutMs = input.timeouts?.httpMs ?? DEFAULT_HTTP_TIMEOUT_MS;

  // 1. dns, tcp, proxy, tls: dial() reports them; buffered so they come out in path order.
  const attempts = collectAttempts();
  let result: DialResult | undefined;
  let failure: unknown;
  try {
    result = await dial({ ...dialOptions, onStep: attempts.onStep });
  } catch (e) {
    failure = e;
  }
  const { seen, earlier } = attempts;
  rehomeFailure(seen);
  placeUnreportedFailure(seen, failure);
  facts.earlierRoutes = earlier;
  let failed = false;
  for (const id of DIAL_STEPS) {
    const step = fromDial(id, seen.get(id), failed, result, input, facts);
    if (earlier.length > 0 && (step.status === 'fail' || (id === 'proxy' && !failed))) {
      step.detail.earlierRoutes = earlier;
      if (step.status !== 'fail') addWarnings(step, ['ROUTE_FALLBACK'], facts);
    }
    failed ||= step.status === 'fail';
    emit(step);
  }
  if (!result) {
    for (const id of ['http', 'websocket'] as const) emit(skipped(id, 'an earlier step failed'));
    return done();
  }

  // 2. http: the page, on the verified socket.
  const http = await pageStep(result.socket, pagePath, rewrite.upstreamHost, httpTimeoutMs, result.certificate, facts);
  if (http.status !== 'fail' && pathPrefix !== '/') await checkPrefixLeak(http, dialOptions, rewrite.upstreamHost, pathPrefix, httpTimeoutMs, facts);
  emit(http);
  if (http.status === 'fail') {
    emit(skipped('websocket', 'the page did not load'));
    return done();
  }

  // 3. websocket: a fresh connection, as the page's client makes one per socket.
  emit(await webSocketStep(dialOptions, authPath, rewrite.upstreamHost, rewrite.upstreamOrigin, httpTimeoutMs, http, facts));
  return done();

  function done(): Diagnosis {
    const base = `https://${host.includes(':') ? `[${host}]` : host}:${port}${pathPrefix}`;
    return { ok: steps.every((s) => s.status !== 'fail'), target: base, startedAt, steps };
  }
}

function upstreamPath(localTarget: string, pathPrefix: string): string {
  const mapped = mapRequestTarget(localTarget, pathPrefix);
  if (!mapped.ok) throw new Error(`cannot map ${localTarget} under ${pathPrefix}: ${mapped.reason}`);
  return mapped.path;
}

// ---------------------------------------------------------------------------------------------
// dns, tcp, proxy, tls

/** The first entry of a route; unparseable lists (SOCKS, HTTPS entries) count as "not direct". */
function firstEntry(route: string | RouteEntry[]): RouteEntry | undefined {
  if (typeof route !== 'string') return route[0];
  try {
    return parseProxyList(route)[0];
  } catch {
    return undefined;
  }
}

/**
 * dial tries the route's entries in order ("PROXY a:8080; DIRECT") and reports every attempt's
 * steps, each tagged with its route: the last attempt is the path, the failed ones are history.
 */
function collectAttempts() {
  const seen = new Map<Step, DialStep>();
  const earlier: NonNullable<HintFacts['earlierRoutes']> = [];
  let current: unknown;
  const onStep = (s: DialStep) => {
    if (seen.size > 0 && s.detail.route !== current) {
      const failedStep = [...seen.values()].find((x) => x.status === 'fail');
      if (failedStep) earlier.push({ route: String(current), code: failedStep.code ?? 'UNEXPECTED', message: String(failedStep.detail.message ?? '') });
      seen.clear();
    }
    current = s.detail.route;
    seen.set(s.step, s);
  };
  return { seen, earlier, onStep };
}

/**
 * dial reports a failure where it happened (the TCP connection to the proxy), the diagnosis
 * shows it where its code belongs (STEP_OF: PROXY_UNREACHABLE is the proxy's), so a code
 * always names the same step in the app, the CLI and a ticket.
 */
function rehomeFailure(seen: Map<Step, DialStep>): void {
  for (const [id, s] of seen) {
    const home = s.status === 'fail' && s.code ? STEP_OF[s.code] : id;
    if (home === id || home === 'listen' || seen.has(home) || !(DIAL_STEPS as readonly string[]).includes(home)) continue;
    seen.set(home, { ...s, step: home as DialStep['step'] });
    seen.set(id, { step: s.step, status: 'skip', durationMs: s.durationMs, detail: { reason: `part of the ${home} step, which failed` } });
  }
}

/**
 * A failure dial did not report as a step (an abort, a bad route or pin caught before the
 * first step) is shown at its step, or the first one that did not run: never lost.
 */
function placeUnreportedFailure(seen: Map<Step, DialStep>, failure: unknown): void {
  if (failure === undefined || [...seen.values()].some((s) => s.status === 'fail')) return;
  const error = isTunnelError(failure) ? failure : undefined;
  const home = error && (DIAL_STEPS as readonly string[]).includes(error.step) ? (error.step as DialStep['step']) : (DIAL_STEPS.find((id) => !seen.has(id)) ?? 'tls');
  const message = failure instanceof Error ? failure.message : String(failure);
  seen.set(home, { step: home, status: 'fail', durationMs: 0, code: error?.code, detail: { message, ...error?.details } });
}

function fromDial(
  id: (typeof DIAL_STEPS)[number],
  reported: DialStep | undefined,
  afterFailure: boolean,
  result: DialResult | undefined,
  input: DiagnoseInput,
  facts: HintFacts,
): DiagnosisStep {
  if (reported) absorbDetailFacts(reported.detail, facts);
  if (afterFailure) return skipped(id, 'an earlier step failed');
  if (id === 'proxy' && (!reported || reported.status === 'skip')) {
    const direct = directProxyStep(input, reported, facts);
    if (direct) return direct;
  }
  if (!reported) return skipped(id, 'not needed on this route');

  const step: DiagnosisStep = { id, status: reported.status, code: 'OK', durationMs: reported.durationMs, detail: { ...reported.detail } };
  if (id === 'proxy' && input.routeReason) step.detail.reason ??= input.routeReason;
  if (reported.status === 'fail') {
    step.code = reported.code ?? 'UNEXPECTED';
    facts.message = typeof step.detail.message === 'string' ? step.detail.message : undefined;
  } else if (reported.status === 'skip') {
    step.code = 'SKIPPED';
  } else if (id === 'tls' && result) {
    // A passed tls step is judged here; dial's own warnings stay in the detail as it wrote them.
    step.status = 'ok';
    certificateWarnings(step, result.certificate, input, facts);
    if (reported.status === 'warn' && step.status === 'ok') {
      facts.message = JSON.stringify(step.detail.warnings ?? 'a warning');
      addWarnings(step, ['TLS_WARNING'], facts);
    }
  } else if (reported.status === 'warn') {
    step.code = reported.code ?? 'WARNING';
  }
  if (step.status === 'warn' || step.status === 'fail') step.hint ??= hintFor(step.code, facts);
  step.detail.summary = summarize(step, facts);
  return step;
}

/** What the hints need from a step's detail (dial puts a failure's TunnelError details there). */
function absorbDetailFacts(detail: Record<string, unknown>, facts: HintFacts): void {
  const str = (k: string) => (typeof detail[k] === 'string' ? (detail[k] as string) : undefined);
  const num = (k: string) => (typeof detail[k] === 'number' ? (detail[k] as number) : undefined);
  facts.proxy = str('proxy') ?? facts.proxy;
  facts.proxyStatus = num('proxyStatus') ?? facts.proxyStatus;
  facts.proxyAuthenticate = str('proxyAuthenticate') ?? facts.proxyAuthenticate;
  // The endpoint's address, not the proxy's.
  if (!detail.proxy) facts.address ??= str('address')?.replace(/:\d+$/, '');
  for (const key of ['certificate', 'presented']) {
    const cert = detail[key] as CertificateSummary | undefined;
    if (cert && typeof cert === 'object' && typeof cert.fingerprint256Hex === 'string') facts.certificate = cert;
  }
}

/** On a direct route the proxy step says so, and warns when a plain browser here would use a proxy. */
function directProxyStep(input: DiagnoseInput, reported: DialStep | undefined, facts: HintFacts): DiagnosisStep | undefined {
  const direct = reported ? reported.detail.route === 'DIRECT' : firstEntry(input.route)?.kind === 'direct';
  if (!direct) return undefined;
  const reason = input.routeReason ?? 'route is DIRECT';
  const detail: Record<string, unknown> = { ...(reported?.detail ?? {}), route: 'DIRECT', reason };
  const browser = input.plainBrowserRoute;
  if (browser && firstEntry(browser.route)?.kind !== 'direct') {
    detail.plainBrowserRoute = browser.route;
    detail.plainBrowserReason = browser.reason;
    const step: DiagnosisStep = { id: 'proxy', status: 'warn', code: 'SYSTEM_PROXY_WOULD_INTERCEPT', durationMs: reported?.durationMs ?? 0, detail };
    step.hint = hintFor(step.code, facts);
    detail.summary = `DIRECT: ${reason}; a plain browser here would use ${browser.route} (${browser.reason})`;
    return step;
  }
  detail.summary = `DIRECT: ${reason}`;
  return { id: 'proxy', status: 'ok', code: 'OK', durationMs: reported?.durationMs ?? 0, detail };
}

/**
 * Works now, bites later: expiry (a pin accepts an expired certificate, a browser will not),
 * expiry within 30 days, a pinned certificate that does not name the endpoint.
 */
function certificateWarnings(step: DiagnosisStep, cert: CertificateSummary, input: DiagnoseInput, facts: HintFacts): void {
  facts.certificate = cert;
  step.detail.certificate ??= cert;
  const warnings: string[] = [];
  if (isExpired(cert)) warnings.push('CERT_EXPIRED');
  else if (expiresWithinDays(cert, EXPIRY_WARNING_DAYS)) {
    facts.daysLeft = Math.floor((Date.parse(cert.validTo) - Date.now()) / 86_400_000);
    warnings.push('CERT_EXPIRES_SOON');
  }
  if (isNotYetValid(cert)) warnings.push('CERT_NOT_YET_VALID');
  if (input.trust.kind === 'pin' && !namesHost(cert, input.upstream.host)) warnings.push('CERT_NAME_MISMATCH');
  addWarnings(step, warnings, facts);
}

// ---------------------------------------------------------------------------------------------
// http

async function pageStep(
  socket: TLSSocket,
  path: string,
  hostHeader: string,
  timeoutMs: number,
  cert: CertificateSummary,
  facts: HintFacts,
): Promise<DiagnosisStep> {
  const started = performance.now();
  facts.path = path;
  let res: ResponseHead;
  try {
    res = await exchange(socket, getHead(path, { Host: hostHeader, 'User-Agent': USER_AGENT, Accept: 'text/html', Connection: 'close' }), timeoutMs);
  } catch (e) {
    return exchangeFailure('http', e, started, { path, host: hostHeader }, facts);
  } finally {
    socket.destroy();
  }
  const detail = responseDetail(res, { path, host: hostHeader });
  const durationMs = performance.now() - started;
  facts.status = res.status;
  facts.location = res.headers.location;
  if (res.status < 200 || res.status >= 300) {
    const step: DiagnosisStep = { id: 'http', status: res.status < 400 ? 'warn' : 'fail', code: 'HTTP_STATUS', durationMs, detail };
    step.hint = hintFor('HTTP_STATUS', facts);
    detail.summary = `GET ${path} → ${res.status} ${res.statusText}`;
    return step;
  }
  facts.hostAccepted = true;
  const step: DiagnosisStep = { id: 'http', status: 'ok', code: 'OK', durationMs, detail };
  addWarnings(step, res.headers['strict-transport-security'] && cert.selfSigned ? ['HSTS_SELF_SIGNED'] : [], facts);
  detail.summary = `GET ${path} → ${res.status} ${res.statusText}${res.headers.server ? `, Server: ${res.headers.server}` : ''}${
    res.headers['strict-transport-security'] ? ', HSTS' : ''
  }`;
  return step;
}

function responseDetail(res: ResponseHead, sent: Record<string, string>): Record<string, unknown> {
  const pick = ['server', 'strict-transport-security', 'x-frame-options', 'location', 'content-type', 'sec-websocket-protocol'];
  const headers: Record<string, string> = {};
  for (const name of pick) if (res.headers[name] !== undefined) headers[name] = res.headers[name];
  return {
    sent,
    status: res.status,
    statusText: res.statusText,
    headers,
    ...(res.setCookie.length ? { setCookie: res.setCookie } : {}),
    // The server's own words on a refusal ("Origin … is not allowed"); a page body is noise.
    ...(res.bodySnippet && res.status >= 300 ? { body: res.bodySnippet } : {}),
  };
}

function exchangeFailure(id: 'http' | 'websocket', e: unknown, started: number, sent: Record<string, string>, facts: HintFacts): DiagnosisStep {
  const message = e instanceof Error ? e.message : String(e);
  facts.message = message;
  const code = e instanceof ExchangeError && e.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_RESET';
  return {
    id,
    status: 'fail',
    code,
    durationMs: performance.now() - started,
    detail: { sent, message, summary: `${sent.path}: ${message}` },
    hint: hintFor(code, facts),
  };
}

/**
 * For a path-prefix route: does an unprefixed path reach a different server? Compared on
 * /version, which names the server; equal answers prove nothing, so only a difference warns.
 */
async function checkPrefixLeak(step: DiagnosisStep, dialOptions: DialOptions, hostHeader: string, pathPrefix: string, timeoutMs: number, facts: HintFacts): Promise<void> {
  const version = async (path: string): Promise<string | undefined> => {
    let socket: TLSSocket | undefined;
    try {
      socket = (await dial(dialOptions)).socket;
      const res = await exchange(socket, getHead(path, { Host: hostHeader, 'User-Agent': USER_AGENT, Connection: 'close' }), timeoutMs);
      return res.status === 200 ? (res.bodySnippet ?? '') : undefined;
    } catch {
      return undefined;
    } finally {
      socket?.destroy();
    }
  };
  const prefixed = await version(`${pathPrefix}version`);
  const unprefixed = await version('/version');
  const differs = prefixed !== undefined && unprefixed !== undefined && prefixed !== unprefixed;
  step.detail.prefixCheck = { prefixed: prefixed ?? null, unprefixed: unprefixed ?? null, differs };
  if (differs) addWarnings(step, ['PATH_PREFIX_LEAK'], facts);
}

// ---------------------------------------------------------------------------------------------
// websocket

async function webSocketStep(
  dialOptions: DialOptions,
  path: string,
  hostHeader: string,
  origin: string,
  timeoutMs: number,
  http: DiagnosisStep,
  facts: HintFacts,
): Promise<DiagnosisStep> {
  const started = performance.now();
  facts.path = path;
  const sent = { path, host: hostHeader, origin, subprotocol: SUBPROTOCOL };
  let socket: TLSSocket;
  try {
    socket = (await dial(dialOptions)).socket;
  } catch (e) {
    // It dialled a moment ago: a failure now is flakiness on the path, reported as such.
    const code = isTunnelError(e) ? e.code : 'UNEXPECTED';
    facts.message = e instanceof Error ? e.message : String(e);
    return { id: 'websocket', status: 'fail', code, durationMs: performance.now() - started, detail: { sent, message: facts.message, summary: `second connection failed: ${facts.message}` }, hint: hintFor(code, facts) };
  }
  const { head, expectedAccept } = upgradeHead(path, { Host: hostHeader, Origin: origin, 'User-Agent': USER_AGENT }, SUBPROTOCOL);
  let res: ResponseHead;
  try {
    res = await exchange(socket, head, timeoutMs);
  } catch (e) {
    socket.destroy();
    return exchangeFailure('websocket', e, started, sent, facts);
  }
  const detail = responseDetail(res, sent);
  facts.status = res.status;
  facts.location = res.headers.location;
  facts.hostAccepted = http.status !== 'fail';
  const line = `upgrade ${path} → ${res.status} ${res.statusText}`;
  if (res.status === 101) {
    const problems: string[] = [];
    if (res.headers['sec-websocket-accept'] !== expectedAccept) problems.push('wrong Sec-WebSocket-Accept');
    if (res.headers['sec-websocket-protocol'] !== SUBPROTOCOL) problems.push(`subprotocol ${res.headers['sec-websocket-protocol'] ?? '(none)'} instead of ${SUBPROTOCOL}`);
    await closeWebSocket(socket);
    const durationMs = performance.now() - started;
    if (problems.length === 0) return { id: 'websocket', status: 'ok', code: 'OK', durationMs, detail: { ...detail, summary: `${line}, subprotocol ${SUBPROTOCOL}` } };
    facts.message = problems.join('; ');
    return { id: 'websocket', status: 'fail', code: 'WS_STATUS', durationMs, detail: { ...detail, problems, summary: `${line}: ${facts.message}` }, hint: hintFor('WS_STATUS', facts) };
  }
  socket.destroy();
  const code = res.status === 403 ? 'WS_FORBIDDEN' : res.status === 404 ? 'WS_NOT_FOUND' : res.status >= 300 && res.status < 400 ? 'WS_REDIRECT' : 'WS_STATUS';
  const extra = code === 'WS_FORBIDDEN' ? ` (Host: ${hostHeader}, Origin: ${origin})` : code === 'WS_REDIRECT' ? ` → ${res.headers.location ?? '(no Location)'}` : '';
  return {
    id: 'websocket',
    status: 'fail',
    code,
    durationMs: performance.now() - started,
    detail: { ...detail, summary: line + extra },
    hint: hintFor(code, facts),
  };
}

// ---------------------------------------------------------------------------------------------

function skipped(id: Step, reason: string): DiagnosisStep {
  return { id, status: 'skip', code: 'SKIPPED', durationMs: 0, detail: { reason, summary: reason } };
}

/** Turns a step into a warning: the first code is the step's, all are listed, their hints joined. */
function addWarnings(step: DiagnosisStep, codes: string[], facts: HintFacts): void {
  if (codes.length === 0) return;
  const earlier = (step.detail.warningCodes as string[] | undefined) ?? (step.status === 'warn' ? [step.code] : []);
  step.detail.warningCodes = [...earlier, ...codes];
  if (step.status !== 'warn') {
    step.status = 'warn';
    step.code = codes[0];
  }
  step.hint = [step.hint, ...codes.map((c) => hintFor(c, facts))].filter(Boolean).join('\n');
}

/** One line for the table: what the step saw, from dial's detail or ours. */
function summarize(step: DiagnosisStep, facts: HintFacts): string {
  const d = step.detail;
  const parts: string[] = [];
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : undefined);
  if (step.status === 'skip') return str('reason') ?? 'skipped';
  if (Array.isArray(d.addresses)) parts.push(`${facts.host} → ${(d.addresses as unknown[]).join(', ')}`);
  else if (str('address')) parts.push(str('address')!);
  if (str('proxy')) parts.push(`via ${str('proxy')}${facts.routeReason ? ` (${facts.routeReason})` : ''}`);
  if (typeof d.proxyStatus === 'number') parts.push(`CONNECT ${str('connectTo') ?? ''} → ${d.proxyStatus} ${str('proxyStatusText') ?? ''}`.replace(/\s+/g, ' ').trim());
  if (str('proxyAuthenticate')) parts.push(`Proxy-Authenticate: ${str('proxyAuthenticate')}`);
  if (str('protocol')) parts.push(`${str('protocol')}${str('cipher') ? ` ${str('cipher')}` : ''}`);
  const cert = (d.certificate ?? d.presented) as CertificateSummary | undefined;
  if (cert && typeof cert === 'object' && cert.fingerprint256Hex) {
    parts.push(`${cert.subject}${cert.selfSigned ? ' (self-signed)' : ''}, until ${cert.validTo}, ${cert.fingerprint256Hex}`);
  }
  if (Array.isArray(d.expected)) parts.push(`pinned ${(d.expected as unknown[]).join(', ')}`);
  else if (d.pin === 'matched') parts.push('pin matched');
  if (str('message') && step.status === 'fail') parts.push(str('message')!);
  return parts.join('; ') || step.code;
}
