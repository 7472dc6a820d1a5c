import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSetupServerMessage, encodeSetupClientMessage } from '../../tunnel/session-manager/dcv-messages';
import { startBroker, type BrokerSim } from './broker';
import { connectionTokenFrom } from './connection-token';
import { request } from './http';
import {
  AbortedError,
  AuthFailedError,
  NoSessionError,
  UpgradeRefusedError,
  openAuth,
  openChannel,
  openMain,
  openSocket,
  socketUrl,
  startAuth,
  plainAuthData,
  type MainOptions,
} from './protocol';
import { startSimulator, type Simulator } from './simulator';

const refused = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the upgrade to be refused');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(UpgradeRefusedError);
      return e as UpgradeRefusedError;
    },
  );

/** The AbortedError a main connection or channel was refused with. */
const aborted = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a connectionAbort');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(AbortedError);
      return e as AbortedError;
    },
  );

describe('simulator, normal mode', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-A', keepaliveMs: 200 });
  });
  afterAll(() => sim.close());

  it('serves the page with HSTS, X-Frame-Options and a cookie scoped to the base path', async () => {
    const res = await request(sim.url, { ca: sim.certPem, extra: { checkServerIdentity: () => undefined } });
    expect(res.status).toBe(200);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['set-cookie']).toEqual(['dcvsim=1; Path=/; Secure; HttpOnly']);
    expect(res.text).toContain('<span id="agent">agent-A</span>');
    expect(res.text).toContain('<script src="client.js">');
    const js = await request(new URL('client.js', sim.url).href);
    expect(js.status).toBe(200);
    expect(js.text).toContain("new URL(path, location.href)");
  });

  it('answers /version, 404 elsewhere, and security headers on errors too', async () => {
    const v = await request(new URL('/version', sim.url).href);
    expect(v.status).toBe(200);
    expect(v.text).toContain('agent-A');
    const missing = await request(new URL('/nope', sim.url).href);
    expect(missing.status).toBe(404);
    expect(missing.headers['x-frame-options']).toBe('DENY');
  });

  it('has a self-signed dcv-gateway certificate and both fingerprint forms', () => {
    const x = new X509Certificate(sim.certPem);
    expect(x.subject).toBe('CN=dcv-gateway');
    expect(x.subjectAltName).toBeUndefined();
    expect(sim.fingerprint).toBe('sha256/' + createHash('sha256').update(x.raw).digest('base64'));
    expect(sim.fingerprintHex).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('serves 40 deterministic ~100 KB assets', async () => {
    const a = await request(new URL('assets/0.js', sim.url).href);
    const b = await request(new URL('assets/39.js', sim.url).href);
    const again = await request(new URL('assets/0.js', sim.url).href);
    expect(a.body.length).toBeGreaterThan(100_000);
    expect(a.body.equals(again.body)).toBe(true);
    expect(a.body.equals(b.body)).toBe(false);
    expect((await request(new URL('assets/40.js', sim.url).href)).status).toBe(404);
  });

  it('hashes an upload, echoes headers, redirects login to the Host it was asked as', async () => {
    const body = randomBytes(3 * 1024 * 1024 + 7);
    const up = await request(new URL('upload', sim.url).href, { method: 'POST', body });
    expect(JSON.parse(up.text)).toEqual({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
    const echo = await request(new URL('echo-headers', sim.url).href, { headers: { 'X-Test': 'yes', Host: 'vpce-1.example:60000' } });
    expect(JSON.parse(echo.text)).toMatchObject({ 'x-test': 'yes', host: 'vpce-1.example:60000' });
    const login = await request(new URL('login', sim.url).href, { headers: { Host: 'vpce-1.example:60000' } });
    expect(login.status).toBe(302);
    expect(login.headers.location).toBe('https://vpce-1.example:60000/');
  });

  it('signs in on /auth (none: no mechanism, an empty saslStart) and echoes a 1 MiB message intact', async () => {
    const auth = await openAuth(sim.url);
    expect(auth).toEqual({
      mode: 'none',
      mechanisms: [],
      result: 'OK',
      retriesLeft: 0,
      sessionTargets: [{ sessionId: 'console', authenticationToken: expect.stringMatching(/^[\w-]{32}$/) }],
    });
    // A fresh token every time.
    expect((await openAuth(sim.url)).sessionTargets[0].authenticationToken).not.toBe(auth.sessionTargets[0].authenticationToken);
    const ch = await openChannel(sim.url, 'echo');
    const payload = randomBytes(1024 * 1024);
    expect((await ch.echo(payload)).equals(payload)).toBe(true);
    await ch.close();
  });

  it('streams 8 MiB with a matching SHA-256', async () => {
    const ch = await openChannel(sim.url, 'stream', { bytes: 8 * 1024 * 1024 });
    const r = await ch.receiveStream();
    expect(r.bytes).toBe(8 * 1024 * 1024);
    expect(r.serverBytes).toBe(r.bytes);
    expect(r.messages).toBe(128);
    expect(r.sha256).toBe(r.serverSha256);
    await ch.close();
  });

  it('confirms a main connection and four channels on it, records where each landed, and counts them', async () => {
    await expect.poll(() => sim.stats().openSockets).toBe(0); // earlier tests' sockets finish closing
    const before = sim.stats();
    const main = await openMain(sim.url);
    expect(main.agent).toBe('agent-A');
    expect(main.sessionId).toBe('console');
    expect(main.confirm).toEqual({
      kind: 'connectionConfirm',
      connectionId: expect.any(Number),
      serverInfo: { name: 'agent-A', version: { major: 2024, minor: 0, revision: 0 }, os: 'linux', arch: 'x86_64', hostname: 'agent-A' },
      protocolVersion: { major: 1, minor: 0 },
    });
    expect(main.landed).toEqual({
      agent: 'agent-A',
      socket: 'ws',
      path: '/ws',
      query: '',
      host: `127.0.0.1:${sim.port}`,
      origin: `https://127.0.0.1:${sim.port}`,
      channel: 'main',
      sessionId: 'console',
      tokenPresent: true,
      connectionId: main.confirm.connectionId,
      outcome: 'confirmed',
    });
    const names = ['display', 'input', 'clipboard', 'audio'] as const;
    const others = await Promise.all(names.map((c) => openChannel(sim.url, c, { main })));
    expect(others.map((o) => o.landed?.channel)).toEqual([...names]);
    for (const o of others) {
      expect(o.confirm).toEqual({ kind: 'channelConnectionConfirm', channelConnectionId: expect.any(Number), protocolVersion: { major: 1, minor: 0 }, encryption: false });
      expect(o.landed).toMatchObject({ agent: 'agent-A', path: '/ws', connectionId: main.confirm.connectionId, channelConnectionId: o.confirm.channelConnectionId, outcome: 'confirmed' });
      expect(o.agent).toBe('agent-A');
    }
    await expect.poll(() => sim.stats().openSockets).toBe(5); // the /auth socket closed, main + 4 channels open
    const during = sim.stats();
    expect(during.upgrades).toBe(before.upgrades + 6);
    expect(during.byPath['/auth']).toBe((before.byPath['/auth'] ?? 0) + 1);
    expect(during.byPath['/ws']).toBe((before.byPath['/ws'] ?? 0) + 5);
    expect(during.lastQuery).toBe('');
    expect(during.dcv.connections).toBe(1);
    expect(during.sockets.slice(-6).map((l) => `${l.socket} ${l.channel ?? ''} ${l.outcome}`).sort()).toEqual(
      ['auth  OK', 'ws audio confirmed', 'ws clipboard confirmed', 'ws display confirmed', 'ws input confirmed', 'ws main confirmed'].sort(),
    );
    // The main socket is the connection: closing it ends every channel on it.
    const closed = others.map((o) => new Promise<number>((resolve) => o.ws.once('close', resolve)));
    await main.close();
    expect(await Promise.all(closed)).toEqual([1000, 1000, 1000, 1000]);
    await expect.poll(() => sim.stats().openSockets).toBe(0);
    expect(sim.stats().dcv.connections).toBe(0);
  });

  it('pings open sockets every keepaliveMs', async () => {
    const s = await openSocket(socketUrl(sim.url, 'ws'));
    await new Promise<void>((resolve) => s.ws.once('ping', () => resolve()));
    await s.close();
  });

  it('refuses an upgrade without the dcv subprotocol (400) and at other paths (404)', async () => {
    const { default: WebSocket } = await import('ws');
    const status = (url: string, protocols: string[]) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(url, protocols, { rejectUnauthorized: false, origin: 'https://x' });
        ws.on('unexpected-response', (_q, res) => (resolve(res.statusCode ?? 0), res.resume()));
        ws.on('open', () => reject(new Error('opened')));
        ws.on('error', () => {});
      });
    expect(await status(socketUrl(sim.url, 'ws'), ['other'])).toBe(400);
    expect(await status(new URL('/elsewhere', socketUrl(sim.url, 'ws')).href, ['dcv'])).toBe(404);
  });

  it('aborts a first message that is not a dcv.setup ClientMessage with PROTOCOL_ERROR, then closes (1008)', async () => {
    const s = await openSocket(socketUrl(sim.url, 'ws'));
    await s.send(Buffer.from('nonsense'));
    expect(decodeSetupServerMessage(await s.next())).toEqual({ kind: 'connectionAbort', reason: 2 });
    await expect(s.next()).rejects.toThrow(/1008 PROTOCOL_ERROR/);
    expect(sim.stats().sockets.at(-1)).toMatchObject({ socket: 'ws', outcome: 'PROTOCOL_ERROR' });
  });
});

