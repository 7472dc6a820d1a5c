/**
 * The Broker client against the Broker simulator over real TLS (pinned by its fingerprint), and
 * through a real squid with Basic auth. The simulator validates every request body strictly
 * against the vendored definition: `rejectedRequests` must stay empty after every test.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../../test/peers/binaries';
import { startSquid, type SquidPeer } from '../../test/peers/squid';
import { startBroker, verifyTokenWithBroker, type BrokerSim, type BrokerStats } from '../../test/sim/broker';
import { TunnelError } from '../errors';
import { createBrokerClient } from './broker-client';
import { BrokerError, type BrokerClientOptions } from './types';

const sims: BrokerSim[] = [];
async function broker(opts: Parameters<typeof startBroker>[0] = {}): Promise<BrokerSim> {
  const sim = await startBroker(opts);
  sims.push(sim);
  return sim;
}
afterEach(() => {
  // A request the real Broker would refuse fails the test that sent it.
  for (const sim of sims) {
    expect(sim.rejectedRequests).toEqual([]);
    expect(sim.responseProblems).toEqual([]);
  }
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
});

function clientOf(sim: BrokerSim, over: Partial<BrokerClientOptions> = {}) {
  return createBrokerClient({
    broker: { host: sim.host, port: sim.port },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [sim.fingerprint] },
    auth: { kind: 'client-credentials', clientId: sim.clientId, clientPassword: sim.clientPassword },
    ...over,
  });
}

async function brokerError(p: Promise<unknown>): Promise<BrokerError> {
  const e = await p.then(
    () => {
      throw new Error('expected a BrokerError, the call succeeded');
    },
    (err: unknown) => err,
  );
  if (!(e instanceof BrokerError)) throw new Error(`expected a BrokerError, got ${String(e)}`, { cause: e });
  // Plain values only: the app words them, IPC carries them.
  for (const v of Object.values(e.params)) expect(['string', 'number', 'boolean'].includes(typeof v) || v === null || Array.isArray(v)).toBe(true);
  expect(e.message).not.toMatch(/\[object Object\]|\n\s+at /);
  return e;
}

/** What changed in the simulator's counters while `work` ran. */
async function delta(sim: BrokerSim, work: () => Promise<unknown>): Promise<{ before: BrokerStats; after: BrokerStats; calls: number; tokenRequests: number }> {
  const before = sim.stats();
  await work();
  const after = sim.stats();
  const sum = (s: BrokerStats) => Object.values(s.calls).reduce((a, b) => a + b, 0);
  return { before, after, calls: sum(after) - sum(before), tokenRequests: after.tokenRequests - before.tokenRequests };
}

