import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../preload/contract/model';
import { createProxyCredentials, credentialsFor, decodeProxySecret } from './proxy-credentials';
import { MemorySecretStore } from './secrets/memory';

const endpoint = (proxy: Endpoint['proxy']): Endpoint => ({ id: 'ep1', name: 'ep', host: 'vpce-1.example.com', proxy, tls: { mode: 'pin' } }) as Endpoint;
const viaProxy = { proxyUrl: 'http://proxy:8080' };

describe('proxy credentials', () => {
  it('a system or env endpoint keeps the typed user name with the password, as one secret', async () => {
    const secrets = new MemorySecretStore();
    const ep = endpoint({ mode: 'system' });
    await createProxyCredentials(secrets).save(ep, 'bob', 'pa:ss"word');
    const stored = await secrets.get('proxy:ep1');
    expect(decodeProxySecret(stored!)).toEqual({ username: 'bob', password: 'pa:ss"word' });
    expect(await credentialsFor(ep, secrets, viaProxy)).toEqual({ username: 'bob', password: 'pa:ss"word' });
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, viaProxy)).toEqual({ username: 'bob', password: 'pa:ss"word' });
    // A route that goes DIRECT sends nothing to a proxy.
    expect(await credentialsFor(ep, secrets, {})).toBeUndefined();
  });

  it("a manual endpoint's own user name comes first; the stored one stands in when it has none", async () => {
    const secrets = new MemorySecretStore();
    await createProxyCredentials(secrets).save(endpoint({ mode: 'system' }), 'bob', 'pw');
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080', username: 'alice' }), secrets)).toEqual({ username: 'alice', password: 'pw' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080' }), secrets)).toEqual({ username: 'bob', password: 'pw' });
  });

  it('reads the bare password earlier versions stored, and JSON-looking passwords stay passwords', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('proxy:ep1', '{"password":"not mine"}');
    expect(decodeProxySecret('{"password":"not mine"}')).toEqual({ password: '{"password":"not mine"}' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080', username: 'alice' }), secrets)).toEqual({ username: 'alice', password: '{"password":"not mine"}' });
    // No user name anywhere: nothing to send but what the environment variable carries.
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, viaProxy)).toBeUndefined();
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, { ...viaProxy, envCredentials: { username: 'u', password: 'p' } })).toEqual({ username: 'u', password: 'p' });
  });
});
