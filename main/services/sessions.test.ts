/**
 * Session Manager sources through the services as the shells see them (every call through
 * dispatch and the contract's validation): the Broker simulator lists sessions, the launcher
 * trusts its certificate first, asks for the client password, follows a new session to READY,
 * opens a session with a fresh token on the entry page (never stored), keeps favourites of
 * sessions that disappear, deletes only the user's own sessions.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LauncherServices, NeedsUser, OpenResult, Request, SourceStatus } from '../../preload/contract/api';
import { needBinaries } from '../../test/peers/binaries';
import { startSquid } from '../../test/peers/squid';
import { LaunchClient } from '../../test/scenario/launch-client';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_PASSWORD, startBroker, type BrokerSim } from '../../test/sim/broker';
import { startSessionManager } from '../../test/sim/session-manager';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { serviceClient } from './test-client';
import { createLauncherServices } from './app';
import type { KeytarLike } from './secrets/keytar';

const noKeytar = async (): Promise<KeytarLike> => {
  throw new Error('no keytar in this test');
};

const dirs: string[] = [];
const running: LauncherServices[] = [];
let broker: BrokerSim;
let agent: Simulator;

beforeAll(async () => {
  // The agent is reached as in the field: the Broker reports its private address, the endpoint's
  // NLB maps a listener port to it (here: the simulator's own port on the endpoint's address).
  agent = await startSimulator({ name: 'agent-1' });
  broker = await startBroker({
    servers: [{ id: 'srv-1', ip: '10.150.248.180', hostname: 'agent-1.corp', port: 8443, tags: { os: 'linux', team: 'cad' } }],
    sessions: [
      { id: 'alice-1', name: 'Alice CAD', owner: 'alice', serverId: 'srv-1' },
      { id: 'alice-2', name: 'Alice scratch', owner: 'alice', serverId: 'srv-1' },
      { id: 'bob-1', name: 'Bob', owner: 'bob', serverId: 'srv-1' },
    ],
    creationDelayMs: 300,
    deletionDelayMs: 200,
  });
});
afterAll(async () => {
  await Promise.all(running.map((s) => s.close()));
  await broker?.close();
  await agent?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What DCV Viewer was handed: the file's mode and text at that moment. */
const handedToViewer: Array<{ file: string; mode: number; text: string }> = [];
const fakeViewer = {
  find: async () => 'dcvviewer',
  open: async (file: string) => void handedToViewer.push({ file, mode: statSync(file).mode & 0o777, text: readFileSync(file, 'utf8') }),
};

/** The test's source on the Broker simulator, reached "behind" the endpoint. */
function tokyoSource(over: Partial<Request<'source.save'>['source']>): Request<'source.save'>['source'] {
  return { id: 'sm', name: 'Tokyo Session Manager', endpointId: 'ep', brokerPort: broker.port, auth: { kind: 'broker', clientId: DEFAULT_CLIENT_ID }, open: { via: 'gateway', port: 8443 }, ...over };
}

