import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LaunchFiles } from '../launch-file';
import { SystemBrowser } from './system-browser';
import type { ConnectionInfo } from '../../preload/contract/api';
import { fakeServices } from '../testing/fake-services';
import { BrowserWindow, dialog, navigationEvent, resetFake, session, shell, type FakeSession } from '../testing/electron-fake';
import { DesktopWindows, type DesktopOpenRequest } from './desktop-windows';
import { createLauncherWindow, hardenLauncherSession } from './launcher-window';
import { shellTexts } from './texts';

vi.mock('electron', () => import('../testing/electron-fake'));

const SECURE_PREFS = { sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false };
const FP = 'sha256/' + 'Q'.repeat(43) + '=';
const ORIGIN = 'https://127.0.0.1:40001';

function services() {
  const closed: string[] = [];
  const { services: svc, emit, listeners } = fakeServices({
    'connection.close': async (r: { desktopId: string }) => {
      closed.push(r.desktopId);
      return { ok: true, value: { closed: true } };
    },
  });
  return { svc, closed, emit, listeners };
}

const openRequest = (over: Partial<DesktopOpenRequest> = {}): DesktopOpenRequest => ({
  desktopId: 'desk-1',
  openIn: 'window',
  launchUrl: `${ORIGIN}/__launch/token123`,
  tunnel: { port: 40001, origin: ORIGIN, fingerprint: FP, spkiHash: 'spki' },
  ...over,
});

beforeEach(() => resetFake());

const browserDir = mkdtempSync(join(tmpdir(), 'shell-browser-'));
afterAll(() => rmSync(browserDir, { recursive: true, force: true }));
/** The system browser as main.ts makes it (launch files in a temporary data folder). */
const systemBrowser = () => new SystemBrowser({ dataDir: browserDir, files: new LaunchFiles(), defaultBrowserSnap: async () => undefined });

