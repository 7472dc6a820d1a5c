/**
 * Japanese first, in a real Chromium: every view and dialog a user meets — including the
 * failures, the doctor on a failing desktop, the import previews and errors, a Session
 * Manager's sessions and its Gateway's certificate — shows no English sentence. Host names,
 * codes, paths, numbers and the user's own (English) names are allowed; main's English stays
 * behind the closed 原文（英語） disclosures. Also: a dialog's buttons stay in view at 1280×800
 * and smaller, and Esc still closes a dialog after a click on its dimmed background.
 */
import { userInfo } from 'node:os';
import { JSDOM } from 'jsdom';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LauncherServices } from '../../preload/contract/api';
import { findEnglishSentences } from '../../renderer/test/noEnglish';
import { needBinaries } from '../peers/binaries';
import { freePort } from '../peers/process';
import { startSessionManager, type SimSessionManager } from '../sim/session-manager';
import { startSimulator, type Simulator } from '../sim/simulator';
import { call, screenshot, screenshotOnFailure, startLauncher, VIEWPORT, type Launcher } from './harness';
import { closeDialogs, WAIT } from './ui';

const TOKYO = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';
/** The user's own words: names they gave things, in English. */
const USER_DATA = ['Tokyo VPC endpoint', 'Session Manager endpoint', 'CAD workstation 01', 'Finance shared desktop', 'Tokyo Session Manager', 'Design review', 'Build server', 'Render farm'];

