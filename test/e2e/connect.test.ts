/**
 * The happy path in a real Chromium: a user types an endpoint (the VPC endpoint's private
 * name, with the address override the field needs) and a port-mapped desktop into the
 * editors, connects, compares the fingerprint, trusts it, and the desktop opens in a new tab
 * through the tunnel with every channel up. Then the keyboard path to Connect, and the
 * Active connections view closing a live desktop.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../peers/binaries';
import { startSimulator, type Simulator } from '../sim/simulator';
import { presentedCertificate, screenshot, screenshotOnFailure, startLauncher, type Launcher } from './harness';
import {
  addDesktop,
  addEndpoint,
  clickOpeningTab,
  connect,
  dialog,
  dismissOpened,
  expectDesktopConnected,
  goTo,
  simPageState,
  useEnglish,
  WAIT,
} from './ui';

const ENDPOINT_NAME = 'Tokyo VPC endpoint';
const FQDN = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';
const DESKTOP = 'Design workstation';

describe.skipIf(!needBinaries('chromium'))('e2e: connect a desktop through the UI', () => {
  let sim: Simulator;
  let launcher: Launcher;
  let page: Page;
  let tunnelPort = 0;
  const tabs: Page[] = [];

  beforeAll(async () => {
    // The agent on its own loopback address, as the NLB's target would be; the endpoint's
    // name resolves nowhere, the address override points at it.
    sim = await startSimulator({ host: '127.0.0.2', name: 'agent-e2e' });
    launcher = await startLauncher();
    page = launcher.page;
    await useEnglish(page);
  });
  afterEach((ctx) => screenshotOnFailure(page, ctx));
  afterAll(async () => {
    await launcher?.close();
    await sim?.close();
  });

  it('endpoint and desktop from the editors → Connect → first-use trust shows the agent’s SHA-256 → Trust always → new tab on the tunnel, every channel open', async () => {
    await addEndpoint(page, { name: ENDPOINT_NAME, host: FQDN, addressOverride: sim.host, proxy: 'direct' });
    await addDesktop(page, { name: DESKTOP, endpoint: ENDPOINT_NAME, port: sim.port });

    await connect(page, DESKTOP);
    const trust = dialog(page, 'Check this certificate before you trust it');
    await trust.waitFor(WAIT);
    const text = await trust.textContent();
    expect(text).toContain(`${FQDN}:${sim.port}`);
    expect(text).toContain(sim.fingerprintHex);
    expect(text).toContain(sim.fingerprint.replace(/^sha256\//, ''));
    // The trust question is asked before any HTTP byte reaches the agent.
    expect(sim.stats().httpRequests + sim.stats().upgrades).toBe(0);
    await screenshot(page, 'trust-first-use');

    const tab = await clickOpeningTab(launcher.context, trust.getByRole('button', { name: 'Trust always' }));
    tabs.push(tab);
    await tab.waitForLoadState('domcontentloaded');
    const url = new URL(tab.url());
    expect(url.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(url.pathname).toBe('/');
    tunnelPort = Number(url.port);
    expect(tunnelPort).not.toBe(launcher.host.port);
    // The tab's certificate is the launcher's own (the only one Chromium was told to accept).
    expect((await presentedCertificate(tunnelPort)).fingerprint256).toBe(launcher.host.fingerprintHex);

    await expectDesktopConnected(tab, 'agent-e2e');
    // The tunnel dialled 127.0.0.2 but spoke to the agent in the endpoint's name.
    expect(sim.stats().lastHost).toBe(`${FQDN}:${sim.port}`);
    expect(sim.stats().lastOrigin).toBe(`https://${FQDN}:${sim.port}`);
    await screenshot(tab, 'desktop-through-tunnel');
    await page.bringToFront();
    await dismissOpened(page, DESKTOP);
  });

  it('keyboard: Tab reaches the first desktop’s button and Enter shows it again (a reload forgot the tab; the connection stayed open)', async () => {
    await page.reload();
    const label = `Show ${DESKTOP} again`;
    await page.getByRole('button', { name: label }).waitFor(WAIT);
    const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent ?? '');
    let presses = 0;
    while ((await focusedName()) !== label) {
      expect(presses++, 'Tab presses before Connect is focused').toBeLessThan(40);
      await page.keyboard.press('Tab');
    }
    const [tab] = await Promise.all([launcher.context.waitForEvent('page', WAIT), page.keyboard.press('Enter')]);
    tabs.push(tab);
    await page.bringToFront();
    // Trusted always: no question this time, the same tunnel (same port) with a fresh launch URL.
    expect(new URL(tab.url()).port).toBe(String(tunnelPort));
    await expectDesktopConnected(tab, 'agent-e2e');
    await dismissOpened(page, DESKTOP);
  });

  it('Active connections: the open desktop with live numbers and charts; Close drops the tab’s WebSockets', async () => {
    const [tab] = tabs.slice(-1);
    // The simulator's channels idle; the page fetches its (100 KB) assets for a few seconds so
    // the tunnel has traffic to count.
    const traffic = (async () => {
      // Paced from here: a background tab's timers are throttled to one a second.
      for (let round = 0; round < 24; round++) {
        await tab.evaluate(
          (batch) => Promise.all(batch.map((n) => fetch(`assets/${n}.js`, { cache: 'no-store' }).then((r) => r.arrayBuffer()))),
          Array.from({ length: 1 + (round % 4) }, (_, i) => (round * 4 + i) % 40),
        );
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await goTo(page, 'Connections');
    const row = page.getByRole('listitem', { name: DESKTOP });
    await row.waitFor(WAIT);
    await traffic;
    const chart = row.getByRole('img', { name: `Throughput of ${DESKTOP}, last 60 samples` });
    await expect.poll(() => chart.locator('polyline').count(), WAIT).toBeGreaterThan(0);
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('Open');
    expect(rowText).toContain(`https://127.0.0.1:${tunnelPort}`);
    // Two tabs, each with main + 4 channel sockets.
    const ws = Number(/(\d+) WebSocket/.exec(rowText)?.[1]);
    expect(ws).toBeGreaterThanOrEqual(10);
    expect(rowText).toMatch(/↓ [1-9][\d.,]* ?[KM]?B/);
    await screenshot(page, 'connections');

    await row.getByRole('button', { name: `Close the connection to ${DESKTOP}` }).click();
    await page.getByText('No open connections.').waitFor(WAIT);
    for (const t of tabs) {
      await expect.poll(async () => (await simPageState(t)).status, WAIT).toBe('disconnected');
      const { channels } = await simPageState(t);
      for (const [channel, s] of Object.entries(channels)) expect(s, `channel ${channel}`).toBe('closed');
    }
    expect(sim.stats().openSockets).toBe(0);
  });
});
