/**
 * Stable error codes shared by the tunnel, the doctor, the CLI and the UI.
 * Each names the step of the path where it happened, so a page, a log line and a
 * diagnosis all point at the same place.
 */
export type Step = 'dns' | 'tcp' | 'proxy' | 'tls' | 'http' | 'websocket';

export type TunnelErrorCode =
  | 'DNS_NOT_FOUND'
  | 'TCP_REFUSED'
  | 'TCP_TIMEOUT'
  | 'PROXY_UNREACHABLE'
  | 'PROXY_AUTH_REQUIRED'
  /** The proxy refused this user name and password before: not sent again until entered again. */
  | 'PROXY_CREDENTIALS_REFUSED'
  /** The proxy URL's user name or password holds "/", "?" or "#" as it is: it must be percent-encoded. */
  | 'PROXY_URL_UNENCODED'
  | 'PROXY_CONNECT_FORBIDDEN'
  | 'PROXY_ERROR'
  | 'TLS_PIN_MISMATCH'
  | 'TLS_UNTRUSTED'
  | 'TLS_EXPIRED'
  | 'TLS_NAME_MISMATCH'
  | 'TLS_HANDSHAKE_FAILED'
  | 'UPSTREAM_RESET'
  | 'UPSTREAM_TIMEOUT'
  | 'LISTEN_FAILED';

export const STEP_OF: Record<TunnelErrorCode, Step | 'listen'> = {
  DNS_NOT_FOUND: 'dns',
  TCP_REFUSED: 'tcp',
  TCP_TIMEOUT: 'tcp',
  PROXY_UNREACHABLE: 'proxy',
  PROXY_AUTH_REQUIRED: 'proxy',
  PROXY_CREDENTIALS_REFUSED: 'proxy',
  PROXY_URL_UNENCODED: 'proxy',
  PROXY_CONNECT_FORBIDDEN: 'proxy',
  PROXY_ERROR: 'proxy',
  TLS_PIN_MISMATCH: 'tls',
  TLS_UNTRUSTED: 'tls',
  TLS_EXPIRED: 'tls',
  TLS_NAME_MISMATCH: 'tls',
  TLS_HANDSHAKE_FAILED: 'tls',
  UPSTREAM_RESET: 'http',
  UPSTREAM_TIMEOUT: 'http',
  LISTEN_FAILED: 'listen',
};

/** What we know of a certificate, parsed with Node's X509Certificate. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  subjectAltName: string[];
  validFrom: string; // ISO 8601
  validTo: string; // ISO 8601
  /** Electron's form: "sha256/" + base64 of the DER's SHA-256. */
  fingerprint256: string;
  /** Upper-case hex with colons, as `openssl x509 -fingerprint -sha256` and `dcv list-endpoints` show it. */
  fingerprint256Hex: string;
  serialNumber: string;
  selfSigned: boolean;
  /** PEM of the leaf certificate, so the UI can show or save it. */
  pem: string;
}

export interface TunnelErrorDetails {
  /** Extra facts for diagnosis: proxy status line, Proxy-Authenticate scheme, errno, … */
  [key: string]: unknown;
  expected?: string[];
  presented?: CertificateSummary;
  proxy?: string;
  proxyStatus?: number;
  proxyAuthenticate?: string;
  address?: string;
}

export class TunnelError extends Error {
  readonly code: TunnelErrorCode;
  readonly step: Step | 'listen';
  readonly details: TunnelErrorDetails;

  constructor(code: TunnelErrorCode, message: string, details: TunnelErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TunnelError';
    this.code = code;
    this.step = STEP_OF[code];
    this.details = details;
  }

  toJSON(): { code: TunnelErrorCode; step: string; message: string; details: TunnelErrorDetails } {
    return { code: this.code, step: this.step, message: this.message, details: this.details };
  }
}

export function isTunnelError(e: unknown): e is TunnelError {
  return e instanceof TunnelError;
}
