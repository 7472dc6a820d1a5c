/**
 * One desktop's localhost TLS tunnel: https://127.0.0.1:<port>/ in front of the endpoint.
 *
 * listener (TLS, launch token → session cookie, Host/Origin checks)
 *   → plain request: forwardHttp over keep-alive pools of dial()ed connections
 *   → upgrade:       forwardUpgrade over a fresh dial() per WebSocket, then raw pipe
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { AccessGate, LAUNCH_PATH_PREFIX } from './access';
import { dial } from './dial';
import { launchedCrossSite, launchLanding } from './launch-landing';
import { TunnelError } from './errors';
import { AbortReason, type SetupServerMessage } from './session-manager/dcv-messages';
import { plainParams } from './messages';
import { rawResponse, refusalAnswer, type ErrorAnswer } from './error-page';
import { UpstreamPool, forwardHttp } from './forward-http';
import { RawUpstreamPool } from './upstream-http';
import { forwardUpgrade } from './forward-ws';
import { loadOrCreateLocalCertificate } from './local-cert';
import { createRewriteContext, mapRequestTarget, type RewriteContext } from './rewrite';
import type { CertificateSummary } from './errors';
import type { DialOptions, DialResult, ProxyCredentials, RouteEntry, TrustPolicy, TunnelStats, UpstreamTarget } from './types';

export interface LocalTunnelOptions {
  upstream: UpstreamTarget;
  /** PAC-style string ("PROXY corp:8080; DIRECT") or parsed entries. */
  route: string | RouteEntry[];
  proxyCredentials?: ProxyCredentials;
  trust: TrustPolicy;
  /** Host header sent upstream; default "host" or "host:port". */
  hostHeader?: string;
  /** Origin sent upstream; default "https://" + the Host header. */
  origin?: string;
  /** The desktop's web-url-path in the local path space; default "/". */
  webUrlPath?: string;
  /** Carried from the launch URL to the entry page: "?authToken=…" and "#sessionId" (without ? and #). */
  entry?: { query?: string; hash?: string };
  /** Default 127.0.0.1 and a free port. Only loopback addresses. */
  listen?: { host?: string; port?: number };
  /** Where the localhost certificate is cached. */
  certDir: string;
  launchTokenTtlMs?: number;
  connectTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** From a request fully sent upstream to its answer's head; beyond it the page gets 504 UPSTREAM_TIMEOUT. Default 60 000. */
  upstreamResponseTimeoutMs?: number;
  /**
   * Connections that have not presented the session cookie yet, counted from accept on; a new
   * one beyond this drops one of them (see onAccept). Default 64.
   */
  maxUnauthenticatedSockets?: number;
}

export interface SocketEvent {
  kind: 'http' | 'websocket';
  path: string;
}

export interface LocalTunnelEvents {
  'socket-open': [SocketEvent];
  'socket-close': [SocketEvent];
  stats: [TunnelStats];
  'upstream-error': [TunnelError];
  /** A server refused the sign-in token of a `<base>ws` socket (connectionAbort AUTHENTICATION_FAILED): a fresh one is needed. */
  'token-refused': [];
}

/** What check() saw on its one dial. */
export interface CheckResult {
  route: RouteEntry;
  remoteAddress: string;
  tls: { protocol: string; cipher: string };
  certificate: CertificateSummary;
  timings: DialResult['timings'];
}

type Admission =
  | { kind: 'forward'; upstreamPath: string }
  | { kind: 'launch' }
  | { kind: 'refuse'; answer: ErrorAnswer };

interface ClientState {
  authenticated: boolean;
  /** The channel this socket is counted as, once it carried an authenticated request. */
  channel?: SocketEvent;
}

const STATS_INTERVAL_MS = 250;
/**
 * DCV Viewer's sockets per hand-off: /auth, the main connection and one per channel (display,
 * input, clipboard, audio, file storage, and the native client's printer, smartcard, webcam,
 * USB…), with room for a retry or two.
 */
export const VIEWER_SOCKETS = 16;
/** How long after a hand-off DCV Viewer may open them: it starts, reads the file, connects. */
export const VIEWER_WINDOW_MS = 2 * 60_000;

