import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoint } from '../../preload/contract/model';
import { needBinaries } from '../../test/peers/binaries';
import { startSquid, type SquidPeer } from '../../test/peers/squid';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { inspectCertificate } from '../../tunnel/dial';
import { createProxyCredentials, credentialsFor } from './proxy-credentials';
import { createProxyPolicy, type ProxyDecision } from './proxy-policy';
import { MemorySecretStore } from './secrets/memory';

const VPCE = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';
const VPCE_URL = `https://${VPCE}:50001/`;
const IP_URL = 'https://10.213.66.188:60000/';

const endpoint = (proxy: unknown, host = VPCE) => Endpoint.parse({ id: 'ep1', name: 'VPCE', host, proxy });
/** Stands in for Electron's session.resolveProxy: the same PAC-string answer for every URL. */
const systemSays = (pac: string) => async () => pac;

describe('decide', () => {
  const corpEnv = { https_proxy: 'http://proxy.corp:8080', no_proxy: 'localhost,.amazonaws.com' };
  const cases: Array<{
    name: string;
    proxy: unknown;
    url?: string;
    env?: Record<string, string>;
    system?: string;
    want: Partial<ProxyDecision>;
  }> = [
    { name: 'direct ignores every proxy', proxy: { mode: 'direct' }, env: corpEnv, system: 'PROXY proxy:8080', want: { pac: 'DIRECT', reason: 'profile forces DIRECT', credentials: 'none' } },
    {
      name: 'manual with a user name needs credentials',
      proxy: { mode: 'manual', url: 'http://proxy.corp:3128', username: 'alice' },
      want: { pac: 'PROXY proxy.corp:3128', reason: 'profile names proxy http://proxy.corp:3128', credentials: 'needed', proxyUrl: 'http://proxy.corp:3128', username: 'alice' },
    },
    { name: 'manual without a user name tries without', proxy: { mode: 'manual', url: 'http://proxy.corp:3128/' }, want: { pac: 'PROXY proxy.corp:3128', credentials: 'none', username: undefined } },
    { name: 'env: the endpoint is in no_proxy', proxy: { mode: 'env' }, env: corpEnv, want: { pac: 'DIRECT', reason: 'no_proxy entry `.amazonaws.com` matched', proxyUrl: undefined } },
    {
      name: 'env: the endpoint IP is missing from no_proxy',
      proxy: { mode: 'env' },
      url: IP_URL,
      env: corpEnv,
      want: { pac: 'PROXY proxy.corp:8080', reason: 'https_proxy is http://proxy.corp:8080 (no no_proxy entry matched)', credentials: 'none', proxyUrl: 'http://proxy.corp:8080' },
    },
    {
      name: 'env: credentials in the proxy URL, password redacted from the reason',
      proxy: { mode: 'env' },
      env: { HTTPS_PROXY: 'http://USER:PA%40SS@proxy:8080' },
      want: { pac: 'PROXY proxy:8080', reason: 'HTTPS_PROXY is http://USER:***@proxy:8080 (no NO_PROXY set)', credentials: 'needed', username: 'USER', envCredentials: { username: 'USER', password: 'PA@SS' } },
    },
    { name: 'env: nothing set', proxy: { mode: 'env' }, env: {}, want: { pac: 'DIRECT', reason: 'no HTTPS_PROXY set' } },
    { name: 'system: the resolver decides', proxy: { mode: 'system' }, env: corpEnv, system: 'PROXY proxy:8080; DIRECT', want: { pac: 'PROXY proxy:8080; DIRECT', reason: 'system proxy says PROXY proxy:8080; DIRECT' } },
    { name: 'system: resolver says DIRECT', proxy: { mode: 'system' }, system: 'DIRECT', want: { pac: 'DIRECT', reason: 'system proxy says DIRECT' } },
    {
      name: 'system without a resolver (CLI/browser mode) falls to the env',
      proxy: { mode: 'system' },
      url: IP_URL,
      env: corpEnv,
      want: { pac: 'PROXY proxy.corp:8080', reason: 'no system proxy resolver here (CLI/browser mode), so the environment decides: https_proxy is http://proxy.corp:8080 (no no_proxy entry matched)' },
    },
  ];

  it.each(cases)('$name', async ({ proxy, url, env, system, want }) => {
    const policy = createProxyPolicy({ env: env ?? {}, resolveSystemProxy: system ? systemSays(system) : undefined });
    const decision = await policy.decide(endpoint(proxy), url ?? VPCE_URL);
    expect(decision).toMatchObject(Object.fromEntries(Object.entries(want).filter(([, v]) => v !== undefined)));
    for (const [k, v] of Object.entries(want)) if (v === undefined) expect(decision).not.toHaveProperty(k);
    expect(decision.route.length).toBe(decision.pac.split(';').length);
  });

  it('rejects routes the tunnel cannot take, naming them', async () => {
    const socks = createProxyPolicy({ env: {}, resolveSystemProxy: systemSays('SOCKS5 socks.corp:1080; DIRECT') });
    await expect(socks.decide(endpoint({ mode: 'system' }), VPCE_URL)).rejects.toThrow(/"SOCKS5 socks\.corp:1080" is not supported/);
    const failing = createProxyPolicy({ env: {}, resolveSystemProxy: async () => Promise.reject(new Error('net::ERR_FAILED')) });
    await expect(failing.decide(endpoint({ mode: 'system' }), VPCE_URL)).rejects.toThrow(/system proxy resolver failed for .*: net::ERR_FAILED/);
    const badEnv = createProxyPolicy({ env: { https_proxy: 'socks5://s:1080' } });
    await expect(badEnv.decide(endpoint({ mode: 'env' }), VPCE_URL)).rejects.toThrow(/https_proxy: proxy "socks5:\/\/s:1080": SOCKS proxies are not supported/);
  });
});

