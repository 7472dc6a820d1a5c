/**
 * The proxy environment variables, read the way curl reads them, so "curl worked" and the
 * tunnel agree (the CLI's `--proxy env`, the app's ProxyPolicy "env" mode).
 *
 * Which variable (curl, lib/url.c detect_proxy):
 *  - for an https URL: `https_proxy`, then `HTTPS_PROXY`, then `all_proxy`, then `ALL_PROXY`;
 *    lower case wins when both are set. For http URLs only lower-case `http_proxy` is read
 *    (HTTP_PROXY can be injected through a CGI "Proxy:" header), then all_proxy/ALL_PROXY.
 *  - `no_proxy` wins over `NO_PROXY`.
 *  - an empty value counts as unset (curl_getenv returns NULL for "").
 *
 * NO_PROXY entries (comma or space separated, case-insensitive, trailing dots ignored):
 *  - `*` alone: every host.
 *  - `example.com`, `.example.com`, `*.example.com`: example.com itself and every name under
 *    it (curl ignores a leading dot; a bare name is a domain, so it matches subdomains too),
 *    never `notexample.com`.
 *  - `host:port`, `[v6]:port`: the port must equal the target's port as well.
 *  - IP literals (`10.213.66.188`, `::1`, `[::1]`) match that address exactly; CIDR blocks
 *    (`10.0.0.0/8`, `fd00::/8`) match addresses inside. IP entries match only a target written
 *    as an IP: like curl, names are not resolved (and an address override is not consulted).
 */
import { BlockList, isIP } from 'node:net';
import { TunnelError } from './errors';
import { message, type Message } from './messages';
import { proxyFromUrl, redactProxyUrl } from './proxy-list';
import type { ProxyCredentials, RouteEntry } from './types';

export interface NoProxyMatch {
  matched: boolean;
  /** The entry as written in the list, when one matched. */
  entry?: string;
}

function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.+$/, '');
}

