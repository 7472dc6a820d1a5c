/**
 * The credentials the tunnel sends to an endpoint's proxy. The password lives in the secret
 * store under `proxy:<endpointId>`; the user name lives on the endpoint when it names its
 * proxy ('manual'). For endpoints that follow the system or the environment there is no
 * place for a user name in the catalogue, so the one the user typed is kept until quit.
 */
import type { Endpoint } from '../../preload/contract/model';
import type { ProxyCredentials } from '../../tunnel/types';
import { credentialsFor, type ProxyDecision } from './proxy-policy';
import { proxySecretKey, type SecretStore } from './secrets/secret-store';

export type ProxyCredentialStore = ReturnType<typeof createProxyCredentials>;

export function createProxyCredentials(secrets: Pick<SecretStore, 'get' | 'set'>) {
  const sessionUsernames = new Map<string, string>();

  return {
    async forEndpoint(endpoint: Endpoint, decision: Pick<ProxyDecision, 'envCredentials' | 'proxyUrl'>): Promise<ProxyCredentials | undefined> {
      if (endpoint.proxy.mode === 'manual') return credentialsFor(endpoint, secrets, decision);
      const username = sessionUsernames.get(endpoint.id);
      if (username !== undefined && decision.proxyUrl) {
        const password = await secrets.get(proxySecretKey(endpoint.id));
        if (password !== undefined) return { username, password };
      }
      return decision.envCredentials;
    },

    /** Saves the password; the caller keeps a manual endpoint's user name on the endpoint. */
    async save(endpoint: Endpoint, username: string, password: string): Promise<void> {
      await secrets.set(proxySecretKey(endpoint.id), password);
      if (endpoint.proxy.mode !== 'manual') sessionUsernames.set(endpoint.id, username);
    },

    /** The saved password, for taking it out of reports. */
    password: (endpointId: string): Promise<string | undefined> => secrets.get(proxySecretKey(endpointId)),
  };
}
