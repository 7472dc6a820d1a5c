/**
 * PAC-style proxy lists, as Electron's `session.resolveProxy()` returns them
 * ("PROXY proxy:8080; DIRECT"), and proxy URLs as found in `https_proxy`.
 *
 * Decision: the tunnel speaks plain HTTP CONNECT only. `DIRECT` and `PROXY host[:port]`
 * are accepted; `HTTPS`, `SOCKS`, `SOCKS4`, `SOCKS5` and `QUIC` entries are REJECTED with an
 * error naming the entry, rather than skipped: skipping "SOCKS5 s:1080; DIRECT" would silently
 * go DIRECT where the system meant a proxy, and the diagnosis would then lie about the path.
 */
import { TunnelError } from './errors';
import type { ProxyCredentials, RouteEntry } from './types';

const UNSUPPORTED = new Set(['HTTPS', 'SOCKS', 'SOCKS4', 'SOCKS5', 'QUIC']);

/** Splits "host:port" / "[v6]:port" / "host"; the port defaults to `defaultPort`. */
export function parseHostPort(s: string, defaultPort: number, what = 'address'): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+))(?::(\d{1,5}))?$/.exec(s);
  if (!m) throw new Error(`${what} "${s}" is not host:port`);
  const host = (m[1] ?? m[2]).toLowerCase();
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${what} "${s}": port must be 1-65535`);
  return { host, port };
}

export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * "PROXY a:8080; PROXY b:3128; DIRECT" → entries in order. A PROXY without a port gets 80,
 * as Chromium does. Empty entries (trailing ";") are ignored; an empty list is an error.
 */
export function parseProxyList(list: string): RouteEntry[] {
  if (typeof list !== 'string') throw new TypeError('proxy list must be a string');
  const entries: RouteEntry[] = [];
  for (const raw of list.split(';')) {
    const item = raw.trim();
    if (item === '') continue;
    const [kindRaw, arg, ...extra] = item.split(/\s+/);
    const kind = kindRaw.toUpperCase();
    if (kind === 'DIRECT' && arg === undefined) {
      entries.push({ kind: 'direct' });
    } else if (kind === 'PROXY' && arg !== undefined && extra.length === 0) {
      entries.push({ kind: 'proxy', ...parseHostPort(arg, 80, 'proxy') });
    } else if (UNSUPPORTED.has(kind)) {
      throw new Error(
        `proxy list entry "${item}" is not supported: the tunnel can use only HTTP proxies (PROXY host:port) or DIRECT`,
      );
    } else {
      throw new Error(`proxy list entry "${item}" is not understood: expected "DIRECT" or "PROXY host:port"`);
    }
  }
  if (entries.length === 0) throw new Error(`proxy list "${list}" is empty: expected e.g. "PROXY proxy:8080; DIRECT"`);
  return entries;
}

export function formatRouteEntry(entry: RouteEntry): string {
  return entry.kind === 'direct' ? 'DIRECT' : `PROXY ${formatHostPort(entry.host, entry.port)}`;
}

export function formatProxyList(entries: RouteEntry[]): string {
  return entries.map(formatRouteEntry).join('; ');
}

/**
 * "http://user:pa%40ss@proxy:8080" → the PROXY entry and the decoded credentials.
 * No scheme means http (as curl). No port means 1080, as curl documents for -x and *_proxy
 * (write the port: corporate proxies rarely listen on 1080). https:// and socks*:// proxies
 * are rejected: the tunnel speaks plain HTTP CONNECT only.
 *
 * The user information ends at the last "@". An "@" or ":" in the password may be written as
 * it is; a "/", "?" or "#" before that "@" is refused (PROXY_URL_UNENCODED): curl and browsers
 * end the host part there, so they would read another proxy (`http://u:123#x@p:3128` is host
 * "u", port 123 to them) and the launcher must not guess differently. Never quoted: messages
 * show the URL with everything before the last "@" redacted.
 */
export function proxyFromUrl(url: string): {
  entry: Extract<RouteEntry, { kind: 'proxy' }>;
  username?: string;
  password?: string;
  credentials?: ProxyCredentials;
} {
  const raw = url.trim();
  if (raw === '') throw new Error('proxy URL is empty');
  const s = redactProxyUrl(raw);
  let scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1].toLowerCase();
  // "alice://pw@proxy" without a scheme is user "alice" and a password starting with "//": a
  // name that is no proxy scheme, before an "@", is read so (and refused as unencoded below).
  if (scheme !== undefined && raw.includes('@') && !/^(?:https?|socks[45]?[ah]?)$/.test(scheme)) scheme = undefined;
  if (scheme !== undefined && scheme !== 'http') {
    if (scheme === 'https') throw new Error(`proxy "${s}": HTTPS proxies (TLS to the proxy) are not supported; use http://`);
    if (scheme.startsWith('socks')) throw new Error(`proxy "${s}": SOCKS proxies are not supported; use an HTTP proxy`);
    throw new Error(`proxy "${s}": scheme "${scheme}://" is not supported; use http://host:port`);
  }
  const rest = scheme === undefined ? raw : raw.slice(raw.indexOf('://') + 3);
  const at = rest.lastIndexOf('@');
  const delimiter = rest.search(/[/?#]/);
  if (at >= 0 && delimiter >= 0 && delimiter < at) {
    throw new TunnelError(
      'PROXY_URL_UNENCODED',
      `proxy "${s}": the user name or password holds "/", "?" or "#" as it is; write them percent-encoded (%2F, %3F, %23)`,
      { proxy: s },
    );
  }
  const authority = rest.split(/[/?#]/, 1)[0];
  const userinfo = at >= 0 ? authority.slice(0, at) : undefined;
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  if (hostPort === '') throw new Error(`proxy "${s}" names no host`);
  const { host, port } = parseHostPort(hostPort, 1080, `proxy "${s}"`);
  const result: ReturnType<typeof proxyFromUrl> = { entry: { kind: 'proxy', host, port } };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const decode = (v: string) => {
      try {
        return decodeURIComponent(v);
      } catch {
        throw new Error(`proxy "${s}": bad percent-encoding in the user name or password`);
      }
    };
    result.username = decode(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
    if (colon >= 0) result.password = decode(userinfo.slice(colon + 1));
    result.credentials = { username: result.username, password: result.password ?? '' };
  }
  return result;
}

/**
 * The URL with everything between the scheme and the last "@" replaced by "***", whatever it
 * holds ("#", "/", "?", spaces: a password written as it is). A plain user name is kept
 * ("http://alice:***@proxy:3128"), for messages and logs.
 */
export function redactProxyUrl(url: string): string {
  const at = url.lastIndexOf('@');
  if (at < 0) return url;
  // Only a proxy scheme counts as one: without a scheme, "alice://pw@proxy" is user "alice"
  // with a password that starts with "//" (found by fast-check), not scheme "alice".
  const scheme = /^(?:https?|socks[45]?[ah]?):\/\//i.exec(url)?.[0] ?? '';
  const userinfo = url.slice(scheme.length, at);
  const user = /^([^:/?#@\s]*)(:?)/.exec(userinfo)!;
  // "user@" alone names no password; "user:…@" keeps the name and loses the rest.
  const shown = user[2] === '' && user[1] === userinfo ? userinfo : user[2] ? `${user[1]}:***` : '***';
  return `${scheme}${shown}@${url.slice(at + 1)}`;
}
