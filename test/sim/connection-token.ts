/**
 * For tests: a ConnectionToken from the Broker simulator, fetched the way the launcher does
 * (OAuth 2.0 client credentials, then GET /sessionConnectionData/{sessionId}/{user}).
 */
import { request } from './http';

export interface BrokerEndpoint {
  url: string;
  certPem: string;
  clientId: string;
  clientPassword: string;
}

/** The Broker's certificate names the broker (CN=dcvsmbroker), not 127.0.0.1: trust its CA, skip the name. */
const tls = (broker: BrokerEndpoint) => ({ ca: broker.certPem, extra: { checkServerIdentity: () => undefined } });

export async function connectionTokenFrom(broker: BrokerEndpoint, sessionId: string, user: string): Promise<string> {
  const basic = Buffer.from(`${broker.clientId}:${broker.clientPassword}`).toString('base64');
  const tokenRes = await request(`${broker.url}/oauth2/token?grant_type=client_credentials`, {
    method: 'POST',
    headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: '',
    ...tls(broker),
  });
  if (tokenRes.status !== 200) throw new Error(`broker /oauth2/token: HTTP ${tokenRes.status} ${tokenRes.text}`);
  const { access_token: accessToken } = JSON.parse(tokenRes.text) as { access_token: string };
  const res = await request(`${broker.url}/sessionConnectionData/${encodeURIComponent(sessionId)}/${encodeURIComponent(user)}`, {
    headers: { Authorization: `Bearer ${accessToken}` },
    ...tls(broker),
  });
  if (res.status !== 200) throw new Error(`broker /sessionConnectionData: HTTP ${res.status} ${res.text}`);
  const token = (JSON.parse(res.text) as { ConnectionToken?: string }).ConnectionToken;
  if (!token) throw new Error(`broker /sessionConnectionData answered without a ConnectionToken: ${res.text.slice(0, 200)}`);
  return token;
}
