/**
 * dcv-tunnel's Session Manager commands as a user runs them (child processes) against the
 * Broker simulator: `sessions` over every page, `BROKER --session ID` through a Gateway (a plain
 * DCV simulator stands in for it: what matters here is the URL the page lands on) and at the
 * session's own server, each failure's code and exit status, and the connection token never
 * printed.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../peers/process';
import { startBroker, verifyTokenWithBroker, type BrokerSim } from '../sim/broker';
import { makeSelfSignedCert } from '../sim/cert';
import { startGateway } from '../sim/gateway';
import { request } from '../sim/http';
import { openMain } from '../sim/protocol';
import { startSimulator, type Simulator } from '../sim/simulator';
import { cli, killLiveClis, type Run } from './cli-run';

const certDir = mkdtempSync(join(tmpdir(), 'dcv-tunnel-cli-broker-'));
const WRONG_PIN = 'sha256/' + Buffer.alloc(32, 9).toString('base64');

let broker: BrokerSim;
/** Stands in for the Connection Gateway: serves the page at /desk/ and records the query it got. */
let gateway: Simulator;
/** The server of 'sess-direct', on its own loopback address as the Broker reports it. */
let server: Simulator;

beforeAll(async () => {
  [gateway, server] = await Promise.all([startSimulator({ name: 'gateway-stand-in', webUrlPath: '/desk/' }), startSimulator({ host: '127.0.0.2', name: 'agent-B' })]);
  broker = await startBroker({
    servers: [
      // Behind the Gateway: an address the launcher could not reach itself.
      { id: 'behind-gw', ip: '10.255.0.1', hostname: 'ip-10-255-0-1', port: 8443, webUrlPath: '/desk/', tags: { os: 'linux' } },
      { id: 'agent-b', ip: '127.0.0.2', hostname: 'agent-b', port: server.port, webUrlPath: '/', tags: { os: 'windows' } },
    ],
    sessions: [
      { id: 'sess-gw', name: 'alice-desk', owner: 'alice', serverId: 'behind-gw' },
      { id: 'sess-direct', name: 'os-user-desk', owner: userInfo().username, serverId: 'agent-b' },
      { id: 'sess-creating', owner: 'alice', serverId: 'behind-gw', state: 'CREATING' },
    ],
  });
  broker.addSessions(2500, (i) => ({ owner: 'fleet', name: `fleet-${i}`, serverId: i % 2 ? 'behind-gw' : 'agent-b', lastDisconnectionTime: i === 0 ? new Date('2025-05-01T00:00:00Z') : undefined }));
});
afterEach(() => {
  expect(broker.rejectedRequests).toEqual([]);
});
afterAll(async () => {
  killLiveClis();
  await Promise.all([broker?.close(), gateway?.close(), server?.close()]);
  rmSync(certDir, { recursive: true, force: true });
});

const BROKER = () => ['--broker', broker.url, '--broker-pin', broker.fingerprint, '--client-id', broker.clientId];
const ENV = () => ({ DCV_BROKER_CLIENT_PASSWORD: broker.clientPassword });

/** Opens a launch URL like a browser: the 302's Location and cookie, and the local certificate's fingerprint and SPKI hash. */
function launch(url: string): Promise<{ location: string; cookie: string; fingerprint: string; spki: string }> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { rejectUnauthorized: false }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerX509Certificate() as X509Certificate;
      res.resume();
      resolve({
        location: res.headers.location ?? '',
        cookie: (res.headers['set-cookie']?.[0] ?? '').split(';')[0],
        fingerprint: 'sha256/' + createHash('sha256').update(cert.raw).digest('base64'),
        spki: createHash('sha256').update(cert.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'),
      });
    }).on('error', reject);
  });
}

/** The token as it rides on the entry page. */
function tokenOf(location: string): string {
  const token = new URL(location, 'https://x/').searchParams.get('authToken');
  if (!token) throw new Error(`no authToken in ${location}`);
  return token;
}

