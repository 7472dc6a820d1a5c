/**
 * The shapes other layers use to drive the tunnel. Plain data only: the app stores
 * these, the CLI parses flags into them, the doctor walks the same dial with them.
 */
import type { CertificateSummary, Step, TunnelErrorCode } from './errors';

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
  lastError: { code: TunnelErrorCode; step: string; message: string; at: string } | null;
}

/** One step of a diagnosis, in the order dns, tcp, proxy, tls, http, websocket. */
export interface DiagnosisStep {
  id: Step;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  /** A TunnelErrorCode, a warning code (e.g. CERT_EXPIRES_SOON, SYSTEM_PROXY_WOULD_INTERCEPT, HSTS_SELF_SIGNED), HTTP_STATUS, WS_* or OK. */
  code: string;
  durationMs: number;
  detail: Record<string, unknown>;
  /** For warn and fail: what to change, in the user's terms (an app setting, a dcv.conf or nginx line, no_proxy). */
  hint?: string;
}

export interface Diagnosis {
  ok: boolean;
  target: string;
  startedAt: string;
  steps: DiagnosisStep[];
}
