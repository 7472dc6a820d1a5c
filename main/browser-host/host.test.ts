import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Events } from '../../preload/contract/api';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { fakeServices } from '../testing/fake-services';
import { startBrowserHost, type BrowserHost } from './host';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dir: string;
let ca: string;
let host: BrowserHost;
const logged: unknown[] = [];

const { services, emit } = fakeServices({
  'desktop.setFavourite': async (r: { id: string; favourite: boolean }) => ({ ok: true, value: { id: r.id, favourite: r.favourite } }),
  'connection.list': async () => {
    throw new Error('secret stack detail');
  },
});

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // SNI and the certificate check use 'localhost' (in the certificate) whatever Host header a test sends.
    const req = request({ host: '127.0.0.1', port: host.port, path, method, ca, servername: 'localhost', headers: { Host: `127.0.0.1:${host.port}`, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** Redeems a fresh launch URL and returns the session cookie pair ("name=value"). */
async function session(): Promise<string> {
  const r = await get(new URL(host.newLaunchUrl()).pathname);
  const setCookie = (r.headers['set-cookie'] as string[])[0];
  return setCookie.split(';')[0];
}

function openApi(opts: { cookie?: string; origin?: string }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${host.port}/api`, {
      ca,
      origin: opts.origin,
      headers: opts.cookie ? { Cookie: opts.cookie } : {},
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextMessage(ws: WebSocket): Promise<any> {
  return new Promise((resolve) => ws.once('message', (d) => resolve(JSON.parse(d.toString()))));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'browser-host-'));
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>launcher</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(dir, 'outside.js'), 'secret');
  host = await startBrowserHost({ services, rendererDir: renderer, certDir: join(dir, 'certs'), log: (m, e) => logged.push([m, e]) });
  ca = (await loadOrCreateLocalCertificate(join(dir, 'certs'))).certPem;
});

afterAll(async () => {
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser host: access', () => {
  it('serves on 127.0.0.1 with a one-time launch URL', () => {
    expect(host.url).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${host.port}/__launch/[A-Za-z0-9_-]{20,}$`));
    expect(host.origin).toBe(`https://127.0.0.1:${host.port}`);
    expect(host.fingerprintHex).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
  });

  it('answers 403 with instructions when there is no cookie', async () => {
    const r = await get('/');
    expect(r.status).toBe(403);
    expect(r.body).toContain('Open the URL printed in the terminal');
    expect(r.body).not.toContain('<script');
  });

  it('trades the launch token once for an HttpOnly Secure SameSite=Strict cookie, then serves the page', async () => {
    const path = new URL(host.newLaunchUrl()).pathname;
    const first = await get(path);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = (first.headers['set-cookie'] as string[])[0];
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);

    const again = await get(path);
    expect(again.status).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();

    const page = await get('/', { Cookie: cookie.split(';')[0] });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>launcher</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' wss://127.0.0.1:${host.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('refuses an unknown launch token and a wrong cookie value', async () => {
    expect((await get('/__launch/not-a-token')).status).toBe(403);
    const [name] = (await session()).split('=');
    expect((await get('/', { Cookie: `${name}=forged` })).status).toBe(403);
  });

  it('refuses a foreign Host even with a valid cookie (DNS rebinding)', async () => {
    const cookie = await session();
    const r = await get('/', { Cookie: cookie, Host: `attacker.example:${host.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toContain('is not this launcher');
    expect((await get('/', { Cookie: cookie, Host: `localhost:${host.port}` })).status).toBe(200);
    expect((await get('/', { Cookie: cookie, Host: '127.0.0.1:1' })).status).toBe(403);
  });

  it('serves assets with their MIME type and never a file outside the bundle', async () => {
    const cookie = await session();
    const js = await get('/assets/app.js', { Cookie: cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    for (const path of ['/../outside.js', '/%2e%2e/outside.js', '/assets/..%2f..%2foutside.js', '/assets/missing.js', '/assets']) {
      expect((await get(path, { Cookie: cookie })).status, path).toBe(404);
    }
  });

  it('a launch opened from another site (the launch file) gets a page that goes on same-origin, so the Strict cookie is sent', async () => {
    const r = await get(new URL(host.newLaunchUrl()).pathname, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' });
    expect(r.status).toBe(200);
    expect((r.headers['set-cookie'] as string[])[0]).toMatch(/^dcvl_session_\d+=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    expect(r.body).toContain('<meta http-equiv="refresh" content="0;url=/">');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
    const cookie = (r.headers['set-cookie'] as string[])[0].split(';')[0];
    expect((await get('/', { Cookie: cookie })).status).toBe(200);
  });

  it('a launch URL is short-lived: one left unused for more than two minutes is refused (the clock is injected)', async () => {
    let now = Date.parse('2025-03-01T09:00:00Z');
    const timed = await startBrowserHost({ services, rendererDir: join(dir, 'renderer'), certDir: join(dir, 'certs'), now: () => now });
    try {
      const status = (url: string) =>
        new Promise<number>((resolve, reject) => {
          const u = new URL(url);
          request({ host: '127.0.0.1', port: timed.port, path: u.pathname, ca, servername: 'localhost' }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
            .on('error', reject)
            .end();
        });
      const fresh = timed.newLaunchUrl();
      const stale = timed.newLaunchUrl();
      now += 2 * 60_000 - 1;
      expect(await status(fresh)).toBe(302);
      now += 2;
      expect(await status(stale)).toBe(403);
    } finally {
      await timed.close();
    }
  });
});

describe('browser host: one cookie jar with the tunnels (issue 12, item 1)', () => {
  // Every tunnel's page is https://127.0.0.1:<another port>: same site, so our cookie rides along.
  const tunnelPage = () => `https://127.0.0.1:${host.port + 1}`;

  it('refuses state-changing requests and embedded loads from another origin with 403, even with the cookie', async () => {
    const cookie = await session();
    const cases: Array<[string, string, Record<string, string>]> = [
      ['POST', '/', { Origin: tunnelPage(), 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' }],
      ['PUT', '/assets/app.js', { Origin: 'null' }],
      ['DELETE', '/', { 'Sec-Fetch-Site': 'cross-site' }],
      ['GET', '/assets/app.js', { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'script' }],
      ['GET', '/', { Origin: tunnelPage(), 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' }],
      ['POST', new URL(host.newLaunchUrl()).pathname, { Origin: tunnelPage(), 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'cors' }],
    ];
    for (const [method, path, headers] of cases) {
      const r = await get(path, { Cookie: cookie, ...headers }, method);
      expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('a navigation from another page still opens, and a launch link redeems only on GET', async () => {
    const cookie = await session();
    const nav = { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
    expect((await get('/', { Cookie: cookie, ...nav })).status).toBe(200);
    // From another site (the private launch file): the landing page that goes on same-origin.
    expect((await get(new URL(host.newLaunchUrl()).pathname, { ...nav, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(200);
    const launch = new URL(host.newLaunchUrl()).pathname;
    expect((await get(launch, {}, 'POST')).status).toBe(403);
    expect((await get(launch)).status).toBe(302);
    // Its own page's requests pass.
    expect((await get('/assets/app.js', { Cookie: cookie, 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors', Origin: host.origin })).status).toBe(200);
  });
});

describe('browser host: API WebSocket', () => {
  it('refuses the upgrade without the cookie', async () => {
    await expect(openApi({ origin: host.origin })).rejects.toThrow('refused 403');
  });

  it('refuses the upgrade from a foreign or missing Origin', async () => {
    const cookie = await session();
    await expect(openApi({ cookie, origin: 'https://evil.example' })).rejects.toThrow('refused 403');
    await expect(openApi({ cookie, origin: `https://127.0.0.1:${host.port + 1}` })).rejects.toThrow('refused 403');
    await expect(openApi({ cookie })).rejects.toThrow('refused 403');
  });

  it('round-trips a call, validates fields, rejects unknown channels and bad frames, hides exceptions', async () => {
    const ws = await openApi({ cookie: await session(), origin: host.origin });
    try {
      ws.send(JSON.stringify({ id: 1, channel: 'desktop.setFavourite', request: { id: 'd1', favourite: true } }));
      expect(await nextMessage(ws)).toEqual({ id: 1, result: { ok: true, value: { id: 'd1', favourite: true } } });

      ws.send(JSON.stringify({ id: 2, channel: 'desktop.setFavourite', request: { id: 'bad id!', favourite: 'yes' } }));
      const invalid = await nextMessage(ws);
      expect(invalid.id).toBe(2);
      expect(invalid.result.ok).toBe(false);
      expect(invalid.result.error.code).toBe('INVALID_INPUT');
      expect(Object.keys(invalid.result.error.fields).sort()).toEqual(['favourite', 'id']);

      ws.send(JSON.stringify({ id: 3, channel: 'shell.exec', request: {} }));
      expect(await nextMessage(ws)).toMatchObject({ id: 3, result: { ok: false, error: { code: 'INVALID_INPUT', message: 'unknown channel "shell.exec"' } } });

      ws.send('{not json');
      expect(await nextMessage(ws)).toMatchObject({ id: 0, result: { ok: false, error: { code: 'INVALID_INPUT' } } });

      ws.send(JSON.stringify({ id: 4, request: {} }));
      expect(await nextMessage(ws)).toMatchObject({ id: 4, result: { ok: false, error: { code: 'INVALID_INPUT', fields: { channel: expect.any(String) } } } });

      ws.send(JSON.stringify({ id: 5, channel: 'connection.list', request: {} }));
      const internal = await nextMessage(ws);
      expect(internal).toMatchObject({ id: 5, result: { ok: false, error: { code: 'INTERNAL' } } });
      expect(JSON.stringify(internal)).not.toContain('secret stack detail');
      expect(JSON.stringify(logged)).toContain('connection.list');
    } finally {
      ws.close();
    }
  });

  it('pushes events to every connected API socket', async () => {
    const a = await openApi({ cookie: await session(), origin: host.origin });
    const b = await openApi({ cookie: await session(), origin: host.origin });
    try {
      const got = Promise.all([nextMessage(a), nextMessage(b)]);
      const payload = { desktopId: 'd1', step: { id: 'dns', status: 'ok', code: 'OK', durationMs: 1, detail: {} } } as Events['doctor.step'];
      emit('doctor.step', payload);
      expect(await got).toEqual([
        { event: 'doctor.step', payload },
        { event: 'doctor.step', payload },
      ]);
    } finally {
      a.close();
      b.close();
    }
  });

  it('closes a socket that sends an oversized message and keeps serving others', async () => {
    const big = await openApi({ cookie: await session(), origin: host.origin });
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.send('x'.repeat(13 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const ws = await openApi({ cookie: await session(), origin: host.origin });
    ws.send(JSON.stringify({ id: 9, channel: 'desktop.setFavourite', request: { id: 'd2', favourite: false } }));
    expect((await nextMessage(ws)).result.ok).toBe(true);
    ws.close();
  });
});
