import { createServer } from 'node:net';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../tunnel/session-manager/api/broker-api.generated';
import { validateBrokerRequest, validateBrokerResponse } from '../../tunnel/session-manager/api/schemas';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_PASSWORD, startBroker, verifyTokenWithBroker, type BrokerSim } from './broker';
import { request, type SimpleResponse } from './http';

type Schemas = components['schemas'];
type ErrorBody = { error: string; error_description?: string };
type TokenBody = { access_token: string; token_type: string; expires_in: number };

const basic = (id: string, password: string) => 'Basic ' + Buffer.from(`${id}:${password}`).toString('base64');

function tokenRequest(sim: BrokerSim, opts: { auth?: string; query?: string; contentType?: string } = {}): Promise<SimpleResponse> {
  const headers: Record<string, string> = { 'Content-Type': opts.contentType ?? 'application/x-www-form-urlencoded' };
  const auth = opts.auth ?? basic(sim.clientId, sim.clientPassword);
  if (auth !== '') headers.Authorization = auth;
  return request(`${sim.url}/oauth2/token${opts.query ?? '?grant_type=client_credentials'}`, { method: 'POST', headers, body: '' });
}

async function accessToken(sim: BrokerSim): Promise<string> {
  const res = await tokenRequest(sim);
  expect(res.status).toBe(200);
  return (JSON.parse(res.text) as TokenBody).access_token;
}

/** One client API call; `token: null` sends no Authorization header. */
async function call<T>(
  sim: BrokerSim,
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; raw?: string; contentType?: string } = {},
): Promise<{ status: number; body: T; headers: SimpleResponse['headers'] }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
  if (body !== undefined) headers['Content-Type'] = opts.contentType ?? 'application/json';
  const res = await request(sim.url + path, { method, headers, body });
  return { status: res.status, body: (res.text === '' ? undefined : JSON.parse(res.text)) as T, headers: res.headers };
}

/** Pages through describeSessions like a client should, until NextToken is absent. */
async function describeAll(sim: BrokerSim, token: string, query: Schemas['DescribeSessionsRequestData'] = {}): Promise<{ sessions: Schemas['Session'][]; pages: number[] }> {
  const sessions: Schemas['Session'][] = [];
  const pages: number[] = [];
  let next: string | undefined;
  do {
    const res = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { ...query, ...(next ? { NextToken: next } : {}) } });
    expect(res.status).toBe(200);
    sessions.push(...(res.body.Sessions ?? []));
    pages.push(res.body.Sessions?.length ?? 0);
    next = res.body.NextToken;
  } while (next !== undefined);
  return { sessions, pages };
}

async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

/** Every simulator of this file: each must have sent only schema-valid responses. */
const started: BrokerSim[] = [];
async function broker(...args: Parameters<typeof startBroker>): Promise<BrokerSim> {
  const sim = await startBroker(...args);
  started.push(sim);
  return sim;
}
afterAll(async () => {
  for (const sim of started) expect(sim.responseProblems).toEqual([]);
  await Promise.all(started.map((s) => s.close()));
});

