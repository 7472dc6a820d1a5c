/**
 * The troubleshooting engine: walks one desktop's path exactly as the tunnel would (the same
 * dial, the same Host/Origin rewriting, the same path mapping) and says, step by step, what
 * it saw and what to change. dns/tcp/proxy/tls come from dial() (doctor-dial); http is written
 * here by hand on the verified socket so nothing is added or followed behind our back; the
 * websocket step speaks DCV's first messages (doctor-websocket).
 *
 * Every step carries its English (detail.summary, hint) and the same as data (summary,
 * advice) for the app's languages. Steps are streamed to the UI as they end: no token is ever
 * written into one.
 */
import type { TLSSocket } from 'node:tls';
import { dial } from './dial';
import { collectAttempts, judgeDialSteps } from './doctor-dial';
import { exchange, ExchangeError, getHead, responseDetail, type ResponseHead } from './doctor-exchange';
import type { HintFacts } from './doctor-hints';
import { setSummary, summaryOf } from './doctor-summary';
import { addWarnings, advise, failed, messageOf, SKIP, skipped } from './doctor-step';
import { webSocketStep } from './doctor-websocket';
import type { CertificateSummary } from './errors';
import type { Message } from './messages';
import { redactAuthToken } from './report';
import { createRewriteContext, mapRequestTarget } from './rewrite';
import type { Diagnosis, DiagnosisStep, DialOptions, DialResult, ProxyCredentials, RouteEntry, TrustPolicy, UpstreamTarget } from './types';

export interface DiagnoseInput {
  upstream: UpstreamTarget;
  /** dcv.conf [connectivity] web-url-path: starts and ends with "/"; default "/". */
  webUrlPath?: string;
  /** What the tunnel would use: a PAC-style string or parsed entries. */
  route: string | RouteEntry[];
  /** Why that route ("Endpoint → Proxy: Direct", "HTTPS_PROXY", …), shown in the proxy step. */
  routeReason?: string;
  /** The same reason as data (envProxyFor's `because`, the app's proxy policy), for the app to word. */
  routeBecause?: Message;
  proxyCredentials?: ProxyCredentials;
  trust: TrustPolicy;
  hostHeader?: string;
  origin?: string;
  /**
   * A connection token (Gateway desktops, Session Manager sessions): sent as ?authToken= on the
   * page, as a browser would, and inside the first /ws message with sessionId — never in a
   * socket URL.
   */
  authToken?: string;
  sessionId?: string;
  /** 'gateway': the desktop is reached through a DCV Connection Gateway (its 404s and closes mean other things). Default 'server'. */
  via?: 'gateway' | 'server';
  /** A Session Manager session's context, for the hints (diagnoseSession sets it). */
  session?: {
    brokerHost: string;
    brokerPort: number;
    server?: { ip: string; hostname: string; port?: number };
    maxConcurrentClients?: number;
    numOfConnections?: number;
  };
  /**
   * What a plain browser on this machine would do with the endpoint (app ProxyPolicy, or the
   * env in the CLI). reason: why, in a few words that do not repeat the route, as the hint
   * and the step's summary put it in parentheses after the route; because: the same as data.
   */
  plainBrowserRoute?: { route: string; reason: string; because?: Message };
  timeouts?: { connectMs?: number; handshakeMs?: number; httpMs?: number };
}

export interface DiagnoseOptions {
  /** Called once per step, in the order dns, tcp, proxy, tls, http, websocket. */
  onStep?: (step: DiagnosisStep) => void;
  signal?: AbortSignal;
}

const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const USER_AGENT = 'dcv-tunnel-doctor';

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
    cookieTag: 'dcvl_doctor_',
  });
  const query = input.authToken ? `?authToken=${encodeURIComponent(input.authToken)}` : '';
  const pagePath = upstreamPath(webUrlPath + query, pathPrefix);

  const startedAt = new Date().toISOString();
  const steps: DiagnosisStep[] = [];
  const emit = (s: DiagnosisStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const facts = initialFacts(input, webUrlPath, rewrite.upstreamHost, rewrite.upstreamOrigin);
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
  const ctx = { host, port, route: input.route, routeReason: input.routeReason, routeBecause: input.routeBecause, plainBrowserRoute: input.plainBrowserRoute, trust: input.trust };
  for (const step of judgeDialSteps(attempts, failure, ctx, facts)) emit(step);
  if (!result) {
    for (const id of ['http', 'websocket'] as const) emit(skipped(id, SKIP.earlierFailed));
    return done();
  }

  // 2. http: the page, on the verified socket.
  const http = await pageStep(result.socket, pagePath, rewrite.upstreamHost, httpTimeoutMs, result.certificate, facts);
  if (http.status !== 'fail' && pathPrefix !== '/') await checkPrefixLeak(http, dialOptions, rewrite.upstreamHost, pathPrefix, httpTimeoutMs, facts);
  emit(http);
  if (http.status === 'fail') {
    emit(skipped('websocket', SKIP.pageFailed));
    return done();
  }

  // 3. websocket: a fresh connection, as the page's client makes one per socket.
  emit(
    await webSocketStep(
      {
        dialOptions,
        authPath: upstreamPath(`${webUrlPath}auth`, pathPrefix),
        wsPath: upstreamPath(`${webUrlPath}ws`, pathPrefix),
        hostHeader: rewrite.upstreamHost,
        origin: rewrite.upstreamOrigin,
        timeoutMs: httpTimeoutMs,
        authToken: input.authToken,
        sessionId: input.sessionId,
        via: input.via,
        // Only reached when the page answered with the same Host: a 403 on the socket is the Origin's.
        pageLoaded: true,
      },
      facts,
    ),
  );
  return done();

  function done(): Diagnosis {
    const base = `https://${host.includes(':') ? `[${host}]` : host}:${port}${pathPrefix}`;
    return { ok: steps.every((s) => s.status !== 'fail'), target: base, startedAt, steps };
  }
}

