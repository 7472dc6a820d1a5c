/**
 * The proxy failures of the field, against real squid: 407 without credentials, 403 for a
 * CONNECT port outside SSL_ports, and a proxy that cannot resolve the private endpoint name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseInput } from '../../tunnel/doctor';
import { formatReport } from '../../tunnel/report';
import { needBinaries } from '../peers/binaries';
import { startSquid, type SquidPeer } from '../peers/squid';
import { startSimulator, type Simulator } from '../sim/simulator';
import { diagnose, expectStep, step } from './helpers';

const VPCE = 'vpce-0abc123-def45678.vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com';
const UNKNOWN = 'vpce-0fff999-unknown.vpce-svc-0123456789abcdef0.eu-west-1.vpce.amazonaws.com';
const USER = 'alice';
const PASSWORD = 'S3cr3t-proxy-pw!';
const TOKEN = 'gw-token-5f4e3d2c1b';

describe.skipIf(!needBinaries('squid', 'htpasswd'))('doctor through real squid', () => {
  let agent: Simulator;
  let offPort: Simulator;
  let squid: SquidPeer;

  beforeAll(async () => {
    agent = await startSimulator({ name: 'agent-A', keepaliveMs: 60_000 });
    offPort = await startSimulator({ name: 'agent-B', keepaliveMs: 60_000 });
    squid = await startSquid({ users: [{ username: USER, password: PASSWORD }], hosts: { [VPCE]: '127.0.0.1' }, sslPorts: [agent.port] });
  });
  afterAll(async () => {
    await squid?.close();
    await agent?.close();
    await offPort?.close();
  });

  function viaSquid(s: Simulator, extra: Partial<DiagnoseInput> = {}): DiagnoseInput {
    return {
      upstream: { host: VPCE, port: s.port, pathPrefix: '/' },
      route: `PROXY 127.0.0.1:${squid.port}`,
      routeReason: 'HTTPS_PROXY (no NO_PROXY entry matched)',
      proxyCredentials: { username: USER, password: PASSWORD },
      trust: { kind: 'pin', fingerprints: [s.fingerprint] },
      timeouts: { connectMs: 10_000, handshakeMs: 10_000, httpMs: 10_000 },
      ...extra,
    };
  }

  it('reaches the endpoint name the proxy resolves, with credentials', async () => {
    const d = await diagnose(viaSquid(agent));
    expectStep(d, 'websocket', 'ok', 'OK');
    expect(step(d, 'proxy').status).toBe('ok');
    expect(squid.accessLog().some((l) => l.includes(`CONNECT ${VPCE}:${agent.port}`) && l.includes(USER))).toBe(true);
  });

  it('PROXY_AUTH_REQUIRED without credentials, naming the Proxy-Authenticate scheme', async () => {
    const d = await diagnose(viaSquid(agent, { proxyCredentials: undefined }));
    const p = expectStep(d, 'proxy', 'fail', 'PROXY_AUTH_REQUIRED');
    expect(p.hint).toContain('Proxy-Authenticate: Basic)');
    // The realm is the proxy's own text: not repeated.
    expect(p.hint).not.toContain('dcv-test-proxy');
    expect(p.hint).toContain('Credentials');
  });

  it('PROXY_CONNECT_FORBIDDEN for a port outside SSL_ports (403)', async () => {
    const d = await diagnose(viaSquid(offPort));
    const p = expectStep(d, 'proxy', 'fail', 'PROXY_CONNECT_FORBIDDEN');
    expect(p.hint).toContain(String(offPort.port));
    expect(p.hint).toContain("'Direct'");
    expect(p.hint).toContain('no_proxy');
  });

  it('PROXY_ERROR when the proxy cannot resolve the private name; an address override fixes it', async () => {
    const d = await diagnose(viaSquid(agent, { upstream: { host: UNKNOWN, port: agent.port, pathPrefix: '/' } }));
    const p = expectStep(d, 'proxy', 'fail', 'PROXY_ERROR');
    expect(p.hint).toContain('Address override');
    const fixed = await diagnose(
      viaSquid(agent, { upstream: { host: UNKNOWN, port: agent.port, pathPrefix: '/', resolve: [{ host: UNKNOWN, port: agent.port, address: '127.0.0.1' }] } }),
    );
    expectStep(fixed, 'websocket', 'ok', 'OK');
  });

  it('the report of a proxied diagnosis carries neither the proxy password nor the token nor the cookie', async () => {
    const d = await diagnose(viaSquid(agent, { authToken: TOKEN }));
    expect(d.ok).toBe(true);
    // The simulator set a cookie on the page: its value is in the raw diagnosis.
    const cookie = /dcvsim=([^;]+)/.exec(JSON.stringify(d))?.[1];
    expect(cookie).toBeTruthy();
    const context = { proxy: `http://${USER}:${PASSWORD}@127.0.0.1:${squid.port}`, launchUrl: `https://127.0.0.1:1/?authToken=${TOKEN}` };
    for (const format of ['markdown', 'json'] as const) {
      const out = formatReport(d, { format, context, secrets: [PASSWORD, TOKEN] });
      expect(out).not.toContain(PASSWORD);
      expect(out).not.toContain(encodeURIComponent(PASSWORD));
      expect(out).not.toContain(TOKEN);
      expect(out).not.toContain(`dcvsim=${cookie}`);
      expect(out).toContain(VPCE);
    }
  });
});