/** Parses one entry into a predicate on (host, port); undefined for an entry that can't match anything. */
function entryMatcher(entry: string): ((host: string, port: number) => boolean) | undefined {
  let e = entry.toLowerCase();
  if (e === '*') return () => true;

  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(e);
  if (bracketed) {
    e = bracketed[1];
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (/^[^:]+:\d+$/.test(e)) {
    const colon = e.lastIndexOf(':');
    port = Number(e.slice(colon + 1));
    e = e.slice(0, colon);
  }
  const portOk = (p: number) => port === undefined || port === p;

  const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(e);
  if (cidr) {
    const family = isIP(cidr[1]);
    const prefix = Number(cidr[2]);
    if (family === 0 || prefix > (family === 4 ? 32 : 128)) return undefined;
    const list = new BlockList();
    list.addSubnet(cidr[1], prefix, family === 4 ? 'ipv4' : 'ipv6');
    return (host, p) => portOk(p) && isIP(host) !== 0 && list.check(host, isIP(host) === 4 ? 'ipv4' : 'ipv6');
  }

  e = e.replace(/\.+$/, '');
  const family = isIP(e);
  if (family !== 0) {
    const list = new BlockList();
    list.addAddress(e, family === 4 ? 'ipv4' : 'ipv6');
    return (host, p) => portOk(p) && isIP(host) === family && list.check(host, family === 4 ? 'ipv4' : 'ipv6');
  }

  const domain = e.replace(/^\*?\.+/, '');
  if (domain === '' || domain.includes('*') || domain.includes('/')) return undefined;
  return (host, p) => portOk(p) && (host === domain || host.endsWith(`.${domain}`));
}

/** Does a NO_PROXY list exempt host:port from the proxy? Returns the first entry that matched. */
export function matchNoProxy(host: string, port: number, noProxy: string | undefined): NoProxyMatch {
  if (!noProxy) return { matched: false };
  const h = normalizeHost(host);
  for (const entry of noProxy.split(/[\s,]+/)) {
    if (entry === '') continue;
    const matches = entryMatcher(entry);
    if (matches?.(h, port)) return { matched: true, entry };
  }
  return { matched: false };
}

export interface EnvProxyDecision {
  route: RouteEntry[];
  /** A sentence for the user: which variable decided, and why. */
  reason: string;
  /**
   * The same as data, for the app's languages (codes of ROUTE_ENV_CODES):
   * - route.env.noProxyVar {variable}: no proxy variable is set ("no HTTPS_PROXY set");
   * - route.env.noProxyMatched {variable, entry}: NO_PROXY's entry sent the target DIRECT;
   * - route.env.proxy {variable, proxy, noProxyVariable}: the proxy variable decided (proxy
   *   without its password; noProxyVariable the NO_PROXY variable that was set, or null).
   * envProxyFor always sets it; optional only because the app's proxy policy builds decisions of
   * this shape for its other sources too.
   */
  because?: Message;
  /**
   * For a proxy route, why in a few words that leave the proxy to the route, to follow it in
   * a sentence: "HTTPS_PROXY is set and no NO_PROXY entry matches".
   */
  why?: string;
  /** The NO_PROXY entry that sent the target DIRECT. */
  matched?: string;
  /** Credentials written in the proxy URL (`http://user:pass@proxy:8080`), decoded. */
  credentials?: ProxyCredentials;
}

/** The codes of EnvProxyDecision.because, for the renderer's dictionaries. */
export const ROUTE_ENV_CODES = ['route.env.noProxyVar', 'route.env.noProxyMatched', 'route.env.proxy'] as const;

type Env = Record<string, string | undefined>;

function firstSet(env: Env, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

/**
 * The route curl would take to `url` under these environment variables.
 * Throws when the proxy variable holds something the tunnel can't use (https://, socks5://).
 */
export function envProxyFor(url: string | URL, env: Env = process.env): EnvProxyDecision {
  const u = typeof url === 'string' ? new URL(url) : url;
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const port = u.port !== '' ? Number(u.port) : scheme === 'http' ? 80 : 443;
  const varNames =
    scheme === 'http'
      ? ['http_proxy', 'all_proxy', 'ALL_PROXY']
      : [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, 'all_proxy', 'ALL_PROXY'];

  const proxyVar = firstSet(env, varNames);
  if (!proxyVar) {
    const main = scheme === 'http' ? 'http_proxy' : `${scheme.toUpperCase()}_PROXY`;
    return { route: [{ kind: 'direct' }], reason: `no ${main} set`, because: message('route.env.noProxyVar', { variable: main }) };
  }

  const noProxyVar = firstSet(env, ['no_proxy', 'NO_PROXY']);
  const hit = matchNoProxy(u.hostname, port, noProxyVar?.value);
  if (hit.matched) {
    return {
      route: [{ kind: 'direct' }],
      reason: `${noProxyVar!.name} entry \`${hit.entry}\` matched`,
      because: message('route.env.noProxyMatched', { variable: noProxyVar!.name, entry: hit.entry! }),
      matched: hit.entry,
    };
  }

  let proxy: ReturnType<typeof proxyFromUrl>;
  try {
    proxy = proxyFromUrl(proxyVar.value);
  } catch (e) {
    // A code stays a code (PROXY_URL_UNENCODED): the app words it, the CLI prints it.
    if (e instanceof TunnelError) throw new TunnelError(e.code, `${proxyVar.name}: ${e.message}`, { ...e.details, variable: proxyVar.name });
    throw new Error(`${proxyVar.name}: ${(e as Error).message}`);
  }
  const why = noProxyVar ? `no ${noProxyVar.name} entry matched` : `no NO_PROXY set`;
  return {
    route: [proxy.entry],
    reason: `${proxyVar.name} is ${redactProxyUrl(proxyVar.value)} (${why})`,
    because: message('route.env.proxy', { variable: proxyVar.name, proxy: redactProxyUrl(proxyVar.value), noProxyVariable: noProxyVar?.name ?? null }),
    why: `${proxyVar.name} is set and ${noProxyVar ? `no ${noProxyVar.name} entry matches` : 'NO_PROXY is not'}`,
    ...(proxy.credentials ? { credentials: proxy.credentials } : {}),
  };
}
