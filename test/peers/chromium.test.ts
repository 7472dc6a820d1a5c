import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSimulator, type Simulator } from '../sim/simulator';
import { needBinaries } from './binaries';
import { expectDesktopConnected, launchChromium, screenshotPath, spkiHashOfCert } from './chromium';

describe.skipIf(!needBinaries('chromium'))('Chromium against the simulator', () => {
  let sim: Simulator;
  let browser: Browser;
  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-A' });
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
      expect(s.byPath['/auth']).toBe(1);
      expect(s.byPath['/ws']).toBe(5);
      await expect.poll(() => sim.stats().openSockets).toBe(5); // auth closed, main + 4 channels stay open
      expect(s.lastOrigin).toBe(new URL(sim.url).origin);
      await page.screenshot({ path: screenshotPath('chromium-simulator') });
    } finally {
      await page.close();
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
