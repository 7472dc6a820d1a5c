/**
 * The connection a `.dcv` file or a `dcv://` link describes, checked field by field. Both
 * readers feed raw strings in with where each came from (line 7, the link's port), so every
 * problem points at the place to fix — as a Message (notes.ts) with its English beside it.
 */
import { isHostName, Route, WebUrlPath } from '../../../preload/contract/model';
import type { Message } from '../../../tunnel/messages';
import { english, located, note, type Place } from './notes';

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

/**
 * A read file or link: notes (warnings) or problems (errors) as Messages, each problem located
 * (`import.file.lineError`, `import.link.error`, …); `warnings` and `errors` are their English.
 */
export type DcvRead =
  | { ok: true; connect: DcvConnect; notes: Message[]; warnings: string[] }
  | { ok: false; problems: Message[]; errors: string[] };

/** One raw value and where it was found. */
export interface RawField {
  value: string;
  at: Place;
}

const PROXY_TYPES: readonly DcvProxyType[] = ['HTTP', 'HTTPS', 'SOCKS', 'SYSTEM', 'NONE'];
const POLICIES: readonly DcvCertificatePolicy[] = ['strict', 'accept-untrusted', 'ask-user'];
const KNOWN = new Set(['host', 'port', 'weburlpath', 'sessionid', 'authtoken', 'user', 'password', 'proxytype', 'proxyhost', 'proxyport', 'proxyuser', 'proxypassword', 'certificatevalidationpolicy']);
const SessionId = Route.options[2].shape.sessionId;
export const AUTH_TOKEN_MAX = 4096;

export function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

function stripBrackets(host: string): string {
  return /^\[.*\]$/.test(host) ? host.slice(1, -1) : host;
}

/** The read result with the English of its notes or problems. */
export function dcvRead(read: { ok: true; connect: DcvConnect; notes: Message[] } | { ok: false; problems: Message[] }): DcvRead {
  return read.ok ? { ...read, warnings: read.notes.map(english) } : { ...read, errors: read.problems.map(english) };
}

/** Reads the [connect] keys (lower-case) into a DcvConnect, or lists every problem, each at its place. */
export function readConnectFields(fields: ReadonlyMap<string, RawField>, whole: Place): DcvRead {
  const problems: Message[] = [];
  const notes: Message[] = [];
  const get = (key: string) => fields.get(key);
  const problem = (at: Place, m: Message) => problems.push(located(at, m));

  const host = get('host');
  let hostName = '';
  if (!host || host.value === '') problem(host?.at ?? whole, note('import.problem.hostMissing'));
  else if (!isHostName(stripBrackets(host.value))) problem(host.at, note('import.problem.hostInvalid', { value: host.value.slice(0, 80) }));
  else hostName = stripBrackets(host.value).toLowerCase();

  const readPort = (key: string, fallback?: number): number | undefined => {
    const raw = get(key);
    if (!raw || raw.value === '') return fallback;
    const port = parsePort(raw.value);
    if (port === null) problem(raw.at, note('import.problem.portInvalid', { key, value: raw.value.slice(0, 20) }));
    return port ?? undefined;
  };
  const port = readPort('port', 8443) ?? 8443;

  let webUrlPath = '/';
  const path = get('weburlpath');
  if (path && path.value !== '') {
    const parsed = WebUrlPath.safeParse(path.value);
    if (parsed.success) webUrlPath = parsed.data;
    else problem(path.at, note('import.problem.webUrlPathInvalid'));
  }

  let sessionId: string | undefined;
  const session = get('sessionid');
  if (session && session.value !== '') {
    const parsed = SessionId.safeParse(session.value);
    if (parsed.success) sessionId = parsed.data;
    else problem(session.at, note('import.problem.sessionIdInvalid'));
  }

  let authToken: string | undefined;
  const token = get('authtoken');
  if (token && token.value !== '') {
    // Never echo a token back: it may end up in a screenshot or a log.
    if (token.value.length > AUTH_TOKEN_MAX || !/^[\x21-\x7e]+$/.test(token.value)) problem(token.at, note('import.problem.authTokenInvalid', { max: AUTH_TOKEN_MAX }));
    else authToken = token.value;
  }

  let proxy: DcvConnect['proxy'];
  const proxyType = get('proxytype');
  if (proxyType && proxyType.value !== '') {
    const type = proxyType.value.toUpperCase() as DcvProxyType;
    if (!PROXY_TYPES.includes(type)) {
      problem(proxyType.at, note('import.problem.proxyTypeInvalid', { value: proxyType.value.slice(0, 20), allowed: [...PROXY_TYPES] }));
    } else if (type === 'SYSTEM' || type === 'NONE') {
      proxy = { type };
    } else {
      const proxyHost = get('proxyhost');
      if (!proxyHost || !isHostName(stripBrackets(proxyHost.value))) problem(proxyHost?.at ?? proxyType.at, note('import.problem.proxyHostMissing', { type }));
      const proxyPort = readPort('proxyport');
      if (!get('proxyport')) problem(proxyType.at, note('import.problem.proxyPortMissing', { type }));
      proxy = { type, host: proxyHost?.value, port: proxyPort, user: get('proxyuser')?.value || undefined };
    }
  }

  let certificateValidationPolicy: DcvCertificatePolicy | undefined;
  const policy = get('certificatevalidationpolicy');
  if (policy && policy.value !== '') {
    const value = policy.value.toLowerCase() as DcvCertificatePolicy;
    if (POLICIES.includes(value)) certificateValidationPolicy = value;
    else notes.push(note('import.dcv.policyUnknown', { ...policy.at, value: policy.value.slice(0, 30), allowed: [...POLICIES] }));
  }

  for (const key of ['password', 'proxypassword']) {
    const secret = get(key);
    if (secret) notes.push(note('import.dcv.passwordNotImported', { ...secret.at, key }));
  }
  const unknown = [...fields.keys()].filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) notes.push(note('import.dcv.settingsIgnored', { keys: unknown.map((k) => k.slice(0, 40)).slice(0, 20) }));

  if (problems.length > 0) return dcvRead({ ok: false, problems });
  const user = get('user')?.value || undefined;
  return dcvRead({ ok: true, notes, connect: { host: hostName, port, webUrlPath, sessionId, authToken, user, proxy, certificateValidationPolicy } });
}
