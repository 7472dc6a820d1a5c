/**
 * WebSockets through the LocalTunnel to the DCV simulator: the desktop's channels, big
 * transfers, refused upgrades relayed as they are, resets on either side, no leaked sockets.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/peers/process';
import { encodeSetupClientMessage } from './session-manager/dcv-messages';
import { openAuth, type UpgradeRefusedError } from '../test/sim/protocol';
import { fingerprintOf, makeSelfSignedCert, startSimulator, type Simulator } from '../test/sim/simulator';
import { TunnelClient, eventually, readAll, removeTestCertDirs, testCertDir, tunnelTo } from '../test/tunnel/helpers';
import { LocalTunnel, type SocketEvent } from './local-tunnel';
import { startTlsPeer } from './testing/tls-peer';

afterAll(() => removeTestCertDirs());

async function settled(tunnel: LocalTunnel, sim: Simulator): Promise<void> {
  await eventually(() => tunnel.stats().activeWebSockets === 0, 'no WebSocket left in the tunnel');
  await eventually(() => tunnel.upstreamSocketCount() === 0, 'no upstream socket left');
  await eventually(() => sim.stats().openSockets === 0, 'no socket left at the simulator');
}

describe('WebSockets through a path prefix', () => {
  let sim: Simulator;
  let tunnel: LocalTunnel;
  let c: TunnelClient;
  const events: string[] = [];
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-A', webUrlPath: '/10.150.248.180/', keepaliveMs: 300 });
    tunnel = await tunnelTo(sim, { pathPrefix: '/10.150.248.180/' });
    const log = (what: string) => (e: SocketEvent) => events.push(`${what} ${e.kind} ${e.path}`);
    tunnel.on('socket-open', log('open'));
    tunnel.on('socket-close', log('close'));
    c = new TunnelClient(tunnel);
    await c.signIn();
  });
  afterAll(async () => {
    await tunnel.close();
    await sim.close();
  });

  it('signs in on /auth, opens main and four channels on it, all landing under the prefix with the upstream Host and Origin', async () => {
    const auth = await c.auth();
    expect(auth).toMatchObject({ result: 'OK', sessionTargets: [{ sessionId: 'console' }] });
    const { sessionId, authenticationToken } = auth.sessionTargets[0];
    const main = await c.main({ sessionId, authToken: authenticationToken });
    expect(main.agent).toBe('agent-A');
    const names = ['display', 'input', 'clipboard', 'audio'] as const;
    const channels = await Promise.all(names.map((n) => c.channel(n, { main })));
    expect(tunnel.stats().activeWebSockets).toBe(5);
    for (const ch of [main, ...channels]) {
      expect(ch.agent).toBe('agent-A');
      expect(ch.landed).toMatchObject({
        agent: 'agent-A',
        path: '/10.150.248.180/ws',
        host: `127.0.0.1:${sim.port}`,
        origin: `https://127.0.0.1:${sim.port}`,
        sessionId: 'console',
        tokenPresent: true,
        outcome: 'confirmed',
      });
    }
    expect(sim.stats().byPath['/10.150.248.180/auth']).toBe(1);
    await Promise.all(channels.map((ch) => ch.close()));
    await main.close();
    await settled(tunnel, sim);
    expect(events.filter((e) => e === 'open websocket /ws')).toHaveLength(5);
    expect(events.filter((e) => e === 'close websocket /ws')).toHaveLength(5);
  });

  it('echoes 1 MiB intact and survives keepalive pings', async () => {
    const ch = await c.channel('echo');
    const payload = randomBytes(1024 * 1024);
    expect((await ch.echo(payload)).equals(payload)).toBe(true);
    await new Promise((r) => setTimeout(r, 700)); // a couple of server pings pass through untouched
    const small = randomBytes(10);
    expect((await ch.echo(small)).equals(small)).toBe(true);
    await ch.close();
    await settled(tunnel, sim);
  });

  it('streams 64 MiB down complete (SHA-256 matches) and counts the bytes', async () => {
    const before = tunnel.stats().bytesDown;
    const ch = await c.channel('stream', { bytes: 64 * 1024 * 1024, timeoutMs: 60_000 });
    const r = await ch.receiveStream();
    expect(r.bytes).toBe(64 * 1024 * 1024);
    expect(r.sha256).toBe(r.serverSha256);
    await ch.close();
    await settled(tunnel, sim);
    expect(tunnel.stats().bytesDown - before).toBeGreaterThan(64 * 1024 * 1024);
  });

  it('a page that vanishes mid-stream tears the upstream socket down too', async () => {
    const ch = await c.channel('stream', { bytes: 512 * 1024 * 1024 });
    await ch.next(); // the first Data message
    ch.ws.terminate();
    await settled(tunnel, sim);
    // and the tunnel still works
    const again = await c.channel('echo');
    const p = randomBytes(100);
    expect((await again.echo(p)).equals(p)).toBe(true);
    await again.close();
    await settled(tunnel, sim);
  });

  it('relays bytes the page sent right behind its upgrade request', async () => {
    const { sessionId, authenticationToken } = (await c.auth()).sessionTargets[0];
    const s = await c.raw();
    const hello = Buffer.from(encodeSetupClientMessage({ kind: 'connectionRequest', sessionId, authenticationToken }));
    // A masked client frame: FIN+binary, mask bit + length, zero mask (payload unchanged).
    expect(hello.length).toBeLessThan(126);
    const frame = Buffer.concat([Buffer.from([0x82, 0x80 | hello.length, 0, 0, 0, 0]), hello]);
    s.write(
      `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nOrigin: ${tunnel.origin}\r\nCookie: ${c.cookie}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: dcv\r\n\r\n',
    );
    s.write(frame);
    // The connectionConfirm names the agent in serverInfo.
    const text = await readAll(s, (t) => t.includes('agent-A'));
    expect(text).toMatch(/^HTTP\/1\.1 101 /);
    expect(text).toContain('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    s.destroy();
    await settled(tunnel, sim);
  });
});

describe('upgrades the desktop refuses are relayed as they are', () => {
  const refused = (p: Promise<unknown>) => p.then(() => expect.unreachable('upgrade should be refused'), (e: UpgradeRefusedError) => e);

  it('403 from a locked-down Origin regex', async () => {
    const sim = await startSimulator({ originRegex: '^https://vpce-.*\\.vpce\\.amazonaws\\.com(:[0-9]+)?$' });
    const tunnel = await tunnelTo(sim);
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const e = await refused(c.main());
      expect(e.statusCode).toBe(403);
      expect(e.body).toContain(`Origin https://127.0.0.1:${sim.port} is not allowed`);
      expect(e.headers['strict-transport-security']).toBeUndefined();
      expect(tunnel.stats().activeWebSockets).toBe(0);
      await settled(tunnel, sim);
    } finally {
      await tunnel.close();
      await sim.close();
    }
  });

  it('the same server accepts the socket when the tunnel sends the Origin it expects', async () => {
    const sim = await startSimulator({ originRegex: '^https://vpce-.*\\.vpce\\.amazonaws\\.com(:[0-9]+)?$', hostRegex: '^vpce-.*$' });
    const tunnel = await tunnelTo(sim, { hostHeader: 'vpce-1.vpce.amazonaws.com:8443', origin: 'https://vpce-1.vpce.amazonaws.com:8443' });
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const ch = await c.main();
      expect(ch.landed).toMatchObject({ host: 'vpce-1.vpce.amazonaws.com:8443', origin: 'https://vpce-1.vpce.amazonaws.com:8443' });
      await ch.close();
      await settled(tunnel, sim);
    } finally {
      await tunnel.close();
      await sim.close();
    }
  });

  it('404 on /auth behind a Connection Gateway', async () => {
    const sim = await startSimulator({ mode: 'gateway' });
    const tunnel = await tunnelTo(sim);
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const e = await refused(openAuth(tunnel.origin + '/', c.socketOptions()));
      expect(e.statusCode).toBe(404);
      await settled(tunnel, sim);
    } finally {
      await tunnel.close();
      await sim.close();
    }
  });

  it('302 from a token verifier, with a Location on the upstream rewritten to the tunnel', async () => {
    const port = await freePort('127.0.0.1');
    const sim = await startSimulator({ port, mode: 'verifier', webUrlPath: '/p/', brokerUrl: `https://127.0.0.1:${port}/p/broker?x=1` });
    const tunnel = await tunnelTo(sim, { pathPrefix: '/p/' });
    const broker = await startSimulator({ mode: 'verifier', brokerUrl: 'https://broker.example/validate' });
    const tunnel2 = await tunnelTo(broker);
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const e = await refused(openAuth(tunnel.origin + '/', c.socketOptions()));
      expect(e.statusCode).toBe(302);
      expect(e.headers.location).toBe(`${tunnel.origin}/broker?x=1`);
      const c2 = new TunnelClient(tunnel2);
      await c2.signIn();
      const e2 = await refused(openAuth(tunnel2.origin + '/', c2.socketOptions()));
      expect(e2.headers.location).toBe('https://broker.example/validate');
      await settled(tunnel, sim);
    } finally {
      await Promise.all([tunnel.close(), tunnel2.close()]);
      await Promise.all([sim.close(), broker.close()]);
    }
  });
});

describe('the desktop vanishing mid-stream', () => {
  it('closes the page’s socket, does not crash, and leaves nothing open', async () => {
    const sim = await startSimulator();
    const tunnel = await tunnelTo(sim);
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const ch = await c.channel('stream', { bytes: 512 * 1024 * 1024 });
      await ch.next();
      const closed = new Promise<void>((r) => ch.ws.once('close', () => r()));
      await sim.close();
      await closed;
      await eventually(() => tunnel.stats().activeWebSockets === 0 && tunnel.upstreamSocketCount() === 0, 'tunnel clean');
      // The listener is alive: a new upgrade gets a 502 naming the refused connection.
      await expect(c.channel('echo')).rejects.toMatchObject({ statusCode: 502, body: expect.stringContaining('TCP_REFUSED') });
    } finally {
      await tunnel.close();
    }
  });
});

describe('an upstream that answers an upgrade with something that is not HTTP', () => {
  it('the page gets a 502 naming UPSTREAM_RESET and the connection closes (it never hangs)', async () => {
    const { key, cert } = makeSelfSignedCert({ cn: '127.0.0.1', san: ['127.0.0.1'] });
    // An echo server: the "answer" is the upgrade request itself.
    const peer = await startTlsPeer({ key, cert });
    const tunnel = await LocalTunnel.start({
      upstream: { host: peer.host, port: peer.port, pathPrefix: '/' },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [fingerprintOf(cert)] },
      certDir: testCertDir(),
    });
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const s = await c.raw();
      s.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nOrigin: ${tunnel.origin}\r\nCookie: ${c.cookie}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
      );
      const answer = await readAll(s);
      expect(answer).toMatch(/^HTTP\/1\.1 502 /);
      expect(answer).toContain('UPSTREAM_RESET');
    } finally {
      await tunnel.close();
      await peer.close();
    }
  });
});
