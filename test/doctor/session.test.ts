/**
 * diagnoseSession against the Broker simulator, the simulated Connection Gateway (asking the
 * Broker's resolver) and simulated agents (asking the Broker's token verifier): every Broker
 * code, and the Gateway's and the agent's answers to the fresh token, reproduced on loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiagnoseInput } from '../../tunnel/doctor';
import { diagnoseSession, type SessionDiagnoseInput, type SessionDiagnoseOptions } from '../../tunnel/session-manager/doctor-session';
import { createBrokerClient } from '../../tunnel/session-manager/broker-client';
import { BrokerError, type BrokerErrorCode, type SessionSummary } from '../../tunnel/session-manager/types';
import type { Diagnosis, DiagnosisStep } from '../../tunnel/types';
import { freePort } from '../peers/process';
import { startBroker, type BrokerSim } from '../sim/broker';
import { startGateway, type Gateway } from '../sim/gateway';
import { startSimulator, type Simulator } from '../sim/simulator';
import { directBroker, expectStep, SESSION_STEPS, step } from './helpers';
import { checkMessagesAsData } from './messages';

let broker: BrokerSim;
let openBroker: BrokerSim;
/** Knows no session: the Broker a misconfigured Gateway asks. */
let emptyBroker: BrokerSim;
let agentA: Simulator;
/** An agent whose verifier is openBroker's. */
let agentOpen: Simulator;
let agentFull: Simulator;
let gateway: Gateway;
/** A Gateway whose [resolver] url names another Broker: the field's misconfiguration. */
let misconfigured: Gateway;
let downPort: number;

const timeouts = { connectMs: 5000, handshakeMs: 5000, httpMs: 5000 };

beforeAll(async () => {
  const [portA, portFull, portOpen] = await Promise.all([freePort('127.0.0.2'), freePort('127.0.0.3'), freePort('127.0.0.5')]);
  downPort = await freePort('127.0.0.4');
  broker = await startBroker({
    servers: [
      { id: 'agent-A', ip: '127.0.0.2', port: portA, hostname: 'dcv-agent-a' },
      { id: 'agent-full', ip: '127.0.0.3', port: portFull },
      { id: 'agent-down', ip: '127.0.0.4', port: downPort },
    ],
    sessions: [
      { id: 'sess-A', owner: 'alice', serverId: 'agent-A' },
      { id: 'sess-full', owner: 'alice', serverId: 'agent-full', maxConcurrentClients: 1, numOfConnections: 1 },
      { id: 'sess-down', owner: 'carol', serverId: 'agent-down' },
      { id: 'sess-new', owner: 'alice', serverId: 'agent-A', state: 'CREATING', stateReason: 'placing the session' },
    ],
  });
  // enable-authorization = false: no token needed.
  openBroker = await startBroker({
    authorization: false,
    servers: [
      { id: 'agent-A', ip: '127.0.0.2', port: portA },
      { id: 'agent-open', ip: '127.0.0.5', port: portOpen },
    ],
    sessions: [
      { id: 'sess-A', owner: 'alice', serverId: 'agent-A' },
      { id: 'sess-O', owner: 'olga', serverId: 'agent-open' },
    ],
  });
  const verifier = { url: broker.verifierUrl, ca: broker.certPem };
  [agentA, agentFull, agentOpen] = await Promise.all([
    startSimulator({ host: '127.0.0.2', port: portA, name: 'agent-A', sessions: ['sess-A'], authTokenVerifier: verifier, keepaliveMs: 60_000 }),
    startSimulator({ host: '127.0.0.3', port: portFull, name: 'agent-full', sessions: ['sess-full'], authTokenVerifier: verifier, maxConnections: 0, keepaliveMs: 60_000 }),
    startSimulator({ host: '127.0.0.5', port: portOpen, name: 'agent-open', sessions: ['sess-O'], authTokenVerifier: { url: openBroker.verifierUrl, ca: openBroker.certPem }, keepaliveMs: 60_000 }),
  ]);
  gateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem });
  emptyBroker = await startBroker({ sessions: [] });
  misconfigured = await startGateway({ resolverUrl: emptyBroker.resolverUrl, resolverCa: emptyBroker.certPem });
});

