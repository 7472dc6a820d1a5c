/**
 * The Session Manager path in a real Chromium, as the field could not make it work by hand:
 * the user adds the Session Manager of an endpoint (Broker port, API client, Gateway port),
 * trusts the Broker's certificate after comparing it, sees their sessions listed by the
 * Broker, opens one — the launcher fetches a fresh token, the tab lands on the Gateway with
 * `?authToken=…#session`, the Gateway resolves the session, the agent checks the token with
 * the Broker — and every channel of the desktop connects. Then New desktop: CREATING → READY
 * → opened by itself.
 */
import { userInfo } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needBinaries } from '../peers/binaries';
import { startSessionManager, type SimSessionManager } from '../sim/session-manager';
import { screenshot, screenshotOnFailure, startLauncher, type Launcher } from './harness';
import { addEndpoint, clickOpeningTab, dialog, expectDesktopConnected, goTo, useEnglish, WAIT } from './ui';

const ENDPOINT = 'Session Manager endpoint';
const SOURCE = 'Tokyo Session Manager';

describe.skipIf(!needBinaries('chromium'))('e2e: a Session Manager source', () => {
  let sm: SimSessionManager;
  let launcher: Launcher;
  let page: Page;
  const tabs: Page[] = [];

  beforeAll(async () => {
    sm = await startSessionManager({ user: userInfo().username, creatingMs: 600_000, creationDelayMs: 1500 });
    launcher = await startLauncher();
    page = launcher.page;
    await useEnglish(page);
  });
  afterEach((ctx) => screenshotOnFailure(page, ctx));
  afterAll(async () => {
    for (const tab of tabs) await tab.close().catch(() => {});
    await launcher?.close();
    await sm?.close();
  });

  const source = () => page.getByRole('region', { name: new RegExp(SOURCE) });

  it('add the source → trust the Broker → the user’s sessions listed → open one through the Gateway, every channel connected', async () => {
    await addEndpoint(page, { name: ENDPOINT, host: '127.0.0.1', proxy: 'direct' });
    await page.getByRole('toolbar', { name: 'Desktop actions' }).getByRole('button', { name: 'Add Session Manager' }).click();
    const form = dialog(page, 'New Session Manager');
    await form.getByLabel('Name', { exact: true }).fill(SOURCE);
    await form.getByLabel('Broker port').fill(String(sm.broker.port));
    await form.getByLabel('Client ID').fill(sm.broker.clientId);
    await form.getByLabel('Client password').fill(sm.broker.clientPassword);
    await form.getByLabel('Gateway port').fill(String(sm.gateway.port));
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached', ...WAIT });

    // The Broker's certificate is shown before anything is sent to it.
    await source().getByText(/certificate the launcher has not seen before/).waitFor(WAIT);
    expect(sm.broker.stats().tokenRequests).toBe(0);
    await source().getByRole('button', { name: 'Check now' }).click();
    const trust = dialog(page, 'Check this certificate before you trust it');
    await trust.waitFor(WAIT);
    expect(await trust.textContent()).toContain(sm.broker.fingerprintHex);
    await trust.getByRole('button', { name: 'Trust always' }).click();
    await trust.waitFor({ state: 'detached', ...WAIT });

    const listed = source().getByRole('listitem', { name: 'Design review' });
    await listed.waitFor(WAIT);
    await source().getByRole('listitem', { name: 'Render farm' }).getByText(/Being created/).waitFor(WAIT);
    expect(await source().getByRole('listitem', { name: 'Not yours' }).count()).toBe(0);
    expect(sm.broker.rejectedRequests).toEqual([]);

    // Open: a fresh token; the Gateway's certificate is trusted on first use like a desktop's.
    await listed.getByRole('button', { name: 'Connect to Design review' }).click();
    const gatewayTrust = dialog(page, 'Check this certificate before you trust it');
    await gatewayTrust.waitFor(WAIT);
    expect(await gatewayTrust.textContent()).toContain(sm.gateway.fingerprintHex);
    const tab = await clickOpeningTab(launcher.context, gatewayTrust.getByRole('button', { name: 'Trust always' }));
    tabs.push(tab);
    await expectDesktopConnected(tab, 'agent-C');
    // The page's address is the tunnel's, without the token (it rode on the entry page only).
    expect(new URL(tab.url()).hash).toBe('#design-review');
    expect(sm.gateway.stats().resolverCalls.at(-1)).toMatchObject({ sessionId: 'design-review', status: 200 });
    expect(sm.broker.stats().verifierCalls.at(-1)).toMatchObject({ sessionId: 'design-review', result: 'yes' });
    await dialog(page, 'Design review is open').getByRole('button', { name: 'Close' }).click();
  });

  it('New desktop: progress while the Broker creates it, then it opens by itself with every channel connected', async () => {
    await goTo(page, 'Desktops');
    const [tab] = await Promise.all([
      launcher.context.waitForEvent('page', { timeout: 60_000 }),
      (async () => {
        await source().getByRole('button', { name: 'New desktop' }).click();
        await dialog(page, /^Creating /).getByText('Being created').waitFor(WAIT);
      })(),
    ]);
    tabs.push(tab);
    await page.bringToFront();
    const created = sm.broker.sessions().find((x) => x.name.startsWith(`${userInfo().username}-`))!;
    expect(created.state).toBe('READY');
    await expectDesktopConnected(tab, created.serverId === 'agent-c' ? 'agent-C' : 'agent-D');
    expect(new URL(tab.url()).hash).toBe(`#${created.id}`);
    await dialog(page, `${created.name} is open`).getByRole('button', { name: 'Close' }).click();
    await source().getByRole('listitem', { name: created.name }).waitFor(WAIT);

    // The desktop list with the Session Manager, in Japanese (the README's screenshot).
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('region', { name: new RegExp(SOURCE) }).getByText('使用可能').first().waitFor(WAIT);
    await screenshot(page, 'session-manager');
    await page.getByRole('button', { name: 'English' }).click();
  });
});
