/**
 * The upstream half of the tunnel: DNS (or an address override) → TCP → CONNECT through an
 * HTTP proxy when the route says so → TLS, then the certificate check. The caller gets the
 * socket only once the check passed, so not one byte of a request can reach an unchecked peer.
 * The doctor walks this same function, so a diagnosis never disagrees with the tunnel.
 */
import { lookup } from 'node:dns/promises';
import { isIP, Socket } from 'node:net';
import { connect as tlsConnect, createSecureContext, type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { namesHost, summarizeDer } from './certificate';
import { connectThroughProxy } from './connect-proxy';
import { type CertificateSummary, isTunnelError, TunnelError, type TunnelErrorCode } from './errors';
import { formatHostPort, formatRouteEntry, parseProxyList } from './proxy-list';
import { withProxyCredentials } from './proxy-refusals';
import { errorText, parsePins, presentedChain, type Verify, verifyChain, verifyPin } from './tls-verify';
import type { DialOptions, DialResult, DialStep, ProxyCredentials, RouteEntry, TrustPolicy } from './types';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Below the NLB's 350 s idle cut, with room for the probes to get through. */
const KEEPALIVE_DELAY_MS = 30_000;

const DNS_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL', 'ENONAME']);

interface Attempt {
  target: DialOptions['target'];
  entry: RouteEntry;
  credentials?: ProxyCredentials;
  caBundle?: string;
  connectTimeoutMs: number;
  handshakeTimeoutMs: number;
  onStep: (s: DialStep) => void;
  signal?: AbortSignal;
  verify: Verify;
}

interface Connected {
  socket: TLSSocket;
  certificate: CertificateSummary;
  remoteAddress: string;
  timings: DialResult['timings'];
}

// ---------------------------------------------------------------------------------------------
// public API

/** Connects, handshakes and verifies; throws a TunnelError naming the step that failed. */
export async function dial(opts: DialOptions): Promise<DialResult> {
  const pins = opts.trust.kind === 'pin' ? parsePins(opts.trust.fingerprints) : undefined;
  const verify: Verify = (socket, summary, der) =>
    pins ? verifyPin(summary, der, pins, (opts.trust as { fingerprints: string[] }).fingerprints) : verifyChain(socket, summary, opts.target.host);
  const { entry, connected } = await tryRoute(opts, opts.trust, verify);
  const { socket, certificate, remoteAddress, timings } = connected;
  const cipher = socket.getCipher();
  return { socket, certificate, route: entry, remoteAddress, tls: { protocol: socket.getProtocol() ?? '', cipher: cipher?.name ?? '' }, timings };
}

export interface InspectOptions {
  target: DialOptions['target'];
  route: DialOptions['route'];
  proxyCredentials?: ProxyCredentials;
  timeouts?: { connectMs?: number; handshakeMs?: number };
  signal?: AbortSignal;
  /** Each step as it ends, as dial reports them (Connect shows first-use progress from these). */
  onStep?: DialOptions['onStep'];
}

export interface InspectResult {
  certificate: CertificateSummary;
  /** Leaf first, as presented (the issuer chain the server sent). */
  chain: CertificateSummary[];
  tls: {
    protocol: string;
    cipher: string;
    alpn: string | null;
    /** Would Node's (system) trust store accept it? For information: first-use trust decides. */
    systemTrusted: boolean;
    systemError?: string;
    namesHost: boolean;
  };
  steps: DialStep[];
}

/**
 * For first-use trust: connect and handshake WITHOUT a trust decision, read what the server
 * presents, and close without sending one byte of HTTP.
 */
export async function inspectCertificate(opts: InspectOptions): Promise<InspectResult> {
  const steps: DialStep[] = [];
  const dialOpts: DialOptions = {
    target: opts.target,
    route: opts.route,
    proxyCredentials: opts.proxyCredentials,
    trust: { kind: 'system' },
    connectTimeoutMs: opts.timeouts?.connectMs,
    handshakeTimeoutMs: opts.timeouts?.handshakeMs,
    signal: opts.signal,
    onStep: (s) => {
      steps.push(s);
      opts.onStep?.(s);
    },
  };
  const inspectOnly: Verify = (socket) => ({
    status: 'ok',
    detail: { authorized: socket.authorized, authorizationError: errorText(socket.authorizationError), inspectOnly: true },
  });
  const { connected } = await tryRoute(dialOpts, { kind: 'system' }, inspectOnly);
  const { socket, certificate } = connected;
  try {
    const cipher = socket.getCipher();
    return {
      certificate,
      chain: presentedChain(socket),
      tls: {
        protocol: socket.getProtocol() ?? '',
        cipher: cipher?.name ?? '',
        alpn: typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null,
        systemTrusted: socket.authorized,
        ...(socket.authorizationError ? { systemError: errorText(socket.authorizationError) } : {}),
        namesHost: namesHost(certificate, opts.target.host),
      },
      steps,
    };
  } finally {
    socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// route entries, in order

/** Failures that mean "this first hop is not there": the next route entry may do better. */
function mayFallBack(e: unknown, entry: RouteEntry): boolean {
  if (!isTunnelError(e)) return false;
  if (entry.kind === 'proxy') return e.code === 'PROXY_UNREACHABLE';
  return e.code === 'DNS_NOT_FOUND' || e.code === 'TCP_REFUSED' || e.code === 'TCP_TIMEOUT';
}

async function tryRoute(opts: DialOptions, trust: TrustPolicy, verify: Verify): Promise<{ entry: RouteEntry; connected: Connected }> {
  const entries = typeof opts.route === 'string' ? parseProxyList(opts.route) : opts.route;
  if (entries.length === 0) throw new Error('dial: the route has no entries (expected e.g. "DIRECT")');
  checkTarget(opts.target);
  const earlier: Array<{ route: string; code: TunnelErrorCode; message: string }> = [];
  // Credentials are for the proxy they were asked for, the route's first: a PAC fallback to
  // another proxy (the first one unreachable) must not hand it the password.
  const credentialsFor = entries.find((e) => e.kind === 'proxy');
  for (const [i, entry] of entries.entries()) {
    throwIfAborted(opts.signal);
    try {
      const connected = await attempt({
        target: opts.target,
        entry,
        credentials: entry === credentialsFor ? opts.proxyCredentials : undefined,
        caBundle: trust.kind === 'ca' ? trust.ca : undefined,
        connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
        handshakeTimeoutMs: opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
        onStep: safeOnStep(opts.onStep, entry),
        signal: opts.signal,
        verify,
      });
      return { entry, connected };
    } catch (e) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (i === entries.length - 1 || !mayFallBack(e, entry)) {
        if (isTunnelError(e) && earlier.length > 0) e.details.earlierRoutes = earlier;
        throw e;
      }
      const err = e as TunnelError;
      earlier.push({ route: formatRouteEntry(entry), code: err.code, message: err.message });
    }
  }
  throw new Error('unreachable');
}

function checkTarget(t: DialOptions['target']): void {
  const host = t.host.replace(/^\[(.*)\]$/, '$1');
  if (!(isIP(host) || /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/.test(host))) {
    throw new Error(`dial: "${t.host}" is not a host name or IP address`);
  }
  if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) throw new Error(`dial: port ${t.port} is not 1-65535`);
  for (const o of t.resolve ?? []) {
    if (isIP(o.address) === 0) throw new Error(`dial: address override for ${o.host}:${o.port} is "${o.address}", not an IP address`);
  }
}

function safeOnStep(onStep: DialOptions['onStep'], entry: RouteEntry): (s: DialStep) => void {
  const route = formatRouteEntry(entry);
  return (s) => {
    try {
      onStep?.({ ...s, detail: { route, ...s.detail } });
    } catch {
      // A listener's bug must not change what the dial does.
    }
  };
}

// ---------------------------------------------------------------------------------------------
// one attempt: dns → tcp → proxy → tls

async function attempt(a: Attempt): Promise<Connected> {
  const host = a.target.host.replace(/^\[(.*)\]$/, '$1');
  const port = a.target.port;
  const override = a.target.resolve?.find((o) => o.host.toLowerCase() === host.toLowerCase() && o.port === port);
  const deadline = Date.now() + a.connectTimeoutMs;
  const remaining = () => deadline - Date.now();
  const timings = { dnsMs: 0, tcpMs: 0, proxyMs: 0, tlsMs: 0 };
  let raw: Socket | undefined;
  let secure: TLSSocket | undefined;

  const step = <T>(name: DialStep['step'], work: () => Promise<{ value: T; status?: DialStep['status']; detail: Record<string, unknown> }>) =>
    timed(name, a.onStep, work, (ms) => (timings[`${name}Ms` as keyof typeof timings] = ms));

  try {
    // dns
    const proxied = a.entry.kind === 'proxy';
    const addresses = await step('dns', async () => {
      if (override) return { value: [override.address], detail: { addresses: [override.address], override: override.address } };
      if (proxied) return { value: [], status: 'skip', detail: { reason: 'proxy resolves names' } };
      if (isIP(host)) return { value: [host], status: 'skip', detail: { reason: 'IP address: nothing to resolve', addresses: [host] } };
      const found = await resolveName(host, remaining(), a.signal, 'DNS_NOT_FOUND');
      return { value: found, detail: { addresses: found } };
    });

    // tcp: to the endpoint, or to the proxy
    const hop = a.entry.kind === 'proxy' ? { host: a.entry.host, port: a.entry.port } : { host, port };
    raw = await step('tcp', async () => {
      const proxy = a.entry.kind === 'proxy' ? formatHostPort(hop.host, hop.port) : undefined;
      const candidates = proxy
        ? isIP(hop.host)
          ? [hop.host]
          : await resolveName(hop.host, remaining(), a.signal, 'PROXY_UNREACHABLE', proxy)
        : addresses;
      const socket = await connectFirst(candidates, hop.port, remaining, a.signal, proxy);
      socket.setKeepAlive(true, KEEPALIVE_DELAY_MS);
      socket.setNoDelay(true);
      const address = formatHostPort(socket.remoteAddress ?? candidates[0], hop.port);
      return { value: socket, detail: { address, ...(proxy ? { proxy } : {}) } };
    });

    // proxy: CONNECT names the override address when there is one (a proxy can't resolve private names)
    await step('proxy', async () => {
      if (a.entry.kind === 'direct') return { value: undefined, status: 'skip', detail: { reason: 'DIRECT' } };
      const proxy = formatHostPort(a.entry.host, a.entry.port);
      const connectTo = { host: override?.address ?? host, port };
      const entry = a.entry;
      const connect = () => {
        // Time spent waiting for another dial's answer (proxy-refusals) counts: nothing is sent after the deadline.
        const timeoutMs = Math.round(remaining());
        if (raw!.destroyed || a.signal?.aborted) throw new TunnelError('PROXY_ERROR', `the connection to proxy ${proxy} ended before CONNECT`, { proxy });
        if (timeoutMs <= 0) throw new TunnelError('PROXY_ERROR', `proxy ${proxy} did not answer CONNECT in time`, { proxy, timeout: true });
        return connectThroughProxy(raw!, { proxy: entry, target: connectTo, credentials: a.credentials, timeoutMs });
      };
      const answer = await withSignal(a.credentials ? withProxyCredentials(proxy, a.credentials, async () => connect()) : connect(), a.signal);
      const detail: Record<string, unknown> = {
        proxy,
        connectTo: formatHostPort(connectTo.host, connectTo.port),
        proxyStatus: answer.status,
        proxyStatusText: answer.statusText,
        credentialsSent: answer.credentialsSent,
      };
      return { value: undefined, detail };
    });

    // tls: SNI keeps the name; no session is offered, so every handshake shows a certificate
    const result = await step('tls', async () => {
      const socket = tlsConnect({
        socket: raw!,
        ...(isIP(host) ? {} : { servername: host }),
        ALPNProtocols: ['http/1.1'],
        rejectUnauthorized: false,
        // Node's name check is replaced by namesHost() below (the same rules the UI shows).
        checkServerIdentity: () => undefined,
        secureContext: clientContext(a.caBundle),
      });
      secure = socket;
      const protocolInfo = () => ({ protocol: socket.getProtocol() ?? '', cipher: socket.getCipher()?.name ?? '', alpn: socket.alpnProtocol || null });
      const { certificate, verdict } = await handshake(socket, host, a.handshakeTimeoutMs, a.signal, a.verify, protocolInfo);
      return { value: certificate, status: verdict.status, detail: { ...protocolInfo(), certificate, ...verdict.detail } };
    });

    // A late error with no listener of the caller's would crash the process; 'close' still tells.
    secure!.on('error', () => {});
    return { socket: secure!, certificate: result, remoteAddress: raw.remoteAddress ?? '', timings };
  } catch (e) {
    secure?.destroy();
    raw?.destroy();
    throw e;
  }
}

/** Runs one step, reports it (ok/warn/skip, or fail with the error's code), and times it. */
async function timed<T>(
  name: DialStep['step'],
  onStep: (s: DialStep) => void,
  work: () => Promise<{ value: T; status?: DialStep['status']; detail: Record<string, unknown> }>,
  record: (ms: number) => void,
): Promise<T> {
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  try {
    const r = await work();
    record(elapsed());
    onStep({ step: name, status: r.status ?? 'ok', durationMs: elapsed(), detail: r.detail });
    return r.value;
  } catch (e) {
    record(elapsed());
    if (isTunnelError(e)) {
      onStep({ step: name, status: 'fail', durationMs: elapsed(), code: e.code, detail: { message: e.message, ...e.details } });
    } else if (!(e instanceof Error && e.name === 'AbortError')) {
      onStep({ step: name, status: 'fail', durationMs: elapsed(), detail: { message: (e as Error).message } });
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// dns and tcp

async function resolveName(name: string, timeoutMs: number, signal: AbortSignal | undefined, code: TunnelErrorCode, proxy?: string): Promise<string[]> {
  const what = proxy ? `proxy ${proxy}` : name;
  const timeout = () => new TunnelError(code, `DNS lookup of ${name} did not answer within ${Math.round(timeoutMs)} ms`, { host: name, timeout: true, ...(proxy ? { proxy } : {}) });
  try {
    const found = await within(lookup(name, { all: true, verbatim: true }), timeoutMs, timeout, signal);
    if (found.length === 0) throw Object.assign(new Error(`no address for ${name}`), { code: 'ENODATA' });
    return found.map((f) => f.address);
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code;
    if (isTunnelError(e) || (e as Error).name === 'AbortError') throw e;
    const message = errno && DNS_FAILURES.has(errno) ? `${what}: the name ${name} does not resolve (${errno})` : `${what}: DNS lookup of ${name} failed: ${(e as Error).message}`;
    throw new TunnelError(code, message, { host: name, errno, ...(proxy ? { proxy } : {}) }, { cause: e });
  }
}

/** Tries each address in order (localhost → ::1 then 127.0.0.1) until one accepts, within the deadline. */
async function connectFirst(addresses: string[], port: number, remaining: () => number, signal: AbortSignal | undefined, proxy?: string): Promise<Socket> {
  let last: unknown;
  for (const address of addresses) {
    const socket = new Socket();
    try {
      const opened = new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve).once('error', reject);
      });
      socket.connect({ host: address, port });
      const label = formatHostPort(address, port);
      await within(opened, remaining(), () => Object.assign(new Error(`no TCP answer from ${label}`), { code: 'ETIMEDOUT' }), signal);
      socket.removeAllListeners('error');
      return socket;
    } catch (e) {
      socket.destroy();
      if ((e as Error).name === 'AbortError') throw e;
      last = e;
      if ((e as NodeJS.ErrnoException).code === 'ETIMEDOUT') break;
    }
  }
  throw tcpError(last as NodeJS.ErrnoException, addresses, port, proxy);
}

function tcpError(e: NodeJS.ErrnoException, addresses: string[], port: number, proxy?: string): TunnelError {
  const where = addresses.map((a) => formatHostPort(a, port)).join(', ');
  const details = { address: where, errno: e.code, ...(proxy ? { proxy } : {}) };
  if (proxy) {
    const why = e.code === 'ETIMEDOUT' ? 'no answer in time' : e.code === 'ECONNREFUSED' ? 'connection refused' : e.message;
    return new TunnelError('PROXY_UNREACHABLE', `proxy ${proxy} is unreachable at ${where}: ${why}`, details, { cause: e });
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET') return new TunnelError('TCP_REFUSED', `${where} refused the connection (nothing listening?)`, details, { cause: e });
  if (e.code === 'ETIMEDOUT') return new TunnelError('TCP_TIMEOUT', `${where} did not answer in time (firewall, security group, or unhealthy target?)`, { ...details, timeout: true }, { cause: e });
  // EHOSTUNREACH, ENETUNREACH, …: no code of their own; like a timeout, the path to the host is missing.
  return new TunnelError('TCP_TIMEOUT', `${where} is unreachable: ${e.message}`, details, { cause: e });
}

// ---------------------------------------------------------------------------------------------
// tls

function handshake(
  socket: TLSSocket,
  host: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
  verify: Verify,
  protocolInfo: () => Record<string, unknown>,
): Promise<{ certificate: CertificateSummary; verdict: ReturnType<Verify> }> {
  const secured = new Promise<{ certificate: CertificateSummary; verdict: ReturnType<Verify> }>((resolve, reject) => {
    const settle = () => socket.off('secureConnect', onSecure).off('error', onError).off('close', onClose);
    const fail = (code: TunnelErrorCode, message: string, details: Record<string, unknown>, cause?: unknown) => {
      settle();
      reject(new TunnelError(code, message, details, cause ? { cause } : undefined));
    };
    // Decided here, synchronously, before anyone holds the socket.
    const onSecure = () => {
      settle();
      try {
        // Not getPeerX509Certificate(): in Node 20 it removes the leaf from the socket's peer
        // chain, so a later getPeerCertificate(true) (inspect's chain) would start at the issuer.
        const peer = socket.getPeerCertificate(false) as PeerCertificate | null;
        if (!peer?.raw) {
          const reused = socket.isSessionReused();
          return fail('TLS_HANDSHAKE_FAILED', `${host} presented no certificate${reused ? ' (resumed session)' : ''}: refusing to trust it`, { sessionReused: reused });
        }
        const certificate = summarizeDer(peer.raw);
        resolve({ certificate, verdict: verify(socket, certificate, peer.raw) });
      } catch (e) {
        if (isTunnelError(e)) e.details.tls = protocolInfo();
        reject(e);
      }
    };
    const onError = (e: NodeJS.ErrnoException & { reason?: string }) => {
      const reason = e.code === 'ECONNRESET' ? 'the connection was reset during the TLS handshake (not a TLS server, or something in between cut it)' : e.message;
      fail('TLS_HANDSHAKE_FAILED', `TLS handshake with ${host} failed: ${reason}`, { errno: e.code, ...(e.reason ? { reason: e.reason } : {}) }, e);
    };
    const onClose = () => fail('TLS_HANDSHAKE_FAILED', `TLS handshake with ${host} failed: the connection closed before the handshake completed`, {});
    socket.on('secureConnect', onSecure).on('error', onError).on('close', onClose);
  });
  return within(
    secured,
    timeoutMs,
    () => new TunnelError('TLS_HANDSHAKE_FAILED', `TLS handshake with ${host} did not complete within ${timeoutMs} ms`, { timeout: true }),
    signal,
  );
}

/**
 * One client context per CA bundle ('' for the system store), built once: making one per dial
 * cost about as much CPU as the rest of the dial. Sharing it resumes nothing: Node's contexts
 * keep no internal session cache, and dial never passes `session`.
 */
const clientContexts = new Map<string, SecureContext>();
const MAX_CLIENT_CONTEXTS = 8;

function clientContext(caBundle: string | undefined): SecureContext {
  const key = caBundle ?? '';
  let context = clientContexts.get(key);
  if (!context) {
    context = createSecureContext(caBundle !== undefined ? { ca: caBundle } : {});
    if (clientContexts.size >= MAX_CLIENT_CONTEXTS) clientContexts.delete(clientContexts.keys().next().value!);
    clientContexts.set(key, context);
  }
  return context;
}

// ---------------------------------------------------------------------------------------------
// time and cancellation

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error) return r;
  return Object.assign(new Error(typeof r === 'string' ? r : 'the dial was aborted'), { name: 'AbortError' });
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortReason(signal);
}

function withSignal<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return within(work, Infinity, () => new Error('never'), signal);
}

/** `work`, or the timeout's error after `ms`, or the abort reason; whichever comes first. */
function within<T>(work: Promise<T>, ms: number, onTimeout: () => Error, signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const timer = Number.isFinite(ms) ? setTimeout(() => reject(onTimeout()), Math.max(0, ms)) : undefined;
    const onAbort = () => reject(abortReason(signal!));
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}
