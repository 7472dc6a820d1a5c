/**
 * dial() through a real squid: Basic auth, hosts_file for the private endpoint name, stock
 * squid's refusal of CONNECT outside SSL_ports.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../test/peers/binaries';
import { startSquid, type SquidPeer } from '../test/peers/squid';
import { fingerprintOf, makeSelfSignedCert } from '../test/sim/cert';
import { dial } from './dial';
import { dialFailure, echo } from './testing/dial-helpers';
import { closedPort, startTlsPeer, type TlsPeer } from './testing/tls-peer';
import type { DialOptions, DialStep } from './types';

const ENDPOINT = 'vpce-0abc123-xyz.vpce-svc-0def456.eu-west-1.vpce.amazonaws.com';
const UNLISTED = 'vpce-0fff999-zzz.vpce-svc-0def456.eu-west-1.vpce.amazonaws.com';
// htpasswd cannot store a user name with ':'; the password takes everything.
const USER = { username: 'us@er%x', password: 'p:a@ss%w :' };

/** squid writes its access log as it goes; wait until a line matching `re` shows up. */
async function waitForLog(squid: SquidPeer, re: RegExp): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const lines = squid.accessLog().filter((l) => re.test(l));
    if (lines.length > 0) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no access.log line matched ${re}:\n${squid.accessLog().join('\n')}`);
}

describe.skipIf(!needBinaries('squid', 'htpasswd'))('dial through real squid', () => {
  const cert = makeSelfSignedCert({ cn: 'dcv-gateway', san: [ENDPOINT] });
  let agent: TlsPeer;
  let squid: SquidPeer;
  let options: (over?: Partial<DialOptions>) => DialOptions;

  beforeAll(async () => {
    agent = await startTlsPeer({ host: '127.0.0.2', ...cert });
    squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: '127.0.0.2' }, sslPorts: [443, agent.port] });
    options = (over = {}) => ({
      target: { host: ENDPOINT, port: agent.port },
      route: `PROXY ${squid.host}:${squid.port}`,
      proxyCredentials: USER,
      trust: { kind: 'pin', fingerprints: [fingerprintOf(cert.cert)] },
      ...over,
    });
  });
  afterAll(async () => {
    await squid?.close();
    await agent?.close();
  });

  it('credentials with : @ % → CONNECT 200 by name (squid resolves it), SNI keeps the name, pin verified', async () => {
    const steps: DialStep[] = [];
    const sniBefore = agent.seen.sni.length;
    const r = await dial(options({ onStep: (s) => steps.push(s) }));
    try {
      expect(await echo(r.socket, 'through squid')).toBe('through squid');
      expect(agent.seen.sni.slice(sniBefore)).toEqual([ENDPOINT]);
      expect(r.route).toEqual({ kind: 'proxy', host: '127.0.0.1', port: squid.port });
      expect(r.remoteAddress).toBe('127.0.0.1');
      expect(steps.map((s) => `${s.step}:${s.status}`)).toEqual(['dns:skip', 'tcp:ok', 'proxy:ok', 'tls:ok']);
      expect(steps[0].detail.reason).toBe('proxy resolves names');
      expect(steps[2].detail).toMatchObject({ proxy: `127.0.0.1:${squid.port}`, proxyStatus: 200, connectTo: `${ENDPOINT}:${agent.port}` });
    } finally {
      r.socket.destroy();
    }
    // squid logs a tunnel when it ends.
    await waitForLog(squid, new RegExp(`TCP_TUNNEL/200 .*CONNECT ${ENDPOINT.replace(/\./g, '\\.')}:${agent.port} us@er%25x`));
  });

  it('an address override goes into CONNECT (the proxy cannot resolve that name); SNI keeps the name', async () => {
    const sniBefore = agent.seen.sni.length;
    const r = await dial(options({ target: { host: UNLISTED, port: agent.port, resolve: [{ host: UNLISTED, port: agent.port, address: '127.0.0.2' }] }, trust: { kind: 'pin', fingerprints: [fingerprintOf(cert.cert)] } }));
    try {
      expect(await echo(r.socket, 'x')).toBe('x');
      expect(agent.seen.sni.slice(sniBefore)).toEqual([UNLISTED]);
    } finally {
      r.socket.destroy();
    }
    await waitForLog(squid, new RegExp(`TCP_TUNNEL/200 .*CONNECT 127\\.0\\.0\\.2:${agent.port}`));
  });

  it('wrong password → PROXY_AUTH_REQUIRED naming Basic, after exactly one CONNECT (no retry loop)', async () => {
    const denied = () => squid.accessLog().filter((l) => /TCP_DENIED\/407/.test(l) && l.includes('CONNECT')).length;
    const before = denied();
    const e = await dialFailure(dial(options({ proxyCredentials: { username: USER.username, password: 'wrong' } })));
    expect(e.code).toBe('PROXY_AUTH_REQUIRED');
    expect(e.details).toMatchObject({ proxyStatus: 407, credentialsSent: true });
    expect(e.details.proxyAuthenticate).toBe('Basic');
    await waitForLog(squid, /TCP_DENIED\/407/);
    for (let i = 0; i < 100 && denied() === before; i++) await new Promise((r) => setTimeout(r, 50));
    expect(denied() - before).toBe(1);
  });

  it('no credentials → PROXY_AUTH_REQUIRED that says none are set', async () => {
    const e = await dialFailure(dial(options({ proxyCredentials: undefined })));
    expect(e.code).toBe('PROXY_AUTH_REQUIRED');
    expect(e.message).toMatch(/no proxy credentials are set/);
  });

  it('a 407 is an answer: "PROXY squid; DIRECT" does not fall back to DIRECT', async () => {
    const connectionsBefore = agent.seen.connections;
    const e = await dialFailure(
      dial(options({ target: { host: '127.0.0.2', port: agent.port }, route: `PROXY 127.0.0.1:${squid.port}; DIRECT`, proxyCredentials: undefined })),
    );
    expect(e.code).toBe('PROXY_AUTH_REQUIRED');
    expect(agent.seen.connections).toBe(connectionsBefore);
  });

  it('a port outside SSL_ports → PROXY_CONNECT_FORBIDDEN (403)', async () => {
    const e = await dialFailure(dial(options({ target: { host: ENDPOINT, port: 8443 } })));
    expect(e.code).toBe('PROXY_CONNECT_FORBIDDEN');
    expect(e.details.proxyStatus).toBe(403);
  });

  it('a name squid cannot resolve → PROXY_ERROR with its 5xx status, not a client DNS error', async () => {
    const e = await dialFailure(dial(options({ target: { host: 'vpce-unknown.vpce.amazonaws.invalid', port: agent.port } })));
    expect(e.code).toBe('PROXY_ERROR');
    expect(e.details.proxyStatus).toBeGreaterThanOrEqual(500);
  });

  it('the proxy down → PROXY_UNREACHABLE; "PROXY down; DIRECT" falls back to DIRECT', async () => {
    const down = await closedPort();
    const e = await dialFailure(dial(options({ route: `PROXY 127.0.0.1:${down}` })));
    expect(e.code).toBe('PROXY_UNREACHABLE');
    const r = await dial(options({ target: { host: '127.0.0.2', port: agent.port }, route: `PROXY 127.0.0.1:${down}; DIRECT` }));
    r.socket.destroy();
    expect(r.route).toEqual({ kind: 'direct' });
  });
});