afterAll(async () => {
  await Promise.all([gateway?.close(), misconfigured?.close()]);
  await Promise.all([agentA?.close(), agentFull?.close(), agentOpen?.close()]);
  await Promise.all([broker?.close(), openBroker?.close(), emptyBroker?.close()]);
});

/** Through a Gateway: its address and pin, the fresh token and the session id, as the app maps a source with `via: gateway`. */
const viaGateway =
  (g: Gateway) =>
  async (session: SessionSummary, token: string): Promise<DiagnoseInput> => ({
    upstream: { host: g.host, port: g.port, pathPrefix: '/' },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [g.fingerprint] },
    authToken: token,
    sessionId: session.id,
    via: 'gateway',
    timeouts,
  });

/** Straight at the session's server, pinned to the agent that runs there. */
const atServer =
  (agent: Simulator) =>
  async (session: SessionSummary, token: string): Promise<DiagnoseInput> => ({
    upstream: { host: session.server.ip, port: session.server.port ?? 8443, pathPrefix: '/' },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [agent.fingerprint] },
    authToken: token,
    sessionId: session.id,
    timeouts,
  });

function input(extra: Partial<SessionDiagnoseInput> & { sessionId: string }, b: BrokerSim = broker): SessionDiagnoseInput {
  return {
    broker: { ...directBroker(b), timeouts: { connectMs: 5000, handshakeMs: 5000, requestMs: 5000 } },
    routeReason: 'Endpoint → Proxy: Direct',
    target: viaGateway(gateway),
    ...extra,
  };
}

/** diagnoseSession, streamed steps collected, every step's words checked as data, no secret anywhere. */
async function run(i: SessionDiagnoseInput, options: SessionDiagnoseOptions = {}): Promise<{ d: Diagnosis; streamed: DiagnosisStep['id'][]; token?: string }> {
  let token: string | undefined;
  const target: SessionDiagnoseInput['target'] = (s, t) => {
    token = t;
    return i.target(s, t);
  };
  const streamed: DiagnosisStep['id'][] = [];
  const d = await diagnoseSession({ ...i, target }, { ...options, onStep: (s) => streamed.push(s.id) });
  const auth = i.broker.auth;
  checkMessagesAsData(d, [...(token ? [token] : []), ...(auth.kind === 'client-credentials' ? [auth.clientPassword] : [])]);
  return { d, streamed, token };
}

const statuses = (d: Diagnosis) => d.steps.map((s) => `${s.id}:${s.status}`);

