/**
 * Browser mode in a real Chromium: the launch URL's cookie survives the redirect, the page's
 * WebSocket to /api carries cookie and Origin, the CSP lets it through and blocks inline
 * script — and a page on another 127.0.0.1 port (same site, so the cookie rides along: a
 * tunnelled desktop page, say) cannot use the API.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../../test/peers/binaries';
import { launchChromium, spkiHashOfCert } from '../../test/peers/chromium';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { fakeServices } from '../testing/fake-services';
import { startBrowserHost, type BrowserHost } from './host';

const APP_JS = `
const out = (k, v) => { document.body.dataset[k] = typeof v === 'string' ? v : JSON.stringify(v); };
const ws = new WebSocket('wss://' + location.host + '/api');
ws.onopen = () => ws.send(JSON.stringify({ id: 1, channel: 'desktop.setFavourite', request: { id: 'd1', favourite: true } }));
ws.onmessage = (e) => { const m = JSON.parse(e.data); if (m.id === 1) out('result', m.result); if (m.event) out('event', m); };
ws.onerror = () => out('error', 'socket error');
`;

const ATTACK_HTML = (apiUrl: string) => `<!doctype html><body><script>
const ws = new WebSocket(${JSON.stringify(apiUrl)});
ws.onopen = () => { document.body.dataset.outcome = 'opened'; };
ws.onerror = () => { document.body.dataset.outcome = 'refused'; };
</script></body>`;

describe.skipIf(!needBinaries('chromium'))('browser host in Chromium', () => {
  let dir: string;
  let host: BrowserHost;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  const { services, emit } = fakeServices({ 'desktop.setFavourite': async (r: unknown) => ({ ok: true, value: r }) });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'host-chromium-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><script src="./app.js"></script><script>window.inlineRan = true</script></head><body>launcher</body></html>');
    writeFileSync(join(dir, 'app.js'), APP_JS);
    const certDir = join(dir, 'certs');
    host = await startBrowserHost({ services, rendererDir: dir, certDir });
    const cert = await loadOrCreateLocalCertificate(certDir);
    attacker = createServer({ key: cert.keyPem, cert: cert.certPem }, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(ATTACK_HTML(`wss://127.0.0.1:${host.port}/api`));
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `https://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    browser = await launchChromium({ spkiHashes: [spkiHashOfCert(cert.certPem)] });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it('launch URL → cookie → page → API round trip and pushed events; inline script blocked by the CSP', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(host.url);
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toBe('/');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', domain: '127.0.0.1' });

      await expect.poll(() => page.evaluate(() => document.body.dataset.result ?? null), { timeout: 30_000 }).toBe(JSON.stringify({ ok: true, value: { id: 'd1', favourite: true } }));
      emit('catalogue.changed', { hello: 1 });
      await expect.poll(() => page.evaluate(() => document.body.dataset.event ?? null), { timeout: 30_000 }).toBe(JSON.stringify({ event: 'catalogue.changed', payload: { hello: 1 } }));
      expect(await page.evaluate(() => (window as unknown as { inlineRan?: boolean }).inlineRan ?? false)).toBe(false);

      // The same launch URL again, in a fresh browser profile: used up.
      const other = await browser.newContext();
      const again = await (await other.newPage()).goto(host.url);
      expect(again?.status()).toBe(403);
      await other.close();
    } finally {
      await context.close();
    }
  });

  it("a page on another 127.0.0.1 port cannot use the API, although the browser sends the launcher's cookie", async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(host.newLaunchUrl()); // this browser holds a valid session cookie
      await page.goto(attackerUrl);
      await expect.poll(() => page.evaluate(() => document.body.dataset.outcome ?? null), { timeout: 30_000 }).toBe('refused');
    } finally {
      await context.close();
    }
  });
});
