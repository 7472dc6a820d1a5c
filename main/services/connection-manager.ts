/**
 * One LocalTunnel per open desktop, and everything that decides whether it may open:
 *
 *   catalogue → endpoint + desktop + profile → DesktopTarget
 *   ProxyPolicy → route (+ credentials from the secret store)
 *   TrustStore  → pins; none yet → inspect the certificate (no HTTP byte) → 'needs-trust'
 *   LocalTunnel.start → one check dial through the whole path → 'opened'
 *
 * While it works, each step of the dial (dns → tcp → proxy → tls) is streamed as it ends
 * ('doctor.step') and the connection says which step is under way ('connecting').
 *
 * Every answer that needs the user (trust, a changed certificate, proxy credentials) comes
 * back as a value: each user decision leads to exactly one new attempt, nothing here loops.
 * After opening, upstream drops put the connection in 'reconnecting' and it is probed with
 * backoff on the same tunnel (same local port), so the desktop page can reconnect in place.
 * A certificate that stops matching its pin is never retried.
 */
import type { ConnectionInfo, ConnectionState, EventName, Events, Failure, NeedsUser, OpenResult, Result, TrustEntry, TrustInspection } from '../../preload/contract/api';
import type { Catalogue, Endpoint, Profile } from '../../preload/contract/model';
import { dial, inspectCertificate } from '../../tunnel/dial';
import { adviceFor, hintFor, type HintFacts } from '../../tunnel/doctor-hints';
import { plainParams } from '../../tunnel/messages';
import { isTunnelError, TunnelError, type TunnelErrorCode } from '../../tunnel/errors';
import { toTunnelError } from '../../tunnel/forward-http';
import { LocalTunnel } from '../../tunnel/local-tunnel';
import type { DialStep, ProxyCredentials, TrustPolicy, TunnelStats } from '../../tunnel/types';
import { OPEN_STEPS, progressStep, stepAfter } from './connect-progress';
import { desktopTarget, type DesktopTarget } from './desktop-target';
import type { ProxyDecision, ProxyPolicy } from './proxy-policy';
import { tokenSecretKey, type SecretStore } from './secrets/secret-store';
import type { PreparedSession } from './session-directory';
import { parseTrustKey, type TrustStore } from './trust-store';
import { exportDcvForTunnel } from './import-export/dcv-file';
import { isSessionKey } from './session-target';
import type { ViewerHandoff } from './viewer-handoff';
import { ok, fail, errorText } from './result';

/** What the shell needs to show a desktop (the shell's DesktopOpenRequest). */
export interface DesktopLaunch {
  launchUrl: string;
  desktopId: string;
  /** A window of the app, or the system browser. */
  openIn: 'window' | 'browser';
  tunnel: { port: number; origin: string; fingerprint: string; spkiHash: string };
  profile?: Profile;
  /** The tunnel was open already: a window showing it comes forward instead of a second one. */
  reuse?: boolean;
}

export type Emit = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface ConnectionManagerDeps {
  catalogue: {
    current(): Catalogue;
    recordRecent(desktopId: string, outcome: 'ok' | 'failed', code?: string): Promise<unknown>;
  };
  /** Hands a .dcv file to DCV Viewer (absent: the file is offered for download instead, token-free ones only). */
  viewer?: Pick<ViewerHandoff, 'handOver'>;
  secrets: Pick<SecretStore, 'get'>;
  trust: TrustStore;
  proxy: Pick<ProxyPolicy, 'decide'>;
  /** Credentials to send to the endpoint's proxy, or undefined (then a 407 asks the user). */
  proxyCredentials(endpoint: Endpoint, decision: ProxyDecision): Promise<ProxyCredentials | undefined>;
  certDir: string;
  /**
   * Shows a desktop whose profile opens in a window or the browser: the one place an open is
   * shown in Electron (Connect and deep links alike). Browser mode's is a no-op: the page
   * opens the tab itself.
   */
  openDesktop?: (launch: DesktopLaunch) => void;
  emit: Emit;
  /**
   * Session Manager sessions (ids the catalogue does not have): a fresh token and where the
   * session is, fetched from its Broker right before every open.
   */
  sessions?: {
    prepareOpen(key: string): Promise<PreparedSession | NeedsUser | ({ kind: 'failed' } & Failure) | undefined>;
    /** A Broker's certificate read again, for trust.accept of a key nothing showed since start. */
    inspectAt(key: string): Promise<TrustInspection | undefined>;
  };
  now?: () => Date;
  /** Reconnect probes: first delay, doubled per attempt up to the cap. Default 500 ms → 30 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Dial timeouts for checks, probes and inspections (the tunnel's defaults otherwise). */
  timeouts?: { connectMs?: number; handshakeMs?: number };
  /** How often idle tunnels are looked for (tests shorten it). Default 15 s. */
  idleCheckMs?: number;
}

