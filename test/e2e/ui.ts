/**
 * What a user does in the launcher, by what they see: roles, labels and visible text (in
 * English after useEnglish), never CSS classes of the app. And what they see on the
 * simulator's desktop page in a tab.
 */
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export const WAIT = { timeout: 30_000 };

export async function useEnglish(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor(WAIT);
}

export function dialog(page: Page, name: string | RegExp): Locator {
  return page.getByRole('dialog', { name });
}

/** Escape out of whatever dialog a previous step (or a failed test) left open. */
export async function closeDialogs(page: Page): Promise<void> {
  const open = page.getByRole('dialog').or(page.getByRole('alertdialog'));
  for (let i = 0; i < 3 && (await open.count()) > 0; i++) {
    await open.first().press('Escape');
    await page.waitForTimeout(100);
  }
}

export async function goTo(page: Page, tab: 'Desktops' | 'Connections' | 'Troubleshooting' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: tab, exact: false }).click();
}

export interface EndpointFields {
  name: string;
  host: string;
  addressOverride?: string;
  proxy?: 'direct' | { url: string; username?: string };
  origin?: string;
}

async function fillEndpoint(form: Locator, e: Partial<EndpointFields>): Promise<void> {
  if (e.name !== undefined) await form.getByLabel('Name', { exact: true }).fill(e.name);
  if (e.host !== undefined) await form.getByLabel('Host name or IP address').fill(e.host);
  if (e.addressOverride !== undefined) await form.getByLabel('Connect to this address instead (optional)').fill(e.addressOverride);
  if (e.proxy === 'direct') await form.getByLabel('How to reach the endpoint').selectOption({ label: 'Direct (no proxy)' });
  else if (e.proxy) {
    await form.getByLabel('How to reach the endpoint').selectOption({ label: 'Through this proxy' });
    await form.getByLabel('Proxy URL').fill(e.proxy.url);
    if (e.proxy.username) await form.getByLabel('Proxy user name (optional)').fill(e.proxy.username);
  }
  if (e.origin !== undefined) {
    const origin = form.getByLabel('Origin header');
    if (!(await origin.isVisible())) await form.getByText('Advanced: Host and Origin headers').click();
    await origin.fill(e.origin);
  }
}

async function save(form: Locator): Promise<void> {
  await form.getByRole('button', { name: 'Save' }).click();
  await form.waitFor({ state: 'detached', ...WAIT });
}

export async function addEndpoint(page: Page, e: EndpointFields): Promise<void> {
  await goTo(page, 'Desktops');
  await page.getByRole('button', { name: 'Add endpoint' }).first().click();
  const form = dialog(page, 'New endpoint');
  await fillEndpoint(form, e);
  await save(form);
  await page.getByRole('region', { name: 'Endpoints' }).getByText(e.name, { exact: true }).waitFor(WAIT);
}

export async function editEndpoint(page: Page, name: string, e: Partial<EndpointFields>): Promise<void> {
  await goTo(page, 'Desktops');
  await page.getByRole('button', { name: `Edit endpoint ${name}` }).click();
  const form = dialog(page, `Edit endpoint: ${name}`);
  await fillEndpoint(form, e);
  await save(form);
}

export async function addDesktop(page: Page, d: { name: string; endpoint: string; port: number }): Promise<void> {
  await goTo(page, 'Desktops');
  await page.getByRole('toolbar', { name: 'Desktop actions' }).getByRole('button', { name: 'Add desktop' }).click();
  const form = dialog(page, 'New desktop');
  await form.getByLabel('Name', { exact: true }).fill(d.name);
  const endpoint = form.getByLabel('Endpoint', { exact: true });
  const label = await endpoint.locator('option', { hasText: d.endpoint }).first().textContent();
  await endpoint.selectOption({ label: label! });
  await form.getByRole('radio', { name: 'NLB port' }).check();
  await form.getByLabel('NLB listener port').fill(String(d.port));
  await save(form);
  await desktopItem(page, d.name).waitFor(WAIT);
}

export function desktopItem(page: Page, name: string): Locator {
  return page.getByRole('list', { name: 'Desktops' }).getByRole('listitem', { name });
}

