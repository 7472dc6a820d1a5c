/**
 * The Connection Gateway simulator with the Broker simulator as its resolver and two simulated
 * agents (127.0.0.2, 127.0.0.3) that check tokens with the Broker's verifier; real TLS all the
 * way, real Chromium for the page.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSetupServerMessage, encodeSetupClientMessage } from '../../tunnel/session-manager/dcv-messages';
import { needBinaries } from '../peers/binaries';
import { expectDesktopConnected, launchChromium, screenshotPath, spkiHashOfCert } from '../peers/chromium';
import { freePort } from '../peers/process';
import { startBroker, type BrokerSim } from './broker';
import { connectionTokenFrom } from './connection-token';
import { startGateway, type Gateway } from './gateway';
import { request } from './http';
import { AbortedError, UpgradeRefusedError, openAuth, openChannel, openMain, openSocket, socketUrl, type MainOptions } from './protocol';
import { startSimulator, type Simulator } from './simulator';

let broker: BrokerSim;
let agentA: Simulator;
let agentB: Simulator;
let gateway: Gateway;
let downPort: number;

beforeAll(async () => {
  // The Broker must know the agents' ports and the agents its verifier URL: reserve the ports first.
  const [portA, portB] = await Promise.all([freePort('127.0.0.2'), freePort('127.0.0.3')]);
  downPort = await freePort('127.0.0.4'); // nothing listens there: a server that is down
  broker = await startBroker({
    servers: [
      { id: 'agent-A', ip: '127.0.0.2', port: portA },
      { id: 'agent-B', ip: '127.0.0.3', port: portB },
      { id: 'agent-down', ip: '127.0.0.4', port: downPort },
    ],
    sessions: [
      { id: 'sess-A', owner: 'alice', serverId: 'agent-A' },
      { id: 'sess-B', owner: 'bob', serverId: 'agent-B' },
      { id: 'sess-down', owner: 'carol', serverId: 'agent-down' },
    ],
  });
  const verifier = { url: broker.verifierUrl, ca: broker.certPem };
  [agentA, agentB] = await Promise.all([
    startSimulator({ host: '127.0.0.2', port: portA, name: 'agent-A', sessions: ['sess-A'], authTokenVerifier: verifier }),
    startSimulator({ host: '127.0.0.3', port: portB, name: 'agent-B', sessions: ['sess-B'], authTokenVerifier: verifier }),
  ]);
  gateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem });
});

afterAll(async () => {
  await gateway?.close();
  await Promise.all([agentA?.close(), agentB?.close()]);
  await broker?.close();
});

const tokenFor = (sessionId: string, user: string) => connectionTokenFrom(broker, sessionId, user);
const via = (sessionId: string, authToken: string): MainOptions => ({ sessionId, authToken });
const aborted = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('expected a connectionAbort'),
    (e: unknown) => {
      expect(e).toBeInstanceOf(AbortedError);
      return (e as AbortedError).reasonName;
    },
  );

describe('the Connection Gateway simulator', () => {
  it('serves the web client page ([web-resources]) and answers 404 to an /auth upgrade', async () => {
    const page = await request(gateway.url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<script src="client.js">');
    expect((await request(`${gateway.url}client.js`)).text).toContain('DcvCodec');
    const e = await openAuth(gateway.url).then(
      () => expect.unreachable('/auth has nothing to route'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(UpgradeRefusedError);
    expect((e as UpgradeRefusedError).statusCode).toBe(404);
    expect(gateway.stats().byPath['/auth']).toBe(1);
    expect(gateway.stats().resolverCalls).toEqual([]);
  });

  it('a READY session’s token: main and every channel relayed to its agent, echo intact end to end', async () => {
    const token = await tokenFor('sess-A', 'alice');
    const before = gateway.stats();
    const main = await openMain(gateway.url, via('sess-A', token));
    expect(main.agent).toBe('agent-A');
    // The agent saw the Gateway's upgrade, the browser's Origin passed on, and the first message unchanged.
    expect(main.landed).toMatchObject({ agent: 'agent-A', path: '/ws', host: `127.0.0.2:${agentA.port}`, origin: `https://127.0.0.1:${gateway.port}`, sessionId: 'sess-A', tokenPresent: true });
    const names = ['display', 'input', 'clipboard', 'audio', 'filestorage'] as const;
    const channels = await Promise.all(names.map((n) => openChannel(gateway.url, n, { main })));
    for (const ch of channels) expect(ch.landed).toMatchObject({ agent: 'agent-A', connectionId: main.confirm.connectionId, outcome: 'confirmed' });
    const echo = await openChannel(gateway.url, 'echo', { main });
    const payload = randomBytes(256 * 1024);
    expect((await echo.echo(payload)).equals(payload)).toBe(true);

    const after = gateway.stats();
    const calls = after.resolverCalls.slice(before.resolverCalls.length);
    expect(calls).toHaveLength(7);
    for (const c of calls) expect(c).toEqual({ sessionId: 'sess-A', clientIpAddress: '127.0.0.1', status: 200, endpoint: { host: '127.0.0.2', port: agentA.port, webUrlPath: '/' } });
    expect(broker.stats().resolverCalls.slice(-7).every((c) => c.sessionId === 'sess-A' && c.transport === 'HTTP' && c.clientIpAddress === '127.0.0.1' && c.status === 200)).toBe(true);
    expect(after.relayed - before.relayed).toBe(7);
    expect(after.openRelays).toBe(7);
    // Only the main connection's token went to the Broker; channels are checked against the connection.
    expect(agentA.stats().dcv).toMatchObject({ verifierCalls: 1, verifierAccepted: 1 });

    // Another session is routed to its own agent.
    const mainB = await openMain(gateway.url, via('sess-B', await tokenFor('sess-B', 'bob')));
    expect(mainB.agent).toBe('agent-B');
    await mainB.close();

    await Promise.all([echo, ...channels].map((c) => c.close()));
    await main.close();
    await expect.poll(() => gateway.stats().openRelays).toBe(0);
    await expect.poll(() => agentA.stats().openSockets).toBe(0);
  });

  it('an unknown session: connectionAbort INVALID_SESSION_ID from the Gateway (the resolver said 404)', async () => {
    expect(await aborted(openMain(gateway.url, via('no-such-session', 'T')))).toBe('INVALID_SESSION_ID');
    expect(gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'no-such-session', status: 404 });
    expect(gateway.stats().aborts.INVALID_SESSION_ID).toBe(1);
    // What the client sees on the wire: the abort, then a close.
    const s = await openSocket(socketUrl(gateway.url, 'ws'));
    await s.send(encodeSetupClientMessage({ kind: 'connectionRequest', sessionId: 'no-such-session', authenticationToken: 'T' }));
    expect(decodeSetupServerMessage(await s.next())).toEqual({ kind: 'connectionAbort', reason: 10 });
    await expect(s.next()).rejects.toThrow(/1008/);
  });

  it('an unknown session, onUnresolved "close": the socket just closes, no message', async () => {
    const closing = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem, onUnresolved: 'close' });
    try {
      const e = await openMain(closing.url, via('no-such-session', 'T')).then(
        () => expect.unreachable('the socket should close'),
        (err: unknown) => err,
      );
      expect(e).not.toBeInstanceOf(AbortedError);
      expect((e as Error).message).toMatch(/socket closed: 1008/);
      expect(closing.stats()).toMatchObject({ closedUnresolved: 1, aborts: {} });
    } finally {
      await closing.close();
    }
  });

  it('an expired connection token: AUTHENTICATION_FAILED from the agent, relayed through the Gateway', async () => {
    const token = await tokenFor('sess-A', 'alice');
    broker.expireConnectionTokens();
    const gatewayAborts = gateway.stats().aborts;
    expect(await aborted(openMain(gateway.url, via('sess-A', token)))).toBe('AUTHENTICATION_FAILED');
    expect(agentA.stats().dcv.aborts.AUTHENTICATION_FAILED).toBe(1);
    expect(gateway.stats().aborts).toEqual(gatewayAborts); // the agent's abort, not the Gateway's
    expect(broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'no', message: 'authentication token expired' });
    // A fresh token works again.
    const main = await openMain(gateway.url, via('sess-A', await tokenFor('sess-A', 'alice')));
    await main.close();
  });

  it('a session whose server is down: connectionAbort SERVER_UNREACHABLE', async () => {
    expect(await aborted(openMain(gateway.url, via('sess-down', await tokenFor('sess-down', 'carol'))))).toBe('SERVER_UNREACHABLE');
    expect(gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'sess-down', status: 200, endpoint: { host: '127.0.0.4', port: downPort } });
    expect(gateway.stats().aborts.SERVER_UNREACHABLE).toBe(1);
  });

  it('a first message that is no dcv.setup ClientMessage: PROTOCOL_ERROR; a resolver nobody answers: INTERNAL_SERVER_ERROR', async () => {
    const s = await openSocket(socketUrl(gateway.url, 'ws'));
    await s.send(Buffer.from('not a DCV message'));
    expect(decodeSetupServerMessage(await s.next())).toEqual({ kind: 'connectionAbort', reason: 2 });
    const lost = await startGateway({ resolverUrl: `https://127.0.0.1:${await freePort()}`, resolverCa: broker.certPem });
    try {
      expect(await aborted(openMain(lost.url, via('sess-A', 'T')))).toBe('INTERNAL_SERVER_ERROR');
      expect(lost.stats().resolverCalls[0]).toMatchObject({ sessionId: 'sess-A', status: 0, error: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await lost.close();
    }
  });
});

describe.skipIf(!needBinaries('chromium'))('the web client page through the Gateway (real Chromium)', () => {
  it('?authToken=…#sess-B: no /auth, the main connection and every channel reach agent B', async () => {
    const browser = await launchChromium({ spkiHashes: [spkiHashOfCert(gateway.certPem)] });
    try {
      const token = await tokenFor('sess-B', 'bob');
      const before = agentB.stats();
      const authBefore = gateway.stats().byPath['/auth'] ?? 0;
      const page = await browser.newPage();
      await page.goto(`${gateway.url}?authToken=${encodeURIComponent(token)}#sess-B`);
      await expectDesktopConnected(page, { agent: 'agent-B', session: 'sess-B' });
      expect(gateway.stats().byPath['/auth'] ?? 0).toBe(authBefore); // with a token the client skips /auth
      const landed = agentB.stats().sockets.slice(before.sockets.length);
      expect(landed.map((l) => `${l.channel} ${l.outcome}`).sort()).toEqual(['audio confirmed', 'clipboard confirmed', 'display confirmed', 'input confirmed', 'main confirmed']);
      await page.screenshot({ path: screenshotPath('gateway-chromium') });
      await page.close();
      await expect.poll(() => agentB.stats().openSockets).toBe(0);
    } finally {
      await browser.close();
    }
  });
});
