/**
 * The brake on proxy passwords: once a proxy answered 407 to a user name and password, they
 * are not sent to it again until the user enters them again (`forgetRefusal`) or other ones
 * are used. Corporate accounts lock after a few failures, and a desktop page alone makes a
 * dozen connections.
 *
 * One memory per process, on purpose: the tunnel's page connections, the app's checks and
 * probes, the Broker client and the doctor all dial through here, and an account locks
 * whichever of them sent the password.
 *
 * Until a proxy has accepted a pair once, connections that would send it wait for the one
 * already asking, so a burst of page requests sends it once, not once per request.
 * Nothing of the password is kept: a pair is known by a hash.
 */
import { createHash } from 'node:crypto';
import { TunnelError } from './errors';
import type { ProxyCredentials } from './types';

const accepted = new Set<string>();
const refused = new Set<string>();
const asking = new Map<string, Promise<unknown>>();

const pairOf = (c: ProxyCredentials) => createHash('sha256').update(`${c.username}\0${c.password}`).digest('base64');
const keyOf = (proxy: string, c: ProxyCredentials) => `${proxy} ${pairOf(c)}`;

function refusedError(proxy: string): TunnelError {
  return new TunnelError(
    'PROXY_CREDENTIALS_REFUSED',
    `proxy ${proxy} refused this user name and password before: they are not sent again until they are entered again`,
    { proxy, credentialsSent: false },
  );
}

const isRefusal = (e: unknown) => e instanceof TunnelError && e.code === 'PROXY_AUTH_REQUIRED' && e.details.credentialsSent === true;

/**
 * Runs `connect`, which sends `credentials` to `proxy` ("host:port"), unless the proxy refused
 * them before (PROXY_CREDENTIALS_REFUSED, nothing sent). Remembers the proxy's verdict.
 */
export async function withProxyCredentials<T>(proxy: string, credentials: ProxyCredentials, connect: () => Promise<T>): Promise<T> {
  const key = keyOf(proxy, credentials);
  for (;;) {
    if (refused.has(key)) throw refusedError(proxy);
    if (accepted.has(key)) break;
    const pending = asking.get(key);
    if (!pending) break;
    await pending.catch(() => {});
  }
  const first = !accepted.has(key);
  const attempt = connect();
  if (first) asking.set(key, attempt);
  try {
    const value = await attempt;
    accepted.add(key);
    return value;
  } catch (e) {
    if (isRefusal(e)) {
      accepted.delete(key);
      refused.add(key);
    }
    throw e;
  } finally {
    if (asking.get(key) === attempt) asking.delete(key);
  }
}

/** The user entered these again: they may be sent once more, to any proxy. */
export function forgetRefusal(credentials: ProxyCredentials): void {
  const pair = pairOf(credentials);
  for (const key of refused) if (key.endsWith(` ${pair}`)) refused.delete(key);
}