describe('validateBrokerRequest (strict, from the vendored definition)', () => {
  it('refuses a misspelled or camelCase field and says where', () => {
    expect(validateBrokerRequest('describeSessions', { sessionIds: ['a'] })).toEqual({ ok: false, errors: ["/: must NOT have additional property 'sessionIds'"] });
    expect(validateBrokerRequest('createSessions', [{ Name: 'n', Owner: 'o', Type: 'Virtual', Requirments: "os = 'linux'" }])).toEqual({
      ok: false,
      errors: ["/0: must NOT have additional property 'Requirments'"],
    });
    expect(validateBrokerRequest('describeSessions', { Filters: [{ Key: 7, Value: 'x' }] })).toEqual({ ok: false, errors: ['/Filters/0/Key: must be string'] });
  });

  it('enforces MaxResults 1..1000, as its description says', () => {
    expect(validateBrokerRequest('describeSessions', { MaxResults: 0 })).toEqual({ ok: false, errors: ['/MaxResults: must be >= 1'] });
    expect(validateBrokerRequest('describeSessions', { MaxResults: 1001 })).toEqual({ ok: false, errors: ['/MaxResults: must be <= 1000'] });
    expect(validateBrokerRequest('describeSessions', { MaxResults: 1000 })).toEqual({ ok: true });
    expect(validateBrokerRequest('describeServers', { MaxResults: 0 }).ok).toBe(false);
  });

  it('allows null only where the definition says nullable', () => {
    expect(validateBrokerRequest('getSessionScreenshots', [{ SessionId: 's', MaxWidth: null, MaxHeight: null }])).toEqual({ ok: true });
    expect(validateBrokerRequest('deleteSessions', [{ SessionId: 's', Owner: null }])).toEqual({ ok: false, errors: ['/0/Owner: must be string'] });
  });

  it('needs the documented required fields and a body where one is required', () => {
    expect(validateBrokerRequest('createSessions', [{ Name: 'n', Owner: 'o' }])).toEqual({ ok: false, errors: ["/0: must have required property 'Type'"] });
    expect(validateBrokerRequest('deleteSessions', [{ SessionId: 's' }]).ok).toBe(false);
    expect(validateBrokerRequest('createSessions', undefined)).toEqual({ ok: false, errors: ['/: a request body is required'] });
    expect(validateBrokerRequest('describeSessions', undefined)).toEqual({ ok: true });
    expect(validateBrokerRequest('createSessions', { Name: 'n' })).toEqual({ ok: false, errors: ['/: must be array'] });
    expect(() => validateBrokerRequest('nope', {})).toThrow(/no request schema for operation 'nope'/);
  });

  it('checks responses against the definition too (extra properties allowed)', () => {
    const server = { Id: 's', Port: '8443', Endpoints: [{ IpAddress: '127.0.0.2', Port: 8443, Protocol: 'HTTP' }], Extra: true };
    expect(validateBrokerResponse('describeSessions', { Sessions: [{ Id: 'x', Server: server, CreationTime: '2025-01-02T03:04:05.000Z' }] })).toEqual({ ok: true });
    expect(validateBrokerResponse('describeSessions', { Sessions: [{ Id: 'x', Server: { ...server, Port: 8443 }, CreationTime: 'yesterday' }] })).toEqual({
      ok: false,
      errors: ['/Sessions/0/Server/Port: must be string', '/Sessions/0/CreationTime: must match format "date-time"'],
    });
  });
});

describe('broker simulator: listeners, certificate and validation at the door', () => {
  let sim: BrokerSim;
  let token: string;
  beforeAll(async () => {
    sim = await broker();
    token = await accessToken(sim);
  });

  it('listens on loopback with one self-signed dcvsmbroker certificate on all three ports', async () => {
    expect(sim.url).toBe(`https://127.0.0.1:${sim.port}`);
    expect(sim.verifierUrl).toBe(`https://127.0.0.1:${sim.verifierPort}/agent/validate-authentication-token`);
    expect(new Set([sim.port, sim.resolverPort, sim.verifierPort]).size).toBe(3);
    for (const port of [sim.port, sim.resolverPort, sim.verifierPort]) {
      const peer = await new Promise<{ subject: string; fingerprint256: string }>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
          const c = s.getPeerCertificate();
          s.end();
          resolve({ subject: String(c.subject.CN), fingerprint256: c.fingerprint256 });
        });
        s.on('error', reject);
      });
      expect(peer).toEqual({ subject: 'dcvsmbroker', fingerprint256: sim.fingerprintHex });
    }
    expect(sim.fingerprint).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/);
    await expect(startBroker({ host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });

  it('rejects a misspelled field with 400 Invalid input and records it', async () => {
    const before = sim.rejectedRequests.length;
    const res = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, body: { sessionIds: ['x'] } });
    expect(res).toMatchObject({ status: 400, body: { error: 'Invalid input' } });
    expect(sim.rejectedRequests.slice(before)).toEqual([
      { listener: 'client', method: 'POST', path: '/describeSessions', operationId: 'describeSessions', status: 400, errors: ["/: must NOT have additional property 'sessionIds'"], body: { sessionIds: ['x'] } },
    ]);
  });

  it('rejects MaxResults 0, a missing Type, bad JSON and another media type', async () => {
    const before = sim.rejectedRequests.length;
    expect((await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, body: { MaxResults: 0 } })).status).toBe(400);
    expect((await call<ErrorBody>(sim, 'POST', '/createSessions', { token, body: [{ Name: 'n', Owner: 'alice' }] })).status).toBe(400);
    expect((await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, raw: '{"MaxResults":' })).status).toBe(400);
    expect((await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, raw: '{}', contentType: 'text/plain' })).status).toBe(415);
    expect(sim.rejectedRequests.slice(before).map((r) => r.errors[0])).toEqual([
      '/MaxResults: must be >= 1',
      "/0: must have required property 'Type'",
      expect.stringMatching(/^not JSON/),
      "Content-Type must be application/json, got 'text/plain'",
    ]);
    expect(sim.stats().rejectedRequests).toBe(sim.rejectedRequests.length);
  });

  it('answers 404 and 405 outside the definition', async () => {
    expect((await call<ErrorBody>(sim, 'POST', '/nope', { token })).status).toBe(404);
    expect((await call<ErrorBody>(sim, 'GET', '/describeSessions', { token })).status).toBe(405);
  });

  it('frees its ports on close', async () => {
    const other = await startBroker();
    const ports = [other.port, other.resolverPort, other.verifierPort];
    await other.close();
    for (const port of ports) {
      await new Promise<void>((resolve, reject) => {
        const probe = createServer().once('error', reject);
        probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
      });
    }
  });
});

