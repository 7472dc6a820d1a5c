/**
 * The credentials the tunnel sends to an endpoint's proxy. The user name and password the
 * user typed after a 407 are one secret under `proxy:<endpointId>`, so endpoints that follow
 * the system or the environment (no place for a user name in the catalogue) keep both across
 * restarts. A 'manual' endpoint also keeps its user name on the endpoint (shown and edited
 * there), which is the one used when set. Earlier versions stored the bare password: still read.
 */
import type { Endpoint } from '../../preload/contract/model';
import type { ProxyCredentials } from '../../tunnel/types';
import type { ProxyDecision } from './proxy-policy';
import { proxySecretKey, type SecretStore } from './secrets/secret-store';

/** What is stored: a user name unless written by an earlier version (a bare password). */
export interface StoredProxySecret {
  username?: string;
  password: string;
}

export function encodeProxySecret(credentials: ProxyCredentials): string {
  return JSON.stringify({ v: 1, username: credentials.username, password: credentials.password });
}

/** The stored text as a secret; anything that is not this version's JSON is a bare password. */
export function decodeProxySecret(text: string): StoredProxySecret {
  try {
    const o = JSON.parse(text) as { v?: unknown; username?: unknown; password?: unknown } | null;
    if (o && o.v === 1 && typeof o.password === 'string') {
      return typeof o.username === 'string' ? { username: o.username, password: o.password } : { password: o.password };
    }
  } catch {
    // not JSON: a bare password
  }
  return { password: text };
}

/**
 * Credentials for the endpoint's proxy: the stored secret (a manual endpoint's own user name
 * first), else any written in the proxy environment variable. Undefined when there is nothing
 * to send: after a 407 the UI asks the user.
 */
export async function credentialsFor(
  endpoint: Endpoint,
  secrets: Pick<SecretStore, 'get'>,
  decision?: Pick<ProxyDecision, 'envCredentials' | 'proxyUrl'>,
): Promise<ProxyCredentials | undefined> {
  const manual = endpoint.proxy.mode === 'manual';
  // A route that goes DIRECT (no_proxy, the system) sends nothing to a proxy.
  if (manual || decision?.proxyUrl) {
    const text = await secrets.get(proxySecretKey(endpoint.id));
    if (text !== undefined) {
      const stored = decodeProxySecret(text);
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

    /** Saves the user name and password; the caller keeps a manual endpoint's user name on the endpoint too. */
    save: (endpoint: Endpoint, username: string, password: string): Promise<void> =>
      secrets.set(proxySecretKey(endpoint.id), encodeProxySecret({ username, password })),
  };
}