function neverPrinted(r: Run, ...secrets: string[]): void {
  const all = r.stdout() + r.stderr();
  for (const s of [...secrets, broker.clientPassword]) expect(all).not.toContain(s);
  expect(all).not.toMatch(/authToken/);
}

async function stop(r: Run): Promise<void> {
  r.child.kill('SIGTERM');
  expect(await r.exited).toBe(0);
}

describe('dcv-tunnel sessions', () => {
  it('--json: ONE line with every page of 2,500 sessions', async () => {
    const pagesBefore = broker.stats().pagesServed;
    const r = cli(['sessions', ...BROKER(), '--owner', 'fleet', '--proxy', 'direct', '--json'], ENV());
    expect(await r.exited).toBe(0);
    expect(r.stdout().trimEnd().split('\n')).toHaveLength(1);
    const [line] = r.lines;
    expect(line.event).toBe('sessions');
    const sessions = line.sessions as Array<Record<string, unknown>>;
    expect(sessions).toHaveLength(2500);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(2500);
    expect(broker.stats().pagesServed - pagesBefore).toBe(3);
    const first = sessions.find((s) => s.name === 'fleet-0')!;
    expect(Object.keys(first)).toEqual(['id', 'name', 'owner', 'type', 'state', 'server', 'tags', 'lastDisconnectionTime']);
    expect(first).toEqual({
      id: expect.any(String),
      name: 'fleet-0',
      owner: 'fleet',
      type: 'VIRTUAL',
      state: 'READY',
      server: { ip: '127.0.0.2', hostname: 'agent-b', port: server.port },
      tags: { os: 'windows' },
      lastDisconnectionTime: '2025-05-01T00:00:00.000Z',
    });
    expect(sessions.find((s) => s.name === 'fleet-1')).not.toHaveProperty('lastDisconnectionTime');
    expect(r.stderr()).toBe('');
  });

  it('text: a table, filtered by owner and tag, the Broker named through --resolve', async () => {
    const name = 'broker.sm.test';
    const r = cli(['sessions', '--broker', `https://${name}:${broker.port}`, '--resolve', `${name}:${broker.port}:127.0.0.1`, '--broker-pin', broker.fingerprintHex, '--client-id', broker.clientId, '--owner', 'alice', '--tag', 'os=linux', '--proxy', 'direct'], ENV());
    expect(await r.exited).toBe(0);
    const lines = r.stdout().trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+OWNER\s+TYPE\s+STATE\s+SERVER\s+TAGS$/);
    expect(lines.slice(1, -1).map((l) => l.split(/\s+/)[0]).sort()).toEqual(['sess-creating', 'sess-gw']);
    expect(r.stdout()).toMatch(/^sess-gw\s+alice-desk\s+alice\s+VIRTUAL\s+READY\s+10\.255\.0\.1:8443\s+os=linux$/m);
    expect(r.stdout()).toMatch(/^sess-creating\s+\S+\s+alice\s+VIRTUAL\s+CREATING\s+10\.255\.0\.1:8443\s+os=linux$/m);
    expect(lines.at(-1)).toBe('2 sessions');
  });
});