describe('explain', () => {
  const cases: Array<{
    name: string;
    proxy: unknown;
    url: string;
    env: Record<string, string>;
    system?: string;
    effective: string;
    browser: string;
    wouldIntercept: boolean;
    reason: RegExp;
    envMatched?: string;
  }> = [
    {
      name: 'field case: the system proxy takes the endpoint, the launcher goes DIRECT',
      proxy: { mode: 'direct' },
      url: IP_URL,
      env: {},
      system: 'PROXY proxy:8080',
      effective: 'DIRECT',
      browser: 'PROXY proxy:8080',
      wouldIntercept: true,
      reason: /send https:\/\/10\.213\.66\.188:60000\/ to the proxy proxy:8080 \(system proxy says PROXY proxy:8080\) while the launcher goes DIRECT: that is "curl works but the browser doesn't"; add 10\.213\.66\.188/,
    },
    {
      name: 'no system resolver: the browser follows the env, which misses the endpoint',
      proxy: { mode: 'direct' },
      url: IP_URL,
      env: { https_proxy: 'http://proxy:8080', no_proxy: '.amazonaws.com' },
      effective: 'DIRECT',
      browser: 'PROXY proxy:8080',
      wouldIntercept: true,
      reason: /to the proxy proxy:8080 \(the environment says so: https_proxy is http:\/\/proxy:8080 \(no no_proxy entry matched\)\)/,
    },
    {
      name: 'the browser goes DIRECT but the endpoint is missing from no_proxy',
      proxy: { mode: 'direct' },
      url: IP_URL,
      env: { https_proxy: 'http://proxy:8080', no_proxy: 'localhost' },
      system: 'DIRECT',
      effective: 'DIRECT',
      browser: 'DIRECT',
      wouldIntercept: true,
      reason: /10\.213\.66\.188 is missing from no_proxy: tools that read the environment .* would send it to proxy:8080/,
    },
    {
      name: 'the endpoint is in no_proxy: nothing intercepts',
      proxy: { mode: 'env' },
      url: VPCE_URL,
      env: { https_proxy: 'http://proxy:8080', no_proxy: '.amazonaws.com' },
      system: 'DIRECT',
      effective: 'DIRECT',
      browser: 'DIRECT',
      wouldIntercept: false,
      reason: /would go DIRECT, as the launcher does \(system proxy says DIRECT\)/,
      envMatched: '.amazonaws.com',
    },
    {
      name: 'launcher and browser use the same proxy',
      proxy: { mode: 'manual', url: 'http://proxy:8080' },
      url: VPCE_URL,
      env: {},
      system: 'PROXY proxy:8080',
      effective: 'PROXY proxy:8080',
      browser: 'PROXY proxy:8080',
      wouldIntercept: false,
      reason: /would go PROXY proxy:8080, as the launcher does/,
    },
  ];

  it.each(cases)('$name', async ({ proxy, url, env, system, effective, browser, wouldIntercept, reason, envMatched }) => {
    const policy = createProxyPolicy({ env, resolveSystemProxy: system ? systemSays(system) : undefined });
    const x = await policy.explain(endpoint(proxy), url);
    expect(x.url).toBe(url);
    expect(x.effective.route).toBe(effective);
    expect(x.plainBrowser.route).toBe(browser);
    expect(x.plainBrowser.wouldIntercept).toBe(wouldIntercept);
    expect(x.plainBrowser.reason).toMatch(reason);
    expect(x.sources.map((s) => s.source)).toEqual(['profile', 'env', 'system']);
    expect(x.sources[1].matched).toBe(envMatched);
    if (!system) expect(x.sources[2].says).toMatch(/no system resolver here/);
    else expect(x.sources[2].says).toBe(system);
    expect(x.sources[0].says).toMatch(/DIRECT: never|environment variables|use the proxy http:\/\/proxy:8080/);
  });

  it('says why a plain browser takes its route in a few words that do not repeat the route (for the doctor\'s hint)', async () => {
    const system = await createProxyPolicy({ env: {}, resolveSystemProxy: systemSays('PROXY proxy:8080') }).explain(endpoint({ mode: 'direct' }), IP_URL);
    expect(system.plainBrowser).toMatchObject({ route: 'PROXY proxy:8080', why: 'the system proxy settings say so' });
    const env = await createProxyPolicy({ env: { https_proxy: 'http://proxy:8080', no_proxy: '.amazonaws.com' } }).explain(endpoint({ mode: 'direct' }), IP_URL);
    expect(env.plainBrowser).toMatchObject({ route: 'PROXY proxy:8080', why: 'https_proxy is set and no no_proxy entry matches' });
  });

  it('still explains when a source is unusable', async () => {
    const policy = createProxyPolicy({ env: { https_proxy: 'socks5://s:1080' }, resolveSystemProxy: systemSays('DIRECT') });
    const x = await policy.explain(endpoint({ mode: 'env' }), VPCE_URL);
    expect(x.effective).toEqual({
      route: 'none',
      reason: expect.stringMatching(/^cannot decide: https_proxy: .*SOCKS proxies are not supported/),
      because: { code: 'route.undecided', params: { error: expect.stringMatching(/SOCKS proxies are not supported/) } },
    });
    expect(x.sources[1].says).toMatch(/^unusable: https_proxy:/);
    expect(x.sources[1].saysMessage).toMatchObject({ code: 'says.unusable' });
    expect(x.sources.map((src) => src.saysMessage.code)).toEqual(['says.profile.env', 'says.unusable', 'says.route']);
    expect(x.plainBrowser).toMatchObject({ route: 'DIRECT', wouldIntercept: false });
  });
});