export class LocalTunnel extends EventEmitter<LocalTunnelEvents> {
  readonly port: number;
  /** https://127.0.0.1:<port> */
  readonly origin: string;
  /** The localhost certificate, Electron's "sha256/BASE64" form. */
  readonly fingerprint: string;
  /** base64 SHA-256 of the certificate's SPKI, for Chromium's --ignore-certificate-errors-spki-list. */
  readonly spkiHash: string;
  readonly certPem: string;

  private readonly clients = new Map<TLSSocket, ClientState>();
  /** TCP connections that have not signed in yet, from accept on, by their last step (accept, TLS handshake done), oldest first. */
  private readonly unauthenticated = new Map<Socket, { peer: string; secured: boolean }>();
  /** The same, by peer address: how a TLS socket finds its TCP connection. */
  private readonly unauthenticatedByPeer = new Map<string, Socket>();
  private readonly upstreamSockets = new Set<TLSSocket>();
  private readonly pool: UpstreamPool;
  private readonly raw: RawUpstreamPool;
  private readonly rewrite: RewriteContext;
  private readonly abort = new AbortController();
  private readonly statsTimer: NodeJS.Timeout;
  private webSockets = 0;
  private totalSockets = 0;
  private closedBytesUp = 0;
  private closedBytesDown = 0;
  private readonly dialMs: number[] = [];
  private lastError: TunnelStats['lastError'] = null;
  private lastStatsKey = '';
  private closing?: Promise<void>;
  /** Cookie-less upgrades DCV Viewer may still open, and until when (ms since the epoch). */
  private viewer = { sockets: 0, until: 0 };

  private constructor(
    private readonly opts: LocalTunnelOptions,
    private readonly server: Server,
    private readonly gate: AccessGate,
    listenHost: string,
    port: number,
    cert: { fingerprint: string; spkiHash: string; certPem: string },
    private entryLocation: string,
  ) {
    super();
    this.port = port;
    this.origin = `https://${listenHost}:${port}`;
    this.fingerprint = cert.fingerprint;
    this.spkiHash = cert.spkiHash;
    this.certPem = cert.certPem;
    this.rewrite = createRewriteContext({
      upstream: opts.upstream,
      hostHeader: opts.hostHeader,
      origin: opts.origin,
      localOrigin: this.origin,
      localOrigins: gate.allowedOrigins,
      // Random per tunnel: a server never sees what another one (or an earlier tunnel on this port) set.
      cookieTag: `dcvl_t${randomBytes(6).toString('hex')}_`,
    });
    this.pool = new UpstreamPool(() => this.dialUpstream());
    this.raw = new RawUpstreamPool(() => this.dialUpstream());
    this.statsTimer = setInterval(() => this.emitStats(), STATS_INTERVAL_MS);
    this.statsTimer.unref();
    this.wire();
  }

  static async start(opts: LocalTunnelOptions): Promise<LocalTunnel> {
    const listenHost = loopbackHost(opts.listen?.host);
    const entryLocation = entryLocationOf(opts);
    checkPrefix('upstream.pathPrefix', opts.upstream.pathPrefix);
    const cert = await loadOrCreateLocalCertificate(opts.certDir);
    const server = createServer({
      key: cert.keyPem,
      cert: cert.certPem,
      minVersion: 'TLSv1.2',
      handshakeTimeout: 10_000,
      maxHeaderSize: 64 * 1024,
      headersTimeout: 15_000,
      requestTimeout: 300_000,
      keepAliveTimeout: 30_000,
      // How often headersTimeout/requestTimeout are enforced (Node's default is 30 s).
      connectionsCheckingInterval: 5_000,
      noDelay: true,
    });
    server.maxConnections = 1024;
    const port = await listen(server, listenHost, opts.listen?.port ?? 0);
    const gate = new AccessGate({ listenHost, port, launchTokenTtlMs: opts.launchTokenTtlMs });
    try {
      return new LocalTunnel(opts, server, gate, listenHost, port, cert, entryLocation);
    } catch (e) {
      server.close();
      throw e;
    }
  }

  /**
   * What the next launch lands on: a Session Manager session gets a fresh token for every
   * open (tokens are short-lived and single-purpose), on the same tunnel and local port.
   */
  setEntry(entry: LocalTunnelOptions['entry']): void {
    this.entryLocation = entryLocationOf({ ...this.opts, entry });
  }

  /** A one-time URL that signs the window in and lands on the desktop's entry page. */
  createLaunchUrl(): string {
    return `${this.origin}${LAUNCH_PATH_PREFIX}${this.gate.createLaunchToken()}`;
  }

