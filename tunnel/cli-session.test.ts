import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError, type SessionCliArgs, type SessionsCliArgs } from './cli-args';
import { resolveBroker, sessionJson, sessionsTable, tokenUser } from './cli-session';
import type { SessionSummary } from './session-manager/types';

const PIN = 'sha256/' + Buffer.alloc(32, 3).toString('base64');
const sessionsArgs = (argv: string[]) => parseCliArgs(['sessions', ...argv]) as SessionsCliArgs;
const sessionArgs = (argv: string[]) => parseCliArgs(argv) as SessionCliArgs;

describe('resolveBroker', () => {
  it('client credentials from DCV_BROKER_CLIENT_PASSWORD, the Broker pin, --resolve, the route for the Broker\'s URL', async () => {
    const args = sessionsArgs(['--broker', 'https://broker.corp:8448', '--broker-pin', PIN, '--client-id', 'launcher', '--resolve', 'broker.corp:8448:10.0.0.9']);
    const r = await resolveBroker(args, { env: { DCV_BROKER_CLIENT_PASSWORD: 'pw', HTTPS_PROXY: 'http://proxy.corp:3128', NO_PROXY: '.internal' } });
    expect(r.options).toEqual({
      broker: { host: 'broker.corp', port: 8448, resolve: [{ host: 'broker.corp', port: 8448, address: '10.0.0.9' }] },
      route: [{ kind: 'proxy', host: 'proxy.corp', port: 3128 }],
      trust: { kind: 'pin', fingerprints: [PIN] },
      auth: { kind: 'client-credentials', clientId: 'launcher', clientPassword: 'pw' },
      tokenEndpoint: { resolve: [{ host: 'broker.corp', port: 8448, address: '10.0.0.9' }] },
    });
    expect(r.routeReason).toMatch(/HTTPS_PROXY/);
    expect(r.routeFor(new URL('https://gw.internal:8443/')).route).toEqual([{ kind: 'direct' }]);
  });

  it('no --client-id: no token; no --broker-pin: the system store', async () => {
    const r = await resolveBroker(sessionsArgs(['--broker', 'https://b:1', '--proxy', 'direct']), { env: {} });
    expect(r.options.auth).toEqual({ kind: 'none' });
    expect(r.options.trust).toEqual({ kind: 'system' });
    expect(r.options.route).toEqual([{ kind: 'direct' }]);
  });

  it('--token-url is passed on', async () => {
    const r = await resolveBroker(sessionsArgs(['--broker', 'https://b:1', '--client-id', 'c', '--token-url', 'https://idp/token']), { env: { DCV_BROKER_CLIENT_PASSWORD: 'x' } });
    expect(r.options.auth).toEqual({ kind: 'client-credentials', clientId: 'c', clientPassword: 'x', tokenUrl: 'https://idp/token' });
  });

  it.each([{}, { DCV_BROKER_CLIENT_PASSWORD: '' }])('--client-id without a password (%j) is a usage error', async (env) => {
    await expect(resolveBroker(sessionsArgs(['--broker', 'https://b:1', '--client-id', 'c']), { env })).rejects.toThrow(UsageError);
  });
});

describe('tokenUser', () => {
  it('--user, else --owner, else the OS user', () => {
    expect(tokenUser(sessionArgs(['--broker', 'https://b:1', '--session', 's', '--user', 'u', '--owner', 'o']), {})).toBe('u');
    expect(tokenUser(sessionArgs(['--broker', 'https://b:1', '--session', 's', '--owner', 'o']), {})).toBe('o');
    expect(tokenUser(sessionArgs(['--broker', 'https://b:1', '--session', 's']), {})).toBe(userInfo().username);
  });
});

const S: SessionSummary = {
  id: 'abc',
  name: 'desk\u001b[31m',
  owner: 'alice',
  type: 'VIRTUAL',
  state: 'CREATING',
  substate: 'SESSION_PLACING',
  stateReason: 'not shown',
  server: { ip: '10.0.0.5', hostname: 'h', port: 8443, webUrlPath: '/', endpoints: [], tags: { os: 'linux', gpu: 'none' } },
};

describe('sessions output', () => {
  it('json: the documented keys, in order, optional ones only when known', () => {
    expect(JSON.stringify(sessionJson(S))).toBe(
      '{"id":"abc","name":"desk\\u001b[31m","owner":"alice","type":"VIRTUAL","state":"CREATING","substate":"SESSION_PLACING","server":{"ip":"10.0.0.5","hostname":"h","port":8443},"tags":{"os":"linux","gpu":"none"}}',
    );
    const bare = sessionJson({ ...S, substate: undefined, server: { ...S.server, port: undefined, tags: {} }, lastDisconnectionTime: '2025-01-01T00:00:00Z' });
    expect(bare).toEqual({ id: 'abc', name: S.name, owner: 'alice', type: 'VIRTUAL', state: 'CREATING', server: { ip: '10.0.0.5', hostname: 'h', port: null }, tags: {}, lastDisconnectionTime: '2025-01-01T00:00:00Z' });
  });

  it('table: aligned columns, control characters replaced, a count', () => {
    const table = sessionsTable([S, { ...S, id: 'b', name: 'x', state: 'READY', substate: undefined, server: { ...S.server, ip: '', hostname: '', tags: {} } }]);
    expect(table.split('\n')).toEqual([
      'ID   NAME       OWNER  TYPE     STATE                     SERVER         TAGS',
      'abc  desk?[31m  alice  VIRTUAL  CREATING/SESSION_PLACING  10.0.0.5:8443  os=linux gpu=none',
      'b    x          alice  VIRTUAL  READY                     -',
      '2 sessions',
    ]);
    expect(sessionsTable([])).toBe('ID  NAME  OWNER  TYPE  STATE  SERVER  TAGS\n0 sessions');
  });
});