/** Drops a probe can outlast: the path is (still) there, something on it is down for now. */
const RECONNECTABLE: ReadonlySet<TunnelErrorCode> = new Set([
  'DNS_NOT_FOUND',
  'TCP_REFUSED',
  'TCP_TIMEOUT',
  'PROXY_UNREACHABLE',
  // Through a proxy, an agent that went away is the proxy's 502/503.
  'PROXY_ERROR',
  'TLS_HANDSHAKE_FAILED',
  'UPSTREAM_RESET',
  'UPSTREAM_TIMEOUT',
]);

const STATS_MIN_INTERVAL_MS = 250;
/** How often unused tunnels are looked for. */
const IDLE_CHECK_MS = 15_000;

interface Connection {
  desktopId: string;
  profileId?: string;
  tunnel: LocalTunnel;
  state: ConnectionState;
  stateAt: string;
  openedAt: string;
  /** The settings the tunnel was started with: a reuse must not serve stale ones. */
  signature: string;
  /** The route and trust the tunnel dials with: a reuse checks exactly that path again. */
  routed: Routed;
  policy: TrustPolicy;
  admitsViewer: boolean;
  attempt: number;
  timer?: NodeJS.Timeout;
  lastStatsAt: number;
  /** Since when no socket of the window (or viewer) has been open. */
  idleSince?: number;
}

/** What one open resolved: a catalogue desktop, or a Broker session with a fresh token. */
interface Resolved {
  desktopId: string;
  /** The desktop's or session's name (a .dcv file is named after it). */
  name: string;
  endpoint: Endpoint;
  profile?: Profile;
  target: DesktopTarget;
  /** What the tunnel is made from, without secrets: a reuse must not serve stale settings. */
  signature: string;
}

/** The route a dial takes, and the facts a hint or a 407 answer needs. */
interface Routed extends Resolved {
  decision: ProxyDecision;
  credentials?: ProxyCredentials;
}


export type ConnectionManager = ReturnType<typeof createConnectionManager>;

