/**
 * The connection a `.dcv` file or a `dcv://` link describes, checked field by field. Both
 * readers feed raw strings in with where each came from ("line 7", "the link's port"), so
 * every error points at the place to fix.
 */
import { isHostName, Route, WebUrlPath } from '../../../preload/contract/model';

export type DcvProxyType = 'HTTP' | 'HTTPS' | 'SOCKS' | 'SYSTEM' | 'NONE';
export type DcvCertificatePolicy = 'strict' | 'accept-untrusted' | 'ask-user';

export interface DcvConnect {
  host: string;
  port: number;
  /** Normalized: starts and ends with "/". */
  webUrlPath: string;
  sessionId?: string;
  authToken?: string;
  user?: string;
  proxy?: { type: DcvProxyType; host?: string; port?: number; user?: string };
  certificateValidationPolicy?: DcvCertificatePolicy;
}

export type DcvRead = { ok: true; connect: DcvConnect; warnings: string[] } | { ok: false; errors: string[] };

/** One raw value and where it was found. */
export interface RawField {
  value: string;
  where: string;
}

const PROXY_TYPES: readonly DcvProxyType[] = ['HTTP', 'HTTPS', 'SOCKS', 'SYSTEM', 'NONE'];
const POLICIES: readonly DcvCertificatePolicy[] = ['strict', 'accept-untrusted', 'ask-user'];
const KNOWN = new Set(['host', 'port', 'weburlpath', 'sessionid', 'authtoken', 'user', 'password', 'proxytype', 'proxyhost', 'proxyport', 'proxyuser', 'proxypassword', 'certificatevalidationpolicy']);
const SessionId = Route.options[2].shape.sessionId;

export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function stripBrackets(host: string): string {
  return /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
}

/** Reads the [connect] keys (lower-case) into a DcvConnect, or lists every problem. */
export function readConnectFields(fields: ReadonlyMap<string, RawField>, defaultWhere: string): DcvRead {
  const errors: string[] = [];
  const warnings: string[] = [];
  const get = (key: string) => fields.get(key);

  const host = get('host');
  let hostName = '';
  if (!host || host.value === '') errors.push(`${host?.where ?? defaultWhere}: host is missing`);
  else if (!isHostName(stripBrackets(host.value))) errors.push(`${host.where}: host "${host.value.slice(0, 80)}" is not a valid host name or IP address`);
  else hostName = stripBrackets(host.value).toLowerCase();

  const readPort = (key: string, fallback?: number): number | undefined => {
    const raw = get(key);
    if (!raw || raw.value === '') return fallback;
    const port = parsePort(raw.value);
    if (port === null) errors.push(`${raw.where}: ${key} "${raw.value.slice(0, 20)}" must be a number from 1 to 65535`);
    return port ?? undefined;
  };
  const port = readPort('port', 8443) ?? 8443;

  let webUrlPath = '/';
  const path = get('weburlpath');
  if (path && path.value !== '') {
    const parsed = WebUrlPath.safeParse(path.value);
    if (parsed.success) webUrlPath = parsed.data;
    else errors.push(`${path.where}: weburlpath ${parsed.error.issues[0].message}`);
  }

  let sessionId: string | undefined;
  const session = get('sessionid');
  if (session && session.value !== '') {
    const parsed = SessionId.safeParse(session.value);
    if (parsed.success) sessionId = parsed.data;
    else errors.push(`${session.where}: sessionid ${parsed.error.issues[0].message}`);
  }

  let authToken: string | undefined;
  const token = get('authtoken');
  if (token && token.value !== '') {
    // Never echo a token back: it may end up in a screenshot or a log.
    if (token.value.length > 4096 || !/^[\x21-\x7e]+$/.test(token.value)) errors.push(`${token.where}: authtoken must be printable characters without spaces (at most 4096)`);
    else authToken = token.value;
  }

  let proxy: DcvConnect['proxy'];
  const proxyType = get('proxytype');
  if (proxyType && proxyType.value !== '') {
    const type = proxyType.value.toUpperCase() as DcvProxyType;
    if (!PROXY_TYPES.includes(type)) {
      errors.push(`${proxyType.where}: proxytype "${proxyType.value.slice(0, 20)}" must be one of ${PROXY_TYPES.join(', ')}`);
    } else if (type === 'SYSTEM' || type === 'NONE') {
      proxy = { type };
    } else {
      const proxyHost = get('proxyhost');
      if (!proxyHost || !isHostName(stripBrackets(proxyHost.value))) errors.push(`${proxyHost?.where ?? proxyType.where}: proxytype=${type} needs a valid proxyhost`);
      const proxyPort = readPort('proxyport');
      if (!get('proxyport')) errors.push(`${proxyType.where}: proxytype=${type} needs a proxyport`);
      proxy = { type, host: proxyHost?.value, port: proxyPort, user: get('proxyuser')?.value || undefined };
    }
  }

  let certificateValidationPolicy: DcvCertificatePolicy | undefined;
  const policy = get('certificatevalidationpolicy');
  if (policy && policy.value !== '') {
    const value = policy.value.toLowerCase() as DcvCertificatePolicy;
    if (POLICIES.includes(value)) certificateValidationPolicy = value;
    else warnings.push(`${policy.where}: certificatevalidationpolicy "${policy.value.slice(0, 30)}" is not one of ${POLICIES.join(', ')}; ignored`);
  }

  for (const key of ['password', 'proxypassword']) {
    const secret = get(key);
    if (secret) warnings.push(`${secret.where}: ${key} is not imported (you are asked for it when needed)`);
  }
  const unknown = [...fields.keys()].filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) warnings.push(`ignored settings the launcher does not use: ${unknown.join(', ')}`);

  if (errors.length > 0) return { ok: false, errors };
  const user = get('user')?.value || undefined;
  return { ok: true, warnings, connect: { host: hostName, port, webUrlPath, sessionId, authToken, user, proxy, certificateValidationPolicy } };
}
