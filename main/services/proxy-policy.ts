/**
 * Which route the tunnel takes to an endpoint (DIRECT or a proxy), and why, in words the
 * user can check. Also what a plain browser on this machine would do, because the field's
 * first failure was exactly that difference: "curl works but the browser doesn't".
 */
import type { ProxyExplanation } from '../../preload/contract/api';
import { message, type Message } from '../../tunnel/messages';
import type { Endpoint } from '../../preload/contract/model';
import { envProxyFor, type EnvProxyDecision } from '../../tunnel/no-proxy';
import { formatHostPort, formatProxyList, parseProxyList, proxyFromUrl } from '../../tunnel/proxy-list';
import type { ProxyCredentials, RouteEntry } from '../../tunnel/types';

type Env = Record<string, string | undefined>;

export interface ProxyDecision {
  route: RouteEntry[];
  /** The same route as a PAC string: "PROXY proxy:8080; DIRECT". */
  pac: string;
  /** "profile forces DIRECT", "NO_PROXY entry `.amazonaws.com` matched", "system proxy says PROXY proxy:8080". */
  reason: string;
  /** The same as data (the app words it): route.profile.direct, route.profile.manual, route.env.*, route.system, route.systemFallback. */
  because: Message;
  /** 'needed' when the proxy is known to want a user name (profile or proxy URL): ask `credentialsFor` (proxy-credentials). */
  credentials: 'none' | 'needed';
  /** The first proxy of the route, "http://proxy:8080" (never with a password). */
  proxyUrl?: string;
  username?: string;
  /** Credentials written in the proxy environment variable (http://user:pass@proxy:8080). */
  envCredentials?: ProxyCredentials;
}

export interface ProxyPolicyOptions {
  env: Env;
  /** Electron's session.resolveProxy in the app; absent in the CLI and browser mode (the env stands in). */
  resolveSystemProxy?: (url: string) => Promise<string>;
}

export interface ProxyPolicy {
  decide(endpoint: Endpoint, url: string): Promise<ProxyDecision>;
  explain(endpoint: Endpoint, url: string): Promise<ProxyExplanation>;
}

/** What one source says: a route and why (the env's shape; the system resolver gives route and reason). */
type Said = EnvProxyDecision;

type Settled<T> = { value: T } | { error: string };