async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'dcv-sessions-'));
  dirs.push(dir);
  const services = await createLauncherServices({
    dataDir: dir,
    certDir: join(dir, 'certs'),
    env: {},
    loadKeytar: noKeytar,
    osUser: 'alice',
    sessionPollMs: 100,
    viewer: { launcher: fakeViewer, deleteAfterMs: 50 },
  });
  running.push(services);
  const { events, raw, call } = serviceClient(services);
  await call('endpoint.save', { id: 'ep', name: 'VPC endpoint', host: '127.0.0.1', proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  // The Broker and the agents are all "behind" the endpoint: the agent is reached by an NLB-like port rule.
  await call('source.save', { source: tokyoSource({ open: { via: 'server', rules: [{ server: '10.150.248.180', route: { kind: 'port', port: agent.port } }] } }) });
  return { dir, services, events, raw, call };
}

/** Trusts what the answer asks to trust (the certificate shown), as the user would after comparing it. */
async function trustShown(call: Awaited<ReturnType<typeof start>>['call'], answer: NeedsUser | SourceStatus['problem']) {
  if (!answer || (answer.kind !== 'needs-trust' && answer.kind !== 'certificate-changed')) throw new Error(`expected a trust question, got ${answer?.kind}`);
  await call('trust.accept', { key: answer.inspection.key, fingerprint: answer.inspection.presented.fingerprint256, persist: true });
}

describe('Session Manager sources', () => {
  it('trust the Broker → client password → sessions listed (owner filter, tags), with progress events', async () => {
    const { call, events, dir } = await start();
    const first = await call('sessions.refresh', { sourceId: 'sm' });
    expect(first.problem?.kind).toBe('needs-trust');
    if (first.problem?.kind !== 'needs-trust') throw new Error('no trust question');
    expect(first.problem.inspection.presented.fingerprint256).toBe(broker.fingerprint);
    expect(broker.stats().tokenRequests).toBe(0); // nothing was sent before the certificate was trusted
    await trustShown(call, first.problem);

    const second = await call('sessions.refresh', { sourceId: 'sm' });
    expect(second.problem).toMatchObject({ kind: 'needs-client-password', clientId: DEFAULT_CLIENT_ID, reason: 'missing' });

    await call('source.setClientPassword', { sourceId: 'sm', password: 'wrong' });
    const refused = await call('sessions.refresh', { sourceId: 'sm' });
    expect(refused.problem).toMatchObject({ kind: 'needs-client-password', reason: 'rejected' });

    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    const listed = await call('sessions.refresh', { sourceId: 'sm' });
    expect(listed.problem).toBeUndefined();
    expect(listed.user).toBe('alice');
    expect(listed.sessions.map((s) => s.name).sort()).toEqual(['Alice CAD', 'Alice scratch']);
    expect(listed.sessions[0]).toMatchObject({ owner: 'alice', state: 'READY', tags: { os: 'linux', team: 'cad' }, server: { ip: '10.150.248.180', hostname: 'agent-1.corp' }, gone: false });
    expect(events.some((e) => e.event === 'sessions.changed' && (e.payload as SourceStatus).progress)).toBe(true);
    expect(broker.rejectedRequests).toEqual([]);
    // The password is a secret: never in the catalogue file.
    expect(readFileSync(join(dir, 'catalogue.json'), 'utf8')).not.toContain(DEFAULT_CLIENT_PASSWORD);
  });

  it('opens a session with a fresh token on its entry page; the token is in no file, event or recent', async () => {
    const { call, events, dir } = await start();
    await trustShown(call, (await call('sessions.refresh', { sourceId: 'sm' })).problem);
    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    const listed = await call('sessions.refresh', { sourceId: 'sm' });
    const session = listed.sessions.find((s) => s.id === 'alice-1')!;

    // The agent's certificate is trusted like a desktop's, on its own host:port.
    const needs = await call('connection.open', { desktopId: session.key });
    await trustShown(call, needs as NeedsUser);
    const before = broker.stats().connectionTokensIssued;
    const opened = (await call('connection.open', { desktopId: session.key })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(opened.kind).toBe('opened');
    expect(broker.stats().connectionTokensIssued).toBe(before + 1);

    const location = await launchRedirect(opened.launchUrl);
    const token = new URLSearchParams(location.split('?')[1]?.split('#')[0]).get('authToken');
    expect(location).toMatch(/^\/\?authToken=[^#]+#alice-1$/);
    expect(token).toBeTruthy();

    const onDisk = readFileSync(join(dir, 'catalogue.json'), 'utf8');
    expect(onDisk).not.toContain(token!);
    expect(JSON.stringify(events)).not.toContain(token!);
    const catalogue = await call('catalogue.get', {});
    expect(catalogue.catalogue.recents[0]).toMatchObject({ desktopId: session.key, outcome: 'ok' });
    expect(catalogue.catalogue.sessionMarks.map((m) => m.sessionId)).toContain('alice-1');

    // Opening again gets another fresh token on the same tunnel.
    const again = (await call('connection.open', { desktopId: session.key })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(again.connection.port).toBe(opened.connection.port);
    expect(broker.stats().connectionTokensIssued).toBe(before + 2);
    const second = new URLSearchParams((await launchRedirect(again.launchUrl)).split('?')[1]?.split('#')[0]).get('authToken');
    expect(second).not.toBe(token);

    // DCV Viewer gets the session with a fresh token in a private file, deleted after the hand-off;
    // never a file to download (it would keep the token in the downloads folder).
    const viewer = (await call('connection.open', { desktopId: session.key, viewer: true })) as Extract<OpenResult, { kind: 'opened' }>;
    expect(viewer).toMatchObject({ openIn: 'dcv-file', viewer: { handedOver: true, tokenExpires: true } });
    expect(viewer.dcvFile).toBeUndefined();
    const handed = handedToViewer.at(-1)!;
    expect(handed.mode).toBe(0o600);
    expect(handed.text).toMatch(/sessionid=alice-1\nauthtoken=\S+/);
    expect(handed.text).toContain(`port=${viewer.connection.port}`);
    await waitFor(() => !existsSync(handed.file));
    await call('connection.close', { desktopId: session.key });
  });

  it('a favourite session that disappears from the Broker is shown as gone, not dropped', async () => {
    const { call } = await start();
    await trustShown(call, (await call('sessions.refresh', { sourceId: 'sm' })).problem);
    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    const [temp] = broker.addSessions(1, { id: 'alice-temp', name: 'Alice temp', owner: 'alice', serverId: 'srv-1' });
    const listed = await call('sessions.refresh', { sourceId: 'sm' });
    const key = listed.sessions.find((s) => s.id === temp.id)!.key;
    const starred = await call('sessions.setFavourite', { key, favourite: true });
    expect(starred.favourite).toBe(true);

    broker.setState(temp.id, 'DELETED');
    const after = await call('sessions.refresh', { sourceId: 'sm' });
    expect(after.sessions.find((s) => s.key === key)).toMatchObject({ name: 'Alice temp', favourite: true, gone: true });
  });

  it('New desktop: CREATING → READY followed by events; a failure comes back with the Broker\'s reason', async () => {
    const { call, events } = await start();
    await trustShown(call, (await call('sessions.refresh', { sourceId: 'sm' })).problem);
    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    await call('sessions.refresh', { sourceId: 'sm' });

    const created = await call('sessions.create', { sourceId: 'sm' });
    if (created.kind !== 'creating') throw new Error(`expected creating, got ${created.kind}`);
    expect(created.session).toMatchObject({ owner: 'alice', state: 'CREATING', name: 'alice-1' });
    await waitFor(() =>
      events.some((e) => e.event === 'sessions.changed' && (e.payload as SourceStatus).sessions.some((s) => s.key === created.session.key && s.state === 'READY')),
    );
    expect(broker.rejectedRequests).toEqual([]);

    await call('source.save', {
      source: tokyoSource({ open: { via: 'server', rules: [{ server: '*', route: { kind: 'port', port: agent.port } }] }, template: { namePattern: '{user}-gpu-{n}', requirements: "gpu = 'a100'" } }),
    });
    const failed = await call('sessions.create', { sourceId: 'sm' });
    expect(failed).toMatchObject({ kind: 'failed', code: 'SESSION_CREATE_FAILED', params: { name: 'alice-gpu-1' } });
    expect(failed.kind === 'failed' && String(failed.params?.reason)).toMatch(/\w/);
  });

  it('deletes the user\'s own session only, after the Broker agrees', async () => {
    const { call } = await start();
    await trustShown(call, (await call('sessions.refresh', { sourceId: 'sm' })).problem);
    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    broker.addSessions(1, { id: 'alice-bye', name: 'Alice bye', owner: 'alice', serverId: 'srv-1' });
    const listed = await call('sessions.refresh', { sourceId: 'sm' });
    const mine = listed.sessions.find((s) => s.id === 'alice-bye')!;
    const deleted = await call('sessions.delete', { key: mine.key });
    expect(deleted.kind).toBe('deleting');
    await waitFor(async () => !(await call('sessions.refresh', { sourceId: 'sm' })).sessions.some((s) => s.id === 'alice-bye'));
  });

  it('deleting the source takes its marks, recents and client password; undo puts them back', async () => {
    const { call, raw } = await start();
    await trustShown(call, (await call('sessions.refresh', { sourceId: 'sm' })).problem);
    await call('source.setClientPassword', { sourceId: 'sm', password: DEFAULT_CLIENT_PASSWORD });
    const listed = await call('sessions.refresh', { sourceId: 'sm' });
    await call('sessions.setFavourite', { key: listed.sessions[0].key, favourite: true });
    const { undoId } = await call('source.delete', { id: 'sm' });
    const gone = await call('catalogue.get', {});
    expect(gone.catalogue.sources).toEqual([]);
    expect(gone.catalogue.sessionMarks).toEqual([]);
    expect((await raw('sessions.refresh', { sourceId: 'sm' })).ok).toBe(false);
    await call('catalogue.undo', { undoId });
    const back = await call('catalogue.get', {});
    expect(back.catalogue.sessionMarks.map((m) => m.favourite)).toEqual([true]);
    // The password came back with it: the list loads without asking.
    expect((await call('sessions.refresh', { sourceId: 'sm' })).problem).toBeUndefined();
  });
});

/** GET the one-time launch URL (trusting the tunnel's own certificate is the window's job) and return the redirect. */
function launchRedirect(launchUrl: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(launchUrl, { rejectUnauthorized: false }, (res) => {
      res.resume();
      if (res.statusCode !== 302) return reject(new Error(`launch answered ${res.statusCode}`));
      resolve(String(res.headers.location));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a Session Manager session whose token expires while it is open', () => {
  it('the server refuses the old token → the launcher fetches a fresh one and relaunches on it; the desktop connects again', async () => {
    const sm = await startSessionManager({ user: 'alice', creatingMs: 600_000 });
    const dir = mkdtempSync(join(tmpdir(), 'dcv-sessions-renew-'));
    dirs.push(dir);
    const services = await createLauncherServices({ dataDir: dir, certDir: join(dir, 'certs'), env: {}, loadKeytar: noKeytar, osUser: 'alice' });
    running.push(services);
    const { events, call } = serviceClient(services);
    try {
      await call('endpoint.save', { id: 'ep', name: 'VPC endpoint', host: '127.0.0.1', proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
      await call('source.save', {
        source: { id: 'sm', name: 'SM', endpointId: 'ep', brokerPort: sm.broker.port, auth: { kind: 'broker', clientId: sm.broker.clientId }, open: { via: 'gateway', port: sm.gateway.port } },
        clientPassword: sm.broker.clientPassword,
      });
      await call('trust.accept', { key: `127.0.0.1:${sm.broker.port}`, fingerprint: sm.broker.fingerprint, persist: false });
      const listed = await call('sessions.refresh', { sourceId: 'sm' });
      const key = listed.sessions.find((x) => x.id === 'design-review')!.key;
      await trustShown(call, (await call('connection.open', { desktopId: key })) as NeedsUser);
      const opened = (await call('connection.open', { desktopId: key })) as Extract<OpenResult, { kind: 'opened' }>;

      const first = await LaunchClient.signIn(opened.launchUrl, join(dir, 'certs'));
      const token = tokenIn(first.location);
      const main = await first.client.main('/', { sessionId: 'design-review', authToken: token });
      expect(main.agent).toBe('agent-C');
      await main.close();

      // Later the token has expired: the page's next connection is refused by the server.
      sm.broker.expireConnectionTokens();
      await expect(first.client.main('/', { sessionId: 'design-review', authToken: token })).rejects.toMatchObject({ reasonName: 'AUTHENTICATION_FAILED' });
      await waitFor(() => events.some((e) => e.event === 'connection.relaunch'), 30_000);
      const relaunch = events.find((e) => e.event === 'connection.relaunch')!.payload as { desktopId: string; launchUrl: string };
      expect(relaunch.desktopId).toBe(key);
      expect(JSON.stringify(events.filter((e) => e.event !== 'connection.relaunch'))).not.toContain(token);

      const second = await LaunchClient.signIn(relaunch.launchUrl, join(dir, 'certs'));
      const fresh = tokenIn(second.location);
      expect(fresh).not.toBe(token);
      const again = await second.client.main('/', { sessionId: 'design-review', authToken: fresh });
      expect(again.agent).toBe('agent-C');
      await again.close();
      await call('connection.close', { desktopId: key });
    } finally {
      await sm.close();
    }
  });
});

describe.skipIf(!needBinaries('squid', 'htpasswd'))('a Session Manager behind the corporate proxy (real squid with Basic auth)', () => {
  const USER = { username: 'erin', password: 'pr:ox@y%pass' };
  const ENDPOINT = 'vpce-sm.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com';

  it('the Broker listed and the session opened through the Gateway, both via CONNECT with the proxy password; every byte through squid', async () => {
    const sm = await startSessionManager({ user: 'alice', creatingMs: 600_000 });
    // Only squid knows the endpoint's name (the VPC's private zone, as in the field).
    const squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: '127.0.0.1' }, sslPorts: [sm.broker.port, sm.gateway.port] });
    const dir = mkdtempSync(join(tmpdir(), 'dcv-sessions-squid-'));
    dirs.push(dir);
    const services = await createLauncherServices({ dataDir: dir, certDir: join(dir, 'certs'), env: {}, loadKeytar: noKeytar, osUser: 'alice' });
    running.push(services);
    const { call } = serviceClient(services);
    try {
      await call('endpoint.save', { id: 'ep', name: 'VPC endpoint', host: ENDPOINT, proxy: { mode: 'manual', url: squid.url, username: USER.username }, tls: { mode: 'pin' } });
      await call('source.save', {
        source: { id: 'sm', name: 'SM', endpointId: 'ep', brokerPort: sm.broker.port, auth: { kind: 'broker', clientId: sm.broker.clientId }, open: { via: 'gateway', port: sm.gateway.port } },
        clientPassword: sm.broker.clientPassword,
      });
      // No proxy password yet: the list asks for it (one 407, no loop), then for the Broker's certificate.
      expect((await call('sessions.refresh', { sourceId: 'sm' })).problem).toMatchObject({ kind: 'needs-proxy-credentials', endpointId: 'ep', reason: 'missing' });
      await call('secrets.setProxyPassword', { endpointId: 'ep', username: USER.username, password: USER.password });
      const asked = await call('sessions.refresh', { sourceId: 'sm' });
      expect(asked.problem).toMatchObject({ kind: 'needs-trust', inspection: { key: `${ENDPOINT}:${sm.broker.port}` } });
      await trustShown(call, asked.problem);
      const listed = await call('sessions.refresh', { sourceId: 'sm' });
      expect(listed.problem).toBeUndefined();
      const key = listed.sessions.find((x) => x.id === 'design-review')!.key;

      await trustShown(call, (await call('connection.open', { desktopId: key })) as NeedsUser);
      const opened = (await call('connection.open', { desktopId: key })) as Extract<OpenResult, { kind: 'opened' }>;
      expect(opened.kind).toBe('opened');
      const signedIn = await LaunchClient.signIn(opened.launchUrl, join(dir, 'certs'));
      const main = await signedIn.client.main('/', { sessionId: 'design-review', authToken: tokenIn(signedIn.location) });
      expect(main.agent).toBe('agent-C');
      await main.close();

      const tunnelled = (port: number) => squid.accessLog().some((l) => l.includes(`CONNECT ${ENDPOINT}:${port}`) && l.includes(USER.username) && / TCP_TUNNEL\/200 /.test(l));
      expect(tunnelled(sm.broker.port)).toBe(true);
      expect(tunnelled(sm.gateway.port)).toBe(true);
      expect(sm.broker.rejectedRequests).toEqual([]);
      await call('connection.close', { desktopId: key });
    } finally {
      await squid.close();
      await sm.close();
    }
  });
});

function tokenIn(location: string): string {
  return new URLSearchParams(location.split('?')[1]?.split('#')[0]).get('authToken') ?? '';
}