describe('launcher window', () => {
  it('is sandboxed, isolated, without Node, with the one preload, on app://launcher', () => {
    const win = createLauncherWindow({ preloadPath: '/app/dist/preload.cjs', isDev: false }) as unknown as BrowserWindow;
    expect(win.options.webPreferences).toMatchObject({ ...SECURE_PREFS, preload: '/app/dist/preload.cjs', devTools: false });
    expect(win.options.webPreferences.partition).toBeUndefined();
    expect(win.webContents.loadURL).toHaveBeenCalledWith('app://launcher/index.html');
  });

  it("blocks navigation and redirects away from the launcher's page", () => {
    const win = createLauncherWindow({ preloadPath: '/p.cjs', isDev: false }) as unknown as BrowserWindow;
    expect(win.webContents.tryNavigate('will-navigate', 'app://launcher/index.html#x')).toBe(false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://launcher/other.html', 'https://127.0.0.1:40001/']) {
      expect(win.webContents.tryNavigate('will-navigate', url), url).toBe(true);
      expect(win.webContents.tryNavigate('will-redirect', url), url).toBe(true);
    }
  });

  it('a launch URL the page opens goes to the system browser in a private file, never on its command line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launcher-window-'));
    const browser = new SystemBrowser({ dataDir: dir, files: new LaunchFiles(), defaultBrowserSnap: async () => undefined });
    try {
      const win = createLauncherWindow({ preloadPath: '/p.cjs', isDev: false, browser }) as unknown as BrowserWindow;
      const launchUrl = 'https://127.0.0.1:40001/__launch/q6Fs-wBPcQYau55xIZe8xx9ddPV8xMN';
      expect(win.webContents.windowOpenHandler!({ url: launchUrl })).toEqual({ action: 'deny' });
      await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledTimes(1));
      const [opened] = shell.openExternal.mock.calls[0];
      expect(opened).not.toContain('__launch');
      expect(readFileSync(fileURLToPath(opened), 'utf8')).toContain(launchUrl);
    } finally {
      browser.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('denies every window.open; http(s) links go to the system browser, others nowhere', async () => {
    const win = createLauncherWindow({ preloadPath: '/p.cjs', isDev: false, browser: systemBrowser() }) as unknown as BrowserWindow;
    const open = win.webContents.windowOpenHandler!;
    expect(open({ url: 'https://docs.aws.amazon.com/dcv/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledWith('https://docs.aws.amazon.com/dcv/'));
    expect(open({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(open({ url: 'smb://server/share' })).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 10));
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  it('its session denies permissions (but a clipboard write from the app) and cancels network requests', async () => {
    const ses = session.defaultSession;
    hardenLauncherSession(ses as never);
    expect(await ses.request('media', 'app://launcher/index.html')).toBe(false);
    expect(await ses.request('notifications', 'app://launcher/index.html')).toBe(false);
    expect(await ses.request('clipboard-read', 'app://launcher/index.html')).toBe(false);
    expect(await ses.request('clipboard-sanitized-write', 'app://launcher/index.html')).toBe(true);
    expect(ses.check('geolocation', 'app://launcher')).toBe(false);
    expect(ses.check('clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(ses.beforeRequest!.filter.urls).toEqual(expect.arrayContaining(['http://*/*', 'https://*/*', 'wss://*/*']));
    const verdict = await new Promise((resolve) => ses.beforeRequest!.listener({ url: 'https://example.com/' }, resolve));
    expect(verdict).toEqual({ cancel: true });
  });
});

describe('desktop windows', () => {
  async function open(over: Partial<DesktopOpenRequest> = {}) {
    const s = services();
    const desktops = new DesktopWindows(s.svc, { browser: systemBrowser() });
    const win = (await desktops.open(openRequest(over))) as unknown as BrowserWindow;
    const ses = session.fromPartition(win.options.webPreferences.partition) as FakeSession;
    return { ...s, desktops, win, ses };
  }

  it('use their own in-memory partition, no preload, sandboxed, sized from the profile', async () => {
    const { win, ses } = await open({
      profile: { id: 'p1', name: 'P', desktopId: 'desk-1', openIn: 'window', window: { width: 1920, height: 1080, fullScreen: true } },
    });
    expect(win.options.webPreferences).toMatchObject({ ...SECURE_PREFS, partition: 'desktop-desk-1' });
    expect(win.options.webPreferences.partition).not.toMatch(/^persist:/);
    expect(win.options.webPreferences.preload).toBeUndefined();
    expect(win.options).toMatchObject({ width: 1920, height: 1080, fullscreen: true });
    expect(ses.setProxy).toHaveBeenCalledWith({ mode: 'direct' });
    expect(win.webContents.loadURL).toHaveBeenCalledWith(`${ORIGIN}/__launch/token123`);
    expect(session.defaultSession.verifyProc).toBeUndefined();
  });

  it('Connect on a desktop that is open: its window comes forward as it is, no second window and no reload', async () => {
    const { desktops, win } = await open();
    const again = (await desktops.open(openRequest({ launchUrl: `${ORIGIN}/__launch/another`, reuse: true }))) as unknown as BrowserWindow;
    expect(again).toBe(win);
    expect(win.focus).toHaveBeenCalled();
    expect(win.webContents.loadURL).toHaveBeenCalledTimes(1);
    // A fresh launch (a renewed token, the window closed meanwhile) loads again.
    const fresh = (await desktops.open(openRequest({ launchUrl: `${ORIGIN}/__launch/fresh` }))) as unknown as BrowserWindow;
    expect(fresh).not.toBe(win);
    expect(fresh.webContents.loadURL).toHaveBeenCalledWith(`${ORIGIN}/__launch/fresh`);
  });

  it("trust only the tunnel's certificate for 127.0.0.1 in their own session", async () => {
    const { ses } = await open();
    expect(await ses.verify('127.0.0.1', FP)).toBe(0);
    expect(await ses.verify('127.0.0.1', 'sha256/' + 'Z'.repeat(43) + '=')).toBe(-2);
    expect(await ses.verify('evil.example', FP)).toBe(-3);
  });

  it('allow clipboard and full screen for the tunnel origin only', async () => {
    const { ses } = await open();
    expect(await ses.request('clipboard-read', `${ORIGIN}/`)).toBe(true);
    expect(await ses.request('clipboard-sanitized-write', `${ORIGIN}/x`)).toBe(true);
    expect(await ses.request('fullscreen', `${ORIGIN}/`)).toBe(true);
    expect(await ses.request('clipboard-read', 'https://127.0.0.1:40002/')).toBe(false);
    expect(await ses.request('media', `${ORIGIN}/`)).toBe(false);
    expect(await ses.request('notifications', `${ORIGIN}/`)).toBe(false);
    expect(ses.check('clipboard-read', ORIGIN)).toBe(true);
    expect(ses.check('geolocation', ORIGIN)).toBe(false);
    expect(ses.check('clipboard-read', 'https://evil.example')).toBe(false);
  });

  it("stay on the tunnel's origin", async () => {
    const { win } = await open();
    expect(win.webContents.tryNavigate('will-navigate', `${ORIGIN}/connect?x=1`)).toBe(false);
    for (const url of ['https://127.0.0.1:40002/', 'http://127.0.0.1:40001/', 'https://evil.example/', 'file:///etc/passwd', 'app://launcher/index.html']) {
      expect(win.webContents.tryNavigate('will-navigate', url), url).toBe(true);
      expect(win.webContents.tryNavigate('will-redirect', url), url).toBe(true);
    }
  });

  it("lock every sub-frame to the tunnel's origin too (will-frame-navigate): a page cannot frame another site or another tunnel", async () => {
    const { win } = await open();
    const contents = win.webContents;
    for (const url of [`${ORIGIN}/`, `${ORIGIN}/frame.html?x=1`, 'about:blank', 'about:srcdoc', `blob:${ORIGIN}/6f1c0e6e-2b1d-4c52-9a53-2a9f0b7e1c11`]) {
      expect(contents.tryFrameNavigate(url), url).toBe(false);
    }
    for (const url of [
      'https://evil.example/phish',
      'https://127.0.0.1:40002/', // another tunnel: its own session, but never inside this desktop
      'http://127.0.0.1:40001/',
      'file:///etc/passwd',
      'data:text/html,<h1>x</h1>',
      'blob:https://evil.example/6f1c0e6e-2b1d-4c52-9a53-2a9f0b7e1c11',
      'javascript:alert(1)',
      'app://launcher/index.html',
    ]) {
      expect(contents.tryFrameNavigate(url), url).toBe(true);
    }
    expect(contents.tryFrameNavigate('https://evil.example/', true)).toBe(true);
    expect(contents.tryFrameNavigate(`${ORIGIN}/`, true)).toBe(false);
  });

  it('deny window.open; an http(s) link opens in the system browser only after the user agrees', async () => {
    const { win } = await open();
    expect(win.webContents.windowOpenHandler!({ url: 'https://docs.aws.amazon.com/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(shell.openExternal).toHaveBeenCalledWith('https://docs.aws.amazon.com/'));
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(1);

    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(win.webContents.windowOpenHandler!({ url: 'https://other.example/' })).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalledTimes(2));
    expect(win.webContents.windowOpenHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    await new Promise((r) => setTimeout(r, 10));
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(dialog.showMessageBox).toHaveBeenCalledTimes(2);
  });

  it("are titled with the desktop's name in the launcher's language, which the page's own title does not replace", async () => {
    const { win } = await open();
    expect(win.options.title).toBe('desk-1 — DCV デスクトップ');
    const event = navigationEvent('');
    win.emit('page-title-updated', event, 'DCV Web Client');
    expect(event.defaultPrevented).toBe(true);

    const s = services();
    const named = (await new DesktopWindows(s.svc, { texts: () => shellTexts('en'), nameOf: async (id) => (id === 'desk-1' ? 'Agent 1' : undefined) }).open(
      openRequest(),
    )) as unknown as BrowserWindow;
    expect(named.options.title).toBe('Agent 1 — DCV desktop');
  });

  it("ask before opening a link in the launcher's language, as it is when the page asks", async () => {
    let lang: 'ja' | 'en' = 'ja';
    const s = services();
    const win = (await new DesktopWindows(s.svc, { texts: () => shellTexts(lang) }).open(openRequest())) as unknown as BrowserWindow;
    dialog.showMessageBox.mockResolvedValue({ response: 1, checkboxChecked: false });
    win.webContents.windowOpenHandler!({ url: 'https://docs.aws.amazon.com/' });
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalledTimes(1));
    expect(dialog.showMessageBox.mock.calls[0][1]).toMatchObject({ message: 'デスクトップがリンクを開こうとしています。', buttons: ['ブラウザーで開く', 'キャンセル'], detail: 'https://docs.aws.amazon.com/' });
    lang = 'en';
    win.webContents.windowOpenHandler!({ url: 'https://docs.aws.amazon.com/' });
    await vi.waitFor(() => expect(dialog.showMessageBox).toHaveBeenCalledTimes(2));
    expect(dialog.showMessageBox.mock.calls[1][1]).toMatchObject({ message: 'The desktop wants to open a link.', buttons: ['Open in browser', 'Cancel'] });
    dialog.showMessageBox.mockReset();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('closing the window closes the connection', async () => {
    const { win, closed } = await open();
    win.close();
    await vi.waitFor(() => expect(closed).toEqual(['desk-1']));
  });

  it('a connection closed elsewhere closes its window without closing it twice', async () => {
    const { win, closed, emit } = await open();
    emit('connection.changed', { desktopId: 'desk-1', state: { kind: 'closed' } } as ConnectionInfo);
    expect(win.isDestroyed()).toBe(true);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toEqual([]);
  });

  it('reopening a desktop replaces its window and keeps the new connection', async () => {
    const { desktops, win, closed } = await open();
    const second = (await desktops.open(openRequest({ launchUrl: `${ORIGIN}/__launch/other` }))) as unknown as BrowserWindow;
    expect(win.isDestroyed()).toBe(true);
    expect(second.isDestroyed()).toBe(false);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toEqual([]);
  });

  it('refuse a launch URL that is not on the tunnel origin', async () => {
    const s = services();
    await expect(new DesktopWindows(s.svc).open(openRequest({ launchUrl: 'https://evil.example/__launch/x' }))).rejects.toThrow(/not on the tunnel/);
    expect(BrowserWindow.created).toHaveLength(0);
  });

  it('dispose() on quit closes windows without closing connections one by one', async () => {
    const { desktops, win, closed, listeners } = await open();
    desktops.dispose();
    expect(win.isDestroyed()).toBe(true);
    expect(listeners.size).toBe(0);
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toEqual([]);
  });
});