describe('diagnoseSession: the whole path', () => {
  it('OK through the Gateway: the Broker\'s steps, then the Gateway\'s path with the fresh token, streamed in order', async () => {
    const before = broker.stats();
    const { d, streamed, token } = await run(input({ sessionId: 'sess-A' }));
    expect(streamed).toEqual(SESSION_STEPS);
    expectStep(d, 'websocket', 'ok', 'OK');
    // The Broker's certificate (CN=dcvsmbroker) does not name 127.0.0.1: pinned, that is information only.
    expect(statuses(d)).toEqual([
      'broker-dns:skip',
      'broker-tcp:ok',
      'broker-proxy:ok',
      'broker-tls:info',
      'broker-token:ok',
      'broker-session:ok',
      'broker-connection:ok',
      'dns:skip',
      'tcp:ok',
      'proxy:ok',
      'tls:info',
      'http:ok',
      'websocket:ok',
    ]);
    expect(step(d, 'broker-proxy').detail.summary).toBe('DIRECT: Endpoint → Proxy: Direct');
    expect(step(d, 'broker-token').summary).toEqual({ code: 'summary.broker.token', params: { clientId: broker.clientId } });
    expect(step(d, 'broker-session').summary).toMatchObject({ code: 'summary.broker.session', params: { sessionId: 'sess-A', state: 'READY', serverIp: '127.0.0.2', serverHostname: 'dcv-agent-a' } });
    // The token: that it came and its length, never itself.
    const connection = step(d, 'broker-connection');
    expect(connection.detail).toEqual({ sessionId: 'sess-A', user: 'alice', tokenReceived: true, tokenLength: token!.length, summary: expect.any(String) });
    expect(connection.summary).toEqual({ code: 'summary.broker.connection', params: { sessionId: 'sess-A', user: 'alice', tokenLength: token!.length } });
    expect(step(d, 'websocket').summary).toMatchObject({ code: 'summary.ws.confirm', params: { path: '/ws', serverName: 'agent-A' } });
    const after = broker.stats();
    expect(after.tokensIssued - before.tokensIssued).toBe(1);
    expect(after.connectionTokensIssued - before.connectionTokensIssued).toBe(1);
    expect(after.verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'yes', user: 'alice' });
    expect(broker.rejectedRequests).toEqual([]);
  });

  it('OK straight at the server, with a Broker that needs no token (broker-token skipped)', async () => {
    const i = input({ sessionId: 'sess-O', target: atServer(agentOpen) }, openBroker);
    i.broker.auth = { kind: 'none' };
    const { d } = await run(i);
    expectStep(d, 'websocket', 'ok', 'OK');
    expect(step(d, 'broker-token')).toMatchObject({ status: 'skip', summary: { code: 'summary.skip.noAuthorization' } });
    expect(openBroker.stats().tokenRequests).toBe(0);
    expect(agentOpen.stats().dcv).toMatchObject({ verifierCalls: 1, verifierAccepted: 1 });
  });
});

describe('diagnoseSession: the Broker', () => {
  it('broker-tls TLS_PIN_MISMATCH: a wrong Broker pin, and no request reached the Broker', async () => {
    const before = broker.stats();
    const i = input({ sessionId: 'sess-A' });
    i.broker.trust = { kind: 'pin', fingerprints: [openBroker.fingerprint] };
    const { d } = await run(i);
    const tls = expectStep(d, 'broker-tls', 'fail', 'TLS_PIN_MISMATCH');
    expect(tls.hint).toMatch(/^The Broker at 127\.0\.0\.1:\d+ presented a different certificate/);
    expect(tls.hint).toContain(broker.fingerprintHex);
    expect(tls.advice?.[0].facts).toMatchObject({ atBroker: true, host: '127.0.0.1', port: broker.port, pins: [openBroker.fingerprint] });
    expect(tls.summary).toMatchObject({ code: 'summary.tls.refused', params: { fingerprint: broker.fingerprintHex, pinned: [openBroker.fingerprint] } });
    const after = broker.stats();
    expect(after.tokenRequests).toBe(before.tokenRequests);
    expect(after.calls).toEqual(before.calls);
  });

  it('broker-tcp TCP_REFUSED: nothing at the Broker port; the hint names the source\'s Broker port', async () => {
    const i = input({ sessionId: 'sess-A' });
    i.broker.broker = { host: '127.0.0.1', port: await freePort() };
    const { d } = await run(i);
    const tcp = expectStep(d, 'broker-tcp', 'fail', 'TCP_REFUSED');
    expect(tcp.hint).toContain('Session Manager source → Broker port');
    expect(tcp.hint).not.toContain('Endpoint → Port');
  });

  it('BROKER_AUTH_FAILED: a wrong client password', async () => {
    const before = broker.stats();
    const i = input({ sessionId: 'sess-A' });
    i.broker.auth = { kind: 'client-credentials', clientId: broker.clientId, clientPassword: 'wrong-password-123' };
    const { d } = await run(i);
    const t = expectStep(d, 'broker-token', 'fail', 'BROKER_AUTH_FAILED');
    expect(statuses(d).slice(0, 4)).toEqual(['broker-dns:skip', 'broker-tcp:ok', 'broker-proxy:ok', 'broker-tls:info']);
    expect(t.hint).toMatch(new RegExp(`"${broker.clientId}"[\\s\\S]*register-api-client --client-name NAME`));
    expect(t.summary).toEqual({ code: 'summary.broker.error', params: { operation: 'token', status: 401 } });
    expect(broker.stats().tokenRefusals - before.tokenRefusals).toBe(1);
    expect(JSON.stringify(d)).not.toContain('wrong-password-123');
  });

  it('BROKER_FORBIDDEN: the client may not describe sessions (403)', async () => {
    broker.forbidden(broker.clientId);
    try {
      const { d } = await run(input({ sessionId: 'sess-A' }));
      const s = expectStep(d, 'broker-session', 'fail', 'BROKER_FORBIDDEN');
      expect(step(d, 'broker-token').status).toBe('ok');
      expect(s.summary).toEqual({ code: 'summary.broker.error', params: { operation: 'describeSessions', status: 403 } });
      expect(s.hint).toMatch(/refused describeSessions \(403\)/);
    } finally {
      broker.forbidden(broker.clientId, false);
    }
  });

  it('SESSION_NOT_FOUND: DescribeSessions does not know the session', async () => {
    const before = broker.stats();
    const { d } = await run(input({ sessionId: 'no-such-session' }));
    const s = expectStep(d, 'broker-session', 'fail', 'SESSION_NOT_FOUND');
    expect(s.summary).toEqual({ code: 'summary.broker.sessionNotFound', params: { sessionId: 'no-such-session' } });
    expect(s.hint).toMatch(/The Broker at 127\.0\.0\.1:\d+ knows no session "no-such-session"/);
    // No connection token is asked for a session that is not there.
    expect(broker.stats().connectionTokensIssued).toBe(before.connectionTokensIssued);
    expect(broker.rejectedRequests).toEqual([]);
  });

  it('SESSION_NOT_READY: a CREATING session, with its state and reason', async () => {
    const { d } = await run(input({ sessionId: 'sess-new' }));
    const s = expectStep(d, 'broker-session', 'fail', 'SESSION_NOT_READY');
    expect(s.detail).toMatchObject({ state: 'CREATING', stateReason: 'placing the session' });
    expect(s.summary).toMatchObject({ code: 'summary.broker.session', params: { state: 'CREATING', stateReason: 'placing the session' } });
    expect(s.advice?.[0].facts).toMatchObject({ sessionState: 'CREATING', stateReason: 'placing the session' });
    expect(s.hint).toMatch(/is CREATING \(placing the session\), not READY[\s\S]*wait/);
  });
});