describe('access token', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await broker({ sessions: [{ owner: 'alice' }] });
  });

  it('is issued once and reused by later calls', async () => {
    const client = clientOf(sim);
    const d = await delta(sim, async () => {
      expect(await client.describeSessions()).toHaveLength(1);
      expect(await client.describeSessions({ owner: 'alice' })).toHaveLength(1);
    });
    expect(d.tokenRequests).toBe(1);
    expect(d.calls).toBe(2);
  });

  it('concurrent calls share one token request', async () => {
    const client = clientOf(sim);
    const d = await delta(sim, () => Promise.all(Array.from({ length: 6 }, () => client.describeSessions())));
    expect(d.tokenRequests).toBe(1);
    expect(d.calls).toBe(6);
  });

  it('is renewed once 80 % of expires_in has passed (the clock is the client\'s)', async () => {
    let clock = 1_000_000;
    const client = clientOf(sim, { now: () => clock });
    const first = await delta(sim, () => client.describeSessions());
    expect(first.tokenRequests).toBe(1);
    clock += 0.8 * 3600 * 1000 - 1000; // just before 80 % of the simulator's 3600 s
    expect((await delta(sim, () => client.describeSessions())).tokenRequests).toBe(0);
    clock += 2000; // just after
    const renewed = await delta(sim, () => client.describeSessions());
    expect(renewed.tokenRequests).toBe(1);
    expect(renewed.after.unauthorized).toBe(renewed.before.unauthorized); // renewed before the Broker had to refuse it
  });

  it('a token the Broker stopped accepting (expireAccessTokens) → one renewal, and the call succeeds', async () => {
    const client = clientOf(sim);
    await client.describeSessions();
    sim.expireAccessTokens();
    const d = await delta(sim, async () => expect(await client.describeSessions()).toHaveLength(1));
    expect(d.tokenRequests).toBe(1);
    expect(d.after.unauthorized - d.before.unauthorized).toBe(1);
    expect(d.calls).toBe(2);
  });

  it('reset() forgets the token', async () => {
    const client = clientOf(sim);
    await client.describeSessions();
    client.reset();
    expect((await delta(sim, () => client.describeSessions())).tokenRequests).toBe(1);
  });

  it('a wrong password → BROKER_AUTH_FAILED after ONE token request, and no API call', async () => {
    const client = clientOf(sim, { auth: { kind: 'client-credentials', clientId: sim.clientId, clientPassword: 'wrong' } });
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(client.describeSessions())));
    expect(e.code).toBe('BROKER_AUTH_FAILED');
    expect(e.status).toBe(401);
    expect(e.params).toMatchObject({ host: sim.host, port: sim.port, status: 401, step: 'token' });
    expect(e.message).toMatch(/refused the client id and password/);
    expect(e.message).not.toContain('wrong');
    expect(d.tokenRequests).toBe(1);
    expect(d.after.tokenRefusals - d.before.tokenRefusals).toBe(1);
    expect(d.calls).toBe(0);
  });

  it('auth none against a Broker that wants a token → BROKER_AUTH_FAILED (no token request, no retry)', async () => {
    const client = clientOf(sim, { auth: { kind: 'none' } });
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(client.describeSessions())));
    expect(e.code).toBe('BROKER_AUTH_FAILED');
    expect(e.params).toMatchObject({ status: 401, error: 'No authorization header' });
    expect(d.tokenRequests).toBe(0);
    expect(d.calls).toBe(1);
  });
});

describe('a Broker that refuses every token it issues', () => {
  it('one renewal, then BROKER_AUTH_FAILED: a 401 loop is impossible', async () => {
    const sim = await broker({ accessTokenTtlSeconds: 0, sessions: [{ owner: 'alice' }] });
    const client = clientOf(sim);
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(client.describeSessions())));
    expect(e.code).toBe('BROKER_AUTH_FAILED');
    expect(e.params).toMatchObject({ status: 401, error: 'Invalid access token', operation: 'describeSessions' });
    expect(d.tokenRequests).toBe(2); // the first token and exactly one renewal
    expect(d.calls).toBe(2);
    expect(d.after.unauthorized - d.before.unauthorized).toBe(2);
  });
});

describe('enable-authorization = false', () => {
  it('auth none sends no Authorization header and asks for no token', async () => {
    const sim = await broker({ authorization: false, sessions: [{ owner: 'bob' }] });
    const d = await delta(sim, async () => expect(await clientOf(sim, { auth: { kind: 'none' } }).describeSessions()).toHaveLength(1));
    expect(d.tokenRequests).toBe(0);
  });
});

