import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from './binaries';
import { expectDesktopConnected, launchChromium, screenshotPath, spkiHashOfCert } from './chromium';

describe.skipIf(!needBinaries('chromium'))('Chromium against the simulator', () => {
  let sim: Simulator;
  let browser: Browser;
  beforeAll(async () => {
    // tok123 stands for a token a broker handed out: the page below carries it in its URL.
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-A', tokens: { console: ['tok123'] } });
    browser = await launchChromium({ spkiHashes: [spkiHashOfCert(sim.certPem)] });
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  it('trusts the pinned SPKI, loads the page, and opens every channel socket', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.url}?authToken=tok123#console`);
      await expectDesktopConnected(page, { agent: 'agent-A', session: 'console' });
      const s = sim.stats();
      // With a token in its URL the client skips /auth and goes straight to the main connection.
      expect(s.byPath['/auth']).toBeUndefined();
      expect(s.byPath['/ws']).toBe(5);
      await expect.poll(() => sim.stats().openSockets).toBe(5); // main + 4 channels stay open
      expect(s.lastOrigin).toBe(new URL(sim.url).origin);
      expect(s.sockets.map((l) => `${l.channel} ${l.sessionId} ${l.outcome}`).sort()).toEqual(
        ['audio console confirmed', 'clipboard console confirmed', 'display console confirmed', 'input console confirmed', 'main console confirmed'],
      );
      await page.screenshot({ path: screenshotPath('chromium-simulator') });
    } finally {
      await page.close();
    }
  });

  it('without a token: signs in on /auth itself; a token the agent never issued: AUTHENTICATION_FAILED in #error', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${sim.url}#console`);
      await page.locator('#status', { hasText: /^(connected|failed)$/ }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#error').textContent()).toBe('');
      expect(await page.locator('#token-present').textContent()).toBe('false');
      expect(sim.stats().byPath['/auth']).toBe(1);
      await page.goto(`${sim.url}?authToken=forged#console`);
      await page.locator('#status', { hasText: /^(connected|failed)$/ }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#status').textContent()).toBe('failed');
      expect(await page.locator('#error').textContent()).toContain('AUTHENTICATION_FAILED');
      expect(await page.locator('li[data-channel="main"]').getAttribute('data-state')).toBe('error');
    } finally {
      await page.close();
    }
  });

  it('system authentication with the test-only ?user=&password=; a server without a session: “No session is available”', async () => {
    // Same certificate as `sim`, so the browser trusts them too.
    const cert = { key: sim.keyPem, cert: sim.certPem };
    const system = await startSimulator({ host: '127.0.0.3', name: 'agent-S', cert, authentication: 'system', users: { alice: 'p@ss w0rd' } });
    const empty = await startSimulator({ host: '127.0.0.3', name: 'agent-E', cert, sessions: [] });
    const page = await browser.newPage();
    const settled = () => page.locator('#status', { hasText: /^(connected|failed)$/ }).waitFor({ timeout: 30_000 });
    try {
      await page.goto(`${system.url}?user=alice&password=${encodeURIComponent('p@ss w0rd')}#console`);
      await settled();
      expect(await page.locator('#error').textContent()).toBe('');
      expect(await page.locator('#agent').textContent()).toBe('agent-S');
      await page.goto(`${system.url}?user=alice&password=wrong#console`);
      await settled();
      expect(await page.locator('#error').textContent()).toBe('auth: FAIL (3 retries left)');
      await page.goto(`${system.url}#console`);
      await settled();
      expect(await page.locator('#error').textContent()).toContain('?user=&password=');
      await page.goto(empty.url);
      await settled();
      expect(await page.locator('#error').textContent()).toBe('No session is available');
      expect(await page.locator('li[data-channel="main"]').getAttribute('data-state')).toBe('pending');
    } finally {
      await page.close();
      await Promise.all([system.close(), empty.close()]);
    }
  });

  it('without the SPKI hash, the self-signed certificate is refused', async () => {
    const plain = await launchChromium();
    try {
      const page = await plain.newPage();
      await expect(page.goto(sim.url)).rejects.toThrow(/ERR_CERT/);
    } finally {
      await plain.close();
    }
  });
});
