/**
 * The Electron entry (dist/main.cjs): app lifecycle, one launcher window, a window per open
 * desktop, deep links, the menu. Everything the app does lives in the services; this file
 * only wires them to Electron.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, Menu, safeStorage, session, type MessageBoxOptions } from 'electron';
import type { LauncherServices } from '../../preload/contract/api';
import { createLauncherServices } from '../services/app';
import { registerAppScheme, serveApp } from './app-protocol';
import { DEEP_LINK_SCHEME, findDeepLink, openProfile, parseDeepLink } from './deep-link';
import { DesktopWindows, type DesktopOpenRequest } from './desktop-windows';
import { importFromFile } from './import-file';
import { registerIpc } from './ipc';
import { createLauncherWindow, hardenLauncherSession } from './launcher-window';
import { buildMenu } from './menu';
import { LAUNCHER_URL } from './security';
import { showDesktop } from './show-desktop';

const isDev = !app.isPackaged;
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) app.quit();
else run();

function run(): void {
  let services: LauncherServices | undefined;
  let desktops: DesktopWindows | undefined;
  let launcher: BrowserWindow | undefined;
  /** Deep links that arrived before the services were ready. */
  const pending: string[] = [];
  const first = findDeepLink(process.argv);
  if (first) pending.push(first);

  // Deep links carry only a profile id, parsed strictly by parseDeepLink (tested); a link can open a saved profile, nothing else.
  if (process.defaultApp && process.argv[1]) {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]); // eng-disable PROTOCOL_HANDLER_JS_CHECK: see above
  } else {
    app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME); // eng-disable PROTOCOL_HANDLER_JS_CHECK: see above
  }

  const launcherContents = () => (launcher && !launcher.isDestroyed() ? launcher.webContents : undefined);
  const showLauncher = (): BrowserWindow | undefined => {
    if (!app.isReady()) return undefined;
    if (!launcher || launcher.isDestroyed()) {
      launcher = createLauncherWindow({ preloadPath: join(__dirname, 'preload.cjs'), isDev });
    } else {
      if (launcher.isMinimized()) launcher.restore();
      launcher.focus();
    }
    return launcher;
  };
  const say = (box: MessageBoxOptions) => {
    const parent = showLauncher();
    return parent ? dialog.showMessageBox(parent, box) : dialog.showMessageBox(box);
  };

  const handleLink = async (url: string): Promise<void> => {
    if (!services) return void pending.push(url);
    const link = parseDeepLink(url);
    showLauncher();
    if (!link) return void (await say({ type: 'warning', message: 'Not a DCV Launcher link', detail: `Expected ${DEEP_LINK_SCHEME}://connect/<profile>, got ${url}` }));
    const outcome = await openProfile(services.handlers, link.profileId);
    if (outcome.kind === 'problem') return void (await say({ type: 'warning', message: `Could not open profile "${link.profileId}"`, detail: outcome.message }));
    const { result } = outcome;
    // A window or the browser was opened by the services through openDesktop (showDesktop): not here too.
    if (result.openIn === 'dcv-file' && result.dcvFile) {
      const saved = await dialog.showSaveDialog({ defaultPath: join(app.getPath('downloads'), result.dcvFile.fileName) });
      if (!saved.canceled && saved.filePath) await writeFile(saved.filePath, result.dcvFile.text, { mode: 0o600 });
    }
  };
  const followLink = (url: string) => void handleLink(url).catch((e) => console.error('[deep link]', e));

  app.on('open-url', (event, url) => {
    event.preventDefault();
    followLink(url);
  });
  app.on('second-instance', (_event, argv) => {
    showLauncher();
    const link = findDeepLink(argv);
    if (link) followLink(link);
  });
  // A safety net for any webContents created without its own handlers (DevTools, future windows).
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('activate', () => void showLauncher());
  app.on('window-all-closed', () => app.quit());

  let closing: 'no' | 'running' | 'done' = 'no';
  app.on('before-quit', (event) => {
    if (!services || closing === 'done') return;
    event.preventDefault();
    if (closing === 'running') return;
    closing = 'running';
    desktops?.dispose();
    void services
      .close()
      .catch((e) => console.error('[quit] closing the services failed', e))
      .finally(() => {
        closing = 'done';
        app.quit();
      });
  });

  app
    .whenReady()
    .then(async () => {
      serveApp(join(__dirname, 'renderer'));
      hardenLauncherSession(session.defaultSession);
      const userData = app.getPath('userData');
      const ready = await createLauncherServices({
        dataDir: userData,
        certDir: join(userData, 'certs'),
        env: process.env,
        resolveSystemProxy: (url: string) => session.defaultSession.resolveProxy(url),
        safeStorage,
        openDesktop: (request: DesktopOpenRequest) => {
          if (!desktops) return;
          void showDesktop(desktops, request).catch((e: unknown) => say({ type: 'error', message: 'Could not open the desktop', detail: String(e) }));
        },
      });
      services = ready;
      desktops = new DesktopWindows(ready);
      registerIpc(ready, launcherContents);
      Menu.setApplicationMenu(
        buildMenu({
          isDev,
          importFile: () => void importFromFile(ready.handlers, showLauncher()).catch((e) => say({ type: 'error', message: 'Import failed', detail: String(e) })),
          about: () =>
            void say({
              type: 'info',
              message: `DCV Launcher ${app.getVersion()}`,
              detail: `Opens Amazon DCV desktops through a per-desktop localhost TLS tunnel.\n\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
            }),
          // The renderer picks its view from the hash.
          troubleshooting: () => void showLauncher()?.webContents.loadURL(`${LAUNCHER_URL}#troubleshoot`),
        }),
      );
      showLauncher();
      for (const url of pending.splice(0)) followLink(url);
    })
    .catch((e: unknown) => {
      dialog.showErrorBox('DCV Launcher could not start', e instanceof Error ? e.message : String(e));
      app.exit(1);
    });
}
