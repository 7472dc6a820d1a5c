/**
 * The tunnel through a real corporate proxy (squid with Basic auth and stock CONNECT rules):
 * works with credentials whose password has ':' '@' '%'; names the proxy's refusals.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from '../peers/binaries';
import { startSquid, type SquidPeer } from '../peers/squid';
import { LocalTunnel, type LocalTunnelOptions } from '../../tunnel/local-tunnel';
import { TunnelClient, removeTestCertDirs, testCertDir } from './helpers';

const ENDPOINT = 'vpce-0abc-test.vpce-svc-1.eu-west-1.vpce.amazonaws.com';
const USER = { username: 'corp-user', password: 'p:ss@w%rd:1' };
/** A name squid knows, asked for only to mark a place in its access log. */
const MARKER = 'vpce-0marker.vpce-svc-1.eu-west-1.vpce.amazonaws.com';

describe.skipIf(!needBinaries('squid', 'htpasswd'))('tunnel through squid (real squid)', () => {
  let sim: Simulator;
  let offPort: Simulator;
  let squid: SquidPeer;
  const tunnels: LocalTunnel[] = [];

  beforeAll(async () => {
    [sim, offPort] = await Promise.all([startSimulator({ name: 'agent-A', hostRegex: '^vpce-.*$' }), startSimulator({ name: 'agent-off' })]);
    squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: '127.0.0.1', [MARKER]: '127.0.0.1' }, sslPorts: [443, sim.port] });
  });
  afterAll(async () => {
    await Promise.all(tunnels.map((t) => t.close()));
    await squid?.close();
    await Promise.all([sim?.close(), offPort?.close()]);
    removeTestCertDirs();
  });

  async function tunnel(target: Simulator, extra: Partial<LocalTunnelOptions> = {}): Promise<LocalTunnel> {
    const t = await LocalTunnel.start({
      upstream: { host: ENDPOINT, port: target.port, pathPrefix: '/' },
      route: `PROXY ${squid.host}:${squid.port}`,
      trust: { kind: 'pin', fingerprints: [target.fingerprint] },
      certDir: testCertDir(),
      ...extra,
    });
    tunnels.push(t);
    return t;
  }

  it('with Basic credentials: the page, a sign-in and a 1 MiB echo go through, Host names the endpoint', async () => {
    const t = await tunnel(sim, { proxyCredentials: USER });
    const check = await t.check();
    expect(check.route).toEqual({ kind: 'proxy', host: squid.host, port: squid.port });
    const c = new TunnelClient(t);
    await c.signIn();
    const page = await c.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('agent-A');
    const ch = await c.channel('echo');
    expect(ch.landed?.host).toBe(`${ENDPOINT}:${sim.port}`);
    const payload = randomBytes(1024 * 1024);
    expect((await ch.echo(payload)).equals(payload)).toBe(true);
    await ch.close();
    expect(squid.accessLog().some((l) => l.includes('CONNECT') && l.includes(`${ENDPOINT}:${sim.port}`) && l.includes(USER.username))).toBe(true);
  });

  it('without credentials: PROXY_AUTH_REQUIRED, from check() and as the page', async () => {
    const t = await tunnel(sim);
    await expect(t.check()).rejects.toMatchObject({ code: 'PROXY_AUTH_REQUIRED', step: 'proxy' });
    const c = new TunnelClient(t);
    await c.signIn();
    const res = await c.get('/', { Accept: 'application/json' });
    expect(res.status).toBe(502);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'PROXY_AUTH_REQUIRED', step: 'proxy' } });
  });

  it('with a wrong password: PROXY_AUTH_REQUIRED', async () => {
    const t = await tunnel(sim, { proxyCredentials: { username: USER.username, password: 'wrong' } });
    await expect(t.check()).rejects.toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });
  });

  it('a refused password is sent once: 20 page requests after it → exactly 1 CONNECT carrying it; the page says why', async () => {
    // Issue 12, item 5: corporate accounts lock after a few failures.
    const wrong = { username: USER.username, password: 'wrong-but-long-1' };
    const before = await settledConnects();
    const t = await tunnel(sim, { proxyCredentials: wrong });
    const c = new TunnelClient(t);
    await c.signIn();
    const pages = await Promise.all(Array.from({ length: 20 }, () => c.get('/', { Accept: 'application/json' })));
    const codes = pages.map((p) => (JSON.parse(p.text) as { error: { code: string } }).error.code);
    expect(pages.every((p) => p.status === 502)).toBe(true);
    expect(codes.filter((code) => code === 'PROXY_AUTH_REQUIRED')).toHaveLength(1);
    expect(codes.filter((code) => code === 'PROXY_CREDENTIALS_REFUSED')).toHaveLength(19);
    await expect(t.check()).rejects.toMatchObject({ code: 'PROXY_CREDENTIALS_REFUSED', step: 'proxy' });
    const html = await c.get('/');
    expect(html.text).toContain('PROXY_CREDENTIALS_REFUSED');
    expect(html.text).toMatch(/[\u3040-\u30ff]/);
    expect(await settledConnects()).toBe(before + 1);
  });

  /**
   * CONNECTs to the endpoint in squid's access log, once every earlier one is in it: squid logs
   * a CONNECT as it ends, so one more, to a name of its own, marks the place.
   */
  async function settledConnects(): Promise<number> {
    const count = (host: string) => squid.accessLog().filter((l) => l.includes(`CONNECT ${host}:${sim.port}`)).length;
    const markers = count(MARKER);
    const marker = await tunnel(sim, { upstream: { host: MARKER, port: sim.port, pathPrefix: '/' } });
    await expect(marker.check()).rejects.toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });
    for (let i = 0; i < 200 && count(MARKER) === markers; i++) await new Promise((r) => setTimeout(r, 50));
    expect(count(MARKER)).toBe(markers + 1);
    return count(ENDPOINT);
  }

  it('CONNECT to a port outside SSL_ports: PROXY_CONNECT_FORBIDDEN', async () => {
    const t = await tunnel(offPort, { proxyCredentials: USER });
    await expect(t.check()).rejects.toMatchObject({ code: 'PROXY_CONNECT_FORBIDDEN', step: 'proxy' });
    const c = new TunnelClient(t);
    await c.signIn();
    await expect(c.channel('echo')).rejects.toMatchObject({ statusCode: 502, body: expect.stringContaining('PROXY_CONNECT_FORBIDDEN') });
    expect(offPort.stats().httpRequests + offPort.stats().upgrades).toBe(0);
  });
});
