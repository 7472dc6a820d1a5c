/**
 * The launcher window: the renderer from app://launcher/, one preload exposing
 * `window.launcher`, and nothing else — no Node, no remote content, no navigation away,
 * no pop-ups (http(s) links go to the system browser), no permissions.
 */
import { BrowserWindow, type Session } from 'electron';
import { isLauncherUrl, launcherPermissionAllowed, LAUNCHER_URL } from './security';
import type { SystemBrowser } from './system-browser';

export interface LauncherWindowOptions {
  /** dist/preload.cjs */
  preloadPath: string;
  /** DevTools only in development. */
  isDev: boolean;
  /** Where http(s) links the page opens go; none: nowhere. */
  browser?: Pick<SystemBrowser, 'openLink'>;
}

export function createLauncherWindow(options: LauncherWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1180,
    height: 780,
    minWidth: 720,
    minHeight: 520,
    show: false,
    title: 'DCV Launcher',
    webPreferences: {
      // eng-disable PRELOAD_JS_CHECK: the one preload exposes only invoke/on over two IPC channels, names checked against the contract (preload/bridge.ts); main re-validates sender and payload
      preload: options.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.isDev,
      // Middle-click must not open anything, even before the window-open handler sees it.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const contents = win.webContents;
  const stayHome = (event: { url: string; preventDefault(): void }) => {
    if (!isLauncherUrl(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', stayHome);
  contents.on('will-redirect', stayHome);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void options.browser?.openLink(url).catch((e: unknown) => console.error('[launcher window] could not open a link', e));
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(LAUNCHER_URL);
  return win;
}

/**
 * The launcher's session (the default one): every permission denied but a clipboard text
 * write from its own page, and no request to the network — the bundle is all it loads.
 */
export function hardenLauncherSession(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(launcherPermissionAllowed(permission, details.requestingUrl)));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => launcherPermissionAllowed(permission, requestingOrigin));
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (_details, callback) => callback({ cancel: true }));
}