describe('describeSessions', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await broker({
      servers: [
        { id: 'win-1', ip: '127.0.0.2', port: 8443, webUrlPath: '/', tags: { os: 'windows', 'site name': 'Tokyo' } },
        { id: 'lin-1', ip: '127.0.0.3', port: 8444, webUrlPath: '/dcv/', tags: { os: 'linux' } },
      ],
    });
  });

  it.each([2500, 5000])('%i sessions in pages of 1000, with progress after each page', async (n) => {
    const owner = `fleet-${n}`;
    sim.addSessions(n, (i) => ({ owner, name: `desk-${i}`, serverId: i % 2 ? 'win-1' : 'lin-1' }));
    const progress: Array<{ pages: number; sessions: number; skipped: number }> = [];
    let sessions!: Awaited<ReturnType<ReturnType<typeof clientOf>['describeSessions']>>;
    const d = await delta(sim, async () => (sessions = await clientOf(sim).describeSessions({ owner, onPage: (p) => progress.push(p) })));
    const pages = Math.ceil(n / 1000);
    expect(sessions).toHaveLength(n);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(n);
    expect(progress).toEqual(Array.from({ length: pages }, (_, i) => ({ pages: i + 1, sessions: Math.min(n, (i + 1) * 1000), skipped: 0 })));
    expect(d.after.pagesServed - d.before.pagesServed).toBe(pages);
  });

  it('reads each session into a SessionSummary: Server.Port (a string on the wire) as a number, tags as a record', async () => {
    const [s] = sim.addSessions(1, { owner: 'carol', name: 'carol-desk', serverId: 'lin-1', lastDisconnectionTime: new Date('2025-01-02T03:04:05Z') });
    const [got] = await clientOf(sim).describeSessions({ sessionIds: [s.id] });
    expect(got).toMatchObject({
      id: s.id,
      name: 'carol-desk',
      owner: 'carol',
      type: 'VIRTUAL',
      state: 'READY',
      lastDisconnectionTime: '2025-01-02T03:04:05.000Z',
      server: { id: 'lin-1', ip: '127.0.0.3', port: 8444, webUrlPath: '/dcv/', tags: { os: 'linux' }, endpoints: [{ address: '127.0.0.3', port: 8444, protocol: 'HTTP', webUrlPath: '/dcv/' }] },
    });
  });

  it('owner and tag filters (tags are the server\'s; keys with spaces too)', async () => {
    sim.addSessions(3, (i) => ({ owner: 'dave', serverId: i === 0 ? 'win-1' : 'lin-1' }));
    sim.addSessions(2, { owner: 'erin', serverId: 'win-1' });
    const client = clientOf(sim);
    expect((await client.describeSessions({ owner: 'dave' })).map((s) => s.owner)).toEqual(['dave', 'dave', 'dave']);
    const windows = await client.describeSessions({ tags: [{ key: 'os', value: 'windows' }] });
    expect(windows.length).toBeGreaterThan(0);
    expect(windows.every((s) => s.server.tags.os === 'windows')).toBe(true);
    const both = await client.describeSessions({ owner: 'dave', tags: [{ key: 'os', value: 'windows' }] });
    expect(both).toHaveLength(1);
    expect(both[0].server.id).toBe('win-1');
    expect(await client.describeSessions({ owner: 'erin', tags: [{ key: 'site name', value: 'Tokyo' }] })).toHaveLength(2);
    expect(await client.describeSessions({ owner: 'nobody' })).toEqual([]);
  });

  it('a page size below 1000 is sent as MaxResults and every page is followed', async () => {
    sim.addSessions(25, { owner: 'frank' });
    const pages: number[] = [];
    const all = await clientOf(sim).describeSessions({ owner: 'frank', pageSize: 10, onPage: (p) => pages.push(p.pages) });
    expect(all).toHaveLength(25);
    expect(pages).toEqual([1, 2, 3]);
  });

  it('honours the abort signal between pages', async () => {
    sim.addSessions(2100, { owner: 'gina' });
    const controller = new AbortController();
    const calls = await delta(sim, async () => {
      const p = clientOf(sim).describeSessions({ owner: 'gina', signal: controller.signal, onPage: () => controller.abort(new Error('stop')) });
      await expect(p).rejects.toThrow('stop');
    });
    expect(calls.after.pagesServed - calls.before.pagesServed).toBe(1);
  });
});