describe('diagnoseSession: other Broker answers, at the step of the call that got them', () => {
  // The simulator does not fail this way on its own: the real client talks to it, and its answer is replaced.
  const failing = (call: 'describeSessions' | 'getSessionConnectionData', error: BrokerError): SessionDiagnoseOptions['createClient'] => (o) => {
    const real = createBrokerClient(o);
    return {
      ...real,
      [call]: async (...args: never[]) => {
        await (real[call] as (...a: never[]) => Promise<unknown>)(...args);
        throw error;
      },
    };
  };
  const where = () => ({ host: broker.host, port: broker.port });

  it.each<[BrokerErrorCode, number | undefined]>([
    ['BROKER_INVALID_REQUEST', 400],
    ['BROKER_ERROR', 500],
    ['BROKER_BAD_RESPONSE', 200],
    ['BROKER_TIMEOUT', undefined],
  ])('%s from DescribeSessions fails broker-session', async (code, status) => {
    const error = new BrokerError(code, `describeSessions: ${code}`, { ...where(), ...(status ? { status } : {}), operation: 'describeSessions' }, { status });
    const { d } = await run(input({ sessionId: 'sess-A' }), { createClient: failing('describeSessions', error) });
    const s = expectStep(d, 'broker-session', 'fail', code);
    expect(step(d, 'broker-token').status).toBe('ok');
    expect(s.summary).toEqual({ code: 'summary.broker.error', params: { operation: 'describeSessions', status: status ?? null } });
    expect(s.advice?.[0].facts).toMatchObject({ atBroker: true, operation: 'describeSessions', ...(status ? { brokerStatus: status } : {}) });
  });

  it('a connection that breaks on GetSessionConnectionData fails broker-connection with the dial\'s code', async () => {
    const reset = new BrokerError('BROKER_UNREACHABLE', 'reset', { ...where(), reason: 'UPSTREAM_RESET' });
    const { d } = await run(input({ sessionId: 'sess-A' }), { createClient: failing('getSessionConnectionData', reset) });
    const c = expectStep(d, 'broker-connection', 'fail', 'UPSTREAM_RESET');
    expect(c.hint).toMatch(/^The Broker at 127\.0\.0\.1:\d+ closed the connection before answering getSessionConnectionData/);
  });
});

