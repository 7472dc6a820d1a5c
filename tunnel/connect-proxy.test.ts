/**
 * The CONNECT client's parsing and mapping, against scripted proxies on loopback (the real
 * squid runs in dial-squid.test.ts): each answers the first CONNECT with fixed bytes.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { basicProxyAuthorization, connectRequestHead, connectThroughProxy, MAX_PROXY_HEAD_BYTES } from './connect-proxy';
import { TunnelError } from './errors';
import { scriptedProxy as startScriptedProxy, type ScriptedProxy } from './testing/scripted-proxy';

let servers: Server[] = [];
let clients: Socket[] = [];
afterEach(async () => {
  clients.forEach((c) => c.destroy());
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  clients = [];
});

/** The shared scripted proxy, closed after each test. */
async function scriptedProxy(answer: Buffer | string, pieces = 1): Promise<ScriptedProxy> {
  const proxy = await startScriptedProxy(answer, pieces);
  proxies.push(proxy);
  return proxy;
}
const proxies: ScriptedProxy[] = [];

async function socketTo(port: number): Promise<Socket> {
  const s = connect(port, '127.0.0.1');
  clients.push(s);
  await new Promise((r) => s.once('connect', r));
  return s;
}

const target = { host: '10.213.66.188', port: 60000 };
const proxy = { host: '127.0.0.1', port: 0 };

async function connectError(answer: string, credentials?: { username: string; password: string }): Promise<TunnelError> {
  const p = await scriptedProxy(answer);
  const e = await connectThroughProxy(await socketTo(p.port), { proxy: { ...proxy, port: p.port }, target, credentials, timeoutMs: 5000 }).catch((x) => x);
  expect(e).toBeInstanceOf(TunnelError);
  return e;
}

describe('CONNECT request', () => {
  it('encodes user:password raw in base64, whatever they contain', () => {
    const h = basicProxyAuthorization({ username: 'us@er%', password: 'p:a@ss%w' });
    expect(Buffer.from(h.replace(/^Basic /, ''), 'base64').toString()).toBe('us@er%:p:a@ss%w');
    expect(basicProxyAuthorization({ username: 'ユーザ', password: 'é' })).toBe(`Basic ${Buffer.from('ユーザ:é').toString('base64')}`);
  });

  it('names the target as authority; IPv6 bracketed; no auth header without credentials', () => {
    expect(connectRequestHead({ target: { host: '::1', port: 8443 } })).toBe('CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n');
  });
});

describe('CONNECT answer', () => {
  it('2xx: resolves, and bytes after the head stay on the socket, in order', async () => {
    const p = await scriptedProxy('HTTP/1.1 200 Connection established\r\nProxy-Agent: test\r\n\r\n\x16\x03\x01TLS-BYTES', 3);
    const s = await socketTo(p.port);
    const a = await connectThroughProxy(s, { proxy: { ...proxy, port: p.port }, target, credentials: { username: 'u', password: 'p:w' }, timeoutMs: 5000 });
    // The standard phrase, not the proxy's words.
    expect(a).toMatchObject({ status: 200, statusText: 'OK', headers: { 'proxy-agent': 'test' }, credentialsSent: true });
    expect(p.requests[0]).toBe(`CONNECT 10.213.66.188:60000 HTTP/1.1\r\nHost: 10.213.66.188:60000\r\nProxy-Authorization: Basic ${Buffer.from('u:p:w').toString('base64')}\r\n\r\n`);
    const rest = await new Promise<string>((r) => {
      let got = '';
      s.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (got.length >= 12) r(got);
      });
      s.resume();
    });
    expect(rest).toBe('\x16\x03\x01TLS-BYTES');
  });

  it('407 → PROXY_AUTH_REQUIRED with the Proxy-Authenticate scheme (not its realm), and says whether credentials were sent', async () => {
    const answer = 'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\nContent-Length: 0\r\n\r\n';
    const without = await connectError(answer);
    expect(without.code).toBe('PROXY_AUTH_REQUIRED');
    expect(without.details).toMatchObject({ proxyStatus: 407, proxyAuthenticate: 'Basic', credentialsSent: false });
    expect(without.message).toMatch(/no proxy credentials are set/);
    const rejected = await connectError(answer, { username: 'u', password: 'bad' });
    expect(rejected.message).toMatch(/rejected the credentials/);
  });

  it('several Proxy-Authenticate headers: their schemes, from a fixed list; the proxy\'s reason phrase is not repeated', async () => {
    const e = await connectError('HTTP/1.1 407 x-reason\r\nProxy-Authenticate: Negotiate\r\nProxy-Authenticate: Basic realm="r", NTLM\r\nProxy-Authenticate: dXNlcjpwYXNz\r\n\r\n');
    expect(e.details.proxyAuthenticate).toBe('Negotiate, Basic, NTLM, other');
    expect(e.details.proxyStatusText).toBe('Proxy Authentication Required');
    expect(e.message).not.toContain('x-reason');
  });

  it.each([
    ['HTTP/1.1 403 Forbidden\r\n\r\n', 'PROXY_CONNECT_FORBIDDEN', 403],
    ['HTTP/1.0 405 Method Not Allowed\r\n\r\n', 'PROXY_CONNECT_FORBIDDEN', 405],
    ['HTTP/1.1 503 Service Unavailable\r\nX-Squid-Error: ERR_DNS_FAIL 0\r\n\r\n', 'PROXY_ERROR', 503],
    ['HTTP/1.1 502 Bad Gateway\r\n\r\n', 'PROXY_ERROR', 502],
    ['HTTP/1.1 500 Internal Server Error\r\n\r\n', 'PROXY_ERROR', 500],
    ['HTTP/1.1 400 Bad Request\n\n', 'PROXY_ERROR', 400],
  ])('%j → %s', async (answer, code, status) => {
    const e = await connectError(answer);
    expect(e.code).toBe(code);
    expect(e.details.proxyStatus).toBe(status);
  });

  it('not HTTP → PROXY_ERROR that does not quote it (it may be our request echoed, credentials and all)', async () => {
    const e = await connectError('SSH-2.0-OpenSSH_9.2\r\n\r\n');
    expect(e.code).toBe('PROXY_ERROR');
    expect(e.message).toMatch(/not HTTP/);
    expect(e.message).not.toContain('SSH-2.0');
  });

  it('an endless head is cut at 16 KB', async () => {
    const e = await connectError(`HTTP/1.1 200 OK\r\n${'X-Pad: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n'.repeat(MAX_PROXY_HEAD_BYTES / 40)}\r\n`);
    expect(e.code).toBe('PROXY_ERROR');
    expect(e.message).toMatch(/16384 bytes/);
  });

  it('a proxy that closes without answering, or never answers → PROXY_ERROR', async () => {
    const server = createServer((s) => s.on('data', () => s.destroy()));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const closed = await connectThroughProxy(await socketTo(port), { proxy: { ...proxy, port }, target, timeoutMs: 5000 }).catch((x) => x);
    expect(closed).toMatchObject({ code: 'PROXY_ERROR', message: expect.stringMatching(/closed the connection/) });

    const mute = await scriptedProxy(Buffer.alloc(0));
    const late = await connectThroughProxy(await socketTo(mute.port), { proxy: { ...proxy, port: mute.port }, target, timeoutMs: 200 }).catch((x) => x);
    expect(late).toMatchObject({ code: 'PROXY_ERROR', details: { timeout: true } });
  });
});
