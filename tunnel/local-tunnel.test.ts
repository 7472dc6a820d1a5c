/**
 * LocalTunnel against the DCV simulator: access control, HTTP forwarding and rewriting,
 * failure pages. WebSockets are in forward-ws.test.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../test/peers/process';
import { makeSelfSignedCert } from '../test/sim/cert';
import { startSimulator, type Simulator } from '../test/sim/simulator';
import { TunnelClient, eventually, readAll, removeTestCertDirs, testCertDir, tunnelTo } from '../test/tunnel/helpers';
import type { TunnelError } from './errors';
import { LocalTunnel, VIEWER_SOCKETS, type LocalTunnelOptions } from './local-tunnel';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ name: 'agent-A', webUrlPath: '/agent/' });
});
afterAll(async () => {
  await sim.close();
  removeTestCertDirs();
});

describe('access control', () => {
  let tunnel: LocalTunnel;
  beforeAll(async () => {
    tunnel = await tunnelTo(sim, { pathPrefix: '/agent/', entry: { query: 'authToken=T', hash: 'session-1' } });
  });
  afterAll(() => tunnel.close());

  it('issues one-time launch URLs on its own origin', () => {
    const url = tunnel.createLaunchUrl();
    expect(url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${tunnel.port}/__launch/[A-Za-z0-9_-]{43}$`));
    expect(tunnel.origin).toBe(`https://127.0.0.1:${tunnel.port}`);
    expect(tunnel.fingerprint).toMatch(/^sha256\/[A-Za-z0-9+/]{43}=$/);
  });

  it('trades a launch token for a strict session cookie and lands on the entry page with token and session', async () => {
    const c = new TunnelClient(tunnel);
    const res = await c.signIn();
    expect(res.headers.location).toBe('/?authToken=T#session-1');
    const attrs = res.headers['set-cookie']![0].split('; ');
    expect(attrs[0]).toMatch(new RegExp(`^dcvl_session_${tunnel.port}=[A-Za-z0-9_-]{43}$`));
    expect(attrs.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict', 'Secure']);
    expect(res.headers['cache-control']).toBe('no-store');
    const page = await c.get('/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('agent-A');
  });

  it('a launch URL works once', async () => {
    const url = tunnel.createLaunchUrl().slice(tunnel.origin.length);
    const first = await new TunnelClient(tunnel).get(url);
    const second = await new TunnelClient(tunnel).get(url);
    expect(first.status).toBe(302);
    expect(second.status).toBe(403);
    expect(second.headers['set-cookie']).toBeUndefined();
    expect(second.text).toContain('expired or was already used');
  });

  it('a launch URL expires', async () => {
    const short = await tunnelTo(sim, { pathPrefix: '/agent/', launchTokenTtlMs: 1 });
    try {
      const url = short.createLaunchUrl().slice(short.origin.length);
      await new Promise((r) => setTimeout(r, 30));
      expect((await new TunnelClient(short).get(url)).status).toBe(403);
    } finally {
      await short.close();
    }
  });

  it('refuses requests without the cookie, or with a wrong one, before anything reaches the desktop', async () => {
    const before = sim.stats().httpRequests;
    const anon = new TunnelClient(tunnel);
    const r1 = await anon.get('/');
    anon.cookie = `dcvl_session_${tunnel.port}=forged`;
    const r2 = await anon.get('/echo-headers');
    expect([r1.status, r2.status]).toEqual([403, 403]);
    expect(r1.headers.connection).toBe('close');
    expect(sim.stats().httpRequests).toBe(before);
  });

  it('refuses a foreign Host (DNS rebinding) and accepts localhost', async () => {
    const c = new TunnelClient(tunnel);
    await c.signIn();
    const before = sim.stats().httpRequests;
    const s = await c.raw();
    s.write(`GET / HTTP/1.1\r\nHost: rebind.example:${tunnel.port}\r\nCookie: ${c.cookie}\r\n\r\n`);
    expect(await readAll(s)).toMatch(/^HTTP\/1\.1 421 /);
    expect(sim.stats().httpRequests).toBe(before);
    expect((await c.get('/', { Host: `localhost:${tunnel.port}` })).status).toBe(200);
  });

  it('refuses WebSocket upgrades without the cookie, from a foreign Origin, or without Origin', async () => {
    const c = new TunnelClient(tunnel);
    await c.signIn();
    const upgradesBefore = sim.stats().upgrades;
    const anon = new TunnelClient(tunnel);
    await expect(anon.channel('echo')).rejects.toMatchObject({ statusCode: 403 });
    await expect(c.channel('echo', { origin: 'https://evil.example' })).rejects.toMatchObject({ statusCode: 403 });
    await expect(c.channel('echo', { origin: `https://127.0.0.1:${tunnel.port + 1}` })).rejects.toMatchObject({ statusCode: 403 });
    await expect(c.socket('/ws', { wsOptions: { origin: undefined }, origin: '' })).rejects.toMatchObject({ statusCode: 403 });
    expect(sim.stats().upgrades).toBe(upgradesBefore);
    const ok = await c.channel('echo', { origin: `https://localhost:${tunnel.port}` });
    await ok.close();
  });

  it('forwards only the cookies its desktop set, and rewrites Host, Origin and Referer', async () => {
    const c = new TunnelClient(tunnel);
    await c.signIn();
    const page = await c.get('/');
    const [stored] = page.headers['set-cookie']![0].split(';');
    expect(stored).toMatch(/^dcvl_t[0-9a-f]{12}_dcvsim=1$/);
    const res = await c.get('/echo-headers', {
      Cookie: `a=1; ${c.cookie}; ${stored}; b=2`,
      Origin: tunnel.origin,
      Referer: `${tunnel.origin}/page?x=1`,
    });
    const seen = JSON.parse(res.text) as Record<string, string>;
    expect(seen.cookie).toBe('dcvsim=1');
    expect(seen.host).toBe(`127.0.0.1:${sim.port}`);
    expect(seen.origin).toBe(`https://127.0.0.1:${sim.port}`);
    expect(seen.referer).toBe(`https://127.0.0.1:${sim.port}/agent/page?x=1`);
    expect(sim.stats().lastQuery).toBe('');
  });

  it('refuses request targets that could leave the prefix with 400', async () => {
    const c = new TunnelClient(tunnel);
    await c.signIn();
    const before = sim.stats().httpRequests;
    for (const target of ['/%2e%2e/version', '/..%2Fversion', '/a/../../version', 'https://evil.example/', '/a\\..\\..\\version']) {
      const s = await c.raw();
      s.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nCookie: ${c.cookie}\r\nConnection: close\r\n\r\n`);
      const text = await readAll(s);
      expect(text, target).toMatch(/^HTTP\/1\.1 400 /);
    }
    expect(sim.stats().httpRequests).toBe(before);
  });

  it('answers an oversized header with 431', async () => {
    const c = new TunnelClient(tunnel);
    const s = await c.raw();
    s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`);
    expect(await readAll(s)).toMatch(/^HTTP\/1\.1 431 /);
  });

  it('caps connections that have not signed in by dropping the oldest, so the window still gets in', async () => {
    const capped = await tunnelTo(sim, { pathPrefix: '/agent/', maxUnauthenticatedSockets: 3 });
    try {
      const c = new TunnelClient(capped);
      await c.signIn();
      const idle: TLSSocket[] = [];
      for (let i = 0; i < 3; i++) idle.push(await c.raw());
      await eventually(() => capped.stats().activeSockets === 3, 'three idle connections');
      const oldestClosed = new Promise<void>((r) => idle[0].once('close', () => r()));
      const fourth = await c.raw();
      await oldestClosed;
      expect(idle[1].destroyed || idle[2].destroyed).toBe(false);
      fourth.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${capped.port}\r\nCookie: ${c.cookie}\r\nConnection: close\r\n\r\n`);
      expect(await readAll(fourth)).toMatch(/^HTTP\/1\.1 200 /);
      idle.forEach((s) => s.destroy());
      await eventually(() => capped.stats().activeSockets === 0, 'all connections closed');
    } finally {
      await capped.close();
    }
  });

  it('after a hand-off to DCV Viewer, an upgrade without Origin needs no cookie; with a foreign Origin it is still refused', async () => {
    const native = await tunnelTo(sim, { pathPrefix: '/agent/' });
    try {
      native.admitViewer();
      const anon = new TunnelClient(native);
      const reached = sim.stats().byPath['/agent/ws'] ?? 0;
      const s = await anon.raw();
      s.write(
        `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${native.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: dcv\r\n\r\n',
      );
      // The tunnel lets it through: whatever the desktop answers, it saw the upgrade.
      await readAll(s, (t) => t.includes('\r\n\r\n'));
      expect(sim.stats().byPath['/agent/ws']).toBe(reached + 1);
      s.destroy();
      await expect(anon.channel('echo', { origin: 'https://evil.example' })).rejects.toMatchObject({ statusCode: 403 });
      expect((await anon.get('/')).status).toBe(403);
    } finally {
      await native.close();
    }
    // No hand-off, no admission.
    const s = await new TunnelClient(tunnel).raw();
    s.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
    expect(await readAll(s)).toMatch(/^HTTP\/1\.1 403 /);
  });
});

describe('DCV Viewer admission', () => {
  const nativeUpgrade = (port: number) =>
    `GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: dcv\r\n\r\n';
  /** Sends `count` cookie-less, Origin-less upgrades one after another; how many got 101. */
  async function nativeUpgrades(t: LocalTunnel, count: number): Promise<number> {
    let switched = 0;
    for (let i = 0; i < count; i++) {
      const s = await new TunnelClient(t).raw();
      s.write(nativeUpgrade(t.port));
      const answer = await readAll(s, (text) => text.includes('\r\n\r\n'));
      if (/^HTTP\/1\.1 101 /.test(answer)) switched++;
      s.destroy();
    }
    return switched;
  }

  it('300 cookie-less upgrades in a row: only the hand-off’s allowance gets through', async () => {
    const t = await tunnelTo(sim, { pathPrefix: '/agent/' });
    try {
      t.admitViewer();
      const reached = sim.stats().byPath['/agent/ws'] ?? 0;
      const switched = await nativeUpgrades(t, 300);
      expect(switched).toBe(VIEWER_SOCKETS);
      expect(VIEWER_SOCKETS).toBeLessThan(300);
      expect(sim.stats().byPath['/agent/ws']).toBe(reached + VIEWER_SOCKETS);
      // The next hand-off opens a new allowance.
      t.admitViewer({ sockets: 2 });
      expect(await nativeUpgrades(t, 5)).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('no hand-off, or its window over: none gets through; with a foreign Origin or none at all, never', async () => {
    const t = await tunnelTo(sim, { pathPrefix: '/agent/' });
    try {
      const reached = sim.stats().byPath['/agent/ws'] ?? 0;
      expect(await nativeUpgrades(t, 3)).toBe(0);
      t.admitViewer({ windowMs: 1 });
      await new Promise((r) => setTimeout(r, 30));
      expect(await nativeUpgrades(t, 3)).toBe(0);
      expect(sim.stats().byPath['/agent/ws'] ?? 0).toBe(reached);
      // A page's upgrade (it has an Origin) is not the viewer's, even within the window.
      t.admitViewer();
      const anon = new TunnelClient(t);
      await expect(anon.channel('echo', { origin: 'https://evil.example' })).rejects.toMatchObject({ statusCode: 403 });
      expect((await anon.get('/')).status).toBe(403);
      // A foreign Host spends nothing of the allowance.
      const s = await anon.raw();
      s.write(nativeUpgrade(t.port).replace(`127.0.0.1:${t.port}`, `rebind.example:${t.port}`));
      expect(await readAll(s)).toMatch(/^HTTP\/1\.1 421 /);
      expect(await nativeUpgrades(t, VIEWER_SOCKETS + 1)).toBe(VIEWER_SOCKETS);
    } finally {
      await t.close();
    }
  });
});

describe('HTTP forwarding through a path prefix', () => {
  let tunnel: LocalTunnel;
  let c: TunnelClient;
  const opened: string[] = [];
  beforeAll(async () => {
    tunnel = await tunnelTo(sim, { pathPrefix: '/agent/' });
    tunnel.on('socket-open', (e) => opened.push(`${e.kind} ${e.path}`));
    c = new TunnelClient(tunnel);
    await c.signIn();
  });
  afterAll(() => tunnel.close());

  it('serves the page with HSTS removed, X-Frame-Options kept, its cookie under the tunnel’s tag with the path mapped to the local root', async () => {
    const res = await c.get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('agent-A');
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['set-cookie']![0]).toMatch(/^dcvl_t[0-9a-f]{12}_dcvsim=1; Path=\/; Secure; HttpOnly$/);
    const js = await c.get('/client.js');
    expect(js.status).toBe(200);
  });

  it('rewrites an absolute redirect to the upstream back to the local origin', async () => {
    const res = await c.get('/login');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${tunnel.origin}/`);
  });

  it('keeps paths outside the prefix unreachable: /version is /agent/version upstream', async () => {
    const res = await c.get('/version');
    expect(res.status).toBe(404);
    expect(sim.stats().byPath['/agent/version']).toBeGreaterThan(0);
  });

  it('answers HEAD with the GET length and no body', async () => {
    const get = await c.get('/assets/1.js');
    const head = await c.request('/assets/1.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(get.body.length));
    expect(head.body.length).toBe(0);
  });

  it('streams a 20 MiB upload and a chunked upload intact', async () => {
    const body = randomBytes(20 * 1024 * 1024);
    const res = await c.request('/upload', { method: 'POST', body });
    expect(JSON.parse(res.text)).toEqual({ bytes: body.length, sha256: sha256(body) });

    const parts = [randomBytes(1000), randomBytes(70_000), randomBytes(3)];
    const chunked = await new Promise<string>((resolve, reject) => {
      const req = httpsRequest(`${tunnel.origin}/upload`, { method: 'POST', ca: tunnel.certPem, agent: false, headers: { Cookie: c.cookie } }, (r) => {
        let t = '';
        r.on('data', (d: Buffer) => (t += d));
        r.on('end', () => resolve(t));
      });
      req.on('error', reject);
      parts.forEach((p) => req.write(p));
      req.end();
    });
    const all = Buffer.concat(parts);
    expect(JSON.parse(chunked)).toEqual({ bytes: all.length, sha256: sha256(all) });
  });

  it('relays 100-continue from the upstream before the body is sent', async () => {
    const body = randomBytes(256 * 1024);
    const result = await new Promise<{ continued: boolean; text: string }>((resolve, reject) => {
      let continued = false;
      const req = httpsRequest(
        `${tunnel.origin}/upload`,
        { method: 'POST', ca: tunnel.certPem, agent: false, headers: { Cookie: c.cookie, Expect: '100-continue', 'Content-Length': String(body.length) } },
        (r) => {
          let t = '';
          r.on('data', (d: Buffer) => (t += d));
          r.on('end', () => resolve({ continued, text: t }));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        continued = true;
        req.end(body);
      });
    });
    expect(result.continued).toBe(true);
    expect(JSON.parse(result.text)).toEqual({ bytes: body.length, sha256: sha256(body) });
  });

  it('answers pipelined requests in order', async () => {
    const s = await c.raw();
    const req = (path: string, close = false) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${tunnel.port}\r\nCookie: ${c.cookie}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    s.write(req('/echo-headers') + req('/assets/2.js') + req('/client.js', true));
    const text = await readAll(s);
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '200']);
    const types = [...text.matchAll(/Content-Type: ([^\r]+)/gi)].map((m) => m[1]);
    expect(types).toEqual(['application/json', 'application/javascript', 'application/javascript']);
  });

  it('emits socket-open and stats with byte counts', async () => {
    const stats: number[] = [];
    tunnel.on('stats', (s) => stats.push(s.bytesDown));
    await c.get('/assets/3.js');
    await eventually(() => stats.length > 0, 'a stats event');
    expect(opened).toContain('http /');
    expect(tunnel.stats().bytesDown).toBeGreaterThan(100_000);
    expect(tunnel.stats().upstreamConnectMs).not.toBeNull();
  });
});

describe('entry page under a web-url-path', () => {
  it('redirects to the local web-url-path', async () => {
    const dcvSim = await startSimulator({ webUrlPath: '/dcv/' });
    const tunnel = await tunnelTo(dcvSim, { webUrlPath: '/dcv/', entry: { hash: 's-2' } });
    try {
      const c = new TunnelClient(tunnel);
      expect((await c.signIn()).headers.location).toBe('/dcv/#s-2');
      const page = await c.get('/dcv/');
      expect(page.status).toBe(200);
      expect(page.headers['set-cookie']![0]).toMatch(/^dcvl_t[0-9a-f]{12}_dcvsim=1; Path=\/dcv\/; Secure; HttpOnly$/);
    } finally {
      await tunnel.close();
      await dcvSim.close();
    }
  });
});

describe('a tiny upstream for what the simulator does not do', () => {
  // 304 on If-None-Match, a chunked response, and a body cut off in the middle.
  let upstream: ReturnType<typeof import('node:https').createServer>;
  let port: number;
  let tunnel: LocalTunnel;
  let c: TunnelClient;
  let upstreamConnections = 0;
  const served = new WeakMap<object, number>();
  const pem = makeSelfSignedCert({ cn: 'tiny' });
  beforeAll(async () => {
    const { createServer } = await import('node:https');
    upstream = createServer({ key: pem.key, cert: pem.cert }, (req, res) => {
      if (req.url === '/etag') {
        if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { ETag: '"v1"' }).end();
        return void res.writeHead(200, { ETag: '"v1"', 'Content-Type': 'text/plain' }).end('versioned');
      }
      if (req.url === '/chunked') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.write('one,');
        setTimeout(() => res.end('two'), 20);
        return;
      }
      if (req.url === '/hang') return; // never answers
      if (req.url === '/once-per-connection') {
        // The connection dies under any request after its first, like a server that timed it out.
        const n = (served.get(req.socket) ?? 0) + 1;
        served.set(req.socket, n);
        if (n > 1) return void req.socket.destroy();
        return void res.writeHead(200, { 'Content-Length': '2' }).end('ok');
      }
      if (req.url === '/cut') {
        res.writeHead(200, { 'Content-Length': '1000000' });
        res.write(Buffer.alloc(1000));
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.writeHead(404).end();
    });
    upstream.on('secureConnection', () => upstreamConnections++);
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    port = (upstream.address() as { port: number }).port;
    const { fingerprintOf } = await import('../test/sim/cert');
    tunnel = await LocalTunnel.start({
      upstream: { host: '127.0.0.1', port, pathPrefix: '/' },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [fingerprintOf(pem.cert)] },
      certDir: testCertDir(),
    });
    c = new TunnelClient(tunnel);
    await c.signIn();
  });
  afterAll(async () => {
    await tunnel.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });

  it('relays 304 Not Modified without a body', async () => {
    const first = await c.get('/etag');
    expect(first.status).toBe(200);
    const again = await c.get('/etag', { 'If-None-Match': first.headers.etag as string });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await c.get('/etag')).text).toBe('versioned');
  });

  it('reuses one pooled upstream connection for sequential requests from separate page connections', async () => {
    await c.get('/etag'); // warm the pool
    const before = upstreamConnections;
    for (let i = 0; i < 5; i++) expect((await c.get('/etag')).status).toBe(200);
    expect(upstreamConnections).toBe(before);
  });

  it('a pooled connection that dies under a GET: sent again on a fresh one; a DELETE is not (502)', async () => {
    expect((await c.get('/once-per-connection')).text).toBe('ok');
    const before = upstreamConnections;
    expect((await c.get('/once-per-connection')).text).toBe('ok');
    expect(upstreamConnections).toBe(before + 1);
    const deleted = await c.request('/once-per-connection', { method: 'DELETE', headers: { Accept: 'application/json' } });
    expect(deleted.status).toBe(502);
    expect(JSON.parse(deleted.text)).toMatchObject({ error: { code: 'UPSTREAM_RESET' } });
  });

  it('relays a chunked response', async () => {
    const res = await c.get('/chunked');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.text).toBe('one,two');
  });

  it('an upstream that never answers: 504 UPSTREAM_TIMEOUT', async () => {
    const { fingerprintOf } = await import('../test/sim/cert');
    const impatient = await LocalTunnel.start({
      upstream: { host: '127.0.0.1', port, pathPrefix: '/' },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [fingerprintOf(pem.cert)] },
      certDir: testCertDir(),
      upstreamResponseTimeoutMs: 300,
    });
    try {
      const ic = new TunnelClient(impatient);
      await ic.signIn();
      const res = await ic.get('/hang', { Accept: 'application/json' });
      expect(res.status).toBe(504);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'UPSTREAM_TIMEOUT', step: 'http' } });
      expect((await ic.get('/etag')).status).toBe(200);
    } finally {
      await impatient.close();
    }
  });

  it('cuts the page’s response when the upstream cuts its body, and keeps serving', async () => {
    await expect(c.get('/cut')).rejects.toThrow();
    expect((await c.get('/etag')).status).toBe(200);
  });
});

describe('failures', () => {
  it('a certificate that does not match the pin: 502 naming TLS_PIN_MISMATCH, no request reaches the desktop', async () => {
    const other = makeSelfSignedCert({ cn: 'other' });
    const { fingerprintOf } = await import('../test/sim/cert');
    const tunnel = await tunnelTo(sim, { pathPrefix: '/agent/', trust: { kind: 'pin', fingerprints: [fingerprintOf(other.cert)] } });
    const errors: TunnelError[] = [];
    tunnel.on('upstream-error', (e) => errors.push(e));
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const before = sim.stats();
      const page = await c.get('/');
      expect(page.status).toBe(502);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('TLS_PIN_MISMATCH');
      expect(page.text).toContain('<b>tls</b>');
      const json = await c.get('/', { Accept: 'application/json' });
      expect(json.status).toBe(502);
      expect(JSON.parse(json.text)).toMatchObject({ error: { code: 'TLS_PIN_MISMATCH', step: 'tls' } });
      await expect(c.channel('echo')).rejects.toMatchObject({ statusCode: 502 });
      const after = sim.stats();
      expect(after.httpRequests).toBe(before.httpRequests);
      expect(after.upgrades).toBe(before.upgrades);
      expect(errors.map((e) => e.code)).toContain('TLS_PIN_MISMATCH');
      expect(tunnel.stats().lastError?.code).toBe('TLS_PIN_MISMATCH');
      await expect(tunnel.check()).rejects.toMatchObject({ code: 'TLS_PIN_MISMATCH' });
    } finally {
      await tunnel.close();
    }
  });

  /** A tunnel to `upstream` answers the signed-in page's first request with a 502 naming `error`. */
  async function expect502(upstream: { host: string; port: number }, route: LocalTunnelOptions['route'], error: { code: string; step: string }) {
    const tunnel = await LocalTunnel.start({ upstream: { ...upstream, pathPrefix: '/' }, route, trust: { kind: 'system' }, certDir: testCertDir() });
    try {
      const c = new TunnelClient(tunnel);
      await c.signIn();
      const res = await c.get('/', { Accept: 'application/json' });
      expect(res.status).toBe(502);
      expect(JSON.parse(res.text)).toMatchObject({ error });
    } finally {
      await tunnel.close();
    }
  }

  it('nothing listening: 502 TCP_REFUSED', async () => {
    await expect502({ host: '127.0.0.1', port: await freePort('127.0.0.1') }, [{ kind: 'direct' }], { code: 'TCP_REFUSED', step: 'tcp' });
  });

  it('a name that does not resolve: 502 DNS_NOT_FOUND', async () => {
    await expect502({ host: 'no-such-endpoint.invalid', port: 8443 }, 'DIRECT', { code: 'DNS_NOT_FOUND', step: 'dns' });
  });

  it('a taken port: LISTEN_FAILED naming the port', async () => {
    const blocker = createNetServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(tunnelTo(sim, { listen: { port } })).rejects.toMatchObject({ code: 'LISTEN_FAILED', message: `port ${port} on 127.0.0.1 is in use` });
    } finally {
      blocker.close();
    }
  });

  it('refuses to listen on a non-loopback address', async () => {
    await expect(tunnelTo(sim, { listen: { host: '0.0.0.0' } })).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
  });

  it('close() is idempotent and leaves nothing open', async () => {
    const tunnel = await tunnelTo(sim, { pathPrefix: '/agent/' });
    const c = new TunnelClient(tunnel);
    await c.signIn();
    await c.get('/');
    const check = await tunnel.check();
    expect(check.certificate.fingerprint256).toBe(sim.fingerprint);
    await Promise.all([tunnel.close(), tunnel.close()]);
    await tunnel.close();
    expect(tunnel.stats().activeSockets).toBe(0);
    await eventually(() => tunnel.upstreamSocketCount() === 0, 'upstream sockets closed');
    await expect(c.get('/')).rejects.toThrow();
  });
});

/**
 * Every tunnel, the browser-mode host, and any page on 127.0.0.1 share one cookie jar (cookies
 * ignore ports). A desktop server sees only the cookies it set through its own tunnel; it cannot
 * set the launcher's; other origins cannot act with the page's cookie (issue 12, item 1).
 */
describe('one cookie jar for every tunnel', () => {
  const pem = makeSelfSignedCert({ cn: 'jar' });
  /** A server that answers with the Set-Cookie lines it is asked for, and tells which cookies it saw. */
  async function cookieServer(name: string) {
    const { createServer } = await import('node:https');
    const seen: Array<{ method: string; path: string; cookie: string }> = [];
    const server = createServer({ key: pem.key, cert: pem.cert }, (req, res) => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', cookie: req.headers.cookie ?? '' });
      const url = new URL(req.url ?? '/', 'https://x');
      const setCookie = url.searchParams.getAll('set');
      res.writeHead(200, { 'Content-Type': 'text/plain', ...(setCookie.length ? { 'Set-Cookie': setCookie } : {}) });
      res.end(`${name} saw: ${req.headers.cookie ?? ''}`);
    });
    // An upgrade answered 101 with a Set-Cookie of its own, then closed.
    server.on('upgrade', (req, socket) => {
      seen.push({ method: 'UPGRADE', path: req.url ?? '', cookie: req.headers.cookie ?? '' });
      const setCookie = new URL(req.url ?? '/', 'https://x').searchParams.getAll('set');
      if (req.url?.startsWith('/refuse')) {
        // A refusal with a chunked body, the connection kept open as a keep-alive server would.
        return void socket.write(
          `HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\n${setCookie.map((c) => `Set-Cookie: ${c}\r\n`).join('')}\r\n` + '4\r\nrefu\r\n4\r\nsed\n\r\n0\r\n\r\n',
        );
      }
      socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${setCookie.map((c) => `Set-Cookie: ${c}\r\n`).join('')}Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const { fingerprintOf } = await import('../test/sim/cert');
    const tunnel = await LocalTunnel.start({
      upstream: { host: '127.0.0.1', port, pathPrefix: '/' },
      route: 'DIRECT',
      trust: { kind: 'pin', fingerprints: [fingerprintOf(pem.cert)] },
      certDir: testCertDir(),
    });
    const client = new TunnelClient(tunnel);
    await client.signIn();
    return {
      seen,
      tunnel,
      client,
      close: async () => {
        await tunnel.close();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
      },
    };
  }
  let a: Awaited<ReturnType<typeof cookieServer>>;
  let b: Awaited<ReturnType<typeof cookieServer>>;
  /** What the browser's one jar for 127.0.0.1 holds: name → value. */
  const jar = new Map<string, string>();
  const jarHeader = () => [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
  const keep = (setCookies: string[] | undefined) => {
    for (const line of setCookies ?? []) {
      const pair = line.split(';')[0];
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return (setCookies ?? []).map((l) => l.split('=')[0].trim());
  };
  beforeAll(async () => {
    [a, b] = await Promise.all([cookieServer('server-A'), cookieServer('server-B')]);
    for (const c of [a.client, b.client]) keep([c.cookie]);
    // The browser-mode host's session lives in the same jar.
    jar.set('dcvl_session_1', 'launcher-host-session');
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });
  const pageRequest = (s: typeof a, path: string, opts: { method?: string; headers?: Record<string, string> } = {}) =>
    s.client.request(path, { method: opts.method, headers: { Cookie: jarHeader(), ...opts.headers } });

  it('a server sees only the cookies it set through its own tunnel, never the launcher’s or another server’s', async () => {
    const fromB = await pageRequest(b, `/page?set=${encodeURIComponent('secretB=b-value; Path=/')}`);
    expect(fromB.status).toBe(200);
    keep(fromB.headers['set-cookie']);
    const fromA = await pageRequest(a, `/page?set=${encodeURIComponent('ownA=a-value; Path=/; Domain=127.0.0.1')}`);
    keep(fromA.headers['set-cookie']);
    // What a page of B could also have put in the jar by script.
    jar.set('secretB2', 'b-value-2');

    await pageRequest(a, '/look');
    const seenByA = a.seen.at(-1)!.cookie;
    expect(seenByA).toBe('ownA=a-value');
    expect(seenByA).not.toContain('dcvl_session');
    expect(seenByA).not.toContain('b-value');
    await pageRequest(b, '/look');
    expect(b.seen.at(-1)!.cookie).toBe('secretB=b-value');
  });

  it('a server cannot set or overwrite the launcher’s session cookies, over HTTP or on a 101', async () => {
    const names = [`dcvl_session_${a.tunnel.port}`, `dcvl_session_${b.tunnel.port}`, 'dcvl_session_1', ' dcvl_session_1'];
    const query = names.map((n) => `set=${encodeURIComponent(`${n}=evil; Path=/`)}`).join('&');
    const http = await pageRequest(a, `/page?${query}`);
    const set = keep(http.headers['set-cookie']);
    expect(set).toHaveLength(names.length);
    const s = await a.client.raw();
    s.write(
      `GET /ws?${query} HTTP/1.1\r\nHost: 127.0.0.1:${a.tunnel.port}\r\nOrigin: ${a.tunnel.origin}\r\nCookie: ${a.client.cookie}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const upgraded = await readAll(s);
    expect(upgraded).toMatch(/^HTTP\/1\.1 101 /);
    const onUpgrade = [...upgraded.matchAll(/^Set-Cookie: ([^=\r]*)=/gim)].map((m) => m[1]);
    expect(onUpgrade).toHaveLength(names.length);
    for (const name of [...set, ...onUpgrade]) expect(name.trim()).not.toMatch(/^dcvl_session_/);
    expect(jar.get(`dcvl_session_${a.tunnel.port}`)).toBe(a.client.cookie.split('=')[1]);
    // Still signed in.
    expect((await a.client.get('/look')).status).toBe(200);
  });

  it('an upgrade the server refuses: its whole answer relayed with the cookies tagged, then the connection closes', async () => {
    const s = await a.client.raw();
    s.write(
      `GET /refuse?set=${encodeURIComponent(`dcvl_session_${a.tunnel.port}=evil`)} HTTP/1.1\r\nHost: 127.0.0.1:${a.tunnel.port}\r\nOrigin: ${a.tunnel.origin}\r\nCookie: ${a.client.cookie}\r\n` +
        'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const answer = await readAll(s);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(head).toMatch(/\r\nSet-Cookie: dcvl_t[0-9a-f]{12}_dcvl_session_\d+=evil; HttpOnly\r\n/i);
    expect(head).toMatch(/\r\nConnection: close$/);
    expect(head).not.toMatch(/Transfer-Encoding/i);
    expect(body).toBe('refused\n');
  });

  it('refuses state-changing requests and embedded loads from another origin with 403; navigations and its own page pass', async () => {
    const other = `https://127.0.0.1:${b.tunnel.port}`;
    const before = a.seen.length;
    const refused: Array<[string, string, Record<string, string>]> = [
      ['POST', '/act', { Origin: other, 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' }],
      ['POST', '/act', { Origin: other }],
      ['POST', '/act', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' }],
      ['DELETE', '/act', { 'Sec-Fetch-Site': 'same-site' }],
      ['PUT', '/act', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
      ['GET', '/data.json', { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' }],
      ['GET', '/data.json', { Origin: other, 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' }],
      ['OPTIONS', '/act', { Origin: other, 'Access-Control-Request-Method': 'POST' }],
    ];
    for (const [method, path, headers] of refused) {
      const res = await pageRequest(a, path, { method, headers: { ...headers, 'Content-Length': '0' } });
      expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(403);
    }
    expect(a.seen.length).toBe(before);
    const allowed: Array<[string, string, Record<string, string>]> = [
      ['POST', '/act', { Origin: a.tunnel.origin, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' }],
      ['GET', '/', { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' }],
      ['GET', '/', { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' }],
      ['GET', '/app.js', { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' }],
      ['POST', '/act', {}],
    ];
    for (const [method, path, headers] of allowed) {
      const res = await pageRequest(a, path, { method, headers: { ...headers, 'Content-Length': '0' } });
      expect(res.status, `${method} ${JSON.stringify(headers)}`).toBe(200);
    }
    expect(a.seen.length).toBe(before + allowed.length);
  });
});
