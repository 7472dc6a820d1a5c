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
    await createProxyCredentials(secrets).save(ep, 'http://proxy:8080', 'bob', 'pa:ss"word');
    const stored = await secrets.get('proxy:ep1');
    expect(decodeProxySecret(stored!)).toEqual({ proxy: 'http://proxy:8080', username: 'bob', password: 'pa:ss"word' });
    expect(await credentialsFor(ep, secrets, viaProxy)).toEqual({ username: 'bob', password: 'pa:ss"word' });
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, viaProxy)).toEqual({ username: 'bob', password: 'pa:ss"word' });
    // A route that goes DIRECT sends nothing to a proxy.
    expect(await credentialsFor(ep, secrets, {})).toBeUndefined();
  });

  it("a manual endpoint's own user name comes first; the stored one stands in when it has none", async () => {
    const secrets = new MemorySecretStore();
    await createProxyCredentials(secrets).save(endpoint({ mode: 'system' }), 'http://proxy:8080/', 'bob', 'pw');
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080', username: 'alice' }), secrets)).toEqual({ username: 'alice', password: 'pw' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://PROXY:8080/' }), secrets)).toEqual({ username: 'bob', password: 'pw' });
  });

  it('a password belongs to its proxy: another host, port, or system proxy gets nothing', async () => {
    const secrets = new MemorySecretStore();
    await createProxyCredentials(secrets).save(endpoint({ mode: 'system' }), 'http://proxy:8080', 'bob', 'pw');
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://other:8080', username: 'bob' }), secrets)).toBeUndefined();
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:3128', username: 'bob' }), secrets)).toBeUndefined();
    expect(await credentialsFor(endpoint({ mode: 'system' }), secrets, { proxyUrl: 'http://evil:8080' })).toBeUndefined();
    // What the proxy URL in the environment carries is for that proxy: still sent.
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, { proxyUrl: 'http://evil:8080', envCredentials: { username: 'u', password: 'p' } })).toEqual({ username: 'u', password: 'p' });
    await expect(createProxyCredentials(secrets).save(endpoint({ mode: 'system' }), 'socks5://s:1080', 'bob', 'pw')).rejects.toThrow(/not an http/);
  });

  it('secrets of earlier versions name no proxy: read, never sent (the user is asked once)', async () => {
    const secrets = new MemorySecretStore();
    await secrets.set('proxy:ep1', '{"password":"not mine"}');
    expect(decodeProxySecret('{"password":"not mine"}')).toEqual({ password: '{"password":"not mine"}' });
    expect(decodeProxySecret('{"v":1,"username":"bob","password":"pw"}')).toEqual({ username: 'bob', password: 'pw' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080', username: 'alice' }), secrets)).toBeUndefined();
    await secrets.set('proxy:ep1', '{"v":1,"username":"bob","password":"pw"}');
    expect(await credentialsFor(endpoint({ mode: 'system' }), secrets, viaProxy)).toBeUndefined();
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, { ...viaProxy, envCredentials: { username: 'u', password: 'p' } })).toEqual({ username: 'u', password: 'p' });
  });
});
