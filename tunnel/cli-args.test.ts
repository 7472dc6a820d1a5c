import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError, defaultCertDir, parseCliArgs, parseTarget, resolveProxyRule, resolveTunnelTarget, type CliArgs, type SessionCliArgs, type SessionsCliArgs, type TunnelCliArgs } from './cli-args';

const T = ['--target', 'https://vpce-1.vpce.amazonaws.com:8443/10.150.248.180/?authToken=T#session-1'];
const PIN = 'sha256/' + Buffer.alloc(32, 7).toString('base64');
const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function as<M extends CliArgs['mode']>(mode: M, args: CliArgs): Extract<CliArgs, { mode: M }> {
  if (args.mode !== mode) throw new Error(`expected ${mode} arguments, got ${args.mode}`);
  return args as Extract<CliArgs, { mode: M }>;
}
/** `--target` arguments (the tunnel's and the doctor's). */
const targetArgs = (argv: string[]): TunnelCliArgs => as('target', parseCliArgs(argv));

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
      mode: 'target',
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
    [[...T, '--session', 'x'], /--session goes with --broker/],
    [[...T, '--broker-pin', PIN], /--broker-pin goes with --broker/],
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

  it('--pin takes bare base64 (openssl dgst -binary | base64) too', () => {
    expect(targetArgs([...T, '--pin', Buffer.alloc(32, 7).toString('base64')]).pins).toHaveLength(1);
  });

  it('--listen PORT alone means 127.0.0.1', () => {
    expect(targetArgs([...T, '--listen', '8443']).listen).toEqual({ host: '127.0.0.1', port: 8443 });
  });
});

describe('resolveTunnelTarget', () => {
  it('no --pin and no --ca: the system trust store; pins and CA files otherwise', async () => {
    expect((await resolveTunnelTarget(targetArgs([...T, '--proxy', 'direct']), { env: {} })).trust).toEqual({ kind: 'system' });
    expect((await resolveTunnelTarget(targetArgs([...T, '--pin', PIN]), { env: {} })).trust).toEqual({ kind: 'pin', fingerprints: [PIN] });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect((await resolveTunnelTarget(targetArgs([...T, '--ca', ca]), { env: {} })).trust).toEqual({ kind: 'ca', ca: expect.stringContaining('BEGIN CERTIFICATE') });
    await expect(resolveTunnelTarget(targetArgs([...T, '--ca', join(dir, 'missing.pem')]), { env: {} })).rejects.toThrow(/no such file/);
    const notPem = join(dir, 'x.txt');
    writeFileSync(notPem, 'hello');
    await expect(resolveTunnelTarget(targetArgs([...T, '--ca', notPem]), { env: {} })).rejects.toThrow(/no PEM certificate/);
  });

  it('carries upstream, resolve overrides, entry query and hash', async () => {
    const t = await resolveTunnelTarget(targetArgs([...T, '--resolve', 'vpce-1.vpce.amazonaws.com:8443:127.0.0.1', '--proxy', 'direct']), { env: {} });
    expect(t.upstream).toEqual({ host: 'vpce-1.vpce.amazonaws.com', port: 8443, pathPrefix: '/10.150.248.180/', resolve: [{ host: 'vpce-1.vpce.amazonaws.com', port: 8443, address: '127.0.0.1' }] });
    expect(t.entry).toEqual({ query: 'authToken=T', hash: 'session-1' });
    expect(t.route).toEqual([{ kind: 'direct' }]);
  });

  it('--proxy env follows HTTPS_PROXY and NO_PROXY, with credentials from the URL', async () => {
    const args = targetArgs(T);
    const proxied = await resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'http://bob:s%3Acret@proxy.corp:8080' } });
    expect(proxied.route).toEqual([{ kind: 'proxy', host: 'proxy.corp', port: 8080 }]);
    expect(proxied.proxyCredentials).toEqual({ username: 'bob', password: 's:cret' });
    const bypassed = await resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'http://proxy.corp:8080', NO_PROXY: '.vpce.amazonaws.com' } });
    expect(bypassed.route).toEqual([{ kind: 'direct' }]);
    expect(bypassed.routeReason).toMatch(/vpce\.amazonaws\.com/);
    await expect(resolveTunnelTarget(args, { env: { HTTPS_PROXY: 'socks5://p:1080' } })).rejects.toThrow(UsageError);
  });

  it('--proxy URL with a user: password from DCV_TUNNEL_PROXY_PASSWORD, else the prompt, else a clear error', async () => {
    const args = targetArgs([...T, '--proxy', 'http://al%40ice@proxy.corp:3128']);
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
    const t = await resolveTunnelTarget(targetArgs([...T, '--proxy', 'http://proxy.corp:3128']), { env: { DCV_TUNNEL_PROXY_PASSWORD: 'x' } });
    expect(t.proxyCredentials).toBeUndefined();
  });
});

describe('defaultCertDir', () => {
  it('prefers XDG_CACHE_HOME, then ~/.cache', () => {
    expect(defaultCertDir({ XDG_CACHE_HOME: '/xdg' }, 'linux')).toBe('/xdg/dcv-launcher');
    expect(defaultCertDir({}, 'linux')).toMatch(/\.cache\/dcv-launcher$/);
  });
});