describe('getSessionConnectionData', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await broker({ servers: [{ id: 'agent-1', ip: '127.0.0.2', port: 8443, webUrlPath: '/desk/' }], sessions: [{ id: 'console', owner: 'alice' }, { id: 'being-made', owner: 'alice', state: 'CREATING' }] });
  });

  it('a fresh ConnectionToken for the user (both path segments percent-encoded), with the session', async () => {
    const user = 'CORP\\al ice#1?x=y';
    const { session, connectionToken } = await clientOf(sim).getSessionConnectionData('console', user);
    expect(connectionToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(session).toMatchObject({ id: 'console', owner: 'alice', state: 'READY', server: { ip: '127.0.0.2', port: 8443, webUrlPath: '/desk/' } });
    // The Broker read the user name intact: the token verifies as issued for it.
    const verified = await verifyTokenWithBroker(sim.verifierUrl, { sessionId: 'console', authenticationToken: connectionToken, clientAddress: '127.0.0.1' }, { ca: sim.certPem });
    expect(verified).toEqual({ ok: true, user });
  });

  it('an unknown session → SESSION_NOT_FOUND', async () => {
    const e = await brokerError(clientOf(sim).getSessionConnectionData('no-such-session', 'alice'));
    expect(e.code).toBe('SESSION_NOT_FOUND');
    expect(e.params).toMatchObject({ sessionId: 'no-such-session', status: 400, error: 'The requested dcvSession does not exist' });
  });

  it('a session that is not READY → SESSION_NOT_READY with its state', async () => {
    const e = await brokerError(clientOf(sim).getSessionConnectionData('being-made', 'alice'));
    expect(e.code).toBe('SESSION_NOT_READY');
    expect(e.params).toMatchObject({ sessionId: 'being-made', state: 'CREATING', status: 400 });
    expect(e.message).toMatch(/not ready yet: it is CREATING/);
  });

  it('a client the Broker forbids → BROKER_FORBIDDEN (403), no renewal', async () => {
    const client = clientOf(sim);
    sim.forbidden(sim.clientId);
    try {
      let e!: BrokerError;
      const d = await delta(sim, async () => (e = await brokerError(client.getSessionConnectionData('console', 'alice'))));
      expect(e.code).toBe('BROKER_FORBIDDEN');
      expect(e.status).toBe(403);
      expect(e.params).toMatchObject({ status: 403, error: 'Access Denied', operation: 'GetSessionConnectionData', sessionId: 'console' });
      expect(d.tokenRequests).toBe(1);
    } finally {
      sim.forbidden(sim.clientId, false);
    }
  });
});

describe('createSessions and deleteSessions', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await broker({ servers: [{ id: 'agent-1', ip: '127.0.0.2', tags: { gpu: 'none' } }], sessions: [{ id: 'old-1', owner: 'alice' }], creationDelayMs: 60_000 });
  });

  it('create: per-item failures come back inside the 200, returned not thrown', async () => {
    const { created, failed } = await clientOf(sim).createSessions([
      { name: 'alice-2', owner: 'alice', type: 'Virtual', maxConcurrentClients: 2 },
      { name: 'alice-gpu', owner: 'alice', type: 'Virtual', requirements: "gpu = 'nvidia'" },
    ]);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ name: 'alice-2', owner: 'alice', state: 'CREATING', substate: 'SESSION_PLACING', maxConcurrentClients: 2 });
    expect(failed).toEqual([{ name: 'alice-gpu', reason: expect.stringMatching(/No DCV server available/) }]);
  });

  it('delete: Force is sent, the unknown one fails inside the 200', async () => {
    const { deleted, failed } = await clientOf(sim).deleteSessions([
      { sessionId: 'old-1', owner: 'alice' },
      { sessionId: 'never-was', owner: 'alice', force: true },
    ]);
    expect(deleted).toEqual([{ sessionId: 'old-1', state: 'DELETING' }]);
    expect(failed).toEqual([{ sessionId: 'never-was', reason: 'The requested dcvSession does not exist' }]);
  });
});

