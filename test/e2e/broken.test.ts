/**
 * Broken desktops, as the field broke them, in a real Chromium against real peers: each one
 * ends in Troubleshooting at the right step with the right code and a hint, and where the
 * user can fix it in the launcher (proxy password, Origin override), the fix is shown to work.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { needBinaries } from '../peers/binaries';
import { startSquid, type SquidPeer } from '../peers/squid';
import { startSimulator, type Simulator } from '../sim/simulator';
import { screenshot, screenshotOnFailure, startLauncher, type Launcher } from './harness';
import {
  addDesktop,
  addEndpoint,
  clickOpeningTab,
  closeDialogs,
  connect,
  dialog,
  dismissOpened,
  editEndpoint,
  expectDesktopConnected,
  expectStep,
  goTo,
  openAgain,
  simPageState,
  timelineStep,
  troubleshoot,
  useEnglish,
  WAIT,
} from './ui';

/** The field's allowed-ws-origin-regex: the endpoint's IP and its vpce names only. */
const FIELD_ORIGIN_REGEX = '^https://(10\\.213\\.66\\.188|vpce-.*\\.vpce\\.amazonaws\\.com)(:[0-9]+)?$';
const PROXIED_FQDN = 'vpce-0f00dcafe0000beef-proxied.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';
const USER = { username: 'alice', password: 'w0nder:l@nd%' };

