/**
 * ConnectionManager against the real simulator, the real LocalTunnel and (for 407) real squid:
 * the catalogue, trust store, secret store and proxy policy are the real ones in a temp folder.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConnectionInfo, EventName, Events, OpenResult } from '../../preload/contract/api';
import { needBinaries } from '../../test/peers/binaries';
import { startSquid, type SquidPeer } from '../../test/peers/squid';
import { openMain, type MainConnection } from '../../test/sim/protocol';
import { makeSelfSignedCert, startSimulator, type Simulator } from '../../test/sim/simulator';
import { LaunchClient } from '../../test/scenario/launch-client';
import { summarizeCertificate } from '../../tunnel/certificate';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import type { DesktopLaunch } from './connection-manager';
import { createProxyCredentials } from './proxy-credentials';
import { trustKey } from './trust-store';
import { must, wireConnectionManager } from '../testing/connection-harness';

const certDir = mkdtempSync(join(tmpdir(), 'dcv-cm-cert-'));
const dirs: string[] = [certDir];
const managers: Array<{ closeAll(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.closeAll()));
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

type Opened = Extract<OpenResult, { kind: 'opened' }>;

async function setup(options: { idleCheckMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dcv-cm-'));
  dirs.push(dir);
  const events: Array<{ event: EventName; payload: unknown }> = [];
  const launches: DesktopLaunch[] = [];
  const { store, secrets, trust, catalogue, manager } = await wireConnectionManager({
    dir,
    certDir,
    openDesktop: (l) => launches.push(l),
    emit: (event, payload) => events.push({ event, payload }),
    idleCheckMs: options.idleCheckMs,
  });
  managers.push(manager);

  const open = async (desktopId: string, profileId?: string): Promise<OpenResult> => must(await manager.open({ desktopId, ...(profileId ? { profileId } : {}) }));
  const opened = async (desktopId: string, profileId?: string): Promise<Opened> => {
    const r = await open(desktopId, profileId);
    if (r.kind !== 'opened') throw new Error(`expected opened, got ${JSON.stringify(r).slice(0, 400)}`);
    return r;
  };
  /** A direct endpoint and a port-mapped desktop for the simulator. */
  const desktopFor = async (sim: Simulator, id: string, extra: { proxy?: unknown; route?: unknown } = {}) => {
    must(await catalogue.saveEndpoint({ id: `ep-${id}`, name: `ep ${id}`, host: sim.host, proxy: (extra.proxy ?? { mode: 'direct' }) as never }));
    must(await catalogue.saveDesktop({ desktop: { id, name: `desktop ${id}`, endpointId: `ep-${id}`, route: (extra.route ?? { kind: 'port', port: sim.port }) as never } }));
    return id;
  };
  /** First-use trust as the user does it: open → needs-trust → accept what was shown. */
  const trustFirst = async (desktopId: string) => {
    const r = await open(desktopId);
    if (r.kind !== 'needs-trust') throw new Error(`expected needs-trust, got ${r.kind}`);
    must(await manager.acceptTrust(r.inspection.key, r.inspection.presented.fingerprint256, false));
  };
  const states = (desktopId: string) =>
    events.filter((e) => e.event === 'connection.changed' && (e.payload as ConnectionInfo).desktopId === desktopId).map((e) => (e.payload as ConnectionInfo).state);
  return { store, secrets, trust, catalogue, manager, events, launches, must, open, opened, desktopFor, trustFirst, states };
}

async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

