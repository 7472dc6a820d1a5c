/**
 * runSessionDoctor: a Session Manager session's diagnosis printed like `dcv-tunnel doctor`'s
 * (the same table, hints and JSON line), called directly with a fake terminal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSessionDoctor } from '../../tunnel/doctor-cli';
import type { SessionDiagnoseInput } from '../../tunnel/session-manager/doctor-session';
import { BrokerError, type BrokerClient } from '../../tunnel/session-manager/types';
import { freePort } from '../peers/process';
import { startBroker, type BrokerSim } from '../sim/broker';
import { startGateway, type Gateway } from '../sim/gateway';
import { startSimulator, type Simulator } from '../sim/simulator';
import { directBroker, SESSION_STEPS } from './helpers';

let broker: BrokerSim;
let agent: Simulator;
let gateway: Gateway;

beforeAll(async () => {
  const port = await freePort('127.0.0.2');
  broker = await startBroker({ servers: [{ id: 'agent-A', ip: '127.0.0.2', port }], sessions: [{ id: 'sess-A', owner: 'alice', serverId: 'agent-A' }] });
  agent = await startSimulator({ host: '127.0.0.2', port, name: 'agent-A', sessions: ['sess-A'], authTokenVerifier: { url: broker.verifierUrl, ca: broker.certPem }, keepaliveMs: 60_000 });
  gateway = await startGateway({ resolverUrl: broker.resolverUrl, resolverCa: broker.certPem });
});

afterAll(async () => {
  await gateway?.close();
  await agent?.close();
  await broker?.close();
});

function fakeIo(env: NodeJS.ProcessEnv = {}) {
  let out = '';
  return { io: { env, write: (t: string) => void (out += t) }, text: () => out };
}

function input(sessionId: string, tokens: string[] = []): SessionDiagnoseInput {
  return {
    broker: directBroker(broker),
    routeReason: '--proxy direct',
    sessionId,
    target: async (session, token) => {
      tokens.push(token);
      return {
        upstream: { host: gateway.host, port: gateway.port, pathPrefix: '/' },
        route: 'DIRECT',
        routeReason: '--proxy direct',
        trust: { kind: 'pin', fingerprints: [gateway.fingerprint] },
        authToken: token,
        sessionId: session.id,
        via: 'gateway',
      };
    },
  };
}

describe('runSessionDoctor', () => {
  it('text: the Broker\'s rows, then the Gateway\'s, aligned; exit 0; no token or client password printed', async () => {
    const { io, text } = fakeIo({ HTTPS_PROXY: 'http://proxy.corp.example:8080' });
    const tokens: string[] = [];
    const code = await runSessionDoctor(input('sess-A', tokens), io, { json: false });
    const out = text();
    expect(code, out).toBe(0);
    expect(out).toMatch(new RegExp(`^dcv-tunnel doctor: session sess-A via the Broker at https://127\\.0\\.0\\.1:${broker.port}/\\n`));
    const rows = out.split('\n').filter((l) => /^ {2}[✓ℹ⚠✗–] /.test(l));
    expect(rows.map((r) => r.slice(4).split(/\s+/)[0])).toEqual(SESSION_STEPS);
    // One id column for every row: the codes start at the same place.
    expect(new Set(rows.map((r) => r.indexOf(r.slice(4).split(/\s+/)[1], 4))).size).toBe(1);
    expect(out).toMatch(/✓ broker-connection\s+OK.*connection token for alice \(\d+ characters\)/);
    expect(out).toMatch(/✓ websocket\s+OK.*connectionConfirm/);
    // The environment's proxy would take a plain browser to the Broker and the Gateway: said for both.
    expect(out).toMatch(/ℹ broker-proxy\s+SYSTEM_PROXY_WOULD_INTERCEPT/);
    expect(out).toMatch(/ℹ proxy\s+SYSTEM_PROXY_WOULD_INTERCEPT/);
    expect(out).toContain('OK, with notes');
    expect(tokens).toHaveLength(1);
    expect(out).not.toContain(tokens[0]);
    expect(out).not.toContain(broker.clientPassword);
  });

  it('--json: one line with all thirteen steps; exit 1 and the failing step for an unknown session', async () => {
    const { io, text } = fakeIo();
    const code = await runSessionDoctor(input('no-such-session'), io, { json: true });
    expect(code).toBe(1);
    const lines = text().trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]) as { ok: boolean; steps: Array<{ id: string; status: string; code: string; hint?: string; summary?: { code: string } }> };
    expect(out.ok).toBe(false);
    expect(out.steps.map((s) => s.id)).toEqual(SESSION_STEPS);
    expect(out.steps.find((s) => s.id === 'broker-session')).toMatchObject({ status: 'fail', code: 'SESSION_NOT_FOUND', summary: { code: 'summary.broker.sessionNotFound' } });
    expect(text()).not.toContain(broker.clientPassword);
  });

  it('takes an injected Broker client (the CLI\'s tests), and prints the failure and its hint', async () => {
    const refusing: BrokerClient = {
      describeSessions: () => Promise.reject(new BrokerError('BROKER_AUTH_FAILED', 'refused', { host: broker.host, port: broker.port, status: 401, step: 'token' }, { status: 401 })),
      getSessionConnectionData: () => Promise.reject(new Error('not called')),
      createSessions: () => Promise.reject(new Error('not called')),
      deleteSessions: () => Promise.reject(new Error('not called')),
      reset: () => {},
    };
    const { io, text } = fakeIo();
    const code = await runSessionDoctor(input('sess-A'), io, { json: false, createClient: () => refusing });
    expect(code).toBe(1);
    expect(text()).toContain('FAILED at broker-token (BROKER_AUTH_FAILED)');
    expect(text()).toMatch(/✗ broker-token — BROKER_AUTH_FAILED\n {4}.*register-api-client/);
  });
});