describe('broker simulator: OAuth2 client credentials', () => {
  let sim: BrokerSim;
  beforeAll(async () => {
    sim = await broker({ accessTokenTtlSeconds: 1, clients: [{ id: DEFAULT_CLIENT_ID, password: DEFAULT_CLIENT_PASSWORD }, { id: 'ops', password: 'ops-secret' }] });
  });

  it('issues a Bearer token for good client credentials', async () => {
    const res = await tokenRequest(sim);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.text) as TokenBody;
    expect(body).toEqual({ access_token: expect.stringMatching(/^[\w-]{40,}$/), token_type: 'Bearer', expires_in: 1 });
    expect(sim.clientId).toBe('launcher-test');
    const ops = await tokenRequest(sim, { auth: basic('ops', 'ops-secret') });
    expect(ops.status).toBe(200);
  });

  it('refuses bad or missing client credentials with 401 invalid_client', async () => {
    const before = sim.stats().tokenRefusals;
    for (const auth of [basic(sim.clientId, 'wrong'), basic('nobody', sim.clientPassword), '', 'Bearer x']) {
      const res = await tokenRequest(sim, { auth });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toMatchObject({ error: 'invalid_client' });
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    }
    expect(sim.stats().tokenRefusals - before).toBe(4);
    // Wrong credentials are a user's mistake, not a malformed request.
    expect(sim.rejectedRequests).toEqual([]);
  });

  it('refuses a token request without grant_type in the query or with another media type', async () => {
    expect((await tokenRequest(sim, { query: '' })).status).toBe(400);
    expect(JSON.parse((await tokenRequest(sim, { query: '?grant_type=password' })).text)).toMatchObject({ error: 'unsupported_grant_type' });
    expect((await tokenRequest(sim, { contentType: 'application/json' })).status).toBe(400);
    expect(sim.rejectedRequests.map((r) => r.path)).toEqual(['/oauth2/token', '/oauth2/token', '/oauth2/token']);
  });

  it('answers API calls without a token, with a bad one and with an expired one with 401', async () => {
    const none = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token: null, body: {} });
    expect(none).toMatchObject({ status: 401, body: { error: 'No authorization header' } });
    const bogus = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token: 'not-a-token', body: {} });
    expect(bogus.status).toBe(401);
    expect(bogus.headers['www-authenticate']).toBe('Bearer error="invalid_token"');

    const token = await accessToken(sim);
    expect((await call(sim, 'POST', '/describeSessions', { token, body: {} })).status).toBe(200);
    sim.expireAccessTokens();
    expect((await call(sim, 'POST', '/describeSessions', { token, body: {} })).status).toBe(401);

    const short = await accessToken(sim);
    expect((await call(sim, 'POST', '/describeSessions', { token: short, body: {} })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // expires_in is 1 here
    expect((await call(sim, 'POST', '/describeSessions', { token: short, body: {} })).status).toBe(401);
    expect(sim.stats().unauthorized).toBe(4);
  });

  it('answers 403 for a client made forbidden, and only for that client', async () => {
    const mine = await accessToken(sim);
    const ops = JSON.parse((await tokenRequest(sim, { auth: basic('ops', 'ops-secret') })).text) as TokenBody;
    sim.forbidden(DEFAULT_CLIENT_ID);
    expect(await call<ErrorBody>(sim, 'POST', '/describeSessions', { token: mine, body: {} })).toMatchObject({ status: 403, body: { error: 'Access Denied' } });
    expect((await call(sim, 'POST', '/describeSessions', { token: ops.access_token, body: {} })).status).toBe(200);
    sim.forbidden(DEFAULT_CLIENT_ID, false);
    expect((await call(sim, 'POST', '/describeSessions', { token: mine, body: {} })).status).toBe(200);
    expect(sim.stats().forbidden).toBe(1);
  });

  it('needs no token with authorization disabled', async () => {
    const open = await broker({ authorization: false });
    expect((await call(open, 'POST', '/describeSessions', { token: null, body: {} })).status).toBe(200);
  });
});