describe('simulator, locked-down regexes and a web-url-path', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      host: '127.0.0.2',
      name: 'agent-B',
      webUrlPath: '/dcv/',
      hostRegex: '^(10\\.213\\.66\\.188|vpce-.*\\.vpce\\.amazonaws\\.com)$',
      originRegex: '^https://(10\\.213\\.66\\.188|vpce-.*\\.vpce\\.amazonaws\\.com)(:[0-9]+)?$',
    });
  });
  afterAll(() => sim.close());
  const goodHost = '10.213.66.188:60000';

  it('answers 403 to a Host outside the regex and serves one inside it (port ignored)', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+\/dcv\/$/);
    expect((await request(sim.url)).status).toBe(403);
    const ok = await request(sim.url, { headers: { Host: goodHost } });
    expect(ok.status).toBe(200);
    expect(ok.headers['set-cookie']).toEqual(['dcvsim=1; Path=/dcv/; Secure; HttpOnly']);
    expect((await request(new URL('/', sim.url).href, { headers: { Host: goodHost } })).status).toBe(404);
    expect(sim.stats().rejected).toBeGreaterThanOrEqual(1);
  });

  it('answers 403 to an upgrade whose Host or Origin is outside the regex', async () => {
    const headers = { Host: goodHost };
    expect((await refused(openMain(sim.url, { headers, origin: 'https://127.0.0.2:8443' }))).statusCode).toBe(403);
    expect(sim.stats().lastOrigin).toBe('https://127.0.0.2:8443');
    const badHost = await refused(openMain(sim.url, { origin: 'https://10.213.66.188:60000' }));
    expect(badHost.statusCode).toBe(403);
    const main = await openMain(sim.url, { headers, origin: 'https://10.213.66.188:60000' });
    expect(main.landed).toMatchObject({ agent: 'agent-B', path: '/dcv/ws', host: goodHost, origin: 'https://10.213.66.188:60000' });
    await main.close();
  });
});

