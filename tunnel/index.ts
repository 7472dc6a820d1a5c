/** The tunnel's public surface: what main/ services, the doctor and the CLI build on. */
export { LocalTunnel, type LocalTunnelOptions, type LocalTunnelEvents, type SocketEvent, type CheckResult } from './local-tunnel';
export { dial } from './dial';
export { AccessGate, LAUNCH_PATH_PREFIX, DEFAULT_LAUNCH_TOKEN_TTL_MS } from './access';
export { loadOrCreateLocalCertificate, type LocalCertificate } from './local-cert';
export { parseFingerprint, formatSha256Base64, formatSha256Hex } from './fingerprint';
export { envProxyFor } from './no-proxy';
export { parseProxyList } from './proxy-list';
export { TunnelError, isTunnelError, STEP_OF, type Step, type TunnelErrorCode, type CertificateSummary, type TunnelErrorDetails } from './errors';
export type * from './types';