/** The desktop's one button: “Connect to …” while closed, “Show …” / “Show … again” while open. */
export function connectButton(page: Page, desktop: string): Locator {
  const name = desktop.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.getByRole('button', { name: new RegExp(`^(Connect to ${name}|Show ${name}( again)?)$`) });
}

/** The “already open in another tab” notice after Show: asks for a new launch (“Open again”). */
export async function openAgain(page: Page, desktop: string): Promise<void> {
  const notice = dialog(page, `${desktop} is open`);
  await notice.getByRole('status').filter({ hasText: 'already open in another tab' }).waitFor(WAIT);
  await notice.getByRole('button', { name: 'Open again' }).click();
}

export async function connect(page: Page, desktop: string): Promise<void> {
  await goTo(page, 'Desktops');
  await connectButton(page, desktop).click();
}

/**
 * Clicks `button` in the launcher and returns the tab the launcher opens for the desktop.
 * The launcher's tab comes back to the front: a background tab gets no animation frames,
 * which every later click there would wait for.
 */
export async function clickOpeningTab(context: BrowserContext, button: Locator): Promise<Page> {
  const [tab] = await Promise.all([context.waitForEvent('page', WAIT), button.click()]);
  await tab.waitForLoadState('domcontentloaded');
  await button.page().bringToFront();
  return tab;
}

/** The launcher's "<name> is open" notice, then closes it. */
export async function dismissOpened(page: Page, desktop: string): Promise<void> {
  const notice = dialog(page, `${desktop} is open`);
  await notice.getByRole('status').filter({ hasText: 'Opened in a new tab.' }).waitFor(WAIT);
  await notice.getByRole('button', { name: 'Close' }).click();
  await notice.waitFor({ state: 'detached', ...WAIT });
}

/** Runs the doctor for a desktop (its Troubleshoot button) and waits for the verdict. */
export async function troubleshoot(page: Page, desktop: string): Promise<Locator> {
  await goTo(page, 'Desktops');
  await page.getByRole('button', { name: `Troubleshoot ${desktop}` }).click();
  await page.getByRole('status').filter({ hasText: /is (not )?reachable/ }).waitFor({ timeout: 60_000 });
  return page.getByRole('list', { name: 'Diagnosis steps' });
}

/** One step of the doctor's timeline, by its English title, e.g. 'Proxy'. */
export function timelineStep(timeline: Locator, title: string): Locator {
  return timeline.getByRole('listitem').filter({ has: timeline.page().getByRole('heading', { name: title }) });
}

export async function expectStep(timeline: Locator, title: string, status: 'OK' | 'Failed' | 'Warning' | 'Skipped', code: string): Promise<Locator> {
  const step = timelineStep(timeline, title);
  await step.waitFor(WAIT);
  expect(await step.getByRole('img').first().getAttribute('aria-label')).toBe(status);
  expect(await step.getByRole('heading').locator('code').textContent()).toBe(code);
  return step;
}

// ---- the simulator's desktop page, in a tab ----------------------------------------------------

export interface SimPageState {
  status: string;
  agent: string;
  channels: Record<string, string>;
}

export function simPageState(tab: Page): Promise<SimPageState> {
  return tab.evaluate(() => ({
    status: document.querySelector('#status')?.textContent ?? '',
    agent: document.querySelector('#agent')?.textContent ?? '',
    channels: Object.fromEntries(
      [...document.querySelectorAll('li[data-channel]')].map((li) => [li.getAttribute('data-channel')!, li.getAttribute('data-state')!]),
    ),
  }));
}

/** #status connected and every channel the page lists open. */
export async function expectDesktopConnected(tab: Page, agent: string): Promise<SimPageState> {
  await expect.poll(async () => (await simPageState(tab)).status, { timeout: 30_000, interval: 200 }).toBe('connected');
  const state = await simPageState(tab);
  expect(state.agent).toBe(agent);
  expect(Object.keys(state.channels)).toEqual(expect.arrayContaining(['main', 'display', 'input', 'clipboard', 'audio']));
  for (const [channel, s] of Object.entries(state.channels)) expect(s, `channel ${channel}`).toBe('open');
  return state;
}
