import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, defaultCertDir, parseCliArgs, parseTarget, resolveTunnelTarget } from './cli-args';

const T = ['--target', 'https://vpce-1.vpce.amazonaws.com:8443/10.150.248.180/?authToken=T#session-1'];
const PIN = 'sha256/' + Buffer.alloc(32, 7).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseTarget', () => {
  it.each([
    ['https://vpce-1.example:8443/10.150.248.180/?authToken=T#session-1', { host: 'vpce-1.example', port: 8443, pathPrefix: '/10.150.248.180/' }, { query: 'authToken=T', hash: 'session-1' }],
    ['https://vpce-1.example/', { host: 'vpce-1.example', port: 443, pathPrefix: '/' }, {}],
    ['https://10.213.66.188:60000', { host: '10.213.66.188', port: 60000, pathPrefix: '/' }, {}],
    ['https://gw.example:8443/10.150.248.136', { host: 'gw.example', port: 8443, pathPrefix: '/10.150.248.136/' }, {}],
    ['https://[::1]:8443/', { host: '::1', port: 8443, pathPrefix: '/' }, {}],
    ['dcv://vpce-1.example/?authToken=abc#console', { host: 'vpce-1.example', port: 8443, pathPrefix: '/' }, { query: 'authToken=abc', hash: 'console' }],
  ])('%s', (url, upstream, entry) => {
    const t = parseTarget(url);
    expect(t.upstream).toEqual(upstream);
    expect(t.entry).toEqual(entry);
  });

  it.each([
    ['not a url', /not a URL/],
    ['http://x/', /https:\/\//],
    ['https://user:pw@x/', /user name or password/],
  ])('refuses %j', (url, why) => {
    expect(() => parseTarget(url)).toThrow(why);
  });
});