describe('broker simulator: describeSessions over a fleet', () => {
  let sim: BrokerSim;
  let token: string;
  beforeAll(async () => {
    sim = await broker({
      servers: [
        { id: 'a', ip: '127.0.0.2', hostname: 'agent-a', port: 8443, webUrlPath: '/', tags: { os: 'linux', site: 'tokyo' } },
        { id: 'b', ip: '127.0.0.3', hostname: 'agent-b', port: 8443, webUrlPath: '/b/', tags: { os: 'windows', site: 'osaka' } },
      ],
    });
    sim.addSessions(2500, (i) => ({ owner: `user${i % 25}`, serverId: i % 2 === 0 ? 'a' : 'b', name: `desk-${i}` }));
    token = await accessToken(sim);
  });

  it('pages 2,500 sessions by 1000 and leaves NextToken out of the last page', async () => {
    const before = sim.stats().pagesServed;
    const { sessions, pages } = await describeAll(sim, token, { MaxResults: 1000 });
    expect(pages).toEqual([1000, 1000, 500]);
    expect(new Set(sessions.map((s) => s.Id)).size).toBe(2500);
    expect(sim.stats().pagesServed - before).toBe(3);
    const last = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { SessionIds: [sessions[0].Id ?? ''] } });
    expect(Object.keys(last.body)).toEqual(['RequestId', 'Sessions']);
  });

  it('uses 50 as the page size when MaxResults is absent', async () => {
    const res = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: {} });
    expect(res.body.Sessions).toHaveLength(50);
    expect(res.body.NextToken).toEqual(expect.any(String));
    const empty = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token });
    expect(empty.body.Sessions).toHaveLength(50);
  });

  it('refuses a NextToken it did not issue, or one from another query', async () => {
    const before = sim.rejectedRequests.length;
    const forged = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, body: { NextToken: 'eyJvZmZzZXQiOjEwMH0' } });
    expect(forged).toMatchObject({ status: 400, body: { error: 'Invalid NextToken' } });
    const first = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { MaxResults: 10 } });
    const other = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, body: { NextToken: first.body.NextToken, Filters: [{ Key: 'owner', Value: 'user1' }] } });
    expect(other.status).toBe(400);
    expect(sim.rejectedRequests.length - before).toBe(2);
  });

  it('filters by owner and by the server tags, and by SessionIds', async () => {
    const owner = await describeAll(sim, token, { Filters: [{ Key: 'owner', Value: 'user3' }], MaxResults: 1000 });
    expect(owner.sessions).toHaveLength(100);
    expect(new Set(owner.sessions.map((s) => s.Owner))).toEqual(new Set(['user3']));

    const windows = await describeAll(sim, token, { Filters: [{ Key: 'tag:os', Value: 'windows' }], MaxResults: 1000 });
    expect(windows.sessions).toHaveLength(1250);
    expect(windows.sessions.every((s) => s.Server?.Tags?.some((t) => t.Key === 'os' && t.Value === 'windows'))).toBe(true);

    const both = await describeAll(sim, token, { Filters: [{ Key: 'owner', Value: 'user3' }, { Key: 'tag:site', Value: 'osaka' }] });
    expect(both.sessions).toHaveLength(50);

    const either = await describeAll(sim, token, { Filters: [{ Key: 'owner', Value: 'user3' }, { Key: 'owner', Value: 'user4' }], MaxResults: 1000 });
    expect(either.sessions).toHaveLength(200);

    const ids = owner.sessions.slice(0, 3).map((s) => s.Id ?? '');
    const byId = await describeAll(sim, token, { SessionIds: [...ids, 'no-such-session'] });
    expect(byId.sessions.map((s) => s.Id)).toEqual(ids);

    const unsupported = await call<ErrorBody>(sim, 'POST', '/describeSessions', { token, body: { Filters: [{ Key: 'state', Value: 'READY' }] } });
    expect(unsupported.status).toBe(400);
  });

  it('describes each session the way the definition has it', async () => {
    const res = await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { MaxResults: 2 } });
    const [a, b] = res.body.Sessions ?? [];
    expect(a).toEqual({
      Id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      Name: 'desk-0',
      Owner: 'user0',
      Type: 'VIRTUAL',
      State: 'READY',
      CreationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      NumOfConnections: 0,
      Server: {
        Id: 'a',
        Ip: '127.0.0.2',
        Hostname: 'agent-a',
        DefaultDnsName: 'agent-a',
        Port: '8443',
        Endpoints: [{ IpAddress: '127.0.0.2', Port: 8443, Protocol: 'HTTP', WebUrlPath: '/' }],
        WebUrlPath: '/',
        Version: expect.any(String),
        SessionManagerAgentVersion: expect.any(String),
        Availability: 'AVAILABLE',
        ConsoleSessionCount: 0,
        VirtualSessionCount: 1250,
        Tags: [
          { Key: 'os', Value: 'linux' },
          { Key: 'site', Value: 'tokyo' },
        ],
      },
    });
    expect(b.Server?.Endpoints?.[0]).toEqual({ IpAddress: '127.0.0.3', Port: 8443, Protocol: 'HTTP', WebUrlPath: '/b/' });
  });

  it('grows to a fleet of 5,000 quickly', async () => {
    const start = Date.now();
    sim.addSessions(2500, (i) => ({ owner: `extra${i % 10}`, serverId: 'b' }));
    expect(Date.now() - start).toBeLessThan(2000);
    expect(sim.sessions()).toHaveLength(5000);
    const { pages } = await describeAll(sim, token, { MaxResults: 1000 });
    expect(pages).toEqual([1000, 1000, 1000, 1000, 1000]);
  });
});