  /**
   * DCV Viewer is being handed a .dcv file for this tunnel. It cannot present the session
   * cookie, so for `windowMs` WebSocket upgrades that carry NO Origin header are let in without
   * it (Host still checked), `sockets` of them at most; then that admission is closed again.
   * Browsers always send Origin on upgrades, so web pages never get in this way; any program on
   * this machine could, within that window and count (a later hand-off opens a new one).
   */
  admitViewer(allowance: { sockets?: number; windowMs?: number } = {}): void {
    this.viewer = { sockets: allowance.sockets ?? VIEWER_SOCKETS, until: Date.now() + (allowance.windowMs ?? VIEWER_WINDOW_MS) };
  }

  stats(): TunnelStats {
    let up = this.closedBytesUp;
    let down = this.closedBytesDown;
    for (const s of this.clients.keys()) {
      up += s.bytesRead;
      down += s.bytesWritten;
    }
    return {
      activeSockets: this.clients.size,
      activeWebSockets: this.webSockets,
      totalSockets: this.totalSockets,
      bytesUp: up,
      bytesDown: down,
      upstreamConnectMs: median(this.dialMs),
      lastError: this.lastError,
    };
  }

  /**
   * Connections open right now as Node's listener counts them (from accept to 'close'), and how
   * many of those have not signed in: for checks of the cap.
   */
  async connectionCount(): Promise<{ open: number; unauthenticated: number }> {
    const open = await new Promise<number>((resolve) => this.server.getConnections((_e, n) => resolve(n ?? 0)));
    let signedIn = 0;
    for (const state of this.clients.values()) if (state.authenticated) signedIn++;
    return { open, unauthenticated: open - signedIn };
  }

  /** Upstream sockets open right now (pooled HTTP and WebSocket): for leak checks. */
  upstreamSocketCount(): number {
    return this.upstreamSockets.size;
  }

  /** One dial through the whole path (DNS, proxy, TLS, certificate), then close. */
  async check(): Promise<CheckResult> {
    const r = await this.dialUpstream();
    r.socket.destroy();
    return { route: r.route, remoteAddress: r.remoteAddress, tls: r.tls, certificate: r.certificate, timings: r.timings };
  }