async function seed(services: LauncherServices, sim: Simulator, deadPort: number, sm: SimSessionManager): Promise<void> {
  await call(services, 'endpoint.save', { id: 'tokyo', name: 'Tokyo VPC endpoint', host: TOKYO, addressOverride: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  await call(services, 'desktop.save', { desktop: { id: 'cad', name: 'CAD workstation 01', endpointId: 'tokyo', route: { kind: 'port', port: sim.port }, tags: ['設計'] } });
  await call(services, 'desktop.save', { desktop: { id: 'finance', name: 'Finance shared desktop', endpointId: 'tokyo', route: { kind: 'port', port: deadPort }, tags: ['経理'] } });
  await call(services, 'trust.accept', { key: `${TOKYO}:${sim.port}`, fingerprint: sim.fingerprint, persist: true });
  await call(services, 'endpoint.save', { id: 'sm-ep', name: 'Session Manager endpoint', host: '127.0.0.1', proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
  await call(services, 'source.save', {
    source: { id: 'sm', name: 'Tokyo Session Manager', endpointId: 'sm-ep', brokerPort: sm.broker.port, auth: { kind: 'broker', clientId: sm.broker.clientId }, open: { via: 'gateway', port: sm.gateway.port } },
    clientPassword: sm.broker.clientPassword,
  });
  await call(services, 'trust.accept', { key: `127.0.0.1:${sm.broker.port}`, fingerprint: sm.broker.fingerprint, persist: true });
}

/** The English phrases visible on the page now (the same rules as the renderer's tests). */
async function englishOn(page: Page, scope?: Locator): Promise<string[]> {
  const html = scope ? await scope.evaluate((el) => el.outerHTML) : await page.evaluate(() => document.body.outerHTML);
  const { window } = new JSDOM(`<!doctype html><body>${html}</body>`);
  const g = globalThis as { Node?: unknown };
  g.Node ??= window.Node;
  return findEnglishSentences(window.document.body, { allow: [...USER_DATA, userInfo().username] });
}

async function expectJapanese(page: Page, what: string, scope?: Locator): Promise<void> {
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  expect(await englishOn(page, scope), `${what}: English visible in the Japanese UI`).toEqual([]);
}

async function buttonsInView(page: Page, dialog: Locator): Promise<void> {
  const viewport = page.viewportSize()!;
  for (const name of ['保存', 'キャンセル']) {
    const box = await dialog.getByRole('button', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.y + box!.height, `${name} at ${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(viewport.height);
    expect(box!.y).toBeGreaterThanOrEqual(0);
  }
}

describe.skipIf(!needBinaries('chromium'))('e2e: the Japanese UI shows no English sentence', () => {
  let sim: Simulator;
  let sm: SimSessionManager;
  let launcher: Launcher;
  let page: Page;

  beforeAll(async () => {
    sim = await startSimulator({ host: '127.0.0.7', name: 'agent-ja' });
    sm = await startSessionManager({ user: userInfo().username, creatingMs: 600_000 });
    const deadPort = await freePort('127.0.0.7');
    launcher = await startLauncher({ beforePage: (services) => seed(services, sim, deadPort, sm) });
    page = launcher.page;
    await page.getByRole('navigation', { name: 'メイン' }).waitFor(WAIT);
  });
  afterEach(async (ctx) => {
    await screenshotOnFailure(page, ctx);
    await closeDialogs(page);
  });
  afterAll(async () => {
    await launcher?.close();
    await sm?.close();
    await sim?.close();
  });

  const nav = (name: string) => page.getByRole('navigation', { name: 'メイン' }).getByRole('button', { name }).click();

  it('the desktop list with a Session Manager, and every editor (with a failed save showing every error)', async () => {
    await page.getByRole('region', { name: /Tokyo Session Manager/ }).getByRole('listitem', { name: 'Design review' }).waitFor(WAIT);
    await expectJapanese(page, 'desktops');

    const toolbar = page.getByRole('toolbar', { name: 'デスクトップの操作' });
    for (const [button, title] of [
      ['エンドポイントを追加', '新しいエンドポイント'],
      ['デスクトップを追加', '新しいデスクトップ'],
      ['Session Manager を追加', '新しい Session Manager'],
    ] as const) {
      await toolbar.getByRole('button', { name: button }).click();
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor(WAIT);
      await expectJapanese(page, title, dialog);
      await dialog.getByRole('textbox', { name: '名前' }).fill('');
      await dialog.getByRole('button', { name: '保存' }).click();
      await dialog.getByText('入力してください').first().waitFor(WAIT);
      await expectJapanese(page, `${title}, failed save`, dialog);
      await buttonsInView(page, dialog);
      // Esc still cancels after a click on the dimmed background.
      await page.mouse.click(5, VIEWPORT.height - 5);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached', ...WAIT });
    }

    // The longest dialog at a smaller window: the buttons are still reachable.
    await page.setViewportSize({ width: 1024, height: 640 });
    await toolbar.getByRole('button', { name: 'Session Manager を追加' }).click();
    const source = page.getByRole('dialog', { name: '新しい Session Manager' });
    await source.waitFor(WAIT);
    await buttonsInView(page, source);
    await source.getByRole('button', { name: 'キャンセル' }).click();
    await source.waitFor({ state: 'detached', ...WAIT });
    await page.setViewportSize(VIEWPORT);
  });

  it('the import dialog: a .dcv preview with notes, a broken file, a large paste', async () => {
    await page.getByRole('toolbar', { name: 'デスクトップの操作' }).getByRole('button', { name: 'インポート…' }).click();
    const dialog = page.getByRole('dialog', { name: 'インポート' });
    await dialog.waitFor(WAIT);
    const text = dialog.getByRole('textbox').last();
    const format = dialog.getByRole('combobox').first();

    await text.fill(`[version]\nformat=1.0\n[connect]\nhost=${TOKYO}\nport=8443\nweburlpath=/10.150.248.180/\nuser=alice\ncertificatevalidationpolicy=accept-untrusted\nproxytype=SOCKS\nproxyhost=p\nproxyport=1080\n`);
    await format.selectOption('dcv');
    await dialog.getByRole('button', { name: 'プレビュー' }).click();
    await dialog.getByRole('button', { name: '適用' }).waitFor(WAIT);
    await expectJapanese(page, 'the .dcv preview', dialog);

    await text.fill('hello\nthis is not a dcv file\n');
    await dialog.getByRole('button', { name: 'プレビュー' }).click();
    await dialog.getByRole('alert').first().waitFor(WAIT);
    await expectJapanese(page, 'a .dcv parser error', dialog);

    await format.selectOption('ports');
    // Set as one value: Chromium's own text insertion into a textarea grows with the square
    // of the lines (4,000 lines take 20 s here), which Playwright's fill would measure instead.
    const large = ['50001 agent1 10.150.248.180', ...Array.from({ length: 20_000 }, (_, i) => `junk line ${i}`)].join('\n');
    await text.evaluate((el, value) => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
      setValue.call(el, value);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, large);
    await dialog.getByRole('button', { name: 'プレビュー' }).click();
    await dialog.getByText(/20,?000|20000/).first().waitFor(WAIT);
    await expectJapanese(page, 'a large port table', dialog);
    await screenshot(page, 'import-large-paste-ja', { readme: false });
  });

  it('a failing desktop: the Connect failure, then the doctor and the proxy explainer', async () => {
    await nav('デスクトップ');
    await page.getByRole('button', { name: 'Finance shared desktop に接続' }).click();
    const failed = page.getByRole('dialog', { name: /Finance shared desktop に接続できませんでした/ });
    await failed.waitFor(WAIT);
    await expectJapanese(page, 'the connect failure', failed);
    await failed.getByRole('button', { name: 'トラブルシューティング' }).click();
    await page.getByRole('status').filter({ hasText: /到達できません/ }).first().waitFor({ timeout: 60_000 });
    await page.getByRole('region', { name: 'プロキシの経路' }).waitFor(WAIT);
    await expectJapanese(page, 'the doctor on a failing desktop');
    await screenshot(page, 'troubleshooting-ja');
  });

  it('a Session Manager session: the Gateway\'s certificate on first use; DCV Viewer not installed', async () => {
    await nav('デスクトップ');
    const session = page.getByRole('region', { name: /Tokyo Session Manager/ }).getByRole('listitem', { name: 'Design review' });
    await session.getByRole('button', { name: 'Design review に接続' }).click();
    const trust = page.getByRole('dialog', { name: '信頼する前に証明書を確認してください' });
    await trust.waitFor(WAIT);
    await expectJapanese(page, 'the Gateway trust dialog', trust);
    await trust.getByRole('button', { name: 'キャンセル' }).click();

    await session.getByRole('button', { name: 'Design review を DCV Viewer で開く' }).click();
    const viewerTrust = page.getByRole('dialog', { name: '信頼する前に証明書を確認してください' });
    await viewerTrust.getByRole('button', { name: '今回だけ信頼する' }).click();
    const opened = page.getByRole('dialog', { name: 'Design review を開きました' });
    await opened.waitFor(WAIT);
    await expectJapanese(page, 'DCV Viewer not installed', opened);
  });

  it('connections, settings, and the Undo toast after forgetting a certificate', async () => {
    await nav('接続中');
    await page.getByRole('listitem', { name: 'Design review' }).waitFor(WAIT);
    await expectJapanese(page, 'active connections');
    await nav('設定');
    const trusted = page.getByRole('button', { name: `${TOKYO}:${sim.port} の証明書の信頼を取り消す` });
    await trusted.waitFor(WAIT);
    await expectJapanese(page, 'settings');
    await trusted.click();
    const toast = page.getByRole('status').filter({ hasText: '証明書の信頼を取り消しました' });
    await toast.waitFor(WAIT);
    await expectJapanese(page, 'the forget toast', toast);
    await toast.getByRole('button', { name: '元に戻す' }).click();
    await page.getByRole('status').filter({ hasText: '元に戻しました' }).waitFor(WAIT);
  });
});