describe('simulator modes', () => {
  it('verifier: /auth upgrade answers 302 to the broker; /ws still works with a token', async () => {
    const sim = await startSimulator({ mode: 'verifier', tokens: { console: ['T'] } });
    try {
      const e = await refused(openAuth(sim.url));
      expect(e.statusCode).toBe(302);
      expect(e.headers.location).toMatch(/^https:\/\//);
      const ch = await openChannel(sim.url, 'display', { sessionId: 'console', authToken: 'T' });
      await ch.close();
    } finally {
      await sim.close();
    }
  });

  it('gateway: page served, /auth answers 404, /ws works with a token', async () => {
    const sim = await startSimulator({ mode: 'gateway', tokens: { console: ['T'] } });
    try {
      expect((await request(sim.url)).status).toBe(200);
      expect((await refused(openAuth(sim.url))).statusCode).toBe(404);
      const main = await openMain(sim.url, { sessionId: 'console', authToken: 'T' });
      await main.close();
    } finally {
      await sim.close();
    }
  });

  it('uses the certificate validity it is given', async () => {
    const notBefore = new Date(Date.now() - 400 * 86400_000);
    const notAfter = new Date(Date.now() - 35 * 86400_000);
    const sim = await startSimulator({ certValidity: { notBefore, notAfter } });
    try {
      expect(new Date(new X509Certificate(sim.certPem).validTo).getTime()).toBe(Math.floor(notAfter.getTime() / 1000) * 1000);
    } finally {
      await sim.close();
    }
  });

  it('rejects a bad webUrlPath or regex with a clear error', async () => {
    await expect(startSimulator({ webUrlPath: 'dcv' })).rejects.toThrow(/webUrlPath/);
    await expect(startSimulator({ hostRegex: '(' })).rejects.toThrow(/hostRegex/);
  });

  it('close() ends open sockets and frees the port', async () => {
    const sim = await startSimulator({ host: '127.0.0.3' });
    const ch = await openChannel(sim.url, 'echo');
    const closed = new Promise((resolve) => ch.ws.once('close', resolve));
    await sim.close();
    await closed;
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once('error', reject).listen(sim.port, '127.0.0.3', resolve));
    await new Promise((resolve) => again.close(resolve));
  });
});

