/**
 * The websocket step speaking DCV's first messages, against the simulated agents and the
 * simulated Connection Gateway in front of the Broker simulator's resolver: every code the
 * step can end in, reproduced on loopback with real TLS.
 */
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { DiagnoseInput } from '../../tunnel/doctor';
import { freePort } from '../peers/process';
import { startBroker, type BrokerSim } from '../sim/broker';
import { connectionTokenFrom } from '../sim/connection-token';
import { startGateway, type Gateway } from '../sim/gateway';
import { makeSelfSignedCert, fingerprintOf, startSimulator, type Simulator } from '../sim/simulator';
import { diagnose, expectStep, expectWarning, step } from './helpers';

let broker: BrokerSim;
let agent: Simulator;
let gateway: Gateway;
let closingGateway: Gateway;
let downPort: number;
const others: Array<{ close(): Promise<void> | void }> = [];

beforeAll(async () => {
  // The Broker must know the agent's port and the agent its verifier URL: reserve the port first.
  const port = await freePort('127.0.0.2');
  downPort = await freePort('127.0.0.4');
  broker = await startBroker({
    servers: [
      { id: 'agent-A', ip: '127.0.0.2', port },
      { id: 'agent-down', ip: '127.0.0.4', port: downPort },
    ],
    sessions: [
      { id: 'sess-A', owner: 'alice', serverId: 'agent-A' },
      { id: 'sess-down', owner: 'carol', serverId: 'agent-down' },
    ],
  });
  agent = await startSimulator({ host: '127.0.0.2', port, name: 'agent-A', sessions: ['sess-A'], authTokenVerifier: { url: broker.verifierUrl, ca: broker.certPem }, keepaliveMs: 60_000 });
  gateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem });
  closingGateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem, onUnresolved: 'close' });
});

afterAll(async () => {
  await Promise.all(others.map((o) => o.close()));
  await Promise.all([gateway?.close(), closingGateway?.close()]);
  await agent?.close();
  await broker?.close();
});

async function sim(opts: Parameters<typeof startSimulator>[0] = {}): Promise<Simulator> {
  const s = await startSimulator({ keepaliveMs: 60_000, ...opts });
  others.push(s);
  return s;
}

const timeouts = { connectMs: 5000, handshakeMs: 5000, httpMs: 5000 };
function at(peer: { host: string; port: number; fingerprint: string }, extra: Partial<DiagnoseInput> = {}): DiagnoseInput {
  return { upstream: { host: peer.host, port: peer.port, pathPrefix: '/' }, route: 'DIRECT', trust: { kind: 'pin', fingerprints: [peer.fingerprint] }, timeouts, ...extra };
}
const throughGateway = (g: Gateway, extra: Partial<DiagnoseInput> = {}) => at(g, { via: 'gateway', ...extra });
const tokenFor = (sessionId: string, user: string) => connectionTokenFrom(broker, sessionId, user);

describe('websocket without a token: <base>auth, as the web client signs in', () => {
  it('authentication "none": authenticationInit, then saslStart → OK with the session targets', async () => {
    const s = await sim({ sessions: ['console', 'alice-1'] });
    const d = await diagnose(at(s));
    const w = expectStep(d, 'websocket', 'ok', 'OK');
    expect(w.detail.summary).toMatch(/authenticationInit: authentication none; saslStart → authenticationResult OK, 2 sessions$/);
    expect(w.summary).toEqual({ code: 'summary.ws.authResult', params: { path: '/auth', mode: 'none', sessions: 2 } });
    expect(w.detail.dcv).toMatchObject({ received: { authenticationMode: 'none', mechanisms: [] }, sessionTargets: ['console', 'alice-1'] });
    // The targets' tokens stay out of the step.
    expect(JSON.stringify(w)).not.toMatch(/authenticationToken/);
    expect(s.stats().sockets.at(-1)).toMatchObject({ socket: 'auth', outcome: 'OK' });
  });

  it('authentication "system": reports that it asks for a user name and password (PLAIN), and stops there', async () => {
    const s = await sim({ authentication: 'system', users: { alice: 'pw' } });
    const d = await diagnose(at(s));
    const w = expectStep(d, 'websocket', 'ok', 'OK');
    expect(w.detail.summary).toMatch(/authenticationRequest → authenticationInit: asks for a user name and password \(PLAIN\)$/);
    expect(w.summary).toEqual({ code: 'summary.ws.authInit', params: { path: '/auth', mode: 'system', mechanisms: ['PLAIN'] } });
    // No credentials were tried: no result at all.
    expect(s.stats().dcv.authResults).toEqual({ OK: 0, FAIL: 0, REJECT: 0 });
  });

  it('NO_SESSION: authentication "none" on a server with no session (the field\'s blank desktop)', async () => {
    const d = await diagnose(at(await sim({ sessions: [] })));
    const w = expectWarning(d, 'websocket', 'NO_SESSION');
    expect(w.detail.summary).toMatch(/authenticationResult OK, no session$/);
    expect(w.hint).toMatch(/No session is available[\s\S]*dcv create-session[\s\S]*automatic-console-session/);
    expect(w.advice).toEqual([{ code: 'NO_SESSION', facts: expect.objectContaining({ authMode: 'none', mechanisms: [] }) }]);
  });
});

