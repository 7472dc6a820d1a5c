/**
 * The credentials the tunnel sends to an endpoint's proxy. The user name and password the
 * user typed after a 407 are one secret under `proxy:<endpointId>`, so endpoints that follow
 * the system or the environment (no place for a user name in the catalogue) keep both across
 * restarts. A 'manual' endpoint also keeps its user name on the endpoint (shown and edited
 * there), which is the one used when set.
 *
 * A password belongs to the proxy it was typed for (its origin, http://host:port), not to the
 * endpoint: re-pointing the endpoint at another proxy, or a system proxy that changed, must not
 * hand it to the new one. There, nothing is sent and the proxy's 407 asks the user again.
 * Secrets of earlier versions name no proxy (a bare password, or v1): they are not sent either,
 * and the user is asked once.
 */
import type { Endpoint } from '../../preload/contract/model';
import { formatHostPort, proxyFromUrl } from '../../tunnel/proxy-list';
import type { ProxyCredentials } from '../../tunnel/types';
import type { ProxyDecision } from './proxy-policy';
import { proxySecretKey, type SecretStore } from './secrets/secret-store';

/** What is stored: the proxy it is for, unless written by an earlier version. */
export interface StoredProxySecret {
  /** http://host:port */
  proxy?: string;
  username?: string;
  password: string;
}

/** "http://Proxy.Corp:3128/" → "http://proxy.corp:3128"; undefined for what is not a usable proxy URL. */
export function proxyOrigin(url: string): string | undefined {
  try {
    const { entry } = proxyFromUrl(url);
    return `http://${formatHostPort(entry.host, entry.port)}`;
  } catch {
    return undefined;
  }
}

export function encodeProxySecret(proxy: string, credentials: ProxyCredentials): string {
  return JSON.stringify({ v: 2, proxy, username: credentials.username, password: credentials.password });
}

/** The stored text as a secret; anything that is not JSON of a known version is a bare password. */
export function decodeProxySecret(text: string): StoredProxySecret {
  try {
    const o = JSON.parse(text) as { v?: unknown; proxy?: unknown; username?: unknown; password?: unknown } | null;
    if (o && (o.v === 1 || o.v === 2) && typeof o.password === 'string') {
      return {
        ...(o.v === 2 && typeof o.proxy === 'string' ? { proxy: o.proxy } : {}),
        ...(typeof o.username === 'string' ? { username: o.username } : {}),
        password: o.password,
      };
    }
  } catch {
    // not JSON: a bare password
  }
  return { password: text };
}

/** The proxy the endpoint's route sends credentials to: the manual one, else the decision's first. */
function proxyOf(endpoint: Endpoint, decision?: Pick<ProxyDecision, 'proxyUrl'>): string | undefined {
  if (endpoint.proxy.mode === 'manual') return proxyOrigin(endpoint.proxy.url);
  return decision?.proxyUrl ? proxyOrigin(decision.proxyUrl) : undefined;
}

/**
 * Credentials for the endpoint's proxy: the stored secret when it was typed for this very
 * proxy (a manual endpoint's own user name first), else any written in the proxy environment
 * variable. Undefined when there is nothing to send: after a 407 the UI asks the user.
 */
export async function credentialsFor(
  endpoint: Endpoint,
  secrets: Pick<SecretStore, 'get'>,
  decision?: Pick<ProxyDecision, 'envCredentials' | 'proxyUrl'>,
): Promise<ProxyCredentials | undefined> {
  // A route that goes DIRECT (no_proxy, the system) sends nothing to a proxy.
  const proxy = proxyOf(endpoint, decision);
  if (proxy) {
    const text = await secrets.get(proxySecretKey(endpoint.id));
    const stored = text === undefined ? undefined : decodeProxySecret(text);
    if (stored?.proxy === proxy) {
      const username = (endpoint.proxy.mode === 'manual' && endpoint.proxy.username) || stored.username;
      if (username) return { username, password: stored.password };
    }
  }
  return decision?.envCredentials;
}

export type ProxyCredentialStore = ReturnType<typeof createProxyCredentials>;

export function createProxyCredentials(secrets: Pick<SecretStore, 'get' | 'set'>) {
  return {
    forEndpoint: (endpoint: Endpoint, decision: Pick<ProxyDecision, 'envCredentials' | 'proxyUrl'>): Promise<ProxyCredentials | undefined> =>
      credentialsFor(endpoint, secrets, decision),

    /**
     * Saves the user name and password for `proxy` (the proxy the user was asked about); the
     * caller keeps a manual endpoint's user name on the endpoint too.
     */
    save: async (endpoint: Endpoint, proxy: string, username: string, password: string): Promise<void> => {
      const origin = proxyOrigin(proxy);
      if (!origin) throw new Error('the proxy the password is for is not an http://host:port URL');
      await secrets.set(proxySecretKey(endpoint.id), encodeProxySecret(origin, { username, password }));
    },
  };
}