  /** Stops listening and closes every socket and the pool. Idempotent. */
  close(): Promise<void> {
    return (this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.statsTimer);
      this.abort.abort();
      this.server.close(() => resolve());
      for (const s of this.clients.keys()) s.destroy();
      for (const s of this.upstreamSockets) s.destroy();
      this.pool.destroy();
      this.raw.destroy();
    }));
  }

  // -------------------------------------------------------------------------------------------

  private wire(): void {
    const s = this.server;
    s.on('connection', (socket: Socket) => this.onAccept(socket));
    s.on('secureConnection', (socket: TLSSocket) => this.onClient(socket));
    s.on('request', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, false));
    s.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => this.onRequest(req, res, true));
    s.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket as TLSSocket, head));
    // Clients that give up on the handshake (or scanners) are not our problem.
    s.on('tlsClientError', (_e, socket) => socket.destroy());
    s.on('clientError', (e: NodeJS.ErrnoException, socket: Duplex) => onClientError(e, socket as TLSSocket));
  }

  /**
   * Every TCP connection counts against the cap from accept on, before its TLS handshake: a
   * flood of connections that never handshake (or never send a request) holds at most the cap,
   * and what the listener can still take stays for the window's connections, which leave the
   * count with their first request. Over the cap, one is dropped at once (it leaves the count
   * as it is destroyed, not at its 'close'): the one stalled longest where a browser never
   * stalls — no byte since its accept (a browser sends its ClientHello at once), or no request
   * since its handshake — and only when every one is in the middle of a handshake, the oldest.
   */
  private onAccept(socket: Socket): void {
    if (this.closing) return void socket.destroy();
    if (this.unauthenticated.size >= (this.opts.maxUnauthenticatedSockets ?? 64)) this.dropOneUnauthenticated();
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    this.unauthenticated.set(socket, { peer, secured: false });
    this.unauthenticatedByPeer.set(peer, socket);
    socket.once('close', () => this.forgetUnauthenticated(socket));
  }

  private dropOneUnauthenticated(): void {
    let victim: Socket | undefined;
    for (const [s, { secured }] of this.unauthenticated) {
      victim ??= s;
      if (secured || s.bytesRead === 0) {
        victim = s;
        break;
      }
    }
    if (!victim) return;
    this.forgetUnauthenticated(victim);
    victim.destroy();
  }

  private forgetUnauthenticated(socket: Socket): void {
    const entry = this.unauthenticated.get(socket);
    if (!entry) return;
    this.unauthenticated.delete(socket);
    if (this.unauthenticatedByPeer.get(entry.peer) === socket) this.unauthenticatedByPeer.delete(entry.peer);
  }

  private tcpOf(socket: TLSSocket): Socket | undefined {
    return this.unauthenticatedByPeer.get(`${socket.remoteAddress}:${socket.remotePort}`);
  }

  private onClient(socket: TLSSocket): void {
    if (this.closing) return void socket.destroy();
    // Its handshake is done: it goes to the back of the line, as of now.
    const tcp = this.tcpOf(socket);
    const entry = tcp && this.unauthenticated.get(tcp);
    if (tcp && entry) {
      this.unauthenticated.delete(tcp);
      this.unauthenticated.set(tcp, { ...entry, secured: true });
    }
    this.totalSockets++;
    const state: ClientState = { authenticated: false };
    this.clients.set(socket, state);
    socket.once('close', () => {
      this.closedBytesUp += socket.bytesRead;
      this.closedBytesDown += socket.bytesWritten;
      this.clients.delete(socket);
      this.closeChannel(state);
    });
  }

  private authenticate(socket: TLSSocket, kind: SocketEvent['kind'], path: string): void {
    const state = this.clients.get(socket);
    if (!state) return;
    if (!state.authenticated) {
      state.authenticated = true;
      const tcp = this.tcpOf(socket);
      if (tcp) this.forgetUnauthenticated(tcp);
    }
    if (kind === 'websocket') return; // opened when the upstream says 101
    if (!state.channel) this.openChannel(state, { kind, path });
  }

  private openChannel(state: ClientState, channel: SocketEvent): void {
    this.closeChannel(state);
    state.channel = channel;
    if (channel.kind === 'websocket') this.webSockets++;
    this.emit('socket-open', channel);
  }

  private closeChannel(state: ClientState): void {
    const channel = state.channel;
    if (!channel) return;
    state.channel = undefined;
    if (channel.kind === 'websocket') this.webSockets--;
    this.emit('socket-close', channel);
  }

  /** Host, another origin, launch link, session cookie (unless `native`), request target: in that order. */
  private admit(req: IncomingMessage, native = false): Admission {
    if (!this.gate.hostAllowed(req.headers.host)) {
      return { kind: 'refuse', answer: refusalAnswer(421, 'host', `This tunnel only answers to ${[...this.gate.allowedHosts].join(' and ')}.`) };
    }
    const elsewhere = this.gate.crossOriginRefusal(req.method, req.headers);
    if (elsewhere) return { kind: 'refuse', answer: refusalAnswer(403, 'elsewhere', elsewhere) };
    const url = req.url ?? '/';
    if (url.startsWith(LAUNCH_PATH_PREFIX)) return { kind: 'launch' };
    if (!native && !this.gate.hasSession(req.headers.cookie)) {
      return { kind: 'refuse', answer: refusalAnswer(403, 'signed-out', 'This tunnel is open only to the window DCV Launcher opened. Open the desktop again from DCV Launcher.') };
    }
    const mapped = mapRequestTarget(url, this.opts.upstream.pathPrefix);
    if (!mapped.ok) return { kind: 'refuse', answer: refusalAnswer(400, 'target', `Bad request target: ${mapped.reason}.`) };
    return { kind: 'forward', upstreamPath: mapped.path };
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, expectContinue: boolean): void {
    const admitted = this.admit(req);
    if (admitted.kind === 'launch') return this.launch(req, res);
    if (admitted.kind === 'refuse') return answer(req, res, admitted.answer);
    this.authenticate(req.socket as TLSSocket, 'http', (req.url ?? '/').split('?')[0]);
    forwardHttp(
      {
        pool: this.pool,
        raw: this.raw,
        rewrite: this.rewrite,
        upstream: this.opts.upstream,
        responseTimeoutMs: this.opts.upstreamResponseTimeoutMs,
        onError: (e) => this.recordError(e),
      },
      req,
      res,
      admitted.upstreamPath,
      expectContinue,
    );
  }

  private launch(req: IncomingMessage, res: ServerResponse): void {
    const token = (req.url ?? '').slice(LAUNCH_PATH_PREFIX.length).split('?')[0];
    const redeemed = (req.method === 'GET' || req.method === 'HEAD') && this.gate.redeemLaunchToken(token);
    // Already signed in (a reload of the launch URL): just go to the desktop.
    if (!redeemed && !this.gate.hasSession(req.headers.cookie)) {
      return answer(req, res, refusalAnswer(403, 'link-used', 'This launch link has expired or was already used. Open the desktop again from DCV Launcher.'));
    }
    this.authenticate(req.socket as TLSSocket, 'http', LAUNCH_PATH_PREFIX);
    // From the launch file (file://): a page, not a redirect, or the Strict cookie would be withheld.
    if (launchedCrossSite(req.headers)) {
      const landing = launchLanding(this.entryLocation, redeemed ? this.gate.sessionSetCookie() : undefined);
      res.writeHead(landing.status, landing.headers);
      return void res.end(req.method === 'HEAD' ? undefined : landing.body);
    }
    const headers: Record<string, string> = { Location: this.entryLocation, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Length': '0' };
    if (redeemed) headers['Set-Cookie'] = this.gate.sessionSetCookie();
    res.writeHead(302, headers);
    res.end();
  }

  private onUpgrade(req: IncomingMessage, socket: TLSSocket, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const native = req.headers.origin === undefined && this.gate.hostAllowed(req.headers.host) && this.takeViewerSocket();
    const admitted = this.admit(req, native);
    if (admitted.kind === 'launch') return void socket.end(rawResponse(refusalAnswer(403, 'websocket', 'A launch link cannot be opened as a WebSocket.')));
    if (admitted.kind === 'refuse') return void socket.end(rawResponse(admitted.answer));
    // Cookies ride along on cross-site WebSocket upgrades: only our own pages may open one.
    if (!native && !this.gate.originAllowed(req.headers.origin)) {
      return void socket.end(rawResponse(refusalAnswer(403, 'websocket', `WebSocket from origin ${req.headers.origin ?? '(none)'} refused.`)));
    }
    // Servers check Origin against allowed-ws-origin-regex: DCV Viewer's upgrade gets the one a window's would.
    if (native) req.rawHeaders.push('Origin', this.rewrite.upstreamOrigin);
    const path = (req.url ?? '/').split('?')[0];
    this.authenticate(socket, 'websocket', path);
    const state = this.clients.get(socket);
    forwardUpgrade(
      {
        rewrite: this.rewrite,
        dial: () => this.dialUpstream(),
        track: (s) => this.trackUpstream(s),
        responseTimeoutMs: this.opts.upstreamResponseTimeoutMs,
        onError: (e) => this.recordError(e),
        onOpen: () => state && this.openChannel(state, { kind: 'websocket', path }),
        onClose: () => state && this.closeChannel(state),
        // Only looked at when someone listens (the app, for Session Manager tokens).
        ...(this.listenerCount('token-refused') > 0
          ? { onFirstServerMessage: (m: SetupServerMessage) => m.kind === 'connectionAbort' && m.reason === AbortReason.AUTHENTICATION_FAILED && this.emit('token-refused') }
          : {}),
      },
      req,
      socket,
      head,
      admitted.upstreamPath,
    );
  }

  /** One of DCV Viewer's cookie-less upgrades, while the last hand-off's allowance lasts. */
  private takeViewerSocket(): boolean {
    if (this.viewer.sockets <= 0 || Date.now() >= this.viewer.until) return false;
    this.viewer.sockets--;
    return true;
  }

  private async dialUpstream(): Promise<DialResult> {
    if (this.closing) throw new TunnelError('UPSTREAM_RESET', 'the tunnel is closing');
    const started = performance.now();
    const options: DialOptions = {
      target: { host: this.opts.upstream.host, port: this.opts.upstream.port, resolve: this.opts.upstream.resolve },
      route: this.opts.route,
      proxyCredentials: this.opts.proxyCredentials,
      trust: this.opts.trust,
      connectTimeoutMs: this.opts.connectTimeoutMs,
      handshakeTimeoutMs: this.opts.handshakeTimeoutMs,
      signal: this.abort.signal,
    };
    try {
      const r = await dial(options);
      if (this.closing) {
        r.socket.destroy();
        throw new TunnelError('UPSTREAM_RESET', 'the tunnel is closing');
      }
      this.dialMs.push(performance.now() - started);
      if (this.dialMs.length > 20) this.dialMs.shift();
      this.trackUpstream(r.socket);
      return r;
    } catch (e) {
      if (e instanceof TunnelError) throw e;
      throw new TunnelError('UPSTREAM_RESET', `dial failed: ${(e as Error).message}`, {}, { cause: e });
    }
  }

  private trackUpstream(socket: TLSSocket): void {
    if (this.upstreamSockets.has(socket)) return;
    this.upstreamSockets.add(socket);
    socket.once('close', () => this.upstreamSockets.delete(socket));
  }

  private recordError(err: TunnelError): void {
    this.lastError = { code: err.code, step: err.step, message: err.message, at: new Date().toISOString(), params: plainParams(err.details) };
    this.emit('upstream-error', err);
  }

  private emitStats(): void {
    if (this.listenerCount('stats') === 0) return;
    const s = this.stats();
    const key = `${s.activeSockets}/${s.activeWebSockets}/${s.totalSockets}/${s.bytesUp}/${s.bytesDown}/${s.upstreamConnectMs}/${s.lastError?.at}`;
    if (key === this.lastStatsKey) return;
    this.lastStatsKey = key;
    this.emit('stats', s);
  }
}