describe('dcv-tunnel BROKER --session ID', () => {
  it('--gateway: a fresh token for --owner, ready with spki, the page lands on <gateway><WebUrlPath>?authToken=…#ID', async () => {
    const issued = broker.stats().connectionTokensIssued;
    const r = cli([...BROKER(), '--session', 'sess-gw', '--owner', 'alice', '--gateway', `https://127.0.0.1:${gateway.port}`, '--pin', gateway.fingerprint, '--proxy', 'direct', '--cert-dir', certDir, '--json'], ENV());
    const ready = await r.nextLine((l) => l.event === 'ready');
    expect(r.lines[0]).toBe(ready);
    expect(Object.keys(ready)).toEqual(['event', 'url', 'port', 'fingerprint', 'spki']);
    expect(ready.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${ready.port as number}/__launch/[A-Za-z0-9_-]{43}$`));
    expect(broker.stats().connectionTokensIssued - issued).toBe(1);

    const opened = await launch(ready.url as string);
    expect(opened.fingerprint).toBe(ready.fingerprint);
    expect(opened.spki).toBe(ready.spki);
    expect(opened.location).toMatch(/^\/desk\/\?authToken=[^#&]+#sess-gw$/);
    const token = tokenOf(opened.location);

    // The page through the tunnel: the Gateway got exactly ?authToken=<token> at WebUrlPath.
    const page = await request(`https://127.0.0.1:${ready.port as number}${opened.location.split('#')[0]}`, { headers: { Cookie: opened.cookie } });
    expect(page.status).toBe(200);
    expect(gateway.stats().lastQuery).toBe(`?authToken=${encodeURIComponent(token)}`);
    expect(gateway.stats().byPath['/desk/']).toBeGreaterThan(0);
    // …and it is the Broker's token for alice and this session.
    expect(await verifyTokenWithBroker(broker.verifierUrl, { sessionId: 'sess-gw', authenticationToken: token, clientAddress: '127.0.0.1' }, { ca: broker.certPem })).toEqual({ ok: true, user: 'alice' });

    await stop(r);
    neverPrinted(r, token, encodeURIComponent(token));
  });

  it("without --gateway: the session's server (Server.Ip:Server.Port), the token for the OS user", async () => {
    const r = cli([...BROKER(), '--session', 'sess-direct', '--pin', server.fingerprint, '--proxy', 'direct', '--cert-dir', certDir, '--json'], ENV());
    const ready = await r.nextLine((l) => l.event === 'ready');
    const opened = await launch(ready.url as string);
    expect(opened.location).toMatch(/^\/\?authToken=[^#&]+#sess-direct$/);
    const token = tokenOf(opened.location);
    const page = await request(`https://127.0.0.1:${ready.port as number}/?authToken=${encodeURIComponent(token)}`, { headers: { Cookie: opened.cookie } });
    expect(page.status).toBe(200);
    expect(server.stats().lastQuery).toBe(`?authToken=${encodeURIComponent(token)}`);
    expect(server.stats().lastHost).toBe(`127.0.0.2:${server.port}`);
    expect(await verifyTokenWithBroker(broker.verifierUrl, { sessionId: 'sess-direct', authenticationToken: token, clientAddress: '127.0.0.1' }, { ca: broker.certPem })).toEqual({
      ok: true,
      user: userInfo().username,
    });
    await stop(r);
    neverPrinted(r, token);
  });

  it('text mode: readable lines that name the session, never the token', async () => {
    const r = cli([...BROKER(), '--session', 'sess-gw', '--user', 'alice', '--gateway', `https://127.0.0.1:${gateway.port}`, '--pin', gateway.fingerprintHex, '--proxy', 'direct', '--cert-dir', certDir], ENV());
    const [, url] = await r.waitFor(/ready: open (https:\/\/127\.0\.0\.1:\d+\/__launch\/\S+)/);
    expect(r.stdout()).toMatch(/^session sess-gw "alice-desk" of alice \(READY\), token for alice: opening through the Gateway https:\/\/127\.0\.0\.1:\d+, https:\/\/127\.0\.0\.1:\d+\/desk\/#sess-gw$/m);
    expect(r.stdout()).toMatch(/^route DIRECT \(--proxy direct\)/m);
    expect(r.stdout()).toMatch(/SPKI [A-Za-z0-9+/]{43}=/);
    const token = tokenOf((await launch(url)).location);
    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    neverPrinted(r, token);
  });

  it.each([
    ['an unknown session', 'SESSION_NOT_FOUND', undefined, { session: 'no-such-session' }],
    ['a session not READY', 'SESSION_NOT_READY', undefined, { session: 'sess-creating' }],
    ['a wrong --broker-pin', 'BROKER_UNREACHABLE', 'TLS_PIN_MISMATCH', { brokerPin: WRONG_PIN }],
    ["the Gateway's certificate not the pinned one", 'TLS_PIN_MISMATCH', undefined, { pin: WRONG_PIN }],
  ])('%s → {"event":"error","code":"%s"} (cause %s), exit 1', async (_name, code, cause, over: { session?: string; brokerPin?: string; pin?: string }) => {
    const r = cli(
      [
        ...['--broker', broker.url, '--broker-pin', over.brokerPin ?? broker.fingerprint, '--client-id', broker.clientId],
        ...['--session', over.session ?? 'sess-gw', '--gateway', `https://127.0.0.1:${gateway.port}`, '--pin', over.pin ?? gateway.fingerprint],
        ...['--proxy', 'direct', '--cert-dir', certDir, '--json'],
      ],
      ENV(),
    );
    expect(await r.exited).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toEqual({ event: 'error', code, message: expect.any(String), ...(cause ? { cause } : {}) });
    expect(r.stderr()).toContain(`dcv-tunnel: ${code}: `);
    neverPrinted(r);
  });

  it('a wrong client password → BROKER_AUTH_FAILED, exit 1, after one token request', async () => {
    const before = broker.stats().tokenRequests;
    const r = cli([...BROKER(), '--session', 'sess-gw', '--proxy', 'direct', '--json'], { DCV_BROKER_CLIENT_PASSWORD: 'not-the-password' });
    expect(await r.exited).toBe(1);
    expect(r.lines).toEqual([{ event: 'error', code: 'BROKER_AUTH_FAILED', message: expect.stringMatching(/refused the client id and password/) }]);
    expect(broker.stats().tokenRequests - before).toBe(1);
    expect(r.stdout() + r.stderr()).not.toContain('not-the-password');
  });

  it('a client the Broker forbids → BROKER_FORBIDDEN, exit 1', async () => {
    broker.forbidden(broker.clientId);
    try {
      const r = cli([...BROKER(), '--session', 'sess-gw', '--proxy', 'direct', '--json'], ENV());
      expect(await r.exited).toBe(1);
      expect(r.lines[0]).toMatchObject({ event: 'error', code: 'BROKER_FORBIDDEN' });
    } finally {
      broker.forbidden(broker.clientId, false);
    }
  });

  it('no --broker-pin: the system store does not know the Broker → BROKER_UNREACHABLE (TLS_UNTRUSTED)', async () => {
    const r = cli(['--broker', broker.url, '--client-id', broker.clientId, '--session', 'sess-gw', '--proxy', 'direct', '--json'], ENV());
    expect(await r.exited).toBe(1);
    expect(r.lines[0]).toMatchObject({ event: 'error', code: 'BROKER_UNREACHABLE', cause: 'TLS_UNTRUSTED' });
  });

  it.each([
    ['--client-id without DCV_BROKER_CLIENT_PASSWORD', [...['--broker', 'https://127.0.0.1:1', '--client-id', 'c'], '--session', 'x'], /DCV_BROKER_CLIENT_PASSWORD/],
    ['--broker without --session', ['--broker', 'https://127.0.0.1:1'], /--session ID/],
    ['doctor BROKER without --session', ['doctor', '--broker', 'https://127.0.0.1:1'], /--session ID/],
  ])('%s → exit 2', async (_name, argv, message) => {
    const r = cli(argv);
    expect(await r.exited).toBe(2);
    expect(r.stderr()).toMatch(message);
  });
});

describe('the whole way: Broker → Connection Gateway simulator → DCV agent', () => {
  it('the tunnel opens the Gateway; the DCV client on the page connects with the token, the Gateway resolves, the agent verifies it with the Broker', async () => {
    // The agent asks the Broker's verifier, and the Broker lists the agent: fix the verifier's port and certificate first.
    const brokerCert = makeSelfSignedCert({ cn: 'dcvsmbroker' });
    const verifierPort = await freePort('127.0.0.1');
    const agent = await startSimulator({
      host: '127.0.0.3',
      name: 'agent-C',
      sessions: ['sess-chain'],
      authTokenVerifier: { url: `https://127.0.0.1:${verifierPort}/agent/validate-authentication-token`, ca: brokerCert.cert },
    });
    const sm = await startBroker({
      cert: brokerCert,
      verifierPort,
      // Only the Gateway reaches the agent in the field; here it is on loopback all the same.
      servers: [{ id: 'agent-c', ip: '127.0.0.3', port: agent.port }],
      sessions: [{ id: 'sess-chain', owner: 'alice', serverId: 'agent-c' }],
    });
    const gw = await startGateway({ resolverUrl: sm.resolverUrl, resolverCa: sm.certPem });
    try {
      const r = cli(
        ['--broker', sm.url, '--broker-pin', sm.fingerprint, '--client-id', sm.clientId, '--session', 'sess-chain', '--user', 'alice', '--gateway', `https://127.0.0.1:${gw.port}`, '--pin', gw.fingerprint, '--proxy', 'direct', '--cert-dir', certDir, '--json'],
        { DCV_BROKER_CLIENT_PASSWORD: sm.clientPassword },
      );
      const ready = await r.nextLine((l) => l.event === 'ready');
      const opened = await launch(ready.url as string);
      expect(opened.location).toMatch(/^\/\?authToken=[^#&]+#sess-chain$/);
      const token = tokenOf(opened.location);
      expect((await request(`https://127.0.0.1:${ready.port as number}/?authToken=${encodeURIComponent(token)}`, { headers: { Cookie: opened.cookie } })).status).toBe(200);
      // What the web client does with ?authToken=…#session: straight to <base>ws with both.
      const main = await openMain(`https://127.0.0.1:${ready.port as number}/`, { sessionId: 'sess-chain', authToken: token, headers: { Cookie: opened.cookie } });
      try {
        expect(main.agent).toBe('agent-C');
        expect(main.landed).toMatchObject({ agent: 'agent-C', socket: 'ws', sessionId: 'sess-chain', tokenPresent: true, outcome: 'confirmed' });
        expect(gw.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'sess-chain', status: 200 });
        expect(sm.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-chain', result: 'yes', user: 'alice' });
      } finally {
        await main.close();
      }
      await stop(r);
      neverPrinted(r, token);

      // The doctor walks the same way: the Broker's steps, then the Gateway with a fresh token
      // and DCV's first message, and prints no token.
      const d = cli(
        ['doctor', '--broker', sm.url, '--broker-pin', sm.fingerprint, '--client-id', sm.clientId, '--session', 'sess-chain', '--user', 'alice', '--gateway', `https://127.0.0.1:${gw.port}`, '--pin', gw.fingerprint, '--proxy', 'direct', '--json'],
        { DCV_BROKER_CLIENT_PASSWORD: sm.clientPassword },
      );
      expect(await d.exited).toBe(0);
      const report = d.lines.at(-1) as { ok: boolean; steps: Array<{ id: string; status: string; code: string }> };
      expect(report.ok).toBe(true);
      expect(report.steps.map((x) => x.id)).toEqual(['broker-dns', 'broker-tcp', 'broker-proxy', 'broker-tls', 'broker-token', 'broker-session', 'broker-connection', 'dns', 'tcp', 'proxy', 'tls', 'http', 'websocket']);
      expect(report.steps.find((x) => x.id === 'websocket')).toMatchObject({ status: 'ok', code: 'OK' });
      const issued = sm.stats().connectionTokensIssued;
      expect(issued).toBeGreaterThanOrEqual(2);
      expect(d.stdout() + d.stderr()).not.toContain(sm.clientPassword);
      expect(sm.rejectedRequests).toEqual([]);
    } finally {
      await Promise.all([gw.close(), agent.close(), sm.close()]);
    }
  });
});