export function createConnectionManager(deps: ConnectionManagerDeps) {
  const now = deps.now ?? (() => new Date());
  const backoff = deps.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const connections = new Map<string, Connection>();
  /** Per desktop, the tail of its open/close queue: one operation at a time per desktop. */
  const queues = new Map<string, Promise<unknown>>();
  let shuttingDown = false;
  const showCertificate: TrustStore['inspect'] = (key, certificate, chain) => deps.trust.inspect(key, certificate, chain);

  /**
   * A tunnel whose window or tab was closed keeps listening (the page may come back, a DCV
   * Viewer may connect); once nothing has used it for the user's idle time it closes itself.
   */
  let idleTimer: NodeJS.Timeout | undefined;
  const sweepIdle = () => {
    const minutes = deps.catalogue.current().settings.idleCloseMinutes;
    const at = Date.now();
    for (const c of connections.values()) {
      if (c.state.kind === 'connecting' || c.tunnel.stats().activeSockets > 0) {
        c.idleSince = undefined;
        continue;
      }
      c.idleSince ??= at;
      if (minutes > 0 && at - c.idleSince >= minutes * 60_000) void serial(c.desktopId, () => drop(c));
    }
    if (connections.size === 0) {
      clearInterval(idleTimer);
      idleTimer = undefined;
    }
  };
  const watchIdle = () => {
    idleTimer ??= setInterval(sweepIdle, deps.idleCheckMs ?? IDLE_CHECK_MS);
    idleTimer.unref();
  };

  const serial = <T>(desktopId: string, job: () => Promise<T>): Promise<T> => {
    const run = (queues.get(desktopId) ?? Promise.resolve()).then(job);
    const tail = run.catch(() => {});
    queues.set(desktopId, tail);
    void tail.then(() => queues.get(desktopId) === tail && queues.delete(desktopId));
    return run;
  };

  // ---- catalogue → target --------------------------------------------------------------------

  async function resolve(desktopId: string, profileId?: string): Promise<Result<Resolved> | { ok: true; value: OpenResult }> {
    const c = deps.catalogue.current();
    const desktop = c.desktops.find((d) => d.id === desktopId);
    if (!desktop) return resolveSession(desktopId, profileId);
    const endpoint = c.endpoints.find((e) => e.id === desktop.endpointId);
    if (!endpoint) return fail('NOT_FOUND', `desktop "${desktop.name}" names endpoint "${desktop.endpointId}", which does not exist`);
    let profile: Profile | undefined;
    if (profileId !== undefined) {
      profile = c.profiles.find((p) => p.id === profileId);
      if (!profile) return fail('NOT_FOUND', `no profile "${profileId}"`);
      if (profile.desktopId !== desktopId) return fail('INVALID_INPUT', `profile "${profile.name}" belongs to another desktop`);
    }
    const token = desktop.route.kind === 'gateway' ? await deps.secrets.get(tokenSecretKey(desktop.id)) : undefined;
    const target = desktopTarget(endpoint, desktop, token);
    const signature = JSON.stringify([endpoint, desktop.route, desktop.webUrlPath, target.entry, profile?.localPort ?? null]);
    return ok({ desktopId, name: desktop.name, endpoint, profile, target, signature });
  }

  /** A Broker session: its Broker gives a fresh token (or says what the user must decide first). */
  async function resolveSession(key: string, profileId?: string): Promise<Result<Resolved> | { ok: true; value: OpenResult }> {
    if (profileId !== undefined) return fail('INVALID_INPUT', 'profiles belong to saved desktops, not to Session Manager sessions');
    const prepared = await deps.sessions?.prepareOpen(key);
    if (!prepared) return fail('NOT_FOUND', `no desktop "${key}"`);
    if (prepared.kind !== 'ready') return { ok: true, value: prepared };
    const { endpoint, target } = prepared;
    // The token changes on every open: the tunnel is the same one as long as the rest is.
    const signature = JSON.stringify([endpoint, prepared.source.open, target.upstream, target.webUrlPath, target.sessionId]);
    return ok({ desktopId: key, name: prepared.name, endpoint, target, signature });
  }

  async function route(r: Resolved): Promise<Routed> {
    let decision: ProxyDecision;
    try {
      decision = await deps.proxy.decide(r.endpoint, r.target.url);
    } catch (e) {
      // A code of its own (PROXY_URL_UNENCODED) stays: the user is told what to change.
      if (isTunnelError(e)) throw e;
      throw new TunnelError('PROXY_ERROR', `no route to ${r.target.url}: ${errorText(e)}`, {}, { cause: e });
    }
    return { ...r, decision, credentials: await deps.proxyCredentials(r.endpoint, decision) };
  }

  const dialTarget = (t: DesktopTarget) => ({ host: t.upstream.host, port: t.upstream.port, resolve: t.upstream.resolve });

  /** Connect and handshake without a trust decision, read the certificate, send nothing. */
  async function presented(r: Routed, onStep?: (s: DialStep) => void): Promise<TrustInspection> {
    const seen = await inspectCertificate({
      target: dialTarget(r.target),
      route: r.decision.route,
      proxyCredentials: r.credentials,
      timeouts: { connectMs: deps.timeouts?.connectMs, handshakeMs: deps.timeouts?.handshakeMs },
      onStep,
    });
    return showCertificate(r.target.trustKey, seen.certificate, seen.chain);
  }

  /**
   * One dial through the path the tunnel will use (what LocalTunnel.check does), with the
   * steps reported as they end: the page's dials take the same path.
   */
  async function checkPath(r: Routed, trust: TrustPolicy, onStep: (s: DialStep) => void): Promise<void> {
    const { socket } = await dial({
      target: dialTarget(r.target),
      route: r.decision.route,
      proxyCredentials: r.credentials,
      trust,
      connectTimeoutMs: deps.timeouts?.connectMs,
      handshakeTimeoutMs: deps.timeouts?.handshakeMs,
      onStep,
    });
    socket.destroy();
  }

  // ---- errors → answers ----------------------------------------------------------------------

  function factsOf(r: Routed, err: TunnelError): HintFacts {
    const proxy = r.decision.route[0]?.kind === 'proxy' ? r.decision.proxyUrl?.replace(/^http:\/\//, '') : undefined;
    const pins = deps.trust.pinsFor(r.target.trustKey);
    return {
      host: r.target.upstream.host,
      port: r.target.upstream.port,
      pathPrefix: r.target.upstream.pathPrefix,
      webUrlPath: r.target.webUrlPath,
      address: r.endpoint.addressOverride,
      proxy: (err.details.proxy as string | undefined) ?? proxy,
      routeReason: r.decision.reason,
      routeBecause: r.decision.because,
      proxyStatus: err.details.proxyStatus,
      proxyAuthenticate: err.details.proxyAuthenticate,
      hasProxyCredentials: Boolean(r.credentials),
      certificate: err.details.presented,
      pins: pins.length ? pins : undefined,
      message: err.message,
    };
  }


  function answerFor(e: unknown, r?: Routed): OpenResult {
    if (!isTunnelError(e)) return { kind: 'failed', code: 'INTERNAL', step: 'open', message: errorText(e) };
    if (r && e.code === 'TLS_PIN_MISMATCH' && e.details.presented) {
      return { kind: 'certificate-changed', inspection: showCertificate(r.target.trustKey, e.details.presented) };
    }
    // PROXY_CREDENTIALS_REFUSED: the proxy refused these before and they were not sent again (an account locks).
    if (r && (e.code === 'PROXY_AUTH_REQUIRED' || e.code === 'PROXY_CREDENTIALS_REFUSED')) {
      return {
        kind: 'needs-proxy-credentials',
        endpointId: r.endpoint.id,
        proxy: r.decision.proxyUrl ?? String(e.details.proxy ?? 'the proxy'),
        ...(r.credentials?.username ?? r.decision.username ? { username: r.credentials?.username ?? r.decision.username } : {}),
        // 'rejected' only when something was sent: a second identical try would be refused again.
        reason: r.credentials ? 'rejected' : 'missing',
      };
    }
    // What the app words (code, params, advice) and the English originals (message, hint).
    const facts = r ? factsOf(r, e) : e.code === 'LISTEN_FAILED' ? ({ host: '127.0.0.1', port: 0, pathPrefix: '/', webUrlPath: '/' } satisfies HintFacts) : undefined;
    return {
      kind: 'failed',
      code: e.code,
      step: e.step,
      message: e.message,
      params: plainParams(e.details),
      ...(facts ? { hint: hintFor(e.code, facts), advice: [adviceFor(e.code, facts)] } : {}),
    };
  }

  async function remember(desktopId: string, result: OpenResult): Promise<void> {
    const outcome =
      result.kind === 'opened' ? (['ok', undefined] as const)
      : result.kind === 'failed' ? (['failed', result.code] as const)
      : result.kind === 'certificate-changed' ? (['failed', 'TLS_PIN_MISMATCH'] as const)
      : undefined;
    if (!outcome) return; // waiting for the user's decision: not an outcome yet
    // A desktop deleted meanwhile has no recents to keep; that is not the open's failure.
    await deps.catalogue.recordRecent(desktopId, outcome[0], outcome[1]).catch(() => {});
  }

  /**
   * An opened desktop's recent is not awaited: its fsync (≈ 7 ms) is not the user's wait, the
   * catalogue's reads queue behind it and catalogue.changed follows it. Other outcomes are.
   */
  async function rememberOpened(desktopId: string, result: OpenResult): Promise<void> {
    if (result.kind === 'opened') void remember(desktopId, result);
    else await remember(desktopId, result);
  }

  // ---- connection state ----------------------------------------------------------------------

  function info(c: Connection): ConnectionInfo {
    return {
      desktopId: c.desktopId,
      ...(c.profileId ? { profileId: c.profileId } : {}),
      port: c.tunnel.port,
      origin: c.tunnel.origin,
      state: c.state,
      stats: c.tunnel.stats(),
      openedAt: c.openedAt,
    };
  }

  function setState(c: Connection, state: ConnectionState): void {
    c.state = state;
    c.stateAt = now().toISOString();
    deps.emit('connection.changed', info(c));
  }

  function onStats(c: Connection, stats: TunnelStats): void {
    const at = Date.now();
    if (at - c.lastStatsAt < STATS_MIN_INTERVAL_MS) return;
    c.lastStatsAt = at;
    // The median time to a verified upstream TLS connection: cheap (measured on dials the
    // tunnel makes anyway) and it moves with the path's round trip.
    deps.emit('connection.stats', { desktopId: c.desktopId, stats, rttMs: stats.upstreamConnectMs, at });
  }

  function onUpstreamError(c: Connection, err: TunnelError): void {
    if (connections.get(c.desktopId) !== c || c.state.kind === 'failed') return;
    if (err.code === 'TLS_PIN_MISMATCH') return void stop(c, err);
    if (c.state.kind !== 'open') return; // already reconnecting (the probe decides) or not open yet
    if (!RECONNECTABLE.has(err.code)) return void stop(c, err);
    c.attempt = 0;
    scheduleProbe(c, err);
  }

  function scheduleProbe(c: Connection, err: TunnelError): void {
    c.attempt++;
    setState(c, { kind: 'reconnecting', attempt: c.attempt, lastError: { code: err.code, message: err.message, params: plainParams(err.details) } });
    const delay = Math.min(backoff.initialMs * 2 ** (c.attempt - 1), backoff.maxMs);
    c.timer = setTimeout(() => void probe(c), delay);
    c.timer.unref();
  }

  /** One dial through the tunnel's own path; the tunnel keeps listening on its port meanwhile. */
  async function probe(c: Connection): Promise<void> {
    c.timer = undefined;
    try {
      await c.tunnel.check();
      if (connections.get(c.desktopId) !== c || c.state.kind !== 'reconnecting') return;
      c.attempt = 0;
      setState(c, { kind: 'open' });
    } catch (e) {
      if (connections.get(c.desktopId) !== c || c.state.kind !== 'reconnecting') return;
      const err = toTunnelError(e);
      if (!RECONNECTABLE.has(err.code)) return void stop(c, err);
      scheduleProbe(c, err);
    }
  }

  /**
   * Not retried (a changed certificate, refused credentials, an untrusted certificate): no
   * more probes, and the connection stays listed as failed until the user opens it again
   * (which answers with what needs deciding) or closes it. The tunnel keeps listening so the
   * desktop page gets the tunnel's error page naming the code; every dial it makes for the
   * page still checks the pin before sending a byte.
   */
  function stop(c: Connection, err: TunnelError): void {
    clearTimeout(c.timer);
    c.timer = undefined;
    setState(c, { kind: 'failed', code: err.code, message: err.message, params: plainParams(err.details) });
  }

  async function drop(c: Connection): Promise<void> {
    clearTimeout(c.timer);
    c.timer = undefined;
    if (connections.get(c.desktopId) === c) connections.delete(c.desktopId);
    c.tunnel.removeAllListeners();
    await c.tunnel.close();
    if (c.state.kind !== 'closed') {
      c.state = { kind: 'closed' };
      c.stateAt = now().toISOString();
      deps.emit('connection.changed', info(c));
    }
  }

  /**
   * A Session Manager token lives minutes: when the server refuses it (the page reconnecting
   * after a drop, a window reopened later), the tunnel gets a fresh one from the Broker and the
   * desktop is sent to a new launch URL that lands on it. At most one renewal at a time, and
   * not again within a few seconds: a refused fresh token is not worth a loop.
   */
  const renewing = new Map<Connection, number>();
  async function renewToken(c: Connection, r: Resolved): Promise<void> {
    const last = renewing.get(c);
    if (last !== undefined && Date.now() - last < 5_000) return;
    renewing.set(c, Date.now());
    const prepared = await deps.sessions?.prepareOpen(c.desktopId).catch(() => undefined);
    if (!prepared || prepared.kind !== 'ready' || connections.get(c.desktopId) !== c) return;
    c.tunnel.setEntry(prepared.target.entry);
    const launchUrl = c.tunnel.createLaunchUrl();
    deps.emit('connection.relaunch', { desktopId: c.desktopId, launchUrl });
    if (c.state.kind === 'open' && !c.admitsViewer) {
      const { port, origin, fingerprint, spkiHash } = c.tunnel;
      deps.openDesktop?.({ launchUrl, desktopId: c.desktopId, openIn: r.profile?.openIn === 'browser' ? 'browser' : 'window', tunnel: { port, origin, fingerprint, spkiHash } });
    }
  }

  // ---- open ----------------------------------------------------------------------------------

  async function opened(c: Connection, r: Resolved, forViewer: boolean, reused = false): Promise<OpenResult> {
    // A session's fresh token: the next launch lands on an entry page that carries it.
    c.tunnel.setEntry(r.target.entry);
    const launchUrl = c.tunnel.createLaunchUrl();
    const openIn = forViewer ? 'dcv-file' : (r.profile?.openIn ?? 'window');
    c.profileId = r.profile?.id;
    const base = { kind: 'opened' as const, connection: info(c), launchUrl, openIn };
    if (openIn === 'dcv-file') return { ...base, ...(await toViewer(c, r)) };
    const { port, origin, fingerprint, spkiHash } = c.tunnel;
    deps.openDesktop?.({ launchUrl, desktopId: r.desktopId, openIn, tunnel: { port, origin, fingerprint, spkiHash }, ...(r.profile ? { profile: r.profile } : {}), ...(reused ? { reuse: true } : {}) });
    return base;
  }

  /**
   * DCV Viewer gets a .dcv file pointing at the tunnel (the only way it can reach the desktop:
   * the tunnel admits it, with the pin, the proxy and the prefix). Handed over when a viewer is
   * installed; otherwise offered for download — never for a Session Manager session, whose file
   * would carry a token into the downloads folder.
   */
  async function toViewer(c: Connection, r: Resolved): Promise<Pick<Extract<OpenResult, { kind: 'opened' }>, 'dcvFile' | 'viewer'>> {
    const file = exportDcvForTunnel({
      name: r.name,
      webUrlPath: r.target.webUrlPath,
      tunnelPort: c.tunnel.port,
      ...(r.target.sessionId ? { sessionId: r.target.sessionId } : {}),
      ...(r.target.authToken ? { authToken: r.target.authToken } : {}),
      tunnelCertificateFingerprint: c.tunnel.fingerprint,
    });
    const session = isSessionKey(r.desktopId);
    // DCV Viewer cannot present the tunnel's session cookie: its few sockets are let in without
    // it for a short while after this hand-off (or the file's download), then no more.
    c.tunnel.admitViewer();
    const handed = await deps.viewer?.handOver(file).catch(() => undefined);
    if (handed) return { viewer: { handedOver: true, name: handed.viewer, tokenExpires: session } };
    return session ? { viewer: { handedOver: false } } : { dcvFile: file, viewer: { handedOver: false } };
  }

  async function openNow(desktopId: string, profileId: string | undefined, forViewer: boolean): Promise<Result<OpenResult>> {
    if (shuttingDown) return fail('CONFLICT', 'the launcher is quitting');
    const resolved = await resolve(desktopId, profileId);
    if (!resolved.ok) return resolved;
    if ('kind' in resolved.value) {
      await remember(desktopId, resolved.value);
      return ok(resolved.value);
    }
    const r = resolved.value;
    // DCV Viewer's tunnel admits native clients: another tunnel than a window's.
    const admitsViewer = forViewer || r.profile?.openIn === 'dcv-file';
    const signature = JSON.stringify([r.signature, admitsViewer]);

    const existing = connections.get(desktopId);
    if (existing && existing.signature === signature && (existing.state.kind === 'open' || existing.state.kind === 'reconnecting')) {
      const result = await reuse(existing, r, forViewer);
      await rememberOpened(desktopId, result);
      return ok(result);
    }
    if (existing) await drop(existing);

    const result = await establish(r, signature, admitsViewer, forViewer);
    await rememberOpened(desktopId, result);
    return ok(result);
  }

  /**
   * An open or reconnecting tunnel is only as good as its path now: an agent that restarted
   * with a new certificate closed the tunnel's sockets cleanly, so nothing has failed yet.
   * The same check dial as a fresh open decides; its failure is the connection's upstream
   * error (a changed certificate fails it for good) and answered as a fresh open would.
   */
  async function reuse(c: Connection, r: Resolved, forViewer: boolean): Promise<OpenResult> {
    const report = (s: DialStep) => deps.emit('doctor.step', { desktopId: c.desktopId, step: progressStep(s) });
    try {
      await checkPath(c.routed, c.policy, report);
    } catch (e) {
      onUpstreamError(c, toTunnelError(e));
      return answerFor(e, c.routed);
    }
    return opened(c, r, forViewer, true);
  }

  async function establish(r: Resolved, signature: string, admitsViewer: boolean, forViewer: boolean): Promise<OpenResult> {
    let routed: Routed;
    try {
      routed = await route(r);
    } catch (e) {
      return answerFor(e);
    }
    const desktopId = r.desktopId;
    const report = (s: DialStep) => deps.emit('doctor.step', { desktopId, step: progressStep(s) });
    const policy = deps.trust.policyFor(r.endpoint, r.target.upstream.port);
    if ('needs' in policy) {
      try {
        const inspection = await presented(routed, report);
        // Pinned meanwhile (another window): go on with the pin next time, show it now.
        return inspection.state === 'changed' ? { kind: 'certificate-changed', inspection } : { kind: 'needs-trust', inspection };
      } catch (e) {
        return answerFor(e, routed);
      }
    }

    let tunnel: LocalTunnel;
    try {
      tunnel = await LocalTunnel.start({
        upstream: r.target.upstream,
        route: routed.decision.route,
        proxyCredentials: routed.credentials,
        trust: policy,
        hostHeader: r.target.hostHeader,
        origin: r.target.origin,
        webUrlPath: r.target.webUrlPath,
        entry: r.target.entry,
        listen: { port: r.profile?.localPort },
        certDir: deps.certDir,
        connectTimeoutMs: deps.timeouts?.connectMs,
        handshakeTimeoutMs: deps.timeouts?.handshakeMs,
      });
    } catch (e) {
      return answerFor(e, routed);
    }

    const stamp = now().toISOString();
    const c: Connection = {
      desktopId,
      profileId: r.profile?.id,
      tunnel,
      state: { kind: 'connecting', step: OPEN_STEPS[0] },
      stateAt: stamp,
      openedAt: stamp,
      signature,
      routed,
      policy,
      admitsViewer,
      attempt: 0,
      lastStatsAt: 0,
    };
    connections.set(c.desktopId, c);
    watchIdle();
    deps.emit('connection.changed', info(c));
    const onStep = (s: DialStep) => {
      report(s);
      const next = stepAfter(s);
      if (next && connections.get(desktopId) === c && c.state.kind === 'connecting' && c.state.step !== next) setState(c, { kind: 'connecting', step: next });
    };
    try {
      await checkPath(routed, policy, onStep);
    } catch (e) {
      await drop(c);
      return answerFor(e, routed);
    }
    if (connections.get(c.desktopId) !== c) return { kind: 'failed', code: 'CLOSED', step: 'open', message: 'the connection was closed while it opened' };
    tunnel.on('upstream-error', (err) => onUpstreamError(c, err));
    if (isSessionKey(desktopId)) tunnel.on('token-refused', () => void renewToken(c, r));
    tunnel.on('stats', (stats) => onStats(c, stats));
    setState(c, { kind: 'open' });
    return opened(c, r, forViewer);
  }

  // ---- trust decisions -----------------------------------------------------------------------

  /** A fresh look at the certificate the desktop's endpoint presents now. */
  async function inspect(desktopId: string): Promise<Result<TrustInspection>> {
    const resolved = await resolve(desktopId);
    if (!resolved.ok) return resolved;
    if ('kind' in resolved.value) return fail('CONFLICT', `the Session Manager answered ${resolved.value.kind}: open the session to decide`);
    const target = resolved.value.target;
    try {
      return ok(await presented(await route(resolved.value)));
    } catch (e) {
      const err = toTunnelError(e);
      return fail('INTERNAL', `could not read the certificate of ${target.trustKey}: ${err.code}: ${err.message}`);
    }
  }

  /**
   * Pins exactly the certificate the endpoint presented: the one shown to the user, or, when
   * nothing was shown since start (a seeded catalogue), the one it presents right now.
   */
  async function acceptTrust(key: string, fingerprint: string, persist: boolean): Promise<Result<TrustEntry>> {
    let k: string;
    try {
      k = parseTrustKey(key).key;
    } catch (e) {
      return fail('INVALID_INPUT', errorText(e));
    }
    const attempt = async (): Promise<Result<TrustEntry>> => {
      try {
        return ok(await deps.trust.trust(k, fingerprint, persist));
      } catch (e) {
        return fail('CONFLICT', errorText(e));
      }
    };
    if (deps.trust.wasInspected(k)) return attempt();
    const c = deps.catalogue.current();
    const desktop = c.desktops.find((d) => {
      const endpoint = c.endpoints.find((e) => e.id === d.endpointId);
      return endpoint !== undefined && desktopTarget(endpoint, d).trustKey === k;
    });
    if (desktop) {
      const seen = await inspect(desktop.id);
      return seen.ok ? attempt() : seen;
    }
    // A Session Manager's Broker (a Gateway or server is inspected by opening its session).
    const broker = await deps.sessions?.inspectAt(k).catch(() => undefined);
    return broker ? attempt() : fail('NOT_FOUND', `no desktop or Session Manager in the catalogue is reached at ${k}`);
  }

  // ---- public --------------------------------------------------------------------------------

  return {
    open: (request: { desktopId: string; profileId?: string; viewer?: boolean }): Promise<Result<OpenResult>> =>
      serial(request.desktopId, () => openNow(request.desktopId, request.profileId, request.viewer === true)),

    close: (desktopId: string): Promise<boolean> =>
      serial(desktopId, async () => {
        const c = connections.get(desktopId);
        if (!c) return false;
        await drop(c);
        return true;
      }),

    list: (): ConnectionInfo[] => [...connections.values()].map(info),

    get: (desktopId: string): ConnectionInfo | undefined => {
      const c = connections.get(desktopId);
      return c ? info(c) : undefined;
    },

    /** The running tunnel DCV Viewer may use, for a .dcv file. */
    viewerTunnel: (desktopId: string): { port: number; fingerprint: string } | undefined => {
      const c = connections.get(desktopId);
      if (!c || !c.admitsViewer || (c.state.kind !== 'open' && c.state.kind !== 'reconnecting')) return undefined;
      return { port: c.tunnel.port, fingerprint: c.tunnel.fingerprint };
    },

    /** desktopId → the live state as a status dot: reconnecting is a warning, failed a failure. */
    health: (): Record<string, { status: 'ok' | 'warn' | 'fail'; code: string; at: string }> => {
      const out: Record<string, { status: 'ok' | 'warn' | 'fail'; code: string; at: string }> = {};
      for (const c of connections.values()) {
        if (c.state.kind === 'open') out[c.desktopId] = { status: 'ok', code: 'OK', at: c.stateAt };
        else if (c.state.kind === 'reconnecting') out[c.desktopId] = { status: 'warn', code: c.state.lastError.code, at: c.stateAt };
        else if (c.state.kind === 'failed') out[c.desktopId] = { status: 'fail', code: c.state.code, at: c.stateAt };
      }
      return out;
    },

    inspect,
    acceptTrust,

    /** On quit: every tunnel closes; later opens are refused. */
    closeAll: async (): Promise<void> => {
      shuttingDown = true;
      clearInterval(idleTimer);
      await Promise.allSettled([...queues.values()]);
      await Promise.allSettled([...connections.values()].map(drop));
    },
  };
}
