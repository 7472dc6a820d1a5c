import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../sim/http';
import { AbortedError, openChannel, openMain } from '../sim/protocol';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from './binaries';
import { launchChromium, screenshotPath, spkiHashOfCert } from './chromium';
import { startNginxReverseProxy, startNginxRouter, type NginxPeer } from './nginx';
import { cpuTimeMs } from './process';

describe.skipIf(!needBinaries('nginx'))('nginx path router (real nginx)', () => {
  let agentA: Simulator;
  let agentB: Simulator;
  let router: NginxPeer;
  beforeAll(async () => {
    agentA = await startSimulator({ host: '127.0.0.2', name: 'agent-A' });
    agentB = await startSimulator({ host: '127.0.0.3', name: 'agent-B' });
    router = await startNginxRouter({
      agents: [{ ip: '127.0.0.2', port: agentA.port }, { ip: '127.0.0.3', port: agentB.port }],
      defaultAgent: { ip: '127.0.0.3', port: agentB.port },
    });
  });
  afterAll(async () => {
    await router?.close();
    await agentA?.close();
    await agentB?.close();
  });

  it('sends /127.0.0.2/version to agent A, and / to the default agent', async () => {
    const v = await request(`${router.url}127.0.0.2/version`);
    expect(v.status).toBe(200);
    expect(v.text).toContain('agent-A');
    const root = await request(router.url);
    expect(root.status).toBe(200);
    expect(root.text).toContain('<span id="agent">agent-B</span>');
    expect(root.headers['strict-transport-security']).toBe('max-age=31536000');
    const pageA = await request(`${router.url}127.0.0.2/`);
    expect(pageA.text).toContain('<span id="agent">agent-A</span>');
  });

  it('loses the query string on the prefixed route, like the field, but not on /', async () => {
    await request(`${router.url}127.0.0.2/?authToken=T1`);
    expect(agentA.stats().lastQuery).toBe('');
    await request(`${router.url}?authToken=T2`);
    expect(agentB.stats().lastQuery).toBe('?authToken=T2');
  });

  it('carries a WebSocket on /127.0.0.2/ws to agent A; an unprefixed /ws leaks to the default agent', async () => {
    const a = await openChannel(`${router.url}127.0.0.2/`, 'echo');
    expect(a.agent).toBe('agent-A');
    expect(a.landed).toMatchObject({ agent: 'agent-A', path: '/ws' });
    const payload = Buffer.alloc(256 * 1024, 7);
    expect((await a.echo(payload)).equals(payload)).toBe(true);
    await a.close();
    const leak = await openMain(router.url);
    expect(leak.agent).toBe('agent-B');
    await leak.close();
    // A channel whose socket leaks to the default agent names a connection that agent never confirmed.
    const main = await openMain(`${router.url}127.0.0.2/`);
    const leaked = await openChannel(router.url, 'display', { main }).then(
      () => expect.unreachable('the leaked channel should be refused'),
      (e: unknown) => e,
    );
    expect(leaked).toBeInstanceOf(AbortedError);
    expect((leaked as AbortedError).reasonName).toBe('INVALID_CONNECTION_ID');
    expect(agentB.stats().sockets.at(-1)).toMatchObject({ agent: 'agent-B', channel: 'display', outcome: 'INVALID_CONNECTION_ID' });
    await main.close();
  });

  it('refuses agents outside 127.0.0.x and exposes master and worker PIDs', async () => {
    expect((await request(`${router.url}10.150.248.180/version`)).status).toBe(403);
    expect(router.masterPid).toBeGreaterThan(0);
    expect(router.workerPids()).toHaveLength(1);
    expect(cpuTimeMs(router.workerPids()[0])).toBeGreaterThanOrEqual(0);
  });

  describe.skipIf(!needBinaries('chromium'))('with Chromium', () => {
    it('the simulator page at /127.0.0.2/ opens every socket on agent A (relative socket URLs)', async () => {
      const browser = await launchChromium({ spkiHashes: [spkiHashOfCert(router.certPem)] });
      try {
        const before = agentA.stats().byPath['/ws'] ?? 0;
        const page = await browser.newPage();
        await page.goto(`${router.url}127.0.0.2/#console`);
        await page.locator('#status', { hasText: /^(connected|failed)$/ }).waitFor({ timeout: 30_000 });
        expect(await page.locator('#error').textContent()).toBe('');
        expect(await page.locator('#status').textContent()).toBe('connected');
        expect(await page.locator('#agent').textContent()).toBe('agent-A');
        expect(agentA.stats().byPath['/ws']).toBe(before + 5);
        await page.screenshot({ path: screenshotPath('nginx-router-agent-A') });
      } finally {
        await browser.close();
      }
    });
  });
});

describe.skipIf(!needBinaries('nginx'))('nginx reverse proxy (real nginx)', () => {
  let agent: Simulator;
  let proxy: NginxPeer;
  beforeAll(async () => {
    agent = await startSimulator({ host: '127.0.0.4', name: 'agent-R' });
    proxy = await startNginxReverseProxy({ upstream: { host: agent.host, port: agent.port } });
  });
  afterAll(async () => {
    await proxy?.close();
    await agent?.close();
  });

  it('serves the page and streams 8 MiB over a WebSocket intact', async () => {
    expect((await request(`${proxy.url}version`)).text).toContain('agent-R');
    const ch = await openChannel(proxy.url, 'stream', { bytes: 8 * 1024 * 1024 });
    expect(ch.agent).toBe('agent-R');
    const r = await ch.receiveStream();
    expect(r.bytes).toBe(8 * 1024 * 1024);
    expect(r.sha256).toBe(r.serverSha256);
    await ch.close();
  });

  it('close() stops every nginx process and frees the port', async () => {
    const extra = await startNginxReverseProxy({ upstream: { host: agent.host, port: agent.port }, workerProcesses: 2 });
    const pids = extra.pids();
    expect(pids).toHaveLength(3);
    await extra.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await expect(request(extra.url, { timeoutMs: 3_000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