describe('parseCliArgs', () => {
  it('reads every flag', () => {
    const a = parseCliArgs([
      ...T,
      '--resolve', 'vpce-1.vpce.amazonaws.com:8443:10.213.66.188',
      '--resolve', 'other:443:[::1]',
      '--pin', PIN,
      '--proxy', 'http://alice@proxy.corp:8080',
      '--host-header', '10.213.66.188',
      '--origin', 'https://10.213.66.188:8443',
      '--listen', '127.0.0.5:9443',
      '--cert-dir', '/tmp/x',
      '--json',
    ]);
    expect(a).toMatchObject({
      command: 'tunnel',
      json: true,
      resolve: [
        { host: 'vpce-1.vpce.amazonaws.com', port: 8443, address: '10.213.66.188' },
        { host: 'other', port: 443, address: '::1' },
      ],
      pins: [PIN],
      proxy: 'http://alice@proxy.corp:8080',
      hostHeader: '10.213.66.188',
      origin: 'https://10.213.66.188:8443',
      listen: { host: '127.0.0.5', port: 9443 },
      certDir: '/tmp/x',
    });
  });

  it('defaults: env proxy, no json, tunnel command', () => {
    expect(parseCliArgs(T)).toMatchObject({ command: 'tunnel', proxy: 'env', json: false, pins: [], resolve: [] });
  });

  it('takes `doctor` as a subcommand with the same flags', () => {
    expect(parseCliArgs(['doctor', ...T, '--json'])).toMatchObject({ command: 'doctor', json: true });
  });

  it('--help needs nothing else', () => {
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(parseCliArgs(['-h']).help).toBe(true);
  });

  it.each([
    [['--bogus', ...T], /--bogus/],
    [[], /--target URL is required/],
    [['--target'], /--target/],
    [[...T, 'extra'], /unexpected argument "extra"/],
    [[...T, '--pin', 'nope'], /--pin "nope"/],
    [[...T, '--pin', PIN, '--ca', 'x.pem'], /--pin or --ca, not both/],
    [[...T, '--resolve', 'host:8443'], /HOST:PORT:ADDRESS/],
    [[...T, '--resolve', 'host:99999:1.2.3.4'], /HOST:PORT:ADDRESS/],
    [[...T, '--listen', '0.0.0.0:8443'], /not a loopback address/],
    [[...T, '--listen', '127.0.0.1:99999'], /ADDRESS:PORT/],
    [[...T, '--origin', 'https://x/path'], /expected an origin/],
    [[...T, '--host-header', 'a b'], /--host-header/],
    [[...T, '--proxy', 'socks5://p:1080'], /only http:\/\//],
    [[...T, '--proxy', 'http://proxy.corp'], /needs a port/],
    [[...T, '--proxy', 'http://u:pw@proxy.corp:8080'], /DCV_TUNNEL_PROXY_PASSWORD/],
    [[...T, '--json=1'], /json/],
  ])('%j → UsageError %s', (argv, why) => {
    expect(() => parseCliArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseCliArgs(argv as string[])).toThrow(why);
  });

  it('--listen PORT alone means 127.0.0.1', () => {
    expect(parseCliArgs([...T, '--listen', '8443']).listen).toEqual({ host: '127.0.0.1', port: 8443 });
  });
});

describe('resolveTunnelTarget', () => {
  it('no --pin and no --ca: the system trust store; pins and CA files otherwise', async () => {
    expect((await resolveTunnelTarget(parseCliArgs([...T, '--proxy', 'direct']), { env: {} })).trust).toEqual({ kind: 'system' });
    expect((await resolveTunnelTarget(parseCliArgs([...T, '--pin', PIN]), { env: {} })).trust).toEqual({ kind: 'pin', fingerprints: [PIN] });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect((await resolveTunnelTarget(parseCliArgs([...T, '--ca', ca]), { env: {} })).trust).toEqual({ kind: 'ca', ca: expect.stringContaining('BEGIN CERTIFICATE') });
    await expect(resolveTunnelTarget(parseCliArgs([...T, '--ca', join(dir, 'missing.pem')]), { env: {} })).rejects.toThrow(/no such file/);
    const notPem = join(dir, 'x.txt');
    writeFileSync(notPem, 'hello');
    await expect(resolveTunnelTarget(parseCliArgs([...T, '--ca', notPem]), { env: {} })).rejects.toThrow(/no PEM certificate/);
  });

  it('carries upstream, resolve overrides, entry query and hash', async () => {
    const t = await resolveTunnelTarget(parseCliArgs([...T, '--resolve', 'vpce-1.vpce.amazonaws.com:8443:127.0.0.1', '--proxy', 'direct']), { env: {} });
    expect(t.upstream).toEqual({ host: 'vpce-1.vpce.amazonaws.com', port: 8443, pathPrefix: '/10.150.248.180/', resolve: [{ host: 'vpce-1.vpce.amazonaws.com', port: 8443, address: '127.0.0.1' }] });
    expect(t.entry).toEqual({ query: 'authToken=T', hash: 'session-1' });
    expect(t.route).toEqual([{ kind: 'direct' }]);
  });

  it('--proxy env follows HTTPS_PROXY and NO_PROXY, with credentials from the URL', async () => {
    const args = parseCliArgs(T);
    const proxied = await resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'http://bob:s%3Acret@proxy.corp:8080' } });
    expect(proxied.route).toEqual([{ kind: 'proxy', host: 'proxy.corp', port: 8080 }]);
    expect(proxied.proxyCredentials).toEqual({ username: 'bob', password: 's:cret' });
    const bypassed = await resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'http://proxy.corp:8080', NO_PROXY: '.vpce.amazonaws.com' } });
    expect(bypassed.route).toEqual([{ kind: 'direct' }]);
    expect(bypassed.routeReason).toMatch(/vpce\.amazonaws\.com/);
    await expect(resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'socks5://p:1080' } })).rejects.toThrow(UsageError);
  });

  it('--proxy URL with a user: password from DCV_TUNNEL_PROXY_PASSWORD, else the prompt, else a clear error', async () => {
    const args = parseCliArgs([...T, '--proxy', 'http://al%40ice@proxy.corp:3128']);
    const fromEnv = await resolveTunnelTarget(args, { env: { DCV_TUNNEL_PROXY_PASSWORD: 'p:@%' } });
    expect(fromEnv.route).toEqual([{ kind: 'proxy', host: 'proxy.corp', port: 3128 }]);
    expect(fromEnv.proxyCredentials).toEqual({ username: 'al@ice', password: 'p:@%' });
    const asked: string[] = [];
    const prompted = await resolveTunnelTarget(args, { env: {}, promptPassword: async (q) => (asked.push(q), 'typed') });
    expect(prompted.proxyCredentials).toEqual({ username: 'al@ice', password: 'typed' });
    expect(asked).toEqual(['Proxy password for al@ice: ']);
    await expect(resolveTunnelTarget(args, { env: {} })).rejects.toThrow(/DCV_TUNNEL_PROXY_PASSWORD/);
  });

  it('--proxy URL without a user: no credentials', async () => {
    const t = await resolveTunnelTarget(parseCliArgs([...T, '--proxy', 'http://proxy.corp:3128']), { env: { DCV_TUNNEL_PROXY_PASSWORD: 'x' } });
    expect(t.proxyCredentials).toBeUndefined();
  });
});

describe('defaultCertDir', () => {
  it('prefers XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultCertDir({ XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe('/xdg/dcv-launcher');
    expect(defaultCertDir({}, 'linux')).toMatch(/\.cache\/dcv-launcher$/);
  });
});