describe('ConnectionManager with the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-A' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('a tunnel nobody uses closes itself after the idle time the user set (never with 0); one in use stays', async () => {
    const t = await setup({ idleCheckMs: 20 });
    const id = await t.desktopFor(sim, 'idle');
    await t.trustFirst(id);
    const clock = vi.spyOn(Date, 'now');
    try {
      t.must(await t.catalogue.setSettings({ idleCloseMinutes: 0 }));
      const r = await t.opened(id);
      // In use: a WebSocket is open for an hour of (mocked) time.
      const { client } = await LaunchClient.signIn(r.launchUrl, certDir);
      const main = await client.main();
      const start = Date.now();
      clock.mockImplementation(() => start + 60 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(t.manager.list()).toHaveLength(1);
      await main.close();
      await eventually(() => t.manager.get(id)?.stats.activeSockets === 0, 'the window’s sockets gone');
      // Unused, but 0 means never.
      clock.mockImplementation(() => start + 3 * 60 * 60_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(t.manager.list()).toHaveLength(1);

      t.must(await t.catalogue.setSettings({ idleCloseMinutes: 30 }));
      await new Promise((resolve) => setTimeout(resolve, 100)); // the first sweep notes when it became idle
      clock.mockImplementation(() => start + 3 * 60 * 60_000 + 31 * 60_000);
      await eventually(() => t.manager.list().length === 0, 'the idle tunnel closed');
      expect(t.states(id).at(-1)).toEqual({ kind: 'closed' });
      expect(await portRefuses(r.connection.port)).toBe(true);
    } finally {
      clock.mockRestore();
    }
  });

  it('needs-trust (no HTTP byte sent) → accept → opened; the launch URL reaches the desktop; a second open reuses the tunnel', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'a');
    const before = sim.stats().httpRequests + sim.stats().upgrades;

    const first = await t.open(id);
    expect(first.kind).toBe('needs-trust');
    if (first.kind !== 'needs-trust') return;
    expect(first.inspection).toMatchObject({ key: trustKey(sim.host, sim.port), state: 'untrusted' });
    expect(first.inspection.presented.fingerprint256).toBe(sim.fingerprint);
    expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(before);
    expect(t.manager.list()).toEqual([]);

    // Only the certificate just shown can be pinned.
    const wrong = await t.manager.acceptTrust(first.inspection.key, makeFingerprint(), true);
    expect(wrong.ok).toBe(false);
    t.must(await t.manager.acceptTrust(first.inspection.key, first.inspection.presented.fingerprint256, true));

    const r = await t.opened(id);
    expect(r.openIn).toBe('window');
    expect(r.connection.state).toEqual({ kind: 'open' });
    expect(r.launchUrl.startsWith(`${r.connection.origin}/`)).toBe(true);
    expect(t.launches.map((l) => l.launchUrl)).toEqual([r.launchUrl]);
    expect(t.launches[0].tunnel.port).toBe(r.connection.port);

    const { client, location } = await LaunchClient.signIn(r.launchUrl, certDir);
    expect(location).toBe('/');
    const page = await client.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('agent-A');
    const echo = await client.channel('echo');
    expect((await echo.echo(Buffer.from('hello'))).toString()).toBe('hello');
    await echo.close();
    await eventually(() => t.events.some((e) => e.event === 'connection.stats' && (e.payload as Events['connection.stats']).stats.bytesDown > 0), 'a stats event');
    const stats = t.events.filter((e) => e.event === 'connection.stats').map((e) => e.payload as Events['connection.stats']);
    expect(stats.every((s) => s.desktopId === id && (s.rttMs === null || s.rttMs >= 0))).toBe(true);
    expect(stats.some((s) => typeof s.rttMs === 'number')).toBe(true);

    const again = await t.opened(id);
    expect(again.connection.port).toBe(r.connection.port);
    expect(again.launchUrl).not.toBe(r.launchUrl);
    expect(t.manager.list()).toHaveLength(1);
    expect(t.store.catalogue().recents[0]).toMatchObject({ desktopId: id, outcome: 'ok' });
    // The connection says which step of its check dial is under way (dns is skipped for an IP).
    expect(t.states(id).map((s) => (s.kind === 'connecting' ? s.step : s.kind))).toEqual(['dns', 'tcp', 'proxy', 'tls', 'open']);
    // Each step as it ended: the first-use inspection's, the check dial's, the reuse's check dial's.
    const steps = t.events.filter((e) => e.event === 'doctor.step').map((e) => (e.payload as Events['doctor.step']).step.id);
    expect(steps).toEqual(['dns', 'tcp', 'proxy', 'tls', 'dns', 'tcp', 'proxy', 'tls', 'dns', 'tcp', 'proxy', 'tls']);

    expect(await t.manager.close(id)).toBe(true);
    expect(t.states(id).at(-1)).toEqual({ kind: 'closed' });
    expect(await portRefuses(r.connection.port)).toBe(true);
    expect(await t.manager.close(id)).toBe(false);
  });

  it('a pinned endpoint presenting another certificate: certificate-changed side by side, never opened', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'changed');
    const key = trustKey(sim.host, sim.port);
    const other = summarizeCertificate(new X509Certificate(makeSelfSignedCert({ cn: 'dcv-gateway' }).cert));
    t.trust.inspect(key, other);
    await t.trust.trust(key, other.fingerprint256, false);
    const before = sim.stats().httpRequests + sim.stats().upgrades;

    const r = await t.open(id);
    expect(r.kind).toBe('certificate-changed');
    if (r.kind !== 'certificate-changed') return;
    expect(r.inspection.state).toBe('changed');
    expect(r.inspection.presented.fingerprint256).toBe(sim.fingerprint);
    expect(r.inspection.trusted?.fingerprints).toEqual([other.fingerprint256]);
    expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(before);
    expect(t.manager.list()).toEqual([]);
    expect(t.launches).toEqual([]);
    expect(t.store.catalogue().recents[0]).toMatchObject({ desktopId: id, outcome: 'failed', code: 'TLS_PIN_MISMATCH' });

    // Accepting the change (what was just presented) opens it.
    t.must(await t.manager.acceptTrust(key, r.inspection.presented.fingerprint256, false));
    expect((await t.opened(id)).connection.state.kind).toBe('open');
  });

  it('a gateway desktop: the token rides in the entry query, the session id in the launch redirect', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'gw', { route: { kind: 'gateway', port: sim.port, sessionId: 'console-7' } });
    t.must(await t.catalogue.saveDesktop({ desktop: { ...t.store.catalogue().desktops.find((d) => d.id === id)! }, authToken: 'tok/en+1' }));
    await t.trustFirst(id);
    const r = await t.opened(id);
    const { client, location } = await LaunchClient.signIn(r.launchUrl, certDir);
    expect(location).toBe('/?authToken=tok%2Fen%2B1#console-7');
    const page = await client.get(location.split('#')[0]);
    expect(page.status).toBe(200);
    expect(sim.stats().lastQuery).toBe('?authToken=tok%2Fen%2B1');
  });

  it('a profile whose fixed local port is taken: failed LISTEN_FAILED with a clear message', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'port');
    await t.trustFirst(id);
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      t.must(await t.catalogue.saveProfile({ id: 'fixed', name: 'fixed port', desktopId: id, localPort: port }));
      const r = await t.open(id, 'fixed');
      expect(r).toMatchObject({ kind: 'failed', code: 'LISTEN_FAILED', step: 'listen' });
      if (r.kind !== 'failed') return;
      expect(r.message).toContain(`port ${port} on 127.0.0.1 is in use`);
      expect(r.hint).toMatch(/local port/);
      expect(t.manager.list()).toEqual([]);
      expect(t.store.catalogue().recents[0]).toMatchObject({ desktopId: id, outcome: 'failed', code: 'LISTEN_FAILED' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    // Once the port is free, the profile's port is the tunnel's.
    expect((await t.opened(id, 'fixed')).connection.port).toBe(port);
  });

  it('a .dcv profile: the file points at the tunnel, DCV Viewer (no Origin, no cookie) gets in, web pages do not', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'viewer');
    await t.trustFirst(id);
    t.must(await t.catalogue.saveProfile({ id: 'viewer', name: 'DCV Viewer', desktopId: id, openIn: 'dcv-file' }));
    const r = await t.opened(id, 'viewer');
    expect(r.openIn).toBe('dcv-file');
    expect(t.launches).toEqual([]);
    expect(r.dcvFile?.text).toContain(`port=${r.connection.port}`);
    expect(r.dcvFile?.text).toContain('host=127.0.0.1');
    const { certPem } = await loadOrCreateLocalCertificate(certDir);
    const wss = `wss://127.0.0.1:${r.connection.port}/ws`;

    const viewer = await viewerHello(wss, certPem);
    expect(viewer.agent).toBe('agent-A');
    expect(viewer.landed).toMatchObject({ channel: 'main', outcome: 'confirmed' });
    await expect(viewerHello(wss, certPem, 'https://evil.example')).rejects.toThrow(/403/);

    // The same desktop opened for a window: a native upgrade without the cookie is refused.
    t.must(await t.catalogue.saveProfile({ id: 'win', name: 'window', desktopId: id, openIn: 'window' }));
    const w = await t.opened(id, 'win');
    expect(w.connection.port).not.toBe(r.connection.port);
    await expect(viewerHello(`wss://127.0.0.1:${w.connection.port}/ws`, certPem)).rejects.toThrow(/403/);
  });

  it('closeAll closes every tunnel and leaves no sockets open at the desktop', async () => {
    const t = await setup();
    const a = await t.desktopFor(sim, 'all-a');
    const sim2 = await startSimulator({ name: 'agent-B' });
    try {
      const b = await t.desktopFor(sim2, 'all-b');
      await t.trustFirst(a);
      await t.trustFirst(b);
      const ra = await t.opened(a);
      const rb = await t.opened(b);
      const channels: Array<{ ws: WebSocket }> = [];
      for (const r of [ra, rb]) {
        const { client } = await LaunchClient.signIn(r.launchUrl, certDir);
        channels.push(await client.channel('echo'), await client.channel('display'));
      }
      // echo and display, each on a main connection of its own.
      expect(sim2.stats().openSockets).toBe(4);
      await t.manager.closeAll();
      expect(t.manager.list()).toEqual([]);
      expect(await portRefuses(ra.connection.port)).toBe(true);
      expect(await portRefuses(rb.connection.port)).toBe(true);
      await eventually(() => sim2.stats().openSockets === 0, 'agent-B has no sockets left');
      await eventually(() => channels.every((c) => c.ws.readyState === WebSocket.CLOSED), 'every client socket closed');
      expect(t.states(a).at(-1)).toEqual({ kind: 'closed' });
      expect(t.states(b).at(-1)).toEqual({ kind: 'closed' });
      expect(await t.manager.open({ desktopId: a })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    } finally {
      await sim2.close();
    }
  });

  it('unknown desktops and profiles of another desktop are clear errors', async () => {
    const t = await setup();
    expect(await t.manager.open({ desktopId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const a = await t.desktopFor(sim, 'p-a');
    const b = await t.desktopFor(sim, 'p-b');
    t.must(await t.catalogue.saveProfile({ id: 'pb', name: 'b', desktopId: b }));
    expect(await t.manager.open({ desktopId: a, profileId: 'pb' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('ConnectionManager when the desktop goes away', () => {
  it('upstream drop → reconnecting (same local port) → open again when the desktop is back on its port', async () => {
    const cert = makeSelfSignedCert({ cn: 'dcv-gateway' });
    let sim = await startSimulator({ name: 'agent-R', cert });
    const port = sim.port;
    const t = await setup();
    try {
      const id = await t.desktopFor(sim, 'drop');
      await t.trustFirst(id);
      const r = await t.opened(id);
      const { client } = await LaunchClient.signIn(r.launchUrl, certDir);
      expect((await client.get('/')).status).toBe(200);

      await sim.close();
      // The page asks again, as the DCV client does when its sockets drop.
      const down = await client.get('/', { Accept: 'application/json' });
      expect(down.status).toBe(502);
      await eventually(() => t.states(id).some((s) => s.kind === 'reconnecting'), 'reconnecting');
      await eventually(() => t.states(id).some((s) => s.kind === 'reconnecting' && s.attempt >= 2), 'a second probe');
      const reconnecting = t.states(id).find((s) => s.kind === 'reconnecting');
      expect(reconnecting).toMatchObject({ kind: 'reconnecting', attempt: 1, lastError: { code: 'TCP_REFUSED' } });
      expect(t.manager.health()[id]).toMatchObject({ status: 'warn', code: 'TCP_REFUSED' });
      expect(await portRefuses(r.connection.port)).toBe(false);

      sim = await startSimulator({ name: 'agent-R', cert, port });
      await eventually(() => t.manager.get(id)?.state.kind === 'open', 'open again');
      expect(t.manager.get(id)?.port).toBe(r.connection.port);
      const page = await client.get('/');
      expect(page.status).toBe(200);
      expect(page.text).toContain('agent-R');
      expect(t.states(id).at(-1)).toEqual({ kind: 'open' });
    } finally {
      await sim.close();
    }
  });

  it('a different certificate after a drop: failed TLS_PIN_MISMATCH, never retried', async () => {
    let sim = await startSimulator({ name: 'agent-P' });
    const port = sim.port;
    const t = await setup();
    try {
      const id = await t.desktopFor(sim, 'pin');
      await t.trustFirst(id);
      const r = await t.opened(id);
      const { client } = await LaunchClient.signIn(r.launchUrl, certDir);
      await sim.close();
      sim = await startSimulator({ name: 'impostor', port });
      const res = await client.get('/', { Accept: 'application/json' });
      expect(res.status).toBe(502);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'TLS_PIN_MISMATCH' } });
      await eventually(() => t.manager.get(id)?.state.kind === 'failed', 'failed');
      expect(t.manager.get(id)?.state).toMatchObject({ kind: 'failed', code: 'TLS_PIN_MISMATCH' });
      expect(t.manager.health()[id]).toMatchObject({ status: 'fail', code: 'TLS_PIN_MISMATCH' });
      // Time for probes that must not come: still failed, never reconnecting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(t.states(id).map((s) => s.kind).filter((k) => k !== 'connecting')).toEqual(['open', 'failed']);
      expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);
      // Opening again shows the change instead of connecting.
      expect((await t.open(id)).kind).toBe('certificate-changed');
    } finally {
      await sim.close();
    }
  });

  it('the agent restarts with a new certificate while nothing uses the tunnel: Connect answers certificate-changed, not opened', async () => {
    let sim = await startSimulator({ name: 'agent-N' });
    const port = sim.port;
    const t = await setup();
    try {
      const id = await t.desktopFor(sim, 'restart');
      await t.trustFirst(id);
      const r = await t.opened(id);
      // A clean restart: no page request fails, so the tunnel itself still says open.
      await sim.close();
      sim = await startSimulator({ name: 'agent-N', port, cert: makeSelfSignedCert({ cn: 'dcv-gateway' }) });
      expect(t.manager.get(id)?.state).toEqual({ kind: 'open' });
      const stepsBefore = t.events.filter((e) => e.event === 'doctor.step').length;

      const again = await t.open(id);
      expect(again.kind).toBe('certificate-changed');
      if (again.kind !== 'certificate-changed') return;
      expect(again.inspection.state).toBe('changed');
      expect(again.inspection.presented.fingerprint256).toBe(sim.fingerprint);
      expect(t.launches.map((l) => l.launchUrl)).toEqual([r.launchUrl]);
      expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);
      // The check dial streamed its steps, as a fresh open's does; the tls step failed.
      const steps = t.events.filter((e) => e.event === 'doctor.step').slice(stepsBefore).map((e) => (e.payload as Events['doctor.step']).step);
      expect(steps.at(-1)).toMatchObject({ id: 'tls', status: 'fail', code: 'TLS_PIN_MISMATCH' });
      expect(t.manager.get(id)?.state).toMatchObject({ kind: 'failed', code: 'TLS_PIN_MISMATCH' });
      expect(t.store.catalogue().recents[0]).toMatchObject({ desktopId: id, outcome: 'failed', code: 'TLS_PIN_MISMATCH' });
      // Failed for good: no probe turns it back into open or reconnecting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(t.states(id).map((s) => s.kind).filter((k) => k !== 'connecting')).toEqual(['open', 'failed']);

      // Accepting the new certificate opens it again.
      t.must(await t.manager.acceptTrust(again.inspection.key, again.inspection.presented.fingerprint256, false));
      expect((await t.opened(id)).connection.state).toEqual({ kind: 'open' });
    } finally {
      await sim.close();
    }
  });
});

describe.skipIf(!needBinaries('squid', 'htpasswd'))('ConnectionManager through real squid with Basic auth', () => {
  const USER = { username: 'alice', password: 'c0rrect:h@rse' };
  let sim: Simulator;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-S' });
    squid = await startSquid({ users: [USER], sslPorts: [443, sim.port] });
  });
  afterAll(async () => {
    await squid?.close();
    await sim?.close();
  });

  it('407 → needs-proxy-credentials missing, then rejected (one 407 each, no loop), then the right password opens', async () => {
    const t = await setup();
    const id = await t.desktopFor(sim, 'sq', { proxy: { mode: 'manual', url: squid.url, username: USER.username } });
    const endpoint = t.store.catalogue().endpoints.find((e) => e.id === 'ep-sq')!;
    const denied = () => squid.accessLog().filter((l) => l.includes('CONNECT') && / TCP_DENIED\/407 /.test(l)).length;

    const missing = await t.open(id);
    expect(missing).toEqual({ kind: 'needs-proxy-credentials', endpointId: 'ep-sq', proxy: squid.url, username: USER.username, reason: 'missing' });
    await eventually(() => denied() === 1, 'one 407 in the access log');

    await createProxyCredentials(t.secrets).save(endpoint, squid.url, USER.username, 'wrong');
    const rejected = await t.open(id);
    expect(rejected).toMatchObject({ kind: 'needs-proxy-credentials', reason: 'rejected', username: USER.username });
    await eventually(() => denied() === 2, 'a second 407');
    await new Promise((r) => setTimeout(r, 500));
    expect(denied()).toBe(2);

    await createProxyCredentials(t.secrets).save(endpoint, squid.url, USER.username, USER.password);
    await t.trustFirst(id);
    const r = await t.opened(id);
    const { client } = await LaunchClient.signIn(r.launchUrl, certDir);
    const echo = await client.channel('echo');
    expect(echo.agent).toBe('agent-S');
    await echo.close();
    expect(denied()).toBe(2);
    expect(squid.accessLog().some((l) => l.includes('CONNECT') && l.includes(USER.username) && / TCP_TUNNEL\/200 /.test(l))).toBe(true);
  });
});

function makeFingerprint(): string {
  return summarizeCertificate(new X509Certificate(makeSelfSignedCert({ cn: 'other' }).cert)).fingerprint256;
}

/** What DCV Viewer does: signs in on /auth, then opens the main connection — no cookie and (unless given) no Origin header. */
async function viewerHello(url: string, ca: string, origin?: string): Promise<MainConnection> {
  const main = await openMain(url, { ca, rejectUnauthorized: true, wsOptions: { origin } });
  await main.close();
  return main;
}