describe('diagnoseSession: the fresh token at the Gateway and the server', () => {
  it('TOKEN_REJECTED: the connection token expires between broker-connection and the websocket step', async () => {
    const i = input({
      sessionId: 'sess-A',
      target: async (session, token) => {
        broker.expireConnectionTokens();
        return viaGateway(gateway)(session, token);
      },
    });
    const { d } = await run(i);
    const w = expectStep(d, 'websocket', 'fail', 'TOKEN_REJECTED');
    expect(step(d, 'broker-connection').status).toBe('ok');
    expect(broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'no', message: 'authentication token expired' });
    // The hint names this Broker's verifier URL.
    expect(w.hint).toContain(`"https://127.0.0.1:8445/agent/validate-authentication-token"`);
    expect(w.advice?.[0].facts).toMatchObject({ brokerHost: '127.0.0.1', brokerPort: broker.port, abortReason: 'AUTHENTICATION_FAILED' });
  });

  it('TOKEN_REJECTED: a server whose auth-token-verifier is another Broker\'s', async () => {
    const i = input({ sessionId: 'sess-A', target: atServer(agentA) }, openBroker);
    i.broker.auth = { kind: 'none' };
    const { d } = await run(i);
    expectStep(d, 'websocket', 'fail', 'TOKEN_REJECTED');
    expect(broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', result: 'no', message: 'unknown authentication token' });
  });

  it('GATEWAY_SESSION_UNRESOLVED: the Gateway\'s [resolver] url names another Broker', async () => {
    const { d } = await run(input({ sessionId: 'sess-A', target: viaGateway(misconfigured) }));
    const w = expectStep(d, 'websocket', 'fail', 'GATEWAY_SESSION_UNRESOLVED');
    expect(misconfigured.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'sess-A', status: 404 });
    expect(w.hint).toContain('[resolver] url = "https://127.0.0.1:8447"');
    expect(w.hint).toContain(`READY on 127.0.0.2 (dcv-agent-a) port ${agentA.port}`);
    expect(w.advice?.[0].facts.sessionServer).toEqual({ ip: '127.0.0.2', hostname: 'dcv-agent-a', port: agentA.port });
  });

  it('GATEWAY_SERVER_UNREACHABLE: the session\'s server does not answer the Gateway', async () => {
    const { d } = await run(input({ sessionId: 'sess-down' }));
    const w = expectStep(d, 'websocket', 'fail', 'GATEWAY_SERVER_UNREACHABLE');
    expect(w.hint).toContain(`127.0.0.4`);
  });

  it('CONNECTION_LIMIT_REACHED: the hint carries the session\'s MaxConcurrentClients from the Broker', async () => {
    const { d } = await run(input({ sessionId: 'sess-full', target: atServer(agentFull) }));
    const w = expectStep(d, 'websocket', 'fail', 'CONNECTION_LIMIT_REACHED');
    expect(w.hint).toContain('MaxConcurrentClients 1, 1 connected');
  });

  it('SESSION_NO_ROUTE: nothing maps the session\'s server to a path (the caller\'s target throws)', async () => {
    const { d } = await run(
      input({
        sessionId: 'sess-A',
        target: async () => {
          throw new Error('no rule of the source names 127.0.0.2 or dcv-agent-a');
        },
      }),
    );
    const s = expectStep(d, 'dns', 'fail', 'SESSION_NO_ROUTE');
    expect(s.summary).toEqual({ code: 'summary.session.noRoute', params: { serverIp: '127.0.0.2', serverHostname: 'dcv-agent-a' } });
    expect(s.hint).toContain('Session Manager source → Open');
  });
});