function answer(req: IncomingMessage, res: ServerResponse, a: ErrorAnswer): void {
  // A refused request ends its connection: nobody gets to keep a socket open for free.
  res.shouldKeepAlive = false;
  res.writeHead(a.status, { ...a.headers, 'Content-Length': String(Buffer.byteLength(a.body)) });
  res.end(req.method === 'HEAD' ? undefined : a.body);
}

/** Sockets whose clientError answer is on its way out. */
const answeredClientErrors = new WeakSet<TLSSocket>();

/**
 * Node's own clientError answer is written and then destroyed at once, which over TLS loses
 * it: end() instead, so the page (or a test) sees the 431/408/400. The parser reports again
 * on bytes that were already in flight (an 80 KB head arrives in several chunks): that must
 * not destroy the socket before the answer is out; the timer below still does.
 */
function onClientError(e: NodeJS.ErrnoException, socket: TLSSocket): void {
  if (answeredClientErrors.has(socket)) return;
  if (!socket.writable || socket.bytesWritten > 0 || e.code === 'ECONNRESET') return void socket.destroy();
  answeredClientErrors.add(socket);
  const status = e.code === 'HPE_HEADER_OVERFLOW' ? 431 : e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.setTimeout(5_000, () => socket.destroy());
}

function loopbackHost(host: string | undefined): string {
  if (host === undefined || host === 'localhost') return '127.0.0.1';
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) && host.split('.').every((n) => Number(n) <= 255)) return host;
  throw new TunnelError('LISTEN_FAILED', `refusing to listen on ${host}: the tunnel listens on loopback addresses (127.0.0.0/8) only`);
}