async function settle<T>(f: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { value: await f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/**
 * A reason that wraps another (the environment decides because there is no system resolver):
 * flat params, as every message's are — the inner code as `because`, its params as `because.<name>`.
 */
export function nested(code: string, inner: Message | undefined): Message {
  const params: Record<string, string | number | boolean | null | string[]> = {};
  if (inner) {
    params.because = inner.code;
    for (const [k, v] of Object.entries(inner.params ?? {})) params[`because.${k}`] = v;
  }
  return { code, params };
}

function firstProxy(route: RouteEntry[]): Extract<RouteEntry, { kind: 'proxy' }> | undefined {
  return route[0]?.kind === 'proxy' ? route[0] : undefined;
}

const proxyName = (p: Extract<RouteEntry, { kind: 'proxy' }>) => formatHostPort(p.host, p.port);

export function createProxyPolicy(opts: ProxyPolicyOptions): ProxyPolicy {
  const { env, resolveSystemProxy } = opts;

  /** The system resolver's answer, or undefined without one. A resolver failure is a clear error. */
  async function fromSystem(url: string): Promise<Said | undefined> {
    if (!resolveSystemProxy) return undefined;
    let pac: string;
    try {
      pac = await resolveSystemProxy(url);
    } catch (e) {
      throw new Error(`the system proxy resolver failed for ${url}: ${(e as Error).message}`);
    }
    const route = parseProxyList(pac);
    return { route, reason: `system proxy says ${formatProxyList(route)}`, why: 'the system proxy settings say so', because: message('route.system', { route: formatProxyList(route) }) };
  }

  async function decide(endpoint: Endpoint, url: string): Promise<ProxyDecision> {
    const proxy = endpoint.proxy;
    let said: Said;
    let username: string | undefined;
    switch (proxy.mode) {
      case 'direct':
        said = { route: [{ kind: 'direct' }], reason: 'profile forces DIRECT', because: message('route.profile.direct') };
        break;
      case 'manual': {
        const { entry } = proxyFromUrl(proxy.url);
        said = { route: [entry], reason: `profile names proxy ${proxy.url.replace(/\/$/, '')}`, because: message('route.profile.manual', { proxy: proxy.url.replace(/\/$/, '') }) };
        username = proxy.username || undefined;
        break;
      }
      case 'env':
        said = envProxyFor(url, env);
        break;
      case 'system': {
        const system = await fromSystem(url);
        if (system) said = system;
        else {
          const e = envProxyFor(url, env);
          said = { ...e, reason: `no system proxy resolver here (CLI/browser mode), so the environment decides: ${e.reason}`, because: nested('route.systemFallback', e.because) };
        }
        break;
      }
    }
    username ??= said.credentials?.username;
    const first = firstProxy(said.route);
    return {
      route: said.route,
      pac: formatProxyList(said.route),
      reason: said.reason,
      because: said.because ?? message('route.unknown'),
      credentials: first && username !== undefined ? 'needed' : 'none',
      ...(first ? { proxyUrl: `http://${proxyName(first)}` } : {}),
      ...(first && username !== undefined ? { username } : {}),
      ...(first && said.credentials ? { envCredentials: said.credentials } : {}),
    };
  }

  async function explain(endpoint: Endpoint, url: string): Promise<ProxyExplanation> {
    // Each source is reported even when another fails: a bad variable must not hide the rest.
    const [effective, envSays, systemSays] = await Promise.all([
      settle(() => decide(endpoint, url)),
      settle(async () => envProxyFor(url, env)),
      settle(() => fromSystem(url)),
    ]);
    const profile = endpoint.proxy;
    const profileSays =
      profile.mode === 'direct' ? 'DIRECT: never use a proxy for this endpoint'
      : profile.mode === 'manual' ? `use the proxy ${profile.url.replace(/\/$/, '')}${profile.username ? ` as ${profile.username}` : ''}`
      : profile.mode === 'env' ? 'follow the proxy environment variables (https_proxy, no_proxy)'
      : 'follow the system proxy settings';
    const profileMessage =
      profile.mode === 'manual' ? message('says.profile.manual', { proxy: profile.url.replace(/\/$/, ''), user: profile.username ?? null }) : message(`says.profile.${profile.mode}`);
    const says = (r: Settled<Said | undefined>, why: boolean) =>
      'error' in r ? `unusable: ${r.error}`
      : !r.value ? 'no system resolver here (CLI/browser mode): a browser would follow the environment'
      : formatProxyList(r.value.route) + (why ? ` (${r.value.reason})` : '');
    const saysMessage = (r: Settled<Said | undefined>): Message =>
      'error' in r ? message('says.unusable', { error: r.error })
      : !r.value ? message('says.noResolver')
      : { code: 'says.route', params: { route: formatProxyList(r.value.route), ...nested('', r.value.because).params } };
    const envMatched = 'value' in envSays ? envSays.value.matched : undefined;
    const sources: ProxyExplanation['sources'] = [
      { source: 'profile', says: profileSays, saysMessage: profileMessage },
      { source: 'env', says: says(envSays, true), saysMessage: saysMessage(envSays), ...(envMatched ? { matched: envMatched } : {}) },
      { source: 'system', says: says(systemSays, false), saysMessage: saysMessage(systemSays) },
    ];

    const browser: Settled<Said | undefined> = resolveSystemProxy
      ? systemSays
      : 'value' in envSays ? { value: { ...envSays.value, reason: `the environment says so: ${envSays.value.reason}` } } : envSays;
    const unknown = 'error' in browser ? browser.error : 'no answer';
    return {
      url,
      effective:
        'value' in effective
          ? { route: effective.value.pac, reason: effective.value.reason, because: effective.value.because }
          : { route: 'none', reason: `cannot decide: ${effective.error}`, because: message('route.undecided', { error: effective.error }) },
      sources,
      plainBrowser:
        'value' in browser && browser.value
          ? plainBrowser(url, 'value' in effective ? effective.value.route : [], browser.value, 'value' in envSays ? envSays.value : undefined)
          : {
              route: 'unknown',
              reason: `what a plain browser would do is unknown: ${unknown}`,
              wouldIntercept: false,
              explanation: message('explain.browser.unknown', { error: unknown }),
            },
    };
  }

  return { decide, explain };
}

/**
 * What a plain browser would do, and whether it would be sent to a proxy where the launcher
 * goes DIRECT: through the browser's own settings, or because the endpoint is missing from
 * no_proxy (every tool reading the environment would then use the proxy).
 */
function plainBrowser(url: string, launcher: RouteEntry[], browser: Said, env: Said | undefined): ProxyExplanation['plainBrowser'] {
  const route = formatProxyList(browser.route);
  const why = { ...(browser.why ? { why: browser.why } : {}), ...(browser.because ? { because: browser.because } : {}) };
  const launcherDirect = launcher[0]?.kind === 'direct';
  const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
  const viaBrowser = firstProxy(browser.route);
  const viaEnv = env && firstProxy(env.route);
  if (launcherDirect && viaBrowser) {
    return {
      route,
      reason: `a plain browser here would send ${url} to the proxy ${proxyName(viaBrowser)} (${browser.reason}) while the launcher goes DIRECT: that is "curl works but the browser doesn't"; add ${host} to the browser's proxy exceptions (no_proxy) to open it without the launcher`,
      wouldIntercept: true,
      ...why,
      explanation: { code: 'explain.browser.intercepts', params: { url, proxy: proxyName(viaBrowser), host, ...nested('', browser.because).params } },
    };
  }
  if (launcherDirect && viaEnv) {
    return {
      route,
      reason: `a plain browser here would go ${route} (${browser.reason}), but ${host} is missing from no_proxy: tools that read the environment (curl, Chromium without desktop proxy settings) would send it to ${proxyName(viaEnv)} (${env!.reason}) while the launcher goes DIRECT`,
      wouldIntercept: true,
      ...why,
      explanation: { code: 'explain.browser.envIntercepts', params: { route, host, proxy: proxyName(viaEnv), ...nested('', env!.because).params } },
    };
  }
  const same = formatProxyList(launcher) === route;
  return {
    route,
    reason: `a plain browser here would go ${route}${same ? ', as the launcher does' : ''} (${browser.reason})`,
    wouldIntercept: false,
    ...why,
    explanation: { code: same ? 'explain.browser.same' : 'explain.browser.other', params: { route, ...nested('', browser.because).params } },
  };
}