describe('websocket with a token: <base>ws and connectionRequest', () => {
  it('OK at a server: connectionConfirm with the connection id and the server', async () => {
    const s = await sim({ name: 'agent-T', tokens: { console: ['T1'] } });
    const d = await diagnose(at(s, { authToken: 'T1', sessionId: 'console' }));
    const w = expectStep(d, 'websocket', 'ok', 'OK');
    expect(w.detail.dcv).toMatchObject({ sent: 'connectionRequest', sessionId: 'console', received: { kind: 'connectionConfirm', serverInfo: { name: 'agent-T' } } });
    expect(s.stats().sockets.at(-1)).toMatchObject({ socket: 'ws', query: '', channel: 'main', sessionId: 'console', tokenPresent: true, outcome: 'confirmed' });
  });

  it('SESSION_NOT_FOUND at a server: connectionAbort INVALID_SESSION_ID not through a Gateway', async () => {
    const s = await sim({ tokens: { console: ['T1'] } });
    const w = expectStep(await diagnose(at(s, { authToken: 'T1', sessionId: 'other' })), 'websocket', 'fail', 'SESSION_NOT_FOUND');
    expect(w.summary).toEqual({ code: 'summary.ws.abort', params: { path: '/ws', reason: 'INVALID_SESSION_ID' } });
    expect(w.hint).toContain('dcv list-sessions');
  });

  it('TOKEN_REJECTED: an agent whose verifier refuses the token (AUTHENTICATION_FAILED)', async () => {
    const d = await diagnose(at(agent, { authToken: 'not-a-broker-token', sessionId: 'sess-A' }));
    const w = expectStep(d, 'websocket', 'fail', 'TOKEN_REJECTED');
    expect(w.detail.summary).toMatch(/connectionRequest → connectionAbort AUTHENTICATION_FAILED$/);
    expect(broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'no' });
    expect(w.hint).toContain('auth-token-verifier');
  });

  it('CONNECTION_LIMIT_REACHED: one connection more than the server allows', async () => {
    const s = await sim({ tokens: { console: ['T1'] }, maxConnections: 0 });
    const w = expectStep(await diagnose(at(s, { authToken: 'T1', sessionId: 'console' })), 'websocket', 'fail', 'CONNECTION_LIMIT_REACHED');
    expect(w.hint).toContain('MaxConcurrentClients');
    expect(s.stats().dcv.aborts).toEqual({ CONNECTION_LIMIT_REACHED: 1 });
  });
});