/** What every hint may need from the input; the steps add what they see. */
function initialFacts(input: DiagnoseInput, webUrlPath: string, hostHeader: string, origin: string): HintFacts {
  const { host, port, pathPrefix } = input.upstream;
  return {
    host,
    port,
    pathPrefix,
    webUrlPath,
    address: input.upstream.resolve?.find((r) => r.host.toLowerCase() === host.toLowerCase() && r.port === port)?.address,
    routeReason: input.routeReason,
    routeBecause: input.routeBecause,
    hasProxyCredentials: Boolean(input.proxyCredentials),
    pins: input.trust.kind === 'pin' ? input.trust.fingerprints : undefined,
    hostHeader,
    origin,
    hasAuthToken: Boolean(input.authToken),
    sessionId: input.sessionId,
    plainBrowserRoute: input.plainBrowserRoute,
    via: input.via,
    brokerHost: input.session?.brokerHost,
    brokerPort: input.session?.brokerPort,
    sessionServer: input.session?.server,
    maxConcurrentClients: input.session?.maxConcurrentClients,
    numOfConnections: input.session?.numOfConnections,
  };
}

function upstreamPath(localTarget: string, pathPrefix: string): string {
  const mapped = mapRequestTarget(localTarget, pathPrefix);
  if (!mapped.ok) throw new Error(`cannot map ${localTarget} under ${pathPrefix}: ${mapped.reason}`);
  return mapped.path;
}

// ---------------------------------------------------------------------------------------------
// http

async function pageStep(socket: TLSSocket, path: string, hostHeader: string, timeoutMs: number, cert: CertificateSummary, facts: HintFacts): Promise<DiagnosisStep> {
  const started = performance.now();
  // What the step shows: the request as sent, with the token taken out (steps are streamed to the UI).
  const shown = redactAuthToken(path);
  facts.path = shown;
  const sent = { path: shown, host: hostHeader };
  let res: ResponseHead;
  try {
    res = await exchange(socket, getHead(path, { Host: hostHeader, 'User-Agent': USER_AGENT, Accept: 'text/html', Connection: 'close' }), timeoutMs);
  } catch (e) {
    facts.message = messageOf(e);
    const code = e instanceof ExchangeError && e.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_RESET';
    return failed('http', code, performance.now() - started, { sent, message: facts.message }, facts, {
      text: `${shown}: ${facts.message}`,
      message: summaryOf('summary.http.noAnswer', { path: shown }),
    });
  } finally {
    socket.destroy();
  }
  const detail = responseDetail(res, sent);
  const durationMs = performance.now() - started;
  facts.status = res.status;
  facts.location = res.headers.location;
  const hsts = Boolean(res.headers['strict-transport-security']);
  const message = summaryOf('summary.http', { path: shown, status: res.status, statusText: res.statusText, server: res.headers.server ?? null, hsts });
  if (res.status < 200 || res.status >= 300) {
    const step: DiagnosisStep = { id: 'http', status: res.status < 400 ? 'warn' : 'fail', code: 'HTTP_STATUS', durationMs, detail };
    advise(step, facts);
    setSummary(step, `GET ${shown} → ${res.status} ${res.statusText}`, message);
    return step;
  }
  facts.hostAccepted = true;
  const step: DiagnosisStep = { id: 'http', status: 'ok', code: 'OK', durationMs, detail };
  addWarnings(step, hsts && cert.selfSigned ? ['HSTS_SELF_SIGNED'] : [], facts);
  setSummary(step, `GET ${shown} → ${res.status} ${res.statusText}${res.headers.server ? `, Server: ${res.headers.server}` : ''}${hsts ? ', HSTS' : ''}`, message);
  return step;
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
