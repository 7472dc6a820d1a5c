/**
 * The Electron entry (dist/main.cjs): app lifecycle, one launcher window, a window per open
 * desktop, deep links, the menu. Everything the app does lives in the services; this file
 * only wires them to Electron.
 */
import { join, resolve } from 'node:path';
import { app, BrowserWindow, dialog, safeStorage, session, type MessageBoxOptions } from 'electron';
import type { CatalogueView, LauncherServices, SourceStatus } from '../../preload/contract/api';
import { dispatch } from '../dispatch';
import { createLauncherServices } from '../services/app';
import { guardApp } from './app-guards';
import { registerAppScheme, serveApp } from './app-protocol';
import { DEEP_LINK_SCHEME, findDeepLink, followDeepLink } from './deep-link';
import { DesktopWindows, type DesktopOpenRequest } from './desktop-windows';
import { importFromFile } from './import-file';
import { registerIpc } from './ipc';
import { ShellLanguage } from './language';
import { createLauncherWindow, hardenLauncherSession } from './launcher-window';
import { installMenu } from './menu';
import { ShellEvents } from './shell-events';
import { showDesktop } from './show-desktop';
import { SystemBrowser } from './system-browser';
import { LaunchFiles } from '../launch-file';
import { shellTexts, startupFailure, type ShellTexts } from './texts';

const isDev = !app.isPackaged;
app.enableSandbox();
registerAppScheme();

if (!app.requestSingleInstanceLock()) app.quit();
else run();

function run(): void {
  let services: LauncherServices | undefined;
  let desktops: DesktopWindows | undefined;
  let launcher: BrowserWindow | undefined;
  let language: ShellLanguage | undefined;
  // The system browser gets launch URLs in private files under the data folder, never on its command line.
  const browser = new SystemBrowser({ dataDir: app.getPath('userData'), files: new LaunchFiles() });
  /** The shell's words in the launcher's language (Japanese until the catalogue is read). */
  const texts = (): ShellTexts => language?.texts() ?? shellTexts('ja');
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
  /** Menu and deep links → the launcher's renderer, held until its page listens. */
  const shellEvents = new ShellEvents(launcherContents);
  const showLauncher = (): BrowserWindow | undefined => {
    if (!app.isReady()) return undefined;
    if (!launcher || launcher.isDestroyed()) {
      launcher = createLauncherWindow({ preloadPath: join(__dirname, 'preload.cjs'), isDev, browser });
      shellEvents.watch(launcher.webContents);
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

  const failed = (message: string, e: unknown) => say({ type: 'error', message, detail: texts().original(e instanceof Error ? e.message : String(e)) });

  // The launcher window's own Connect opens the profile: trust, proxy credentials, a Session
  // Manager password, failures and a .dcv file are answered there, in the user's language.
  const handleLink = async (url: string): Promise<void> => {
    if (!services) return void pending.push(url);
    showLauncher();
    await followDeepLink(url, {
      handlers: services.handlers,
      texts: texts(),
      connect: (request) => shellEvents.send('connect.request', request),
      problem: (message, detail) => say({ type: 'warning', message, detail }),
    });
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
  // No client certificate for any site; no webview or window from a webContents without its own handlers.
  guardApp(app);
  app.on('activate', () => void showLauncher());
  app.on('window-all-closed', () => app.quit());
  // The launch files still there go, however the app quits.
  app.on('will-quit', () => browser.dispose());

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
          void showDesktop(desktops, request, browser).catch((e: unknown) => failed(texts().desktopNotShown, e));
        },
      });
      language = await ShellLanguage.start(ready);
      services = ready;
      desktops = new DesktopWindows(ready, { texts, nameOf: (desktopId) => nameOf(ready, desktopId), browser });
      registerIpc(ready, launcherContents, undefined, (channel) => shellEvents.called(channel));
      installMenu(language, {
        isDev,
        importFile: () =>
          void importFromFile({ parent: showLauncher(), texts: texts(), send: (file) => shellEvents.send('import.file', file) }).catch((e: unknown) => failed(texts().importFailed, e)),
        about: () =>
          void say({
            type: 'info',
            message: `DCV Launcher ${app.getVersion()}`,
            detail: `${texts().aboutDetail}\n\nElectron ${process.versions.electron} · Chromium ${process.versions.chrome} · Node ${process.versions.node}`,
          }),
        troubleshooting: () => {
          showLauncher();
          shellEvents.send('view.show', { view: 'troubleshoot' });
        },
      });
      showLauncher();
      for (const url of pending.splice(0)) followLink(url);
    })
    .catch((e: unknown) => {
      const box = startupFailure(e instanceof Error ? e.message : String(e));
      dialog.showErrorBox(box.title, box.content);
      app.exit(1);
    });
}

/** A desktop window's name: the catalogue's desktop, or a Session Manager session by its key. */
async function nameOf(services: LauncherServices, desktopId: string): Promise<string | undefined> {
  const view = await dispatch(services.handlers, 'catalogue.get', {});
  const desktop = view.ok ? (view.value as CatalogueView).catalogue.desktops.find((d) => d.id === desktopId) : undefined;
  if (desktop) return desktop.name;
  const sources = await dispatch(services.handlers, 'sessions.get', {});
  if (!sources.ok) return undefined;
  for (const source of sources.value as SourceStatus[]) {
    const found = source.sessions.find((s) => s.key === desktopId);
    if (found) return found.name || found.id;
  }
  return undefined;
}
