/**
 * The Broker client against answers the Broker simulator never gives: a scripted HTTPS peer
 * that answers each request the way a test says (flat connection data, non-JSON, 500s, a
 * repeated NextToken, sessions without an Id, an external token URL, silence).
 */
import { createServer, type Server } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf, makeSelfSignedCert } from '../../test/sim/cert';
import { basicAuthorization, formEncode } from './broker-auth';
import { createBrokerClient } from './broker-client';
import { BrokerError, type BrokerClientOptions } from './types';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status: number; body: string | object; type?: string } | 'silence';
type Script = (req: Seen) => Reply;

interface Peer {
  port: number;
  fingerprint: string;
  seen: Seen[];
  script: Script;
  close(): Promise<void>;
}

async function scriptedPeer(): Promise<Peer> {
  const cert = makeSelfSignedCert({ cn: 'scripted' });
  const peer: Peer = { port: 0, fingerprint: fingerprintOf(cert.cert), seen: [], script: () => ({ status: 500, body: 'unscripted' }), close: async () => {} };
  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      peer.seen.push(seen);
      const reply = peer.script(seen);
      if (reply === 'silence') return;
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'Content-Type': reply.type ?? (typeof reply.body === 'string' ? 'text/plain' : 'application/json') });
      res.end(text);
    });
  });
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  peer.port = (server.address() as { port: number }).port;
  peer.close = () =>
    new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return peer;
}

let broker: Peer;
let idp: Peer;
beforeAll(async () => {
  [broker, idp] = await Promise.all([scriptedPeer(), scriptedPeer()]);
});
afterAll(async () => {
  await Promise.all([broker.close(), idp.close()]);
});
beforeEach(() => {
  broker.seen.length = 0;
  idp.seen.length = 0;
});

const TOKEN = { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600 };
const SESSION = { Id: 's-1', Name: 'one', Owner: 'alice', Type: 'VIRTUAL', State: 'READY', Server: { Ip: '10.0.0.5', Port: '8443', WebUrlPath: '/' } };

function client(over: Partial<BrokerClientOptions> = {}) {
  return createBrokerClient({
    broker: { host: '127.0.0.1', port: broker.port },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [broker.fingerprint] },
    auth: { kind: 'none' },
    ...over,
  });
}

async function failure(p: Promise<unknown>): Promise<BrokerError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(BrokerError);
  expect((e as Error).message).not.toMatch(/\[object Object\]|\n\s+at /);
  return e as BrokerError;
}

