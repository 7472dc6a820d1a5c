/**
 * Real Chromium opens the tunnel's launch URL trusting only the tunnel's certificate (by its
 * SPKI hash, as the app's window trusts only it), and the simulator page behind a path prefix
 * connects every channel.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from '../peers/binaries';
import { expectDesktopConnected, launchChromium, screenshotPath, spkiHashOfCert } from '../peers/chromium';
import type { LocalTunnel } from '../../tunnel/local-tunnel';
import { eventually, removeTestCertDirs, tunnelTo } from './helpers';

describe.skipIf(!needBinaries('chromium'))('Chromium through the tunnel (real Chromium)', () => {
  let sim: Simulator;
  let tunnel: LocalTunnel;
  let browser: Browser;
  beforeAll(async () => {
    // tok123 stands for a token a broker handed out: the launch URL carries it.
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-A', webUrlPath: '/10.150.248.180/', tokens: { console: ['tok123'] } });
    tunnel = await tunnelTo(sim, { pathPrefix: '/10.150.248.180/', entry: { query: 'authToken=tok123', hash: 'console' } });
    expect(tunnel.spkiHash).toBe(spkiHashOfCert(tunnel.certPem));
    // Only the tunnel's certificate: the simulator's is never shown to the browser.
    browser = await launchChromium({ spkiHashes: [tunnel.spkiHash] });
  });
  afterAll(async () => {
    await browser?.close();
    await tunnel?.close();
    await sim?.close();
    removeTestCertDirs();
  });

  it('opens the launch URL, lands on the desktop page with token and session, and connects every channel', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(tunnel.createLaunchUrl());
      expect(page.url()).toBe(`${tunnel.origin}/?authToken=tok123#console`);
      await expectDesktopConnected(page, { agent: 'agent-A', session: 'console' });
      const s = sim.stats();
      // With a token in its URL the client skips /auth and goes straight to the main connection.
      expect(s.byPath['/10.150.248.180/auth']).toBeUndefined();
      expect(s.byPath['/10.150.248.180/ws']).toBe(5);
      expect(s.sockets.every((l) => l.sessionId === 'console' && l.tokenPresent && l.outcome === 'confirmed')).toBe(true);
      expect(s.lastOrigin).toBe(`https://127.0.0.2:${sim.port}`);
      await eventually(() => tunnel.stats().activeWebSockets === 5, 'five WebSockets open in the tunnel');
      await page.screenshot({ path: screenshotPath('tunnel-chromium') });
      // The session cookie is not readable by the page.
      expect(await page.evaluate(() => document.cookie)).not.toContain('dcvl_session');
    } finally {
      await page.close();
    }
    await eventually(() => tunnel.stats().activeWebSockets === 0, 'sockets closed with the page');
    await eventually(() => sim.stats().openSockets === 0, 'simulator sockets closed');
  });

  it('a second visit to a used launch URL is refused', async () => {
    const url = tunnel.createLaunchUrl();
    const ctx = await browser.newContext();
    try {
      const first = await ctx.newPage();
      await first.goto(url);
      const other = await browser.newContext();
      const again = await other.newPage();
      const res = await again.goto(url);
      expect(res?.status()).toBe(403);
      await other.close();
    } finally {
      await ctx.close();
    }
  });

  it('one cookie jar: another tunnel’s page cannot post to this desktop or load its resources, its own page can (issue 12, item 1)', async () => {
    const other = await tunnelTo(sim, { pathPrefix: '/10.150.248.180/' });
    const ctx = await browser.newContext();
    try {
      const own = await ctx.newPage();
      await own.goto(tunnel.createLaunchUrl());
      const foreign = await ctx.newPage();
      await foreign.goto(other.createLaunchUrl());
      const uploads = () => sim.stats().byPath['/10.150.248.180/upload'] ?? 0;
      const scripts = () => sim.stats().byPath['/10.150.248.180/client.js'] ?? 0;
      const before = { uploads: uploads(), scripts: scripts() };
      // From https://127.0.0.1:<other port>: same site, so the browser sends this tunnel's cookie along.
      const attempts = await foreign.evaluate(async (target) => {
        const post = await fetch(`${target}/upload`, { method: 'POST', mode: 'no-cors', credentials: 'include', body: 'x' }).then(() => 'sent', (e: Error) => e.message);
        const form = document.createElement('iframe');
        form.name = 'sink';
        document.body.append(form);
        const f = Object.assign(document.createElement('form'), { method: 'POST', action: `${target}/upload`, target: 'sink' });
        document.body.append(f);
        const posted = new Promise((r) => form.addEventListener('load', r, { once: true }));
        f.submit();
        await posted;
        const img = await new Promise((r) => Object.assign(new Image(), { onload: () => r('loaded'), onerror: () => r('refused'), src: `${target}/client.js?img` }));
        return { post, img };
      }, tunnel.origin);
      // The desktop saw none of them (an <img> of a script fails to decode anyway: the count is what tells).
      expect(attempts.post).toBe('sent');
      expect(uploads()).toBe(before.uploads);
      expect(scripts()).toBe(before.scripts);
      // The desktop's own page posts as before.
      const ownPost = await own.evaluate(async () => (await fetch('/upload', { method: 'POST', body: 'abc' })).status);
      expect(ownPost).toBe(200);
      expect(uploads()).toBe(before.uploads + 1);
    } finally {
      await ctx.close();
      await other.close();
    }
  });
});