describe('websocket through a Connection Gateway', () => {
  it('OK: the Gateway resolves the session, the agent confirms with the Broker\'s token', async () => {
    const token = await tokenFor('sess-A', 'alice');
    const d = await diagnose(throughGateway(gateway, { authToken: token, sessionId: 'sess-A' }));
    const w = expectStep(d, 'websocket', 'ok', 'OK');
    expect(w.summary).toMatchObject({ code: 'summary.ws.confirm', params: { serverName: 'agent-A' } });
    expect(gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', status: 200 });
    expect(JSON.stringify(d)).not.toContain(token);
  });

  it('GATEWAY_TOKEN_MISSING: a Gateway desktop with no token (the field\'s /auth → 404 from ?sessionId=console)', async () => {
    const d = await diagnose(throughGateway(gateway, { sessionId: 'console' }));
    const w = expectStep(d, 'websocket', 'fail', 'GATEWAY_TOKEN_MISSING');
    expect(w.detail).toMatchObject({ status: 404, sent: { path: '/auth' } });
    expect(w.summary).toMatchObject({ code: 'summary.ws.upgrade', params: { path: '/auth', status: 404 } });
    expect(w.hint).toMatch(/Session Manager source[\s\S]*Endpoint → Auth token[\s\S]*#console\), not in \?sessionId=/);
    // Without `via` it is the old, less specific reading.
    expectStep(await diagnose(at(gateway, { sessionId: 'console' })), 'websocket', 'fail', 'WS_NOT_FOUND');
  });

  it('GATEWAY_SESSION_UNRESOLVED: the resolver knows no destination, the Gateway aborts (INVALID_SESSION_ID)', async () => {
    const d = await diagnose(throughGateway(gateway, { authToken: 'T', sessionId: 'no-such-session' }));
    const w = expectStep(d, 'websocket', 'fail', 'GATEWAY_SESSION_UNRESOLVED');
    expect(w.summary).toEqual({ code: 'summary.ws.abort', params: { path: '/ws', reason: 'INVALID_SESSION_ID' } });
    expect(w.advice?.[0].facts).toMatchObject({ abortReason: 'INVALID_SESSION_ID', via: 'gateway', sessionId: 'no-such-session' });
    expect(gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'no-such-session', status: 404 });
  });

  it('GATEWAY_SESSION_UNRESOLVED: the same when the Gateway just closes the socket (what it sends is not confirmed)', async () => {
    const d = await diagnose(throughGateway(closingGateway, { authToken: 'T', sessionId: 'no-such-session' }));
    const w = expectStep(d, 'websocket', 'fail', 'GATEWAY_SESSION_UNRESOLVED');
    expect(w.summary).toEqual({ code: 'summary.ws.closed', params: { path: '/ws', closeCode: 1008, closeReason: null } });
    expect(w.hint).toContain('it closed the socket without an answer');
    expect(closingGateway.stats().closedUnresolved).toBeGreaterThan(0);
  });

  it('GATEWAY_SERVER_UNREACHABLE: the resolver names a server nothing answers on', async () => {
    const token = await tokenFor('sess-down', 'carol');
    const w = expectStep(await diagnose(throughGateway(gateway, { authToken: token, sessionId: 'sess-down' })), 'websocket', 'fail', 'GATEWAY_SERVER_UNREACHABLE');
    expect(w.summary).toEqual({ code: 'summary.ws.abort', params: { path: '/ws', reason: 'SERVER_UNREACHABLE' } });
    expect(gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'sess-down', endpoint: { host: '127.0.0.4', port: downPort } });
  });

  it('TOKEN_REJECTED through the Gateway: an expired connection token, refused by the agent\'s verifier', async () => {
    const token = await tokenFor('sess-A', 'alice');
    broker.expireConnectionTokens();
    const w = expectStep(await diagnose(throughGateway(gateway, { authToken: token, sessionId: 'sess-A' })), 'websocket', 'fail', 'TOKEN_REJECTED');
    expect(broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'no', message: 'authentication token expired' });
    expect(w.hint).toContain('connect-session-token-duration-minutes');
  });

  it('WS_ABORTED: any other reason (a Gateway whose resolver does not answer: INTERNAL_SERVER_ERROR)', async () => {
    const lost = await startGateway({ resolverUrl: `https://127.0.0.1:${await freePort()}`, resolverCa: broker.certPem });
    others.push(lost);
    const w = expectStep(await diagnose(throughGateway(lost, { authToken: 'T', sessionId: 'sess-A' })), 'websocket', 'fail', 'WS_ABORTED');
    expect(w.summary).toEqual({ code: 'summary.ws.abort', params: { path: '/ws', reason: 'INTERNAL_SERVER_ERROR' } });
    expect(w.hint).toContain('INTERNAL_SERVER_ERROR');
  });
});

describe('websocket: servers that do not answer like DCV', () => {
  /** An HTTPS server whose page is 200 and whose /ws and /auth upgrades do `onMessage` with the first message. */
  async function oddServer(onMessage: (ws: import('ws').WebSocket) => void): Promise<{ host: string; port: number; fingerprint: string }> {
    const { key, cert } = makeSelfSignedCert({ cn: 'odd' });
    const server: Server = createHttpsServer({ key, cert }, (_req, res) => res.end('page'));
    const wss = new WebSocketServer({ server, handleProtocols: () => 'dcv' });
    wss.on('connection', (ws) => ws.once('message', () => onMessage(ws)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    others.push({ close: () => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), server.close(() => r()))) });
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port, fingerprint: fingerprintOf(cert) };
  }

  it('WS_CLOSED: a server that closes the socket after the first message, with no answer', async () => {
    const odd = await oddServer((ws) => ws.close(1011, 'nope'));
    const w = expectStep(await diagnose(at(odd, { authToken: 'T', sessionId: 'console' })), 'websocket', 'fail', 'WS_CLOSED');
    expect(w.summary).toEqual({ code: 'summary.ws.closed', params: { path: '/ws', closeCode: 1011, closeReason: 'nope' } });
    expect(w.hint).toContain('(close 1011 "nope")');
  });

  it('WS_UNEXPECTED: a server that answers something that is not a DCV message', async () => {
    const odd = await oddServer((ws) => ws.send('hello'));
    const w = expectStep(await diagnose(at(odd)), 'websocket', 'fail', 'WS_UNEXPECTED');
    expect(w.summary).toEqual({ code: 'summary.ws.unexpected', params: { path: '/auth', kind: 'not-dcv' } });
    expect(String(w.detail.message)).toContain('text message');
  });

  it('UPSTREAM_TIMEOUT: a server that never answers the first message', async () => {
    const odd = await oddServer(() => {});
    const d = await diagnose(at(odd, { authToken: 'T', sessionId: 'console', timeouts: { ...timeouts, httpMs: 800 } }));
    const w = expectStep(d, 'websocket', 'fail', 'UPSTREAM_TIMEOUT');
    expect(w.summary).toEqual({ code: 'summary.ws.noAnswer', params: { path: '/ws' } });
    expect(step(d, 'http').status).toBe('ok');
  });
});
