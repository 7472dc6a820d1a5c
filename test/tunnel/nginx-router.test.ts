/**
 * The field's nginx path router (real nginx) between the tunnel and two agents: with the
 * prefix added by the tunnel, every socket of a desktop lands on its own agent and nothing
 * reaches the router's default agent (field failure 6). A refused upgrade does not turn the
 * page's connection into a raw pipe to the router (issue 12, item 2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from '../peers/binaries';
import { startNginxRouter, type NginxPeer } from '../peers/nginx';
import { LocalTunnel } from '../../tunnel/local-tunnel';
import { TunnelClient, eventually, removeTestCertDirs, testCertDir } from './helpers';

describe.skipIf(!needBinaries('nginx'))('tunnel through the nginx path router (real nginx)', () => {
  let agentA: Simulator;
  let agentB: Simulator;
  let fallback: Simulator;
  let router: NginxPeer;
  const tunnels: LocalTunnel[] = [];

  beforeAll(async () => {
    [agentA, agentB, fallback] = await Promise.all([
      startSimulator({ host: '127.0.0.2', name: 'agent-A' }),
      startSimulator({ host: '127.0.0.3', name: 'agent-B' }),
      startSimulator({ host: '127.0.0.1', name: 'default-agent' }),
    ]);
    router = await startNginxRouter({
      agents: [
        { ip: '127.0.0.2', port: agentA.port },
        { ip: '127.0.0.3', port: agentB.port },
      ],
      defaultAgent: { ip: '127.0.0.1', port: fallback.port },
    });
  });
  afterAll(async () => {
    await Promise.all(tunnels.map((t) => t.close()));
    await router?.close();
    await Promise.all([agentA, agentB, fallback].map((s) => s?.close()));
    removeTestCertDirs();
  });

  async function desktopVia(agentIp: string): Promise<TunnelClient> {
    const tunnel = await LocalTunnel.start({
      upstream: { host: router.host, port: router.port, pathPrefix: `/${agentIp}/` },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [router.fingerprint] },
      certDir: testCertDir(),
    });
    tunnels.push(tunnel);
    const c = new TunnelClient(tunnel);
    await c.signIn();
    return c;
  }

  it('each desktop’s page, sign-in and channels land on its own agent, none on the default agent', async () => {
    for (const [ip, agent] of [
      ['127.0.0.2', agentA],
      ['127.0.0.3', agentB],
    ] as const) {
      const c = await desktopVia(ip);
      const page = await c.get('/');
      expect(page.status).toBe(200);
      expect(page.text).toContain(`<span id="agent">${agent.name}</span>`);
      expect((await c.get('/client.js')).status).toBe(200);
      const auth = await c.auth();
      expect(auth).toMatchObject({ result: 'OK', sessionTargets: [{ sessionId: 'console' }] });
      const { sessionId, authenticationToken } = auth.sessionTargets[0];
      const main = await c.main({ sessionId, authToken: authenticationToken });
      const channels = await Promise.all((['display', 'input', 'clipboard', 'audio'] as const).map((n) => c.channel(n, { main })));
      for (const ch of [main, ...channels]) {
        expect(ch.agent).toBe(agent.name); // serverInfo.name of the confirm
        expect(ch.landed).toMatchObject({ agent: agent.name, path: '/ws', outcome: 'confirmed' }); // nginx stripped the prefix
      }
      await Promise.all(channels.map((ch) => ch.close()));
      await main.close();
      await eventually(() => c.tunnel.stats().activeWebSockets === 0, 'sockets closed');
    }
    expect(agentA.stats().upgrades).toBe(6);
    expect(agentB.stats().upgrades).toBe(6);
    const def = fallback.stats();
    expect(def.httpRequests).toBe(0);
    expect(def.upgrades).toBe(0);
    expect(def.rejected).toBe(0);
  });

  it('an upgrade the agent refuses ends the connection: the next request on it never reaches another agent', async () => {
    const c = await desktopVia('127.0.0.2');
    const s = await c.raw();
    const local = `127.0.0.1:${c.tunnel.port}`;
    // The agent answers 404 to an upgrade on a path it has no socket for; nginx keeps its side open.
    s.write(
      `GET /no-socket-here HTTP/1.1\r\nHost: ${local}\r\nOrigin: ${c.tunnel.origin}\r\nCookie: ${c.cookie}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: dcv\r\n\r\n',
    );
    const received: string[] = [];
    s.setEncoding('latin1');
    s.on('data', (d: string) => received.push(d));
    s.on('error', () => {});
    const closed = new Promise<void>((resolve) => s.once('close', () => resolve()));
    await eventually(() => /\r\n\r\n/.test(received.join('')), 'the refusal');
    const before = { a: agentA.stats().httpRequests, b: agentB.stats().httpRequests, def: fallback.stats().httpRequests };
    // An attacker's next bytes: another agent's prefix, our own Host. Through a raw pipe nginx would route them.
    if (!s.destroyed && s.writable) s.write(`GET /127.0.0.3/ HTTP/1.1\r\nHost: ${router.host}:${router.port}\r\nConnection: close\r\n\r\n`);
    await closed;
    const answer = received.join('');
    expect([...answer.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1])).toEqual(['404']);
    expect(answer).not.toContain('agent-B');
    expect(agentB.stats().httpRequests).toBe(before.b);
    expect(agentA.stats().httpRequests).toBe(before.a);
    expect(fallback.stats().httpRequests).toBe(before.def);
    // The window's own requests still go through.
    expect((await c.get('/')).text).toContain('agent-A');
  });

  it('relays the router’s own refusal for an agent it does not route to', async () => {
    const c = await desktopVia('10.1.2.3');
    const res = await c.get('/');
    expect(res.status).toBe(403);
    expect(fallback.stats().httpRequests).toBe(0);
  });
});