describe('credentialsFor', () => {
  it('pairs the profile user name with the password in the secret store', async () => {
    const secrets = new MemorySecretStore();
    const manual = endpoint({ mode: 'manual', url: 'http://proxy:8080', username: 'alice' });
    expect(await credentialsFor(manual, secrets)).toBeUndefined();
    await createProxyCredentials(secrets).save(manual, 'http://proxy:8080', 'alice', 's3cret');
    expect(await credentialsFor(manual, secrets)).toEqual({ username: 'alice', password: 's3cret' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy:8080' }), secrets)).toEqual({ username: 'alice', password: 's3cret' });
    expect(await credentialsFor(endpoint({ mode: 'manual', url: 'http://proxy2:8080', username: 'alice' }), secrets)).toBeUndefined();
    expect(await credentialsFor(endpoint({ mode: 'env' }), secrets, { envCredentials: { username: 'u', password: 'p' } })).toEqual({ username: 'u', password: 'p' });
  });
});

describe.skipIf(!needBinaries('squid', 'htpasswd'))('through a real squid that wants credentials', () => {
  const USER = { username: 'alice', password: 'pa:ss@word' };
  let sim: Simulator;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-A' });
    squid = await startSquid({ users: [USER], hosts: { [VPCE]: sim.host }, allowAllConnectPorts: true });
  });
  afterAll(async () => {
    await squid?.close();
    await sim?.close();
  });

  it('407 without a password; the secret store supplies it; the certificate comes back', async () => {
    const ep = endpoint({ mode: 'manual', url: squid.url, username: USER.username });
    const secrets = new MemorySecretStore();
    const decision = await createProxyPolicy({ env: {} }).decide(ep, `https://${VPCE}:${sim.port}/`);
    expect(decision).toMatchObject({ credentials: 'needed', username: 'alice', pac: `PROXY ${squid.host}:${squid.port}` });
    const target = { host: VPCE, port: sim.port };

    const missing = await credentialsFor(ep, secrets);
    expect(missing).toBeUndefined();
    await expect(inspectCertificate({ target, route: decision.route, proxyCredentials: missing })).rejects.toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });

    await createProxyCredentials(secrets).save(ep, squid.url, USER.username, USER.password);
    const seen = await inspectCertificate({ target, route: decision.route, proxyCredentials: await credentialsFor(ep, secrets) });
    expect(seen.certificate.fingerprint256).toBe(sim.fingerprint);
  });

  it('env mode: credentials written in https_proxy reach squid', async () => {
    const env = { https_proxy: `http://alice:${encodeURIComponent(USER.password)}@${squid.host}:${squid.port}`, no_proxy: 'localhost' };
    const ep = endpoint({ mode: 'env' });
    const decision = await createProxyPolicy({ env }).decide(ep, `https://${VPCE}:${sim.port}/`);
    expect(decision.reason).not.toContain(USER.password);
    const creds = await credentialsFor(ep, new MemorySecretStore(), decision);
    const seen = await inspectCertificate({ target: { host: VPCE, port: sim.port }, route: decision.route, proxyCredentials: creds });
    expect(seen.certificate.fingerprint256).toBe(sim.fingerprint);
  });
});