describe('parseCliArgs: Session Manager', () => {
  const B = ['--broker', 'https://broker.corp:8448'];
  const session = (argv: string[]): SessionCliArgs => as('session', parseCliArgs(argv));
  const sessions = (argv: string[]): SessionsCliArgs => as('sessions', parseCliArgs(['sessions', ...argv]));

  it('sessions BROKER with filters, --resolve, --proxy, --json', () => {
    expect(
      sessions([...B, '--broker-pin', PIN, '--client-id', 'launcher', '--token-url', 'https://idp.corp/oauth2/token?x=1', '--owner', 'alice', '--tag', 'os=windows', '--tag', 'site=a=b', '--resolve', 'broker.corp:8448:10.0.0.9', '--proxy', 'direct', '--json']),
    ).toEqual({
      mode: 'sessions',
      command: 'sessions',
      help: false,
      json: true,
      broker: { url: 'https://broker.corp:8448', host: 'broker.corp', port: 8448, pins: [PIN], clientId: 'launcher', tokenUrl: 'https://idp.corp/oauth2/token?x=1' },
      owner: 'alice',
      tags: [
        { key: 'os', value: 'windows' },
        { key: 'site', value: 'a=b' },
      ],
      resolve: [{ host: 'broker.corp', port: 8448, address: '10.0.0.9' }],
      proxy: 'direct',
    });
  });

  it('sessions: the port is the URL\'s (443 when left out); no client id means no token', () => {
    expect(sessions(['--broker', 'https://broker.corp']).broker).toEqual({ url: 'https://broker.corp', host: 'broker.corp', port: 443, pins: [] });
  });

  it('BROKER --session ID with the tunnel\'s flags', () => {
    const a = session([...B, '--client-id', 'c', '--session', 'console', '--user', 'CORP\\bob', '--gateway', 'https://gw.corp:8443/', '--pin', PIN, '--listen', '9443', '--json']);
    expect(a).toMatchObject({
      mode: 'session',
      command: 'tunnel',
      broker: { host: 'broker.corp', port: 8448, pins: [], clientId: 'c' },
      sessionId: 'console',
      user: 'CORP\\bob',
      gateway: { url: 'https://gw.corp:8443', host: 'gw.corp', port: 8443 },
      pins: [PIN],
      listen: { host: '127.0.0.1', port: 9443 },
      json: true,
      proxy: 'env',
    });
    expect(session([...B, '--session', 'x', '--owner', 'al']).gateway).toBeUndefined();
  });

  it('doctor BROKER --session ID parses as the doctor\'s', () => {
    expect(session(['doctor', ...B, '--session', 'console', '--gateway', 'https://[::1]:8443'])).toMatchObject({ command: 'doctor', sessionId: 'console', gateway: { host: '::1', port: 8443 } });
  });

  it.each([
    [['sessions'], /sessions needs --broker/],
    [['sessions', ...B, '--session', 'x'], /--session is not a flag of `dcv-tunnel sessions`/],
    [['sessions', ...B, '--pin', PIN], /--pin is not a flag/],
    [['sessions', ...B, '--tag', 'novalue'], /KEY=VALUE/],
    [['sessions', ...B, '--tag', '=x'], /KEY=VALUE/],
    [['sessions', ...B, '--owner', ''], /--owner needs a user name/],
    [['sessions', ...B, '--proxy', 'socks5://p:1'], /only http:\/\//],
    [B, /--broker needs --session ID/],
    [[...B, ...T, '--session', 'x'], /--target URL or --broker URL --session ID, not both/],
    [[...B, '--session', 'x', '--tag', 'a=b'], /--tag filters/],
    [[...B, '--session', 'has space'], /--session/],
    [[...B, '--session', 'a#b'], /--session/],
    [[...B, '--session', 'x', '--pin', PIN, '--ca', 'x.pem'], /--pin or --ca, not both/],
    [['--broker', 'http://broker:8443', '--session', 'x'], /--broker must be an https:\/\/ URL/],
    [['--broker', 'https://broker:8443/api', '--session', 'x'], /no path/],
    [['--broker', 'https://u:p@broker:8443', '--session', 'x'], /user name or password/],
    [['--broker', 'nonsense', '--session', 'x'], /not a URL/],
    [[...B, '--broker-pin', 'nope', '--session', 'x'], /--broker-pin "nope"/],
    [[...B, '--token-url', 'https://idp/token', '--session', 'x'], /--token-url needs --client-id/],
    [[...B, '--client-id', 'c', '--token-url', 'http://idp/token', '--session', 'x'], /--token-url must be an https/],
    [[...B, '--session', 'x', '--gateway', 'https://gw:8443/path'], /--gateway takes https:\/\/host:port only/],
  ])('%j → UsageError %s', (argv, why) => {
    expect(() => parseCliArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseCliArgs(argv as string[])).toThrow(why);
  });

  it('--help with a command still means help', () => {
    expect(parseCliArgs(['sessions', '--help']).help).toBe(true);
  });
});

describe('resolveProxyRule', () => {
  it('env: each host gets its own NO_PROXY decision; a URL proxy\'s password is asked once', async () => {
    const env = { HTTPS_PROXY: 'http://proxy.corp:8080', NO_PROXY: 'gw.corp' };
    const rule = await resolveProxyRule('env', { env });
    expect(rule(new URL('https://broker.corp:8448/')).route).toEqual([{ kind: 'proxy', host: 'proxy.corp', port: 8080 }]);
    expect(rule(new URL('https://gw.corp:8443/')).route).toEqual([{ kind: 'direct' }]);
    let asked = 0;
    const url = await resolveProxyRule('http://bob@proxy.corp:3128', { env: {}, promptPassword: async () => (asked++, 'pw') });
    expect(url(new URL('https://a/')).proxyCredentials).toEqual({ username: 'bob', password: 'pw' });
    expect(url(new URL('https://b/')).proxyCredentials).toEqual({ username: 'bob', password: 'pw' });
    expect(asked).toBe(1);
  });
});