describe('getSessionConnectionData answers', () => {
  it('accepts the fields flat (as one doc page lists them) as well as under Session', async () => {
    broker.script = () => ({ status: 200, body: { ...SESSION, ConnectionToken: 'ct-flat' } });
    const flat = await client().getSessionConnectionData('s-1', 'alice');
    expect(flat).toMatchObject({ connectionToken: 'ct-flat', session: { id: 's-1', server: { ip: '10.0.0.5', port: 8443 } } });
    broker.script = () => ({ status: 200, body: { Session: SESSION, ConnectionToken: 'ct-nested' } });
    expect((await client().getSessionConnectionData('s-1', 'alice')).connectionToken).toBe('ct-nested');
    expect(broker.seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /sessionConnectionData/s-1/alice', 'GET /sessionConnectionData/s-1/alice']);
  });

  it('percent-encodes both path segments', async () => {
    broker.script = () => ({ status: 200, body: { Session: SESSION, ConnectionToken: 'ct' } });
    await client().getSessionConnectionData('a/b?c#d', 'CORP\\x y');
    expect(broker.seen[0].url).toBe('/sessionConnectionData/a%2Fb%3Fc%23d/CORP%5Cx%20y');
  });

  it.each([
    ['an empty ConnectionToken', { Session: SESSION, ConnectionToken: '' }],
    ['no ConnectionToken', { Session: SESSION }],
    ['a ConnectionToken that is not a string', { Session: SESSION, ConnectionToken: 5 }],
  ])('%s → BROKER_BAD_RESPONSE', async (_name, body) => {
    broker.script = () => ({ status: 200, body });
    const e = await failure(client().getSessionConnectionData('s-1', 'alice'));
    expect(e.code).toBe('BROKER_BAD_RESPONSE');
    expect(e.params).toMatchObject({ sessionId: 's-1', reason: 'no-connection-token' });
  });

  it('a refusal in words the client does not know: the session\'s own state decides', async () => {
    broker.script = (req) =>
      req.url.startsWith('/describeSessions') ? { status: 200, body: { Sessions: [{ ...SESSION, State: 'CREATING', StateReason: 'placing' }] } } : { status: 400, body: { error: 'Invalid input' } };
    const e = await failure(client().getSessionConnectionData('s-1', 'alice'));
    expect(e.code).toBe('SESSION_NOT_READY');
    expect(e.params).toMatchObject({ sessionId: 's-1', state: 'CREATING', reason: 'placing', status: 400, error: 'Invalid input' });
    expect(JSON.parse(broker.seen[1].body)).toEqual({ SessionIds: ['s-1'], MaxResults: 1 });

    broker.script = (req) => (req.url.startsWith('/describeSessions') ? { status: 200, body: { Sessions: [] } } : { status: 404, body: { error: 'nope' } });
    expect((await failure(client().getSessionConnectionData('s-1', 'alice'))).code).toBe('SESSION_NOT_FOUND');

    broker.script = (req) => (req.url.startsWith('/describeSessions') ? { status: 200, body: { Sessions: [SESSION] } } : { status: 400, body: { error: 'Invalid input' } });
    expect((await failure(client().getSessionConnectionData('s-1', 'alice'))).code).toBe('BROKER_INVALID_REQUEST');
  });
});

describe('status and body mapping', () => {
  it.each([
    [500, { error: 'boom' }, 'BROKER_ERROR', 'boom'],
    [503, '<html><body>Service Unavailable</body></html>', 'BROKER_ERROR', undefined],
    [404, { timestamp: 'x', status: 404, error: 'Not Found', path: '/describeSessions' }, 'BROKER_ERROR', 'Not Found'],
    [400, { error: 'Invalid input' }, 'BROKER_INVALID_REQUEST', 'Invalid input'],
    [403, { error: 'Access Denied' }, 'BROKER_FORBIDDEN', 'Access Denied'],
  ] as const)('%i %j → %s', async (status, body, code, error) => {
    broker.script = () => ({ status, body, type: typeof body === 'string' ? 'text/html' : undefined });
    const e = await failure(client().describeSessions());
    expect(e.code).toBe(code);
    expect(e.status).toBe(status);
    expect(e.params.error).toBe(error);
    expect(e.message).not.toContain('<html>');
  });

  it('a text body: its first line only, never a stack trace', async () => {
    broker.script = () => ({ status: 500, body: 'java.lang.NullPointerException: boom\n\tat com.example.Broker.describe(Broker.java:42)\n', type: 'text/plain' });
    const e = await failure(client().describeSessions());
    expect(e.params.error).toBe('java.lang.NullPointerException: boom');
    expect(e.message).not.toMatch(/Broker\.java/);
  });

  it.each([
    ['not JSON', { status: 200, body: 'hello', type: 'text/plain' }],
    ['JSON that is not an object', { status: 200, body: [1, 2] }],
    ['Sessions that is not a list', { status: 200, body: { Sessions: { Id: 'x' } } }],
    ['a NextToken that is not a string', { status: 200, body: { Sessions: [], NextToken: 5 } }],
  ] as const)('%s → BROKER_BAD_RESPONSE', async (_name, reply) => {
    broker.script = () => reply;
    expect((await failure(client().describeSessions())).code).toBe('BROKER_BAD_RESPONSE');
  });

  it('the same NextToken twice → BROKER_BAD_RESPONSE, not an endless listing', async () => {
    broker.script = () => ({ status: 200, body: { Sessions: [SESSION], NextToken: 'again' } });
    const e = await failure(client().describeSessions());
    expect(e.code).toBe('BROKER_BAD_RESPONSE');
    expect(e.params.reason).toBe('repeated-next-token');
    expect(broker.seen).toHaveLength(2);
  });

  it('paging stops at a null or empty NextToken; sessions without an Id are skipped and counted', async () => {
    const pages = [
      { Sessions: [SESSION, { Name: 'no id' }], NextToken: 'p2' },
      { Sessions: [{ ...SESSION, Id: 's-2' }], NextToken: '' },
    ];
    broker.script = () => ({ status: 200, body: pages[broker.seen.length - 1] });
    const progress: unknown[] = [];
    const all = await client().describeSessions({ owner: 'alice', tags: [{ key: 'os', value: 'linux' }], onPage: (p) => progress.push(p) });
    expect(all.map((s) => s.id)).toEqual(['s-1', 's-2']);
    expect(progress).toEqual([
      { pages: 1, sessions: 1, skipped: 1 },
      { pages: 2, sessions: 2, skipped: 1 },
    ]);
    expect(JSON.parse(broker.seen[0].body)).toEqual({ Filters: [{ Key: 'owner', Value: 'alice' }, { Key: 'tag:os', Value: 'linux' }], MaxResults: 1000 });
    expect(JSON.parse(broker.seen[1].body)).toEqual({ Filters: [{ Key: 'owner', Value: 'alice' }, { Key: 'tag:os', Value: 'linux' }], MaxResults: 1000, NextToken: 'p2' });
    expect(broker.seen[0].headers['content-type']).toBe('application/json');
    expect(broker.seen[0].headers.authorization).toBeUndefined();

    broker.seen.length = 0;
    broker.script = () => ({ status: 200, body: { Sessions: [SESSION], NextToken: null } });
    expect(await client().describeSessions()).toHaveLength(1);
    expect(broker.seen).toHaveLength(1);
  });

  it('no answer within requestMs → BROKER_TIMEOUT', async () => {
    broker.script = () => 'silence';
    const e = await failure(client({ timeouts: { requestMs: 300 } }).describeSessions());
    expect(e.code).toBe('BROKER_TIMEOUT');
    expect(e.params).toMatchObject({ timeoutMs: 300 });
  });
});

describe('an external token URL', () => {
  it('asks the token URL (its own trust, grant_type in the form body), then sends the Bearer token to the Broker', async () => {
    idp.script = () => ({ status: 200, body: TOKEN });
    broker.script = (req) => (req.headers.authorization === 'Bearer at-1' ? { status: 200, body: { Sessions: [SESSION] } } : { status: 401, body: { error: 'Invalid access token' } });
    const c = client({
      auth: { kind: 'client-credentials', clientId: 'id:1', clientPassword: 'p@ss w/rd+', tokenUrl: `https://127.0.0.1:${idp.port}/oauth2/token?tenant=t1` },
      tokenEndpoint: { trust: { kind: 'pin', fingerprints: [idp.fingerprint] } },
    });
    expect(await c.describeSessions()).toHaveLength(1);
    expect(await c.describeSessions()).toHaveLength(1);
    expect(idp.seen).toHaveLength(1);
    const [ask] = idp.seen;
    expect(`${ask.method} ${ask.url}`).toBe('POST /oauth2/token?tenant=t1');
    expect(ask.body).toBe('grant_type=client_credentials');
    expect(ask.headers['content-type']).toBe('application/x-www-form-urlencoded');
    // RFC 6749 §2.3.1: id and password form-urlencoded before Basic.
    expect(Buffer.from(String(ask.headers.authorization).replace(/^Basic /, ''), 'base64').toString()).toBe('id%3A1:p%40ss+w%2Frd%2B');
  });

  it('the token URL\'s certificate is checked with its own trust (default: the system store)', async () => {
    idp.script = () => ({ status: 200, body: TOKEN });
    const c = client({ auth: { kind: 'client-credentials', clientId: 'id', clientPassword: 'pw', tokenUrl: `https://127.0.0.1:${idp.port}/token` } });
    const e = await failure(c.describeSessions());
    expect(e.code).toBe('BROKER_UNREACHABLE');
    expect(e.params).toMatchObject({ port: idp.port, reason: 'TLS_UNTRUSTED' });
    expect(idp.seen).toHaveLength(0);
    expect(broker.seen).toHaveLength(0);
  });

  it.each([
    [400, { error: 'invalid_client' }, 'BROKER_AUTH_FAILED'],
    [400, { error: 'unsupported_grant_type' }, 'BROKER_INVALID_REQUEST'],
    [500, 'oops', 'BROKER_ERROR'],
    [200, { token_type: 'Bearer' }, 'BROKER_BAD_RESPONSE'],
    [200, { access_token: 'x', token_type: 'mac' }, 'BROKER_BAD_RESPONSE'],
  ] as const)('token endpoint %i %j → %s, asked once', async (status, body, code) => {
    idp.script = () => ({ status, body });
    const c = client({ auth: { kind: 'client-credentials', clientId: 'id', clientPassword: 'pw', tokenUrl: `https://127.0.0.1:${idp.port}/token` }, tokenEndpoint: { trust: { kind: 'pin', fingerprints: [idp.fingerprint] } } });
    expect((await failure(c.describeSessions())).code).toBe(code);
    expect(idp.seen).toHaveLength(1);
    expect(broker.seen).toHaveLength(0);
  });

  it('a token with no expires_in is kept until the Broker refuses it', async () => {
    idp.script = () => ({ status: 200, body: { access_token: `at-${idp.seen.length}` } });
    let accept = 'at-1';
    broker.script = (req) => (req.headers.authorization === `Bearer ${accept}` ? { status: 200, body: { Sessions: [] } } : { status: 401, body: { error: 'Invalid access token' } });
    let clock = 0;
    const c = client({ now: () => clock, auth: { kind: 'client-credentials', clientId: 'id', clientPassword: 'pw', tokenUrl: `https://127.0.0.1:${idp.port}/token` }, tokenEndpoint: { trust: { kind: 'pin', fingerprints: [idp.fingerprint] } } });
    await c.describeSessions();
    clock += 365 * 24 * 3600 * 1000;
    await c.describeSessions();
    expect(idp.seen).toHaveLength(1);
    accept = 'at-2';
    await c.describeSessions();
    expect(idp.seen).toHaveLength(2);
  });
});

describe('basicAuthorization', () => {
  it('form-urlencodes id and password (RFC 6749 §2.3.1) before base64', () => {
    expect(formEncode('a b+c/d:e@f%g*h-i.j_k~')).toBe('a+b%2Bc%2Fd%3Ae%40f%25g*h-i.j_k%7E');
    expect(basicAuthorization('launcher-test', 'bGF1bmNoZXI=')).toBe(`Basic ${Buffer.from('launcher-test:bGF1bmNoZXI%3D').toString('base64')}`);
  });
});
