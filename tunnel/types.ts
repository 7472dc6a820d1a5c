/**
 * The shapes other layers use to drive the tunnel. Plain data only: the app stores
 * these, the CLI parses flags into them, the doctor walks the same dial with them.
 */
import type { Advice } from './doctor-hints';
import type { CertificateSummary, Step, TunnelErrorCode } from './errors';
import type { Message, MessageParam } from './messages';

/** How the upstream certificate is checked. Verified before one byte of a request is written. */
export type TrustPolicy =
  /** Any of these SHA-256 fingerprints: `sha256/BASE64`, or hex with or without colons, any case. */
  | { kind: 'pin'; fingerprints: string[] }
  /** A PEM bundle of CAs; the name is checked too. */
  | { kind: 'ca'; ca: string }
  /** The system's (Node's) trust store; the name is checked too. */
  | { kind: 'system' };

/** Like curl's --resolve: connect to `address` when asked for host:port. SNI and Host keep the name. */
export interface AddressOverride {
  host: string;
  port: number;
  address: string;
}

/** One entry of a PAC-style decision ("DIRECT", "PROXY host:port"), tried in order. */
export type RouteEntry = { kind: 'direct' } | { kind: 'proxy'; host: string; port: number };

export interface ProxyCredentials {
  username: string;
  password: string;
}

/** Where a desktop is: the endpoint name and port, and the router's path prefix ("/" when none). */
export interface UpstreamTarget {
  host: string;
  port: number;
  /** Always starts and ends with "/": "/" or "/10.150.248.180/". */
  pathPrefix: string;
  resolve?: AddressOverride[];
}

export interface DialOptions {
  target: { host: string; port: number; resolve?: AddressOverride[] };
  /** A PAC-style string ("PROXY proxy:8080; DIRECT") as Electron's resolveProxy() returns, or parsed entries. */
  route: string | RouteEntry[];
  proxyCredentials?: ProxyCredentials;
  trust: TrustPolicy;
  /** Default 10 000 ms: DNS + TCP (+ CONNECT) to the first byte of TLS. */
  connectTimeoutMs?: number;
  /** Default 10 000 ms for the TLS handshake. */
  handshakeTimeoutMs?: number;
  /** Called once per step as it ends; the doctor builds its timeline from these. */
  onStep?: (step: DialStep) => void;
  signal?: AbortSignal;
}

export interface DialStep {
  step: Extract<Step, 'dns' | 'tcp' | 'proxy' | 'tls'>;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  durationMs: number;
  code?: TunnelErrorCode;
  /** What was seen: addresses, proxy and its answer, TLS version/cipher, certificate. */
  detail: Record<string, unknown>;
}

export interface DialResult {
  /** Connected, handshaken and verified: safe to write a request to. */
  socket: import('node:tls').TLSSocket;
  certificate: CertificateSummary;
  route: RouteEntry;
  /** Address the TCP connection went to (the proxy's when proxied). */
  remoteAddress: string;
  tls: { protocol: string; cipher: string };
  timings: { dnsMs: number; tcpMs: number; proxyMs: number; tlsMs: number };
}

export interface TunnelStats {
  /** Sockets currently open between the page and the tunnel (HTTP and WebSocket). */
  activeSockets: number;
  activeWebSockets: number;
  totalSockets: number;
  bytesUp: number;
  bytesDown: number;
  /** Median ms to get a verified upstream TLS connection, over recent dials. */
  upstreamConnectMs: number | null;
  /** message: English (CLI, logs); params: the error's facts, for the app to word it. */
  lastError: { code: TunnelErrorCode; step: string; message: string; at: string; params?: Record<string, MessageParam> } | null;
}

/**
 * The steps of a diagnosis. A Session Manager desktop starts with the Broker's: reach it (the
 * usual dns/tcp/proxy/tls on its port), get an access token, find the session, get its
 * connection data; then the Gateway's (or the server's) path as for any desktop.
 */
export type BrokerStep = 'broker-dns' | 'broker-tcp' | 'broker-proxy' | 'broker-tls' | 'broker-token' | 'broker-session' | 'broker-connection';
export type DiagnosisStepId = BrokerStep | Step;

/** One step of a diagnosis, in the order dns, tcp, proxy, tls, http, websocket (after the broker steps). */
export interface DiagnosisStep {
  id: DiagnosisStepId;
  /**
   * info: it works, and something is worth knowing that changes nothing for the launcher (the
   * HSTS it strips anyway, a pinned certificate that does not name the endpoint, a plain
   * browser that would use the proxy): shown calmly, never as a warning.
   */
  status: 'ok' | 'info' | 'warn' | 'fail' | 'skip';
  /** A TunnelErrorCode, a warning code (e.g. CERT_EXPIRES_SOON, SYSTEM_PROXY_WOULD_INTERCEPT, HSTS_SELF_SIGNED), HTTP_STATUS, WS_* or OK. */
  code: string;
  durationMs: number;
  detail: Record<string, unknown>;
  /** For warn and fail: what to change, in the user's terms (an app setting, a dcv.conf or nginx line, no_proxy). English. */
  hint?: string;
  /** The same as data, one per code (the step's and its warnings'), for the app to word. */
  advice?: Advice[];
  /** One line of what the step saw, as data; detail.summary is its English (CLI, reports). */
  summary?: Message;
}

export interface Diagnosis {
  ok: boolean;
  target: string;
  startedAt: string;
  steps: DiagnosisStep[];
}