describe('broker simulator: createSessions and deleteSessions', () => {
  let sim: BrokerSim;
  let token: string;
  const create = (items: unknown[]) => call<Schemas['CreateSessionsResponse']>(sim, 'POST', '/createSessions', { token, body: items });
  const remove = (items: unknown[]) => call<Schemas['DeleteSessionsResponse']>(sim, 'POST', '/deleteSessions', { token, body: items });
  const stateOf = async (id: string) =>
    (await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { SessionIds: [id] } })).body.Sessions?.[0]?.State;

  beforeAll(async () => {
    sim = await broker({
      creationDelayMs: 300,
      deletionDelayMs: 300,
      maxSessionsPerOwner: 2,
      servers: [
        { id: 'plain', ip: '127.0.0.2', tags: { os: 'linux', gpu: 'no' } },
        { id: 'gpu', ip: '127.0.0.3', tags: { os: 'linux', gpu: 'yes', team: "o'neil" } },
      ],
    });
    token = await accessToken(sim);
  });

  it('creates a session in CREATING / SESSION_PLACING that becomes READY after the delay', async () => {
    const res = await create([{ Name: 'alice-1', Owner: 'alice', Type: 'virtual' }]);
    expect(res.status).toBe(200);
    expect(res.body.UnsuccessfulList).toEqual([]);
    const [session] = res.body.SuccessfulList ?? [];
    expect(session).toMatchObject({ Name: 'alice-1', Owner: 'alice', Type: 'VIRTUAL', State: 'CREATING', Substate: 'SESSION_PLACING' });
    const id = session.Id ?? '';
    expect(await stateOf(id)).toBe('CREATING');
    const waited = await eventually(async () => (await stateOf(id)) === 'READY', 'READY');
    expect(waited).toBeGreaterThanOrEqual(150);
    const ready = (await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { SessionIds: [id] } })).body.Sessions?.[0];
    expect(ready?.Substate).toBeUndefined();
  });

  it('places by Requirements on the server tags, and reports what cannot be met inside a 200', async () => {
    const res = await create([
      { Name: 'gpu', Owner: 'bob', Type: 'Virtual', Requirements: "gpu = 'yes' and team='o''neil'" },
      { Name: 'nowhere', Owner: 'bob', Type: 'Virtual', Requirements: "gpu = 'maybe'" },
      { Name: 'garbled', Owner: 'carol', Type: 'Virtual', Requirements: 'gpu' },
      { Name: 'remote', Owner: 'carol', Type: 'Remote' },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.SuccessfulList?.map((s) => [s.Name, s.Server?.Id])).toEqual([['gpu', 'gpu']]);
    expect(res.body.UnsuccessfulList?.map((u) => [u.CreateSessionRequestData?.Name, u.FailureReason])).toEqual([
      ['nowhere', expect.stringMatching(/No DCV server available/)],
      ['garbled', expect.stringMatching(/^Invalid Requirements/)],
      ['remote', expect.stringMatching(/Invalid session type 'Remote'/)],
    ]);
  });

  it('refuses an owner beyond maxSessionsPerOwner, and a second console on one server', async () => {
    const res = await create([
      { Name: 'alice-2', Owner: 'alice', Type: 'Virtual' },
      { Name: 'alice-3', Owner: 'alice', Type: 'Virtual' },
      { Name: 'console-1', Owner: 'dave', Type: 'CONSOLE', Requirements: "gpu = 'no'" },
      { Name: 'console-2', Owner: 'erin', Type: 'Console', Requirements: "gpu = 'no'" },
    ]);
    expect(res.body.SuccessfulList?.map((s) => s.Name)).toEqual(['alice-2', 'console-1']);
    expect(res.body.UnsuccessfulList?.map((u) => [u.CreateSessionRequestData?.Name, u.FailureReason])).toEqual([
      ['alice-3', expect.stringMatching(/maximum number of sessions \(2\)/)],
      ['console-2', expect.stringMatching(/No DCV server available/)],
    ]);
  });

  it("deletes the owner's session (DELETING, then gone) and refuses someone else's or an unknown one", async () => {
    const mine = (await create([{ Name: 'frank-1', Owner: 'frank', Type: 'Virtual' }])).body.SuccessfulList?.[0]?.Id ?? '';
    const res = await remove([
      { SessionId: mine, Owner: 'mallory' },
      { SessionId: 'no-such-id', Owner: 'frank' },
      { SessionId: mine, Owner: 'frank', Force: false },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.SuccessfulList).toEqual([{ SessionId: mine, State: 'DELETING' }]);
    expect(res.body.UnsuccessfulList).toEqual([
      { SessionId: mine, FailureReason: 'The requested dcvSession does not exist' },
      { SessionId: 'no-such-id', FailureReason: 'The requested dcvSession does not exist' },
    ]);
    expect(await stateOf(mine)).toBe('DELETING');
    await eventually(async () => (await stateOf(mine)) === undefined, 'the session to go');
    expect(sim.sessions().some((s) => s.id === mine)).toBe(false);
    expect(sim.rejectedRequests).toEqual([]);
  });

  it('lets a test set a state by hand', async () => {
    const id = sim.sessions()[0].id;
    sim.setState(id, 'UNKNOWN', 'agent unreachable');
    const s = (await call<Schemas['DescribeSessionsResponse']>(sim, 'POST', '/describeSessions', { token, body: { SessionIds: [id] } })).body.Sessions?.[0];
    expect(s).toMatchObject({ State: 'UNKNOWN', StateReason: 'agent unreachable' });
  });

  it('answers the other operations with schema-correct bodies', async () => {
    const alice = sim.sessions().find((s) => s.owner === 'alice' && s.state === 'READY');
    expect(alice).toBeDefined();
    const servers = await call<Schemas['DescribeServersResponse']>(sim, 'POST', '/describeServers', { token, body: {} });
    expect(servers.body.Servers?.map((s) => s.Id)).toEqual(['plain', 'gpu']);
    const perms = await call<Schemas['UpdateSessionPermissionsResponse']>(sim, 'PUT', '/sessionPermissions', {
      token,
      body: [
        { SessionId: alice?.id, Owner: 'alice', PermissionsFile: Buffer.from('[permissions]\n').toString('base64') },
        { SessionId: alice?.id, Owner: 'bob', PermissionsFile: '' },
      ],
    });
    expect(perms.body.SuccessfulList).toEqual([{ SessionId: alice?.id }]);
    expect(perms.body.UnsuccessfulList).toHaveLength(1);
    const shots = await call<Schemas['GetSessionScreenshotsResponse']>(sim, 'POST', '/getSessionScreenshots', { token, body: [{ SessionId: alice?.id }, { SessionId: 'nope' }] });
    expect(shots.body.SuccessfulList?.[0]?.SessionScreenshot?.Images?.[0]).toMatchObject({ Format: 'png', Primary: true });
    expect(shots.body.UnsuccessfulList).toHaveLength(1);
    const closed = await call<Schemas['CloseServersResponse']>(sim, 'POST', '/closeServers', { token, body: [{ ServerId: 'gpu', Force: true }, { ServerId: 'x' }] });
    expect(closed.body.SuccessfulList).toEqual([{ ServerId: 'gpu' }]);
    const nowhere = await create([{ Name: 'g', Owner: 'zed', Type: 'Virtual', Requirements: "gpu = 'yes'" }]);
    expect(nowhere.body.UnsuccessfulList).toHaveLength(1);
    const opened = await call<Schemas['OpenServersResponse']>(sim, 'POST', '/openServers', { token, body: [{ ServerId: 'gpu' }] });
    expect(opened.body.SuccessfulList).toEqual([{ ServerId: 'gpu' }]);
  });
});