describe.skipIf(!needBinaries('chromium', 'squid', 'htpasswd'))('e2e: broken desktops in Troubleshooting', () => {
  let squid: SquidPeer;
  let launcher: Launcher;
  let page: Page;
  const sims: Simulator[] = [];

  beforeAll(async () => {
    const proxied = await startSimulator({ host: '127.0.0.4', name: 'agent-proxied' });
    sims.push(proxied);
    // The corporate proxy: Basic auth, resolves the private endpoint name, allows CONNECT to the NLB port.
    squid = await startSquid({ users: [USER], hosts: { [PROXIED_FQDN]: proxied.host }, sslPorts: [443, proxied.port] });
    // A plain browser on this PC would go through the proxy (what the explainer contrasts with).
    launcher = await startLauncher({ env: { https_proxy: squid.url, no_proxy: 'localhost,127.0.0.1' } });
    page = launcher.page;
    await useEnglish(page);
  });
  beforeEach(() => closeDialogs(page));
  afterEach((ctx) => screenshotOnFailure(page, ctx));
  afterAll(async () => {
    await launcher?.close();
    await squid?.close();
    await Promise.allSettled(sims.map((s) => s.close()));
  });

  it('changed certificate: trusted once, the agent restarts with a new one → Connect warns with both fingerprints; tls fails TLS_PIN_MISMATCH', async () => {
    const before = await startSimulator({ host: '127.0.0.3', name: 'agent-renewed' });
    sims.push(before);
    await addEndpoint(page, { name: 'Osaka NLB', host: '127.0.0.3', proxy: 'direct' });
    await addDesktop(page, { name: 'Build agent', endpoint: 'Osaka NLB', port: before.port });
    await connect(page, 'Build agent');
    const trust = dialog(page, 'Check this certificate before you trust it');
    await trust.waitFor(WAIT);
    const tab = await clickOpeningTab(launcher.context, trust.getByRole('button', { name: 'Trust once' }));
    await expectDesktopConnected(tab, 'agent-renewed');
    await dismissOpened(page, 'Build agent');

    await before.close();
    const after = await startSimulator({ host: before.host, port: before.port, name: 'agent-renewed' });
    sims.push(after);
    expect(after.fingerprint).not.toBe(before.fingerprint);
    // The tunnel still says open (its sockets closed cleanly) and its tab is still there: Show
    // brings it forward; “Open again” checks the path of the tunnel it would reuse, and the new
    // certificate is shown before the tab gets a new launch.
    await connect(page, 'Build agent');
    await openAgain(page, 'Build agent');
    const changed = page.getByRole('alertdialog', { name: 'Warning: the certificate has changed' });
    await changed.waitFor(WAIT);
    const oldSide = changed.getByRole('region', { name: 'Trusted until now' });
    const newSide = changed.getByRole('region', { name: 'Presented now' });
    expect(await oldSide.textContent()).toContain(before.fingerprintHex);
    expect(await newSide.textContent()).toContain(after.fingerprintHex);
    // Trusting the new one takes an explicit confirmation.
    expect(await changed.getByRole('button', { name: 'Trust the new certificate' }).isDisabled()).toBe(true);
    await screenshot(page, 'certificate-changed');
    await changed.getByRole('button', { name: 'Cancel' }).click();
    // Not one request reached the impostor: the pin is checked before any HTTP byte.
    expect(after.stats().httpRequests + after.stats().upgrades).toBe(0);
    // The connection fails for good (never retried); its tab gets the tunnel's error page.
    await goTo(page, 'Connections');
    await page.getByRole('listitem', { name: 'Build agent' }).getByText('Failed (TLS_PIN_MISMATCH)').waitFor(WAIT);
    await tab.reload();
    expect(await tab.locator('body').textContent()).toContain('TLS_PIN_MISMATCH');

    const timeline = await troubleshoot(page, 'Build agent');
    const tls = await expectStep(timeline, 'Certificate (TLS)', 'Failed', 'TLS_PIN_MISMATCH');
    const hint = (await tls.locator('.hint').first().textContent()) ?? '';
    expect(hint).toContain(after.fingerprintHex);
    expect(hint).toMatch(/do not trust it/);
    expect(after.stats().httpRequests + after.stats().upgrades).toBe(0);
  });

  it('proxy 407: Connect asks for the proxy password; proxy fails PROXY_AUTH_REQUIRED with a hint; the right password connects', async () => {
    const agent = sims[0];
    await addEndpoint(page, { name: 'Proxied endpoint', host: PROXIED_FQDN, proxy: { url: squid.url, username: USER.username } });
    await addDesktop(page, { name: 'Finance desktop', endpoint: 'Proxied endpoint', port: agent.port });

    await connect(page, 'Finance desktop');
    let prompt = dialog(page, 'Proxy authentication');
    await prompt.waitFor(WAIT);
    expect(await prompt.textContent()).toContain(squid.url);
    expect(await prompt.getByLabel('User name').inputValue()).toBe(USER.username);
    await prompt.getByRole('button', { name: 'Cancel' }).click();

    const timeline = await troubleshoot(page, 'Finance desktop');
    const proxy = await expectStep(timeline, 'Proxy', 'Failed', 'PROXY_AUTH_REQUIRED');
    expect(await proxy.locator('.hint').first().textContent()).toMatch(/asks for a user name and password \(407, Proxy-Authenticate: Basic/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'troubleshooting');
    // The launcher goes through the proxy the endpoint names, with alice's credentials.
    const explainer = page.getByRole('region', { name: 'Proxy route' });
    expect(await explainer.getByRole('definition').first().textContent()).toContain(`PROXY ${squid.host}:${squid.port}`);
    expect(agent.stats().httpRequests + agent.stats().upgrades).toBe(0);

    await connect(page, 'Finance desktop');
    prompt = dialog(page, 'Proxy authentication');
    await prompt.getByLabel('Password').fill(USER.password);
    await prompt.getByRole('button', { name: 'Save and connect' }).click();
    // Through the proxy now, the agent's certificate is new to the launcher.
    const trust = dialog(page, 'Check this certificate before you trust it');
    await trust.waitFor(WAIT);
    expect(await trust.textContent()).toContain(agent.fingerprintHex);
    const tab = await clickOpeningTab(launcher.context, trust.getByRole('button', { name: 'Trust always' }));
    await expectDesktopConnected(tab, 'agent-proxied');
    await dismissOpened(page, 'Finance desktop');
    expect(squid.accessLog().some((l) => l.includes(`CONNECT ${PROXIED_FQDN}:${agent.port}`) && l.includes(USER.username) && / TCP_TUNNEL\/200 /.test(l))).toBe(true);
  });

  it('Origin 403: the agent only allows the endpoint’s names → the page never connects; websocket fails WS_FORBIDDEN naming allowed-ws-origin-regex; an Origin override connects', async () => {
    const locked = await startSimulator({ host: '127.0.0.5', name: 'agent-locked', originRegex: FIELD_ORIGIN_REGEX });
    sims.push(locked);
    // A corporate alias for the endpoint: reachable, but not a name the agent's regex knows.
    await addEndpoint(page, { name: 'Corporate alias', host: 'dcv-desktops.corp.example', addressOverride: locked.host, proxy: 'direct' });
    await addDesktop(page, { name: 'Lab desktop', endpoint: 'Corporate alias', port: locked.port });

    await connect(page, 'Lab desktop');
    const trust = dialog(page, 'Check this certificate before you trust it');
    await trust.waitFor(WAIT);
    const failing = await clickOpeningTab(launcher.context, trust.getByRole('button', { name: 'Trust always' }));
    // The field's symptom: the page loads, the desktop never appears.
    await expect.poll(async () => (await simPageState(failing)).status, WAIT).toBe('failed');
    await dismissOpened(page, 'Lab desktop');
    expect(locked.stats().rejected).toBeGreaterThan(0);

    const timeline = await troubleshoot(page, 'Lab desktop');
    // The page itself loads (HSTS from a self-signed server may make it a warning).
    expect(await timelineStep(timeline, 'DCV web page (HTTP)').getByRole('img').first().getAttribute('aria-label')).not.toBe('Failed');
    const ws = await expectStep(timeline, 'Desktop channel (WebSocket)', 'Failed', 'WS_FORBIDDEN');
    const hint = (await ws.locator('.hint').first().textContent()) ?? '';
    expect(hint).toContain('allowed-ws-origin-regex');
    expect(hint).toContain('https://dcv-desktops.corp.example');
    await ws.scrollIntoViewIfNeeded();
    await screenshot(page, 'troubleshooting-origin', { readme: false });
    // The launcher goes direct; a plain browser here would hand the alias to the proxy (field failure 1).
    const explainer = page.getByRole('region', { name: 'Proxy route' });
    await explainer.scrollIntoViewIfNeeded();
    expect(await explainer.getByRole('definition').first().textContent()).toContain('DIRECT');
    expect(await explainer.getByRole('note').textContent()).toContain('A plain browser on this machine would send this endpoint to the proxy.');
    await screenshot(page, 'proxy-explainer');

    await editEndpoint(page, 'Corporate alias', { origin: 'https://vpce-1.vpce.amazonaws.com' });
    // Its failing tab is still open: Show, then “Open again” opens a new tab on a new launch
    // (the launcher disowned the old one, so Chromium lets it neither navigate nor close it).
    await connect(page, 'Lab desktop');
    const [tab] = await Promise.all([launcher.context.waitForEvent('page', WAIT), openAgain(page, 'Lab desktop')]);
    await expectDesktopConnected(tab, 'agent-locked');
    await failing.close();
    expect(locked.stats().lastOrigin).toBe('https://vpce-1.vpce.amazonaws.com');
    await dismissOpened(page, 'Lab desktop');
  });
});
