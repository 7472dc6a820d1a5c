import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './http';
import { openAuth, openChannel, openSocket, socketUrl, UpgradeRefusedError } from './protocol';
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

  it('signs in on /auth and echoes a 1 MiB message intact', async () => {
    expect(await openAuth(sim.url)).toEqual({ ok: true, agent: 'agent-A' });
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

  it('holds several /ws sockets at once, carries session and token in the hello, and counts them', async () => {
    await expect.poll(() => sim.stats().openSockets).toBe(0); // earlier tests' sockets finish closing
    const before = sim.stats();
    const main = await openChannel(sim.url, 'main', { sessionId: 'console', authToken: 'T0k' });
    expect(main.ack).toMatchObject({ channel: 'main', agent: 'agent-A', path: '/ws', sessionId: 'console', tokenPresent: true });
    const others = await Promise.all(['display', 'input', 'clipboard', 'audio'].map((c) => openChannel(sim.url, c as 'display')));
    expect(others.map((o) => o.ack.channel)).toEqual(['display', 'input', 'clipboard', 'audio']);
    const during = sim.stats();
    expect(during.openSockets).toBe(5);
    expect(during.upgrades).toBe(before.upgrades + 5);
    expect(during.byPath['/ws']).toBe((before.byPath['/ws'] ?? 0) + 5);
    expect(during.lastQuery).toBe('');
    await Promise.all([main, ...others].map((c) => c.close()));
    await expect.poll(() => sim.stats().openSockets).toBe(0);
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

  it('rejects a first message that is not a Hello', async () => {
    const s = await openSocket(socketUrl(sim.url, 'ws'));
    await s.send(Buffer.from('nonsense'));
    await expect(s.next()).resolves.toBeInstanceOf(Buffer); // the Error message
    await expect(s.next()).rejects.toThrow(/1008/);
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
    expect((await refused(openChannel(sim.url, 'main', { headers, origin: 'https://127.0.0.2:8443' }))).statusCode).toBe(403);
    expect(sim.stats().lastOrigin).toBe('https://127.0.0.2:8443');
    const badHost = await refused(openChannel(sim.url, 'main', { origin: 'https://10.213.66.188:60000' }));
    expect(badHost.statusCode).toBe(403);
    const ch = await openChannel(sim.url, 'main', { headers, origin: 'https://10.213.66.188:60000' });
    expect(ch.ack).toMatchObject({ agent: 'agent-B', path: '/dcv/ws', host: goodHost, origin: 'https://10.213.66.188:60000' });
    await ch.close();
  });
});

describe('simulator modes', () => {
  it('verifier: /auth upgrade answers 302 to the broker; /ws still works', async () => {
    const sim = await startSimulator({ mode: 'verifier' });
    try {
      const e = await refused(openAuth(sim.url));
      expect(e.statusCode).toBe(302);
      expect(e.headers.location).toMatch(/^https:\/\//);
      const ch = await openChannel(sim.url, 'display');
      await ch.close();
    } finally {
      await sim.close();
    }
  });

  it('gateway: page served, /auth answers 404', async () => {
    const sim = await startSimulator({ mode: 'gateway' });
    try {
      expect((await request(sim.url)).status).toBe(200);
      expect((await refused(openAuth(sim.url))).statusCode).toBe(404);
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