describe('simulator, DCV first messages on <base>ws', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ name: 'agent-D', sessions: ['console', 'other'], tokens: { console: ['tok123'] }, keepaliveMs: 60_000 });
  });
  afterAll(() => sim.close());

  it('a connection request for a session the server does not have: INVALID_SESSION_ID, then 1008', async () => {
    const e = await aborted(openMain(sim.url, { sessionId: 'nope', authToken: 'tok123' }));
    expect(e.reasonName).toBe('INVALID_SESSION_ID');
    expect(e.reason).toBe(10);
    expect(sim.stats().sockets.at(-1)).toMatchObject({ channel: 'main', sessionId: 'nope', tokenPresent: true, outcome: 'INVALID_SESSION_ID' });
    // The socket itself: the abort, then the close.
    const s = await openSocket(socketUrl(sim.url, 'ws'));
    await s.send(encodeSetupClientMessage({ kind: 'connectionRequest', sessionId: 'nope', authenticationToken: 'x' }));
    expect(decodeSetupServerMessage(await s.next())).toEqual({ kind: 'connectionAbort', reason: 10 });
    await expect(s.next()).rejects.toThrow(/1008 INVALID_SESSION_ID/);
  });

  it('a token this agent never issued, an empty one, or one issued for another session: AUTHENTICATION_FAILED', async () => {
    expect((await aborted(openMain(sim.url, { sessionId: 'console', authToken: 'forged' }))).reasonName).toBe('AUTHENTICATION_FAILED');
    expect((await aborted(openMain(sim.url, { sessionId: 'console', authToken: '' }))).reasonName).toBe('AUTHENTICATION_FAILED');
    expect(sim.stats().sockets.at(-1)).toMatchObject({ tokenPresent: false, outcome: 'AUTHENTICATION_FAILED' });
    const auth = await openAuth(sim.url);
    expect(auth.sessionTargets.map((t) => t.sessionId)).toEqual(['console', 'other']);
    const consoleToken = auth.sessionTargets[0].authenticationToken;
    expect((await aborted(openMain(sim.url, { sessionId: 'other', authToken: consoleToken }))).reasonName).toBe('AUTHENTICATION_FAILED');
    // The same token for its own session, and a preset one (a fixed launch URL's), are accepted.
    const ok = await openMain(sim.url, { sessionId: 'console', authToken: consoleToken });
    const preset = await openMain(sim.url, { sessionId: 'console', authToken: 'tok123' });
    expect(ok.confirm.connectionId).not.toBe(preset.confirm.connectionId);
    await Promise.all([ok.close(), preset.close()]);
    // Without a token, openMain signs in and takes the session asked for.
    const other = await openMain(sim.url, { sessionId: 'other' });
    expect(other.landed).toMatchObject({ sessionId: 'other', outcome: 'confirmed' });
    await other.close();
    await expect(openMain(sim.url, { sessionId: 'absent' })).rejects.toBeInstanceOf(NoSessionError);
    expect(sim.stats().dcv.aborts.AUTHENTICATION_FAILED).toBe(3);
  });

  it('a channel needs a live connection id of its session and that connection’s token', async () => {
    const main = await openMain(sim.url);
    const wrongId = await aborted(openChannel(sim.url, 'display', { main, connectionId: main.confirm.connectionId + 7 }));
    expect(wrongId.reasonName).toBe('INVALID_CONNECTION_ID');
    expect(sim.stats().sockets.at(-1)).toMatchObject({ channel: 'display', connectionId: main.confirm.connectionId + 7, outcome: 'INVALID_CONNECTION_ID' });
    expect((await aborted(openChannel(sim.url, 'display', { main, sessionId: 'other' }))).reasonName).toBe('INVALID_CONNECTION_ID');
    expect((await aborted(openChannel(sim.url, 'display', { main, sessionId: 'nope' }))).reasonName).toBe('INVALID_SESSION_ID');
    expect((await aborted(openChannel(sim.url, 'display', { main, authToken: 'tok123' }))).reasonName).toBe('AUTHENTICATION_FAILED');
    expect((await aborted(openChannel(sim.url, 'webcam', { main }))).reasonName).toBe('PROTOCOL_ERROR');
    expect((await aborted(openChannel(sim.url, 'stream', { main, extensionData: '{"bytes":-1}' }))).reasonName).toBe('PROTOCOL_ERROR');
    const fs = await openChannel(sim.url, 'filestorage', { main });
    expect(fs.landed).toMatchObject({ channel: 'filestorage', outcome: 'confirmed' });
    await fs.close();
    // Once the main connection is gone, so is its id.
    await main.close();
    await expect.poll(() => sim.stats().dcv.connections).toBe(0);
    expect((await aborted(openChannel(sim.url, 'display', { main }))).reasonName).toBe('INVALID_CONNECTION_ID');
  });

  it('a paced stream delivers every byte with its hash; a rate that is not a positive number is refused', async () => {
    const main = await openMain(sim.url);
    const ch = await openChannel(sim.url, 'stream', { main, bytes: 300_000, rate: 50 * 1024 * 1024 });
    const got = await ch.receiveStream();
    expect(got).toMatchObject({ bytes: 300_000, serverBytes: 300_000, sha256: got.serverSha256 });
    await ch.close();
    for (const rate of ['0', '-5', '"fast"']) {
      expect((await aborted(openChannel(sim.url, 'stream', { main, extensionData: `{"bytes":10,"rate":${rate}}` }))).reasonName).toBe('PROTOCOL_ERROR');
    }
    await main.close();
  });

  it('dropConnections destroys every socket, upgraded or not, and keeps listening', async () => {
    const main = await openMain(sim.url);
    const ch = await openChannel(sim.url, 'display', { main });
    expect(sim.dropConnections()).toBeGreaterThanOrEqual(2);
    await expect(ch.next(5_000)).rejects.toThrow(/closed/);
    await expect(main.next(5_000)).rejects.toThrow(/closed/);
    const again = await openMain(sim.url);
    expect(again.agent).toBe(main.agent);
    await again.close();
  });

  it('an echo channel sends back every message byte for byte, including ones shaped like DCV messages', async () => {
    const ch = await openChannel(sim.url, 'echo');
    const dcvShaped = Buffer.from(encodeSetupClientMessage({ kind: 'connectionRequest', sessionId: 'console', authenticationToken: 'x' }));
    await ch.send(dcvShaped);
    expect((await ch.next()).equals(dcvShaped)).toBe(true);
    await ch.close();
  });
});

