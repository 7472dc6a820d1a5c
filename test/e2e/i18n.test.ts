/**
 * The launcher speaks Japanese first: a fresh catalogue renders in Japanese (with a CJK font,
 * not tofu), switches to English and back from the header, and the choice survives a reload.
 * The catalogue is seeded through the API with a working desktop (opened once) and a broken
 * one (diagnosed), so the list shows both status dots.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LauncherServices } from '../../preload/contract/api';
import { needBinaries } from '../peers/binaries';
import { freePort } from '../peers/process';
import { startSimulator, type Simulator } from '../sim/simulator';
import { call, screenshot, screenshotOnFailure, startLauncher, type Launcher } from './harness';
import { WAIT } from './ui';

const TOKYO = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';

async function seed(services: LauncherServices, sim: Simulator, deadPort: number): Promise<void> {
  await call(services, 'endpoint.save', { id: 'tokyo', name: 'Tokyo VPC endpoint', host: TOKYO, addressOverride: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  await call(services, 'endpoint.save', { id: 'osaka', name: 'Osaka router', host: 'dcv-router.osaka.corp.example', proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  const desktops = [
    { id: 'cad', name: 'CAD workstation 01', endpointId: 'tokyo', route: { kind: 'port' as const, port: sim.port }, tags: ['設計', 'GPU'], favourite: true },
    { id: 'finance', name: 'Finance shared desktop', endpointId: 'tokyo', route: { kind: 'port' as const, port: deadPort }, tags: ['経理'] },
    { id: 'build', name: 'Build server', endpointId: 'osaka', route: { kind: 'prefix' as const, port: 8443, agent: '10.150.248.180' }, tags: ['開発'] },
  ];
  for (const desktop of desktops) await call(services, 'desktop.save', { desktop });
  await call(services, 'trust.accept', { key: `${TOKYO}:${sim.port}`, fingerprint: sim.fingerprint, persist: true });
  const opened = await call(services, 'connection.open', { desktopId: 'cad' });
  if (opened.kind !== 'opened') throw new Error(`seed: CAD workstation did not open: ${JSON.stringify(opened)}`);
  const diagnosis = await call(services, 'doctor.run', { desktopId: 'finance' });
  if (diagnosis.ok) throw new Error('seed: the finance desktop points at a closed port, its diagnosis should fail');
}

/** The font families Chromium actually drew `selector`'s text with (DevTools' "Rendered fonts"). */
async function renderedFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.filter((f) => f.glyphCount > 0).map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

describe.skipIf(!needBinaries('chromium'))('e2e: Japanese first, English on request', () => {
  let sim: Simulator;
  let launcher: Launcher;
  let page: Page;

  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.6', name: 'agent-cad' });
    const deadPort = await freePort('127.0.0.6');
    launcher = await startLauncher({ beforePage: (services) => seed(services, sim, deadPort) });
    page = launcher.page;
  });
  afterEach((ctx) => screenshotOnFailure(page, ctx));
  afterAll(async () => {
    await launcher?.close();
    await sim?.close();
  });

  it('renders in Japanese by default, switches to English and back, and keeps the choice across a reload', async () => {
    const nav = page.getByRole('navigation', { name: 'メイン' });
    await nav.waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    for (const tab of ['デスクトップ', '接続中', 'トラブルシューティング', '設定']) await nav.getByRole('button', { name: tab }).waitFor(WAIT);
    await page.getByRole('heading', { name: /^デスクトップ/, level: 2 }).waitFor(WAIT);
    await page.getByRole('heading', { name: 'エンドポイント', level: 2 }).waitFor(WAIT);
    // Opened by the seed, with no tab yet: its button offers to show it again, named by desktop.
    await page.getByRole('button', { name: 'CAD workstation 01 を再表示' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Finance shared desktop に接続' }).waitFor(WAIT);
    expect(await page.getByRole('button', { name: '接続', exact: true }).count()).toBe(0); // labelled by desktop, not bare
    // The status dots, spoken in Japanese: the opened desktop works, the diagnosed one failed.
    const desktops = page.getByRole('list', { name: 'デスクトップ' });
    await desktops.getByRole('listitem', { name: 'CAD workstation 01' }).getByRole('img', { name: '前回の確認: 正常' }).waitFor(WAIT);
    await desktops.getByRole('listitem', { name: 'Finance shared desktop' }).getByRole('img', { name: /^前回の確認: 失敗 \(TCP_REFUSED\)$/ }).waitFor(WAIT);
    await page.getByText(/^前回の接続: /).first().waitFor(WAIT);
    // Drawn with a CJK font, not boxes.
    const fonts = await renderedFonts(page, 'nav button');
    expect(fonts.join(', ')).toMatch(/CJK|Noto Sans JP|Source Han|IPA|Takao|VL Gothic/i);
    await screenshot(page, 'desktops-ja');

    await page.getByRole('button', { name: 'English' }).click();
    const navEn = page.getByRole('navigation', { name: 'Main' });
    for (const tab of ['Desktops', 'Connections', 'Troubleshooting', 'Settings']) await navEn.getByRole('button', { name: tab }).waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.getByRole('heading', { name: 'Endpoints', level: 2 }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Show CAD workstation 01 again' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Connect to Finance shared desktop' }).waitFor(WAIT);
    await screenshot(page, 'desktops-en');

    // The language is a setting: a reload keeps English.
    await page.reload();
    await navEn.waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');

    await page.getByRole('button', { name: '日本語' }).click();
    await nav.getByRole('button', { name: 'デスクトップ' }).waitFor(WAIT);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
  });
});
