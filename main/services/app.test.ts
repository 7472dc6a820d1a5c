/**
 * createLauncherServices as the shells see it: every channel answered through dispatch (the
 * contract's validation), events, health, the doctor and its report, .dcv export, trust and
 * secrets handlers, shutdown. Desktops are the real simulator.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { CHANNELS, type EventName, type LauncherServices, type OpenResult } from '../../preload/contract/api';
import { startDemo } from '../browser-host/demo';
import { needBinaries } from '../../test/peers/binaries';
import { startSquid, type SquidPeer } from '../../test/peers/squid';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { dial } from '../../tunnel/dial';
import { serviceClient } from './test-client';
import { createLauncherServices, type LauncherServicesOptions } from './app';
import { fakeSafeStorage } from './secrets/fake-safe-storage';
import type { KeytarLike } from './secrets/keytar';
import { scriptedProxy } from '../../tunnel/testing/scripted-proxy';

const dirs: string[] = [];
const running: LauncherServices[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A port nothing listens on (taken, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

const noKeytar = async (): Promise<KeytarLike> => {
  throw new Error('no keytar in this test');
};

async function start(extra: Partial<LauncherServicesOptions> = {}, dataDir?: string) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'dcv-app-'));
  dirs.push(dir);
  const services = await createLauncherServices({ dataDir: dir, certDir: join(dir, 'certs'), env: {}, loadKeytar: noKeytar, ...extra });
  running.push(services);
  return { dir, services, ...serviceClient(services) };
}

describe('createLauncherServices', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-X' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('has a handler for every channel of the contract', async () => {
    const { services } = await start();
    expect(Object.keys(services.handlers).sort()).toEqual([...CHANNELS].sort());
  });

  it('the demo seeds through the API (trusting without an earlier prompt reads the certificate now) and its desktops connect', async () => {
    const demo = await startDemo();
    try {
      const { call, raw, services } = await start({}, demo.dataDir);
      await demo.seed(services);
      const a = await call('connection.open', { desktopId: 'demo-agent-a' });
      expect(a.kind).toBe('opened');
      const b = await call('connection.open', { desktopId: 'demo-agent-b' });
      expect(b).toMatchObject({ kind: 'needs-trust', inspection: { key: `127.0.0.1:${demo.agents[1].port}`, state: 'untrusted' } });
      // A fingerprint that is not what the endpoint presents is refused.
      const wrong = await raw('trust.accept', { key: `127.0.0.1:${demo.agents[1].port}`, fingerprint: demo.agents[0].fingerprint, persist: false });
      expect(wrong).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
      await services.close();
    } finally {
      await demo.close();
    }
  });

  it('connection events, health from the live connection, and a deleted desktop closes its tunnel', async () => {
    const { call, raw, events } = await start();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    expect(await raw('trust.inspect', { desktopId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const inspection = await call('trust.inspect', { desktopId: 'd1' });
    expect(inspection).toMatchObject({ key: `${sim.host}:${sim.port}`, state: 'untrusted' });
    await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });
    const opened = (await call('connection.open', { desktopId: 'd1' })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(opened.kind).toBe('opened');
    expect((await call('catalogue.get', {})).health.d1).toMatchObject({ status: 'ok' });
    expect(events.filter((e) => e.event === 'connection.changed').map((e) => e.payload.state.kind)).toEqual(['connecting', 'connecting', 'connecting', 'connecting', 'open']);

    await call('desktop.delete', { id: 'd1' });
    expect(await call('connection.list', {})).toEqual([]);
    expect(events.filter((e) => e.event === 'connection.changed').at(-1)?.payload.state).toEqual({ kind: 'closed' });
    expect(await raw('connection.open', { desktopId: 'd1' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('connection.open streams its progress: dns → tcp → proxy → tls, first use and opening, before the result', async () => {
    const { call, events } = await start();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    /** The events one open sent, with a marker where its result arrived. */
    const during = async () => {
      const from = events.length;
      const result = await call('connection.open', { desktopId: 'd1' });
      events.push({ event: 'result' as EventName, payload: result.kind });
      return events.slice(from).map((e) =>
        e.event === 'doctor.step' ? `${e.payload.desktopId} ${e.payload.step.id} ${e.payload.step.status}`
        : e.event === 'connection.changed' ? `${e.payload.state.kind} ${e.payload.state.step ?? ''}`.trim()
        : e.event === ('result' as EventName) ? `result ${e.payload}`
        : e.event,
      );
    };

    // First use: the certificate is read over the same steps, nothing listens yet.
    expect((await during()).filter((e) => e !== 'catalogue.changed')).toEqual(['d1 dns skip', 'd1 tcp ok', 'd1 proxy skip', 'd1 tls ok', 'result needs-trust']);
    const inspection = await call('trust.inspect', { desktopId: 'd1' });
    await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });

    // Opening: the connection says which step is under way, each step as it ends, then open.
    expect((await during()).filter((e) => e !== 'catalogue.changed')).toEqual([
      'connecting dns',
      'd1 dns skip',
      'connecting tcp',
      'd1 tcp ok',
      'connecting proxy',
      'd1 proxy skip',
      'connecting tls',
      'd1 tls ok',
      'open',
      'result opened',
    ]);
    const tls = events.filter((e) => e.event === 'doctor.step').at(-1)!.payload.step;
    expect(tls).toMatchObject({ id: 'tls', code: 'OK', detail: { certificate: { fingerprint256: sim.fingerprint } } });

    // A failure lands on its step, and the result names the same one.
    const closedPort = await freePort();
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: closedPort } } });
    const failed = await during();
    expect(failed.filter((e) => e.startsWith('d1 '))).toEqual(['d1 dns skip', 'd1 tcp fail']);
    expect(failed.at(-1)).toBe('result failed');
    expect(events.filter((e) => e.event === 'doctor.step').at(-1)!.payload.step).toMatchObject({ id: 'tcp', code: 'TCP_REFUSED' });
  });

  it('DCV Viewer: a tunnel that admits it, the .dcv file handed over privately (0600) and deleted; without a viewer, offered for download', async () => {
    const seen: Array<{ file: string; mode: number; text: string }> = [];
    const fakeViewer = {
      find: async () => 'dcvviewer',
      open: async (file: string) => {
        const { statSync } = await import('node:fs');
        seen.push({ file, mode: statSync(file).mode & 0o777, text: readFileSync(file, 'utf8') });
      },
    };
    const { call } = await start({ viewer: { launcher: fakeViewer, deleteAfterMs: 50 } });
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'agent x', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    const inspection = await call('trust.inspect', { desktopId: 'd1' });
    await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });
    const opened = (await call('connection.open', { desktopId: 'd1', viewer: true })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(opened).toMatchObject({ openIn: 'dcv-file', viewer: { handedOver: true, name: 'dcvviewer', tokenExpires: false } });
    expect(opened.dcvFile).toBeUndefined();
    expect(seen).toHaveLength(1);
    expect(seen[0].mode).toBe(0o600);
    expect(seen[0].file).toMatch(/agent-x\.dcv$/);
    expect(seen[0].text).toContain(`port=${opened.connection.port}`);
    await vi.waitFor(() => expect(existsSync(seen[0].file)).toBe(false));

    // A .dcv profile on a machine without DCV Viewer: the file comes back for download instead.
    const { call: call2 } = await start({ viewer: { launcher: { find: async () => undefined, open: async () => {} } } });
    await call2('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call2('desktop.save', { desktop: { id: 'd1', name: 'agent x', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    await call2('profile.save', { id: 'p', name: 'viewer', desktopId: 'd1', openIn: 'dcv-file' });
    const again = await call2('trust.inspect', { desktopId: 'd1' });
    await call2('trust.accept', { key: again.key, fingerprint: again.presented.fingerprint256, persist: false });
    const fallback = (await call2('connection.open', { desktopId: 'd1', profileId: 'p' })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(fallback).toMatchObject({ openIn: 'dcv-file', viewer: { handedOver: false }, dcvFile: { fileName: 'agent-x.dcv' } });
    expect(fallback.dcvFile?.text).toContain(`port=${fallback.connection.port}`);
  });

  it('doctor.run streams its steps, sets the status dot, and the report leaves out the token and the proxy password', async () => {
    const token = 'gw-token-7d1f9c2a';
    const password = 'proxy-pass-55e0';
    // A server that knows the session and the token, as the Broker's verifier would say.
    const sim = await startSimulator({ name: 'agent-G', sessions: ['console', 's-1'], tokens: { 's-1': [token] } });
    onTestFinished(() => sim.close());
    const { call, events } = await start();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'gw', name: 'gateway desk', endpointId: 'ep', route: { kind: 'gateway', port: sim.port, sessionId: 's-1' } }, authToken: token });
    await call('secrets.setProxyPassword', { endpointId: 'ep', username: 'bob', password, proxy: 'http://127.0.0.1:3128' });
    expect((await call('catalogue.get', {})).desktopsWithToken).toEqual(['gw']);

    const before = await call('doctor.run', { desktopId: 'gw' });
    // Not pinned yet: the system trust store names the self-signed certificate.
    expect(before.ok).toBe(false);
    expect(before.steps.find((s) => s.id === 'tls')).toMatchObject({ status: 'fail', code: 'TLS_UNTRUSTED' });
    expect((await call('catalogue.get', {})).health.gw).toMatchObject({ status: 'fail', code: 'TLS_UNTRUSTED' });

    const inspection = await call('trust.inspect', { desktopId: 'gw' });
    await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: true });
    const stepEvents = events.length;
    const diagnosis = await call('doctor.run', { desktopId: 'gw' });
    expect(diagnosis.ok).toBe(true);
    const streamed = events.slice(stepEvents).filter((e) => e.event === 'doctor.step');
    expect(streamed.map((e) => e.payload.step.id)).toEqual(diagnosis.steps.map((s) => s.id));
    expect(streamed.every((e) => e.payload.desktopId === 'gw')).toBe(true);
    // The page carried the token; the WebSocket step sent it in DCV's first message, never in the socket URL.
    expect(sim.stats().byPath['/']).toBeGreaterThan(0);
    expect(sim.stats().sockets.at(-1)).toMatchObject({ socket: 'ws', query: '', sessionId: 's-1', tokenPresent: true, outcome: 'confirmed' });
    expect(['ok', 'warn']).toContain((await call('catalogue.get', {})).health.gw.status);
    expect(events.slice(stepEvents).some((e) => e.event === 'catalogue.changed')).toBe(true);

    for (const format of ['markdown', 'json'] as const) {
      const report = await call('doctor.report', { desktopId: 'gw', format });
      expect(report.fileName).toMatch(format === 'json' ? /^dcv-diagnosis-gateway-desk-.*\.json$/ : /\.md$/);
      expect(report.text).toContain(`${sim.host}`);
      expect(report.text).not.toContain(token);
      expect(report.text).not.toContain(password);
    }
  });

  it('secrets.setProxyPassword keeps a manual proxy\'s user name on the endpoint and the password out of the catalogue', async () => {
    const { call, raw } = await start();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: 'vpce-1.example.com', proxy: { mode: 'manual', url: 'http://127.0.0.1:3128' } });
    expect(await call('secrets.setProxyPassword', { endpointId: 'ep', username: 'carol', password: 's3cret' })).toMatchObject({ backend: 'memory' });
    const view = await call('catalogue.get', {});
    expect(view.catalogue.endpoints[0].proxy).toEqual({ mode: 'manual', url: 'http://127.0.0.1:3128', username: 'carol' });
    expect(JSON.stringify(view)).not.toContain('s3cret');
    expect(await raw('secrets.setProxyPassword', { endpointId: 'nope', username: 'x', password: 'y' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // A password is kept for a proxy: an endpoint that goes direct has none to keep it for.
    await call('endpoint.save', { id: 'ep-direct', name: 'direct', host: 'vpce-2.example.com', proxy: { mode: 'direct' } });
    expect(await raw('secrets.setProxyPassword', { endpointId: 'ep-direct', username: 'x', password: 'y' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('HTTPS_PROXY with a password written as it is ("#"): a code that says to percent-encode it, the password nowhere', async () => {
    const password = 'pa#ss/wo?rd';
    const { call } = await start({ env: { HTTPS_PROXY: `http://alice:${password}@127.0.0.1:3128` } });
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'env' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    const opened = await call('connection.open', { desktopId: 'd1' });
    expect(opened).toMatchObject({ kind: 'failed', code: 'PROXY_URL_UNENCODED', params: { variable: 'HTTPS_PROXY' } });
    const diagnosis = await call('doctor.run', { desktopId: 'd1' });
    expect(diagnosis.steps.find((st) => st.id === 'proxy')).toMatchObject({ status: 'fail', code: 'PROXY_URL_UNENCODED' });
    const explained = await call('doctor.explainProxy', { endpointId: 'ep' });
    for (const shown of [opened, diagnosis, explained, (await call('doctor.report', { desktopId: 'd1', format: 'markdown' })).text]) {
      expect(JSON.stringify(shown)).not.toContain('pa#ss');
      expect(JSON.stringify(shown)).not.toContain('wo?rd');
    }
  });

  it('doctor.explainProxy, trust.forget and trust.list', async () => {
    const { call, raw } = await start({ env: { https_proxy: 'http://127.0.0.1:3128', no_proxy: '.internal' } });
    await call('endpoint.save', { id: 'ep', name: 'ep', host: 'vpce-1.example.com', proxy: { mode: 'env' } });
    const explained = await call('doctor.explainProxy', { endpointId: 'ep' });
    expect(explained.url).toBe('https://vpce-1.example.com:8443/');
    expect(explained.effective.route).toBe('PROXY 127.0.0.1:3128');
    expect(await raw('doctor.explainProxy', { endpointId: 'nope' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await raw('trust.forget', { key: 'not a key' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('trust.forget', { key: 'vpce-1.example.com:8443' })).toEqual({ removed: false });
    expect(await call('trust.list', {})).toEqual([]);
    expect(await call('settings.set', { language: 'en' })).toEqual({ language: 'en', view: 'list', idleCloseMinutes: 30 });
  });

  it('a failing secret store becomes a Result error, never an exception', async () => {
    // A keychain that answers the probe and then fails, like a keyring that locks mid-session.
    const broken: KeytarLike = {
      getPassword: async (_s, account) => (account.startsWith('probe:') ? probeValue : fail()),
      setPassword: async (_s, account, value) => void (account.startsWith('probe:') ? (probeValue = value) : fail()),
      deletePassword: async () => true,
    };
    let probeValue: string | null = null;
    const fail = (): never => {
      throw new Error('the keyring is locked');
    };
    const { call, raw } = await start({ loadKeytar: async () => broken });
    expect(await call('secrets.status', {})).toMatchObject({ backend: 'keychain' });
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' } });
    expect(await raw('desktop.save', { desktop: { id: 'gw', name: 'gw', endpointId: 'ep', route: { kind: 'gateway', port: sim.port, sessionId: 's' } }, authToken: 't' })).toMatchObject({
      ok: false,
      error: { code: 'STORE_ERROR' },
    });
    const open = await raw('connection.open', { desktopId: 'gw' });
    expect(open).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!open.ok) expect(open.error.message).toContain('keyring is locked');
  });

  it('close() closes every tunnel; later opens are refused', async () => {
    const { call, raw, services } = await start();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    const inspection = await call('trust.inspect', { desktopId: 'd1' });
    await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });
    expect((await call('connection.open', { desktopId: 'd1' })).kind).toBe('opened');
    await services.close();
    await services.close();
    expect(await call('connection.list', {})).toEqual([]);
    expect(await raw('connection.open', { desktopId: 'd1' })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});

describe.skipIf(!needBinaries('squid', 'htpasswd'))('proxy credentials for a system proxy, across a restart (real squid)', () => {
  const USER = { username: 'dave', password: 'co:rp@pass%' };
  let sim: Simulator;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-P' });
    squid = await startSquid({ users: [USER], sslPorts: [443, sim.port] });
  });
  afterAll(async () => {
    await squid?.close();
    await sim?.close();
  });

  it('the user name and password typed after a 407 are stored together (encrypted) and used after a restart', async () => {
    // Electron's safeStorage, as the app has it: one instance (one OS key) for both runs.
    const safeStorage = fakeSafeStorage();
    const system = { safeStorage, resolveSystemProxy: async () => `PROXY ${squid.host}:${squid.port}` };
    const first = await start(system);
    expect(await first.call('secrets.status', {})).toMatchObject({ backend: 'safeStorage', persistent: true });
    await first.call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'system' }, tls: { mode: 'pin' } });
    await first.call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    expect(await first.call('connection.open', { desktopId: 'd1' })).toEqual({ kind: 'needs-proxy-credentials', endpointId: 'ep', proxy: squid.url, reason: 'missing' });
    await first.call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: USER.password });
    // The system's proxy has no place in the catalogue for a user name: it stays out of it.
    expect((await first.call('catalogue.get', {})).catalogue.endpoints[0].proxy).toEqual({ mode: 'system' });
    // Through squid to the certificate: the credentials were accepted.
    const trustAsked = await first.call('connection.open', { desktopId: 'd1' });
    expect(trustAsked.kind).toBe('needs-trust');
    if (trustAsked.kind !== 'needs-trust') return;
    await first.call('trust.accept', { key: trustAsked.inspection.key, fingerprint: trustAsked.inspection.presented.fingerprint256, persist: true });
    await first.services.close();
    const secretsFile = readFileSync(join(first.dir, 'secrets.json'), 'utf8');
    expect(secretsFile).not.toContain(USER.password);
    expect(secretsFile).not.toContain(USER.username);

    const tunnelled = () => squid.accessLog().filter((l) => l.includes(`CONNECT ${sim.host}:${sim.port}`) && l.includes(USER.username) && / TCP_TUNNEL\/200 /.test(l)).length;
    const before = tunnelled();
    const second = await start(system, first.dir);
    expect((await second.call('connection.open', { desktopId: 'd1' })).kind).toBe('opened');
    await vi.waitFor(() => expect(tunnelled()).toBeGreaterThan(before), { timeout: 10_000 });

    // A wrong password stored meanwhile: squid refuses it, and the answer names the stored user.
    await second.call('connection.close', { desktopId: 'd1' });
    await second.call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: 'wrong' });
    expect(await second.call('connection.open', { desktopId: 'd1' })).toMatchObject({ kind: 'needs-proxy-credentials', username: USER.username, reason: 'rejected' });
  });
});