describe('trust: the pin is checked before any byte', () => {
  it('a wrong pin → BROKER_UNREACHABLE with the dial\'s TLS_PIN_MISMATCH as cause, and the Broker saw NO request', async () => {
    const sim = await broker({ sessions: [{ owner: 'alice' }] });
    const client = clientOf(sim, { trust: { kind: 'pin', fingerprints: ['sha256/' + Buffer.alloc(32, 1).toString('base64')] } });
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(client.describeSessions())));
    expect(e.code).toBe('BROKER_UNREACHABLE');
    expect(e.cause).toBeInstanceOf(TunnelError);
    expect((e.cause as TunnelError).code).toBe('TLS_PIN_MISMATCH');
    expect(e.params).toMatchObject({ host: sim.host, port: sim.port, reason: 'TLS_PIN_MISMATCH' });
    expect(d.tokenRequests).toBe(0);
    expect(d.calls).toBe(0);
  });

  it('the system store does not know the self-signed Broker → BROKER_UNREACHABLE (TLS_UNTRUSTED), no request', async () => {
    const sim = await broker();
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(clientOf(sim, { trust: { kind: 'system' } }).describeSessions())));
    expect((e.cause as TunnelError).code).toBe('TLS_UNTRUSTED');
    expect(d.tokenRequests + d.calls).toBe(0);
  });

  it('the onStep listener sees the dial\'s steps', async () => {
    const sim = await broker();
    const steps: string[] = [];
    await clientOf(sim, { onStep: (s) => steps.push(`${s.step}:${s.status}`) }).describeSessions();
    // the token request and the call: one dial each
    expect(steps.filter((s) => s === 'tls:ok')).toHaveLength(2);
  });
});

describe.skipIf(!needBinaries('squid', 'htpasswd'))('through squid with Basic auth', () => {
  const ENDPOINT = 'vpce-0abc123-xyz.vpce-svc-0def456.ap-northeast-1.vpce.amazonaws.com';
  const UNLISTED = 'vpce-0fff999-zzz.vpce-svc-0def456.ap-northeast-1.vpce.amazonaws.com';
  const USER = { username: 'us@er%x', password: 'p:a@ss%w :' };
  let sim: BrokerSim;
  let squid: SquidPeer;
  beforeAll(async () => {
    sim = await broker({ sessions: [{ owner: 'alice' }, { owner: 'bob' }] });
    squid = await startSquid({ users: [USER], hosts: { [ENDPOINT]: sim.host }, sslPorts: [sim.port] });
  });
  afterAll(async () => {
    await squid?.close();
  });
  const viaSquid = (over: Partial<BrokerClientOptions> = {}) => clientOf(sim, { broker: { host: ENDPOINT, port: sim.port }, route: `PROXY ${squid.host}:${squid.port}`, proxyCredentials: USER, ...over });

  it('lists sessions with the endpoint name resolved by squid only', async () => {
    expect(await viaSquid().describeSessions()).toHaveLength(2);
    expect(squid.accessLog().some((l) => l.includes(`CONNECT ${ENDPOINT}:${sim.port}`))).toBe(true);
  });

  it('an address override: CONNECT names the address, the name need not resolve anywhere', async () => {
    const client = viaSquid({ broker: { host: UNLISTED, port: sim.port, resolve: [{ host: UNLISTED, port: sim.port, address: sim.host }] } });
    expect(await client.describeSessions({ owner: 'bob' })).toHaveLength(1);
    expect(squid.accessLog().some((l) => l.includes(`CONNECT ${sim.host}:${sim.port}`))).toBe(true);
  });

  it('a wrong proxy password → BROKER_UNREACHABLE with PROXY_AUTH_REQUIRED after exactly one CONNECT', async () => {
    const denied = () => squid.accessLog().filter((l) => /TCP_DENIED\/407/.test(l) && l.includes('CONNECT')).length;
    const before = denied();
    let e!: BrokerError;
    const d = await delta(sim, async () => (e = await brokerError(viaSquid({ proxyCredentials: { username: USER.username, password: 'wrong' } }).describeSessions())));
    expect(e.code).toBe('BROKER_UNREACHABLE');
    expect((e.cause as TunnelError).code).toBe('PROXY_AUTH_REQUIRED');
    expect(e.message).not.toContain('wrong');
    for (let i = 0; i < 100 && denied() === before; i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200)); // a second CONNECT, if one were sent, would be logged by now
    expect(denied() - before).toBe(1);
    expect(d.tokenRequests + d.calls).toBe(0);
  });
});
