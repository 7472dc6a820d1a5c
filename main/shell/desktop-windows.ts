/**
 * One window per open desktop: the tunnel's launch URL in its own in-memory session
 * (partition `desktop-<desktopId>`), no preload, locked to the tunnel's origin, trusting only
 * the tunnel's certificate. Closing the window closes the tunnel; a tunnel closed elsewhere
 * closes its window.
 */
import { BrowserWindow, dialog, session } from 'electron';
import type { ConnectionInfo, LauncherServices } from '../../preload/contract/api';
import type { Profile } from '../../preload/contract/model';
import { dispatch } from '../dispatch';
import { checkTunnelLaunch, desktopPermissionAllowed, externalUrl, frameNavigationAllowed, httpOrigin, tunnelCertificateVerdict } from './security';
import type { SystemBrowser } from './system-browser';
import { shellTexts, type ShellTexts } from './texts';

/** What the services hand the shell when a desktop should be shown (see showDesktop). */
export interface DesktopOpenRequest {
  launchUrl: string;
  desktopId: string;
  openIn: 'window' | 'browser';
  tunnel: { port: number; origin: string; fingerprint: string; spkiHash: string };
  profile?: Profile;
  /** Connect on a desktop that is open already: its window comes forward as it is (no reload). */
  reuse?: boolean;
}

const DEFAULT_SIZE = { width: 1280, height: 800, fullScreen: false };

export interface DesktopWindowsOptions {
  /** The shell's words in the launcher's language now (language.ts); Japanese unless told. */
  texts?: () => ShellTexts;
  /** The desktop's (or session's) name for the window title; its id when unknown. */
  nameOf?: (desktopId: string) => Promise<string | undefined>;
  /** Where links the desktop asks to open go, once the user agrees; none: nowhere. */
  browser?: Pick<SystemBrowser, 'openLink'>;
}

export class DesktopWindows {
  private readonly windows = new Map<string, BrowserWindow>();
  /** Windows whose closing must not close their connection (replaced, closed by the services, quitting). */
  private readonly keepConnection = new WeakSet<BrowserWindow>();
  private readonly unsubscribe: () => void;

  private readonly texts: () => ShellTexts;
  private readonly nameOf: (desktopId: string) => Promise<string | undefined>;
  private readonly browser: Pick<SystemBrowser, 'openLink'> | undefined;

  constructor(
    private readonly services: LauncherServices,
    options: DesktopWindowsOptions = {},
  ) {
    this.texts = options.texts ?? (() => shellTexts('ja'));
    this.nameOf = options.nameOf ?? (async () => undefined);
    this.browser = options.browser;
    this.unsubscribe = services.subscribe((event, payload) => {
      if (event === 'connection.changed') this.connectionChanged(payload as ConnectionInfo);
    });
  }

  async open(request: DesktopOpenRequest): Promise<BrowserWindow> {
    const { desktopId, launchUrl, tunnel } = request;
    const origin = checkTunnelLaunch(launchUrl, tunnel);
    const existing = this.windows.get(desktopId);
    if (request.reuse && existing && !existing.isDestroyed()) {
      if (existing.isMinimized()) existing.restore();
      existing.show();
      existing.focus();
      return existing;
    }
    this.closeWithoutConnection(desktopId);

    const partition = `desktop-${desktopId}`;
    const ses = session.fromPartition(partition);
    // eng-disable CERTIFICATE_VERIFY_PROC_JS_CHECK: on this desktop's own partition only, accepts exactly the tunnel's certificate on 127.0.0.1 (tunnelCertificateVerdict, tested); everything else keeps Chromium's verdict or is refused
    ses.setCertificateVerifyProc((req, callback) => callback(tunnelCertificateVerdict(req, tunnel.fingerprint)));
    ses.setPermissionRequestHandler((_contents, permission, callback, details) => callback(desktopPermissionAllowed(permission, details.requestingUrl, origin)));
    ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => desktopPermissionAllowed(permission, requestingOrigin, origin));
    // Only ever 127.0.0.1: never through a proxy, whatever the system says.
    await ses.setProxy({ mode: 'direct' });

    const size = request.profile?.window ?? DEFAULT_SIZE;
    const name = (await this.nameOf(desktopId).catch(() => undefined)) ?? desktopId;
    const title = this.texts().desktopTitle(name);
    // eng-disable AUXCLICK_JS_CHECK: the remote desktop needs the middle button; a middle-clicked link still goes through setWindowOpenHandler below, which denies it
    const win = new BrowserWindow({
      width: size.width,
      height: size.height,
      fullscreen: size.fullScreen,
      title,
      webPreferences: {
        partition,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        spellcheck: false,
      },
    });
    this.windows.set(desktopId, win);

    const contents = win.webContents;
    // The title stays the launcher's, in the user's language: the web client's page title would replace it.
    win.on('page-title-updated', (event) => event.preventDefault());
    const stayOnTunnel = (event: { url: string; preventDefault(): void }) => {
      if (httpOrigin(event.url) !== origin) event.preventDefault();
    };
    contents.on('will-navigate', stayOnTunnel);
    contents.on('will-redirect', stayOnTunnel);
    // Sub-frames too: the page may not frame another site or another tunnel (will-navigate sees only the main frame).
    contents.on('will-frame-navigate', (event) => {
      if (!frameNavigationAllowed(event.url, origin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      const external = externalUrl(url);
      if (external) void this.offerExternal(win, external);
      return { action: 'deny' };
    });
    win.on('closed', () => {
      if (this.windows.get(desktopId) === win) this.windows.delete(desktopId);
      if (this.keepConnection.has(win)) return;
      void dispatch(this.services.handlers, 'connection.close', { desktopId }).catch(() => {});
    });
    void win.loadURL(launchUrl);
    return win;
  }

  /** Quitting: the services close every tunnel themselves. */
  dispose(): void {
    this.unsubscribe();
    for (const desktopId of [...this.windows.keys()]) this.closeWithoutConnection(desktopId);
  }

  private connectionChanged(info: ConnectionInfo): void {
    if (info.state.kind === 'closed') this.closeWithoutConnection(info.desktopId);
  }

  private closeWithoutConnection(desktopId: string): void {
    const win = this.windows.get(desktopId);
    if (!win) return;
    this.windows.delete(desktopId);
    this.keepConnection.add(win);
    if (!win.isDestroyed()) win.destroy();
  }

  /** A desktop page asked for a new window: offer the system browser, never an app window. */
  private async offerExternal(parent: BrowserWindow, url: string): Promise<void> {
    const words = this.texts().openLink;
    const { response } = await dialog.showMessageBox(parent, {
      type: 'question',
      buttons: [words.open, words.cancel],
      defaultId: 1,
      cancelId: 1,
      message: words.message,
      detail: url,
    });
    if (response === 0) await this.browser?.openLink(url);
  }
}