describe('simulator, connection limit', () => {
  it('maxConnections: one more main connection is aborted with CONNECTION_LIMIT_REACHED', async () => {
    const sim = await startSimulator({ maxConnections: 1 });
    try {
      const first = await openMain(sim.url);
      expect((await aborted(openMain(sim.url))).reasonName).toBe('CONNECTION_LIMIT_REACHED');
      // Channels on the connection that holds the slot are not connections.
      const ch = await openChannel(sim.url, 'echo', { main: first });
      await ch.close();
      await first.close();
      await expect.poll(() => sim.stats().dcv.connections).toBe(0);
      const again = await openMain(sim.url);
      await again.close();
      expect(sim.stats().dcv.aborts).toEqual({ CONNECTION_LIMIT_REACHED: 1 });
    } finally {
      await sim.close();
    }
  });
});

describe('simulator, /auth with system authentication', () => {
  let sim: Simulator;
  const users = { alice: 'w0nder:l@nd%', bob: 'builder' };
  beforeAll(async () => {
    sim = await startSimulator({ authentication: 'system', users, sessions: ['alice-desk'] });
  });
  afterAll(() => sim.close());

  it('offers PLAIN and accepts the right password', async () => {
    const auth = await openAuth(sim.url, { user: 'alice', password: users.alice });
    expect(auth).toMatchObject({ mode: 'system', mechanisms: ['PLAIN'], result: 'OK', sessionTargets: [{ sessionId: 'alice-desk' }] });
    const main = await openMain(sim.url, { user: 'bob', password: users.bob });
    expect(main.sessionId).toBe('alice-desk');
    await main.close();
  });

  it('a wrong password: FAIL with 3, 2, 1 retries left, then REJECT and the socket closed', async () => {
    expect(await openAuth(sim.url, { user: 'alice', password: 'wrong' })).toMatchObject({ result: 'FAIL', retriesLeft: 3, sessionTargets: [] });
    const s = await startAuth(sim.url);
    const attempts = [];
    for (let i = 0; i < 4; i++) attempts.push(await s.attempt('PLAIN', plainAuthData('alice', `guess-${i}`)));
    expect(attempts.map((a) => `${a.result} ${a.retriesLeft}`)).toEqual(['FAIL 3', 'FAIL 2', 'FAIL 1', 'REJECT 0']);
    await expect(s.next()).rejects.toThrow(/1008/);
    // A right password after a FAIL on the same socket gets in.
    const again = await startAuth(sim.url);
    expect((await again.attempt('PLAIN', plainAuthData('nobody', 'x'))).result).toBe('FAIL');
    expect((await again.attempt('GSSAPI')).result).toBe('FAIL');
    expect(await again.attempt('PLAIN', plainAuthData('bob', users.bob))).toMatchObject({ result: 'OK', sessionTargets: [{ sessionId: 'alice-desk' }] });
    await again.close();
    await expect(openAuth(sim.url)).rejects.toThrow(/pass user and password/);
    await expect(openMain(sim.url, { user: 'alice', password: 'wrong' })).rejects.toBeInstanceOf(AuthFailedError);
    expect(sim.stats().dcv.authResults).toMatchObject({ REJECT: 1 });
  });
});