function checkPrefix(what: string, value: string): void {
  if (!value.startsWith('/') || !value.endsWith('/')) throw new TypeError(`${what} must start and end with "/", got ${JSON.stringify(value)}`);
}

function entryLocationOf(opts: LocalTunnelOptions): string {
  const base = opts.webUrlPath ?? '/';
  checkPrefix('webUrlPath', base);
  const query = (opts.entry?.query ?? '').replace(/^\?/, '');
  const hash = (opts.entry?.hash ?? '').replace(/^#/, '');
  const location = base + (query ? `?${query}` : '') + (hash ? `#${hash}` : '');
  if (/[^\x21-\x7e]/.test(location) || query.includes('#')) {
    throw new TypeError(`the entry page URL must be printable ASCII without spaces (and no "#" in the query): ${JSON.stringify(location)}`);
  }
  return location;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      const why =
        e.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use`
        : e.code === 'EACCES' ? `not allowed to listen on port ${port} on ${host}`
        : e.code === 'EADDRNOTAVAIL' ? `address ${host} is not available on this machine`
        : `cannot listen on ${host}:${port}: ${e.message}`;
      reject(new TunnelError('LISTEN_FAILED', why, { errno: e.code, address: `${host}:${port}` }, { cause: e }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.removeListener('error', onError);
      server.on('error', () => {});
      resolve((server.address() as { port: number }).port);
    });
  });
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
}