describe('broker simulator: connection data, resolver and token verifier', () => {
  let sim: BrokerSim;
  let token: string;
  const connectionData = (sessionId: string, user: string) =>
    call<Schemas['GetSessionConnectionDataResponse'] & ErrorBody>(sim, 'GET', `/sessionConnectionData/${encodeURIComponent(sessionId)}/${encodeURIComponent(user)}`, { token });
  const resolve = (query: string) => request(`${sim.resolverUrl}/resolveSession?${query}`, { method: 'POST' });
  const verify = (sessionId: string, authenticationToken: string) =>
    verifyTokenWithBroker(sim.verifierUrl, { sessionId, authenticationToken, clientAddress: '10.213.111.222' }, { ca: sim.certPem });

  beforeAll(async () => {
    sim = await broker({
      servers: [{ id: 'agent-1', ip: '127.0.0.2', port: 8443, webUrlPath: '/', tags: { os: 'linux' } }],
      sessions: [
        { id: 'console', owner: 'alice', type: 'Console' },
        { id: 'other', owner: 'bob' },
        { id: 'creating', owner: 'alice', state: 'CREATING' },
      ],
    });
    token = await accessToken(sim);
  });

  it('gives connection data nested under Session, with a token the verifier accepts for the owner', async () => {
    const res = await connectionData('console', 'alice');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['Session', 'ConnectionToken']);
    expect(res.body.Session).toMatchObject({ Id: 'console', Owner: 'alice', Type: 'CONSOLE', State: 'READY', Server: { Ip: '127.0.0.2', Port: '8443' } });
    const connectionToken = res.body.ConnectionToken ?? '';
    expect(connectionToken).toMatch(/^[\w-]{40,}$/);
    expect(await verify('console', connectionToken)).toEqual({ ok: true, user: 'alice' });
    expect(await verify('other', connectionToken)).toEqual({ ok: false, message: 'authentication token was issued for another session' });
    expect(await verify('console', 'made-up')).toEqual({ ok: false, message: 'unknown authentication token' });
    expect(sim.stats().verifierCalls.map((c) => c.result)).toEqual(['yes', 'no', 'no']);
    expect(sim.stats().connectionTokensIssued).toBe(1);
  });

  it('issues a token for a user who is not the owner; the verifier names that user', async () => {
    const res = await connectionData('console', 'bob');
    expect(res.status).toBe(200);
    expect(await verify('console', res.body.ConnectionToken ?? '')).toEqual({ ok: true, user: 'bob' });
  });

  it('answers 400 with an error body for an unknown session and one that is not READY', async () => {
    expect(await connectionData('nope', 'alice')).toMatchObject({ status: 400, body: { error: 'The requested dcvSession does not exist' } });
    expect(await connectionData('creating', 'alice')).toMatchObject({ status: 400, body: { error: 'The requested dcvSession is not ready (state CREATING)' } });
    // Both are conditions of the world, not malformed requests.
    expect(sim.rejectedRequests).toEqual([]);
  });

  it('resolves a READY session for the Gateway over HTTP, and 404s everything else', async () => {
    const ok = await resolve('sessionId=console&transport=HTTP&clientIpAddress=10.213.111.222');
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ SessionId: 'console', TransportProtocol: 'HTTP', DcvServerEndpoint: '127.0.0.2', Port: 8443, WebUrlPath: '/' });
    for (const query of ['sessionId=console&transport=QUIC&clientIpAddress=1.2.3.4', 'sessionId=nope&transport=HTTP', 'sessionId=creating&transport=HTTP']) {
      const res = await resolve(query);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual({ error: 'The requested combination of transport and sessionId does not exist' });
    }
    expect(sim.stats().resolverCalls).toEqual([
      { sessionId: 'console', transport: 'HTTP', clientIpAddress: '10.213.111.222', status: 200 },
      { sessionId: 'console', transport: 'QUIC', clientIpAddress: '1.2.3.4', status: 404 },
      { sessionId: 'nope', transport: 'HTTP', clientIpAddress: null, status: 404 },
      { sessionId: 'creating', transport: 'HTTP', clientIpAddress: null, status: 404 },
    ]);
  });

  it('refuses a connection token once expired', async () => {
    const res = await connectionData('other', 'bob');
    const connectionToken = res.body.ConnectionToken ?? '';
    expect(await verify('other', connectionToken)).toEqual({ ok: true, user: 'bob' });
    sim.expireConnectionTokens();
    expect(await verify('other', connectionToken)).toEqual({ ok: false, message: 'authentication token expired' });
    const fresh = await connectionData('other', 'bob');
    expect(await verify('other', fresh.body.ConnectionToken ?? '')).toEqual({ ok: true, user: 'bob' });

    const shortLived = await broker({ connectionTokenTtlMs: 200, sessions: [{ id: 's', owner: 'alice' }] });
    const t = await accessToken(shortLived);
    const data = await call<Schemas['GetSessionConnectionDataResponse']>(shortLived, 'GET', '/sessionConnectionData/s/alice', { token: t });
    await new Promise((r) => setTimeout(r, 300));
    const late = await verifyTokenWithBroker(shortLived.verifierUrl, { sessionId: 's', authenticationToken: data.body.ConnectionToken ?? '', clientAddress: '' }, { rejectUnauthorized: false });
    expect(late).toEqual({ ok: false, message: 'authentication token expired' });
  });

  it('can make connection tokens single-use', async () => {
    const strict = await broker({ singleUseConnectionTokens: true, sessions: [{ id: 's', owner: 'alice' }] });
    const t = await accessToken(strict);
    const data = await call<Schemas['GetSessionConnectionDataResponse']>(strict, 'GET', '/sessionConnectionData/s/alice', { token: t });
    const form = { sessionId: 's', authenticationToken: data.body.ConnectionToken ?? '', clientAddress: '' };
    expect(await verifyTokenWithBroker(strict.verifierUrl, form, { ca: strict.certPem })).toEqual({ ok: true, user: 'alice' });
    expect(await verifyTokenWithBroker(strict.verifierUrl, form, { ca: strict.certPem })).toEqual({ ok: false, message: 'unknown authentication token' });
  });

  it("speaks DCV's external authenticator protocol on the wire", async () => {
    const data = await connectionData('console', 'alice');
    const form = new URLSearchParams({ sessionId: 'console', authenticationToken: data.body.ConnectionToken ?? '', clientAddress: '10.0.0.9' }).toString();
    const yes = await request(sim.verifierUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: form });
    expect(yes.status).toBe(200);
    expect(yes.headers['content-type']).toMatch(/^text\/xml/);
    expect(yes.text).toBe('<auth result="yes"><username>alice</username></auth>');
    const wrongType = await request(sim.verifierUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(wrongType.text).toMatch(/^<auth result="no"><message>expected an application\/x-www-form-urlencoded body/);
    expect(sim.rejectedRequests.map((r) => r.listener)).toEqual(['verifier']);
  });

  it('stops verifying tokens of a deleted session', async () => {
    const data = await connectionData('other', 'bob');
    const del = await call<Schemas['DeleteSessionsResponse']>(sim, 'POST', '/deleteSessions', { token, body: [{ SessionId: 'other', Owner: 'bob' }] });
    expect(del.body.SuccessfulList).toHaveLength(1);
    expect(await verify('other', data.body.ConnectionToken ?? '')).toEqual({ ok: false, message: 'session other does not exist' });
  });

  it('reports an unreachable verifier as a refusal that says why', async () => {
    const res = await verifyTokenWithBroker('https://127.0.0.1:1/agent/validate-authentication-token', { sessionId: 's', authenticationToken: 't', clientAddress: '' }, { rejectUnauthorized: false });
    expect(res.ok).toBe(false);
    expect(res.ok ? '' : res.message).toMatch(/ECONNREFUSED/);
  });
});