/** A proxy that records the Proxy-Authorization of every CONNECT and answers 407 (Basic). */
async function recordingProxy() {
  const proxy = await scriptedProxy('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="b"\r\nContent-Length: 0\r\n\r\n');
  onTestFinished(proxy.close);
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    port: proxy.port,
    get authorizations(): Array<string | null> {
      return proxy.requests.map((head) => /^Proxy-Authorization: (.*)$/im.exec(head)?.[1] ?? null);
    },
  };
}

describe.skipIf(!needBinaries('squid', 'htpasswd'))('proxy credentials: refused once, bound to their proxy (issue 12, items 5 and 6; real squid)', () => {
  const USER = { username: 'erin', password: 'right:pass@word' };
  /** A name squid resolves, asked for only to mark a place in its access log. */
  const MARKER = 'marker.proxy-test.example';
  let sim: Simulator;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-R' });
    squid = await startSquid({ users: [USER], hosts: { [MARKER]: '127.0.0.1' }, sslPorts: [443, sim.port] });
  });
  afterAll(async () => {
    await squid?.close();
    await sim?.close();
  });

  /** CONNECTs to the desktop squid has logged once every earlier one ended (a marker CONNECT after them shows up first). */
  async function connectsToDesktop(): Promise<number> {
    const markers = () => squid.accessLog().filter((l) => l.includes(`CONNECT ${MARKER}:`)).length;
    const before = markers();
    await dial({ target: { host: MARKER, port: sim.port }, route: `PROXY ${squid.host}:${squid.port}`, trust: { kind: 'system' } }).catch(() => undefined);
    await vi.waitFor(() => expect(markers()).toBeGreaterThan(before), { timeout: 10_000 });
    return squid.accessLog().filter((l) => l.includes(`CONNECT ${sim.host}:${sim.port}`)).length;
  }

  it('after squid refuses a password: opening again and the doctor send nothing; a new password connects', async () => {
    const { call } = await start({ resolveSystemProxy: async () => `PROXY ${squid.host}:${squid.port}` });
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'system' }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    await call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: 'wrong-password-5' });
    const before = await connectsToDesktop();
    expect(await call('connection.open', { desktopId: 'd1' })).toMatchObject({ kind: 'needs-proxy-credentials', reason: 'rejected' });
    expect(await connectsToDesktop()).toBe(before + 1);

    // The user closes the prompt and tries again, runs the doctor: nothing reaches squid.
    for (let i = 0; i < 3; i++) expect(await call('connection.open', { desktopId: 'd1' })).toMatchObject({ kind: 'needs-proxy-credentials', reason: 'rejected' });
    const diagnosis = await call('doctor.run', { desktopId: 'd1' });
    expect(diagnosis.steps.find((s) => s.id === 'proxy')).toMatchObject({ status: 'fail', code: 'PROXY_CREDENTIALS_REFUSED' });
    expect(await connectsToDesktop()).toBe(before + 1);

    await call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: USER.password });
    expect((await call('connection.open', { desktopId: 'd1' })).kind).toBe('needs-trust');
    expect(await connectsToDesktop()).toBe(before + 2);
  });

  it('re-pointing a manual proxy: the new proxy never gets the old one’s password, and the user is asked', async () => {
    const { call } = await start();
    const other = await recordingProxy();
    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'manual', url: squid.url, username: USER.username }, tls: { mode: 'pin' } });
    await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
    await call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: USER.password });
    // squid accepts them: the certificate is shown.
    expect((await call('connection.open', { desktopId: 'd1' })).kind).toBe('needs-trust');

    await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'manual', url: other.url, username: USER.username }, tls: { mode: 'pin' } });
    expect(await call('connection.open', { desktopId: 'd1' })).toEqual({ kind: 'needs-proxy-credentials', endpointId: 'ep', proxy: other.url, username: USER.username, reason: 'missing' });
    await call('doctor.run', { desktopId: 'd1' });
    expect(other.authorizations.length).toBeGreaterThan(0);
    expect(other.authorizations.every((a) => a === null)).toBe(true);

    // Typed for the new proxy: sent to it.
    await call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: 'for-the-new-proxy' });
    await call('connection.open', { desktopId: 'd1' });
    expect(other.authorizations.at(-1)).toBe(`Basic ${Buffer.from(`${USER.username}:for-the-new-proxy`).toString('base64')}`);
  });

  it('a route with two proxies: the second (after the first is unreachable) gets no credentials', async () => {
    const other = await recordingProxy();
    const down = await freePort();
    const e = await dial({
      target: { host: sim.host, port: sim.port },
      route: `PROXY 127.0.0.1:${down}; PROXY 127.0.0.1:${other.port}`,
      proxyCredentials: USER,
      trust: { kind: 'system' },
    }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'PROXY_AUTH_REQUIRED' });
    expect(other.authorizations).toEqual([null]);
  });
});