describe('simulator without a session', () => {
  it('/auth says OK with no session target (“No session is available”)', async () => {
    const sim = await startSimulator({ sessions: [] });
    try {
      expect(await openAuth(sim.url)).toMatchObject({ result: 'OK', sessionTargets: [] });
      const e = await openMain(sim.url).then(
        () => expect.unreachable('no session to connect to'),
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NoSessionError);
      expect((e as Error).message).toBe('No session is available');
      expect((await aborted(openMain(sim.url, { sessionId: 'console', authToken: 'T' }))).reasonName).toBe('INVALID_SESSION_ID');
    } finally {
      await sim.close();
    }
  });
});

describe('simulator with the Broker as auth-token-verifier', () => {
  let broker: BrokerSim;
  let sim: Simulator;
  let unreachable: Simulator;
  beforeAll(async () => {
    broker = await startBroker({ sessions: [{ id: 'sess-1', owner: 'alice' }] });
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-V', sessions: ['sess-1'], authTokenVerifier: { url: broker.verifierUrl, ca: broker.certPem } });
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    unreachable = await startSimulator({ sessions: ['sess-1'], authTokenVerifier: { url: `https://127.0.0.1:${closedPort}/agent/validate-authentication-token` } });
  });
  afterAll(async () => {
    await sim?.close();
    await unreachable?.close();
    await broker?.close();
  });
  const via = (token: string): MainOptions => ({ sessionId: 'sess-1', authToken: token });

  it('/auth answers 302 to the verifier (the field’s symptom)', async () => {
    const e = await refused(openAuth(sim.url));
    expect(e.statusCode).toBe(302);
    expect(e.headers.location).toBe(broker.verifierUrl);
  });

  it('a Broker connection token opens main and channels; the Broker was asked once, with the client address', async () => {
    const token = await connectionTokenFrom(broker, 'sess-1', 'alice');
    const main = await openMain(sim.url, via(token));
    expect(main.agent).toBe('agent-V');
    const ch = await openChannel(sim.url, 'echo', { main });
    expect((await ch.echo(Buffer.from('verified'))).toString()).toBe('verified');
    await ch.close();
    await main.close();
    expect(sim.stats().dcv).toMatchObject({ verifierCalls: 1, verifierAccepted: 1 });
    expect(broker.stats().verifierCalls).toEqual([{ sessionId: 'sess-1', clientAddress: '127.0.0.1', result: 'yes', user: 'alice' }]);
  });

  it('a forged or expired token: the Broker says no, the agent aborts AUTHENTICATION_FAILED', async () => {
    expect((await aborted(openMain(sim.url, via('forged')))).reasonName).toBe('AUTHENTICATION_FAILED');
    const token = await connectionTokenFrom(broker, 'sess-1', 'alice');
    broker.expireConnectionTokens();
    expect((await aborted(openMain(sim.url, via(token)))).reasonName).toBe('AUTHENTICATION_FAILED');
    expect(broker.stats().verifierCalls.slice(-2).map((c) => `${c.result} ${c.message}`)).toEqual(['no unknown authentication token', 'no authentication token expired']);
  });

  it('a verifier nobody answers: AUTHENTICATION_FAILED', async () => {
    const token = await connectionTokenFrom(broker, 'sess-1', 'alice');
    expect((await aborted(openMain(unreachable.url, via(token)))).reasonName).toBe('AUTHENTICATION_FAILED');
    expect(unreachable.stats().dcv).toMatchObject({ verifierCalls: 1, verifierAccepted: 0 });
  });
});
