/**
 * A stand-in for the `electron` module in the shell's unit tests (the Electron binary cannot
 * be downloaded here). It records what the shell configures — window options, session
 * handlers, IPC handlers — and lets a test fire the events Electron would.
 * Use: `vi.mock('electron', () => import('./electron-fake'))`.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Handler = (...args: any[]) => any;

/** An event as Electron passes to will-navigate / will-redirect listeners. */
export function navigationEvent(url: string) {
  return { url, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
}

export class FakeFrame {
  parent: FakeFrame | null = null;
  constructor(public url: string) {}
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: Handler | undefined;
  mainFrame = new FakeFrame('');
  destroyed = false;
  send = vi.fn();
  loadURL = vi.fn(async (url: string) => {
    this.mainFrame.url = url;
  });
  isDestroyed() {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler;
  }
  /** What Electron's will-frame-navigate would do for a (sub-)frame navigating to `url`: true when prevented. */
  tryFrameNavigate(url: string, isMainFrame = false): boolean {
    const event = { ...navigationEvent(url), isMainFrame, isSameDocument: false, frame: null };
    this.emit('will-frame-navigate', event);
    return event.defaultPrevented;
  }
  /** What a navigation to `url` would do: true when a listener prevented it. */
  tryNavigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    const event = navigationEvent(url);
    this.emit(kind, event);
    return event.defaultPrevented;
  }
}

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  webContents = new FakeWebContents();
  destroyed = false;
  show = vi.fn();
  focus = vi.fn();
  restore = vi.fn();
  constructor(public options: any) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    return this.webContents.loadURL(url);
  }
  isDestroyed() {
    return this.destroyed;
  }
  isMinimized() {
    return false;
  }
  /** Electron emits 'closed' on destroy and after a user closes the window. */
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
  close() {
    this.destroy();
  }
}

export class FakeSession {
  verifyProc: Handler | undefined;
  permissionRequestHandler: Handler | undefined;
  permissionCheckHandler: Handler | undefined;
  beforeRequest: { filter: { urls: string[] }; listener: Handler } | undefined;
  setProxy = vi.fn(async (_config: unknown) => {});
  resolveProxy = vi.fn(async (_url: string) => 'DIRECT');
  webRequest = {
    onBeforeRequest: (filter: { urls: string[] }, listener: Handler) => {
      this.beforeRequest = { filter, listener };
    },
  };
  constructor(public partition: string) {}
  setCertificateVerifyProc(proc: Handler) {
    this.verifyProc = proc;
  }
  setPermissionRequestHandler(handler: Handler) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Handler) {
    this.permissionCheckHandler = handler;
  }
  /** Runs the verify proc like Chromium would and returns its verdict. */
  verify(hostname: string, fingerprint: string): Promise<number> {
    return new Promise((resolve) => this.verifyProc!({ hostname, certificate: { fingerprint }, verificationResult: 'net::ERR_CERT_AUTHORITY_INVALID', errorCode: -202 }, resolve));
  }
  /** Runs the permission request handler and returns whether it granted. */
  request(permission: string, requestingUrl: string): Promise<boolean> {
    return new Promise((resolve) => this.permissionRequestHandler!(null, permission, resolve, { requestingUrl, isMainFrame: true }));
  }
  check(permission: string, requestingOrigin: string): boolean {
    return this.permissionCheckHandler!(null, permission, requestingOrigin, {});
  }
}

const partitions = new Map<string, FakeSession>();
export const session = {
  defaultSession: new FakeSession(''),
  fromPartition(partition: string): FakeSession {
    let ses = partitions.get(partition);
    if (!ses) partitions.set(partition, (ses = new FakeSession(partition)));
    return ses;
  },
};

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  },
};

/** Electron's app: an emitter the shell registers its app-wide handlers on. */
class FakeApp extends EventEmitter {
  /**
   * A site asks for a TLS client certificate: what Electron would hand it. Without a listener
   * that prevents the default, Electron picks the first certificate of the store by itself.
   */
  selectClientCertificate(url: string, list: Array<{ subjectName: string }>): { subjectName: string } | undefined {
    let chosen: { subjectName: string } | undefined;
    let answered = false;
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('select-client-certificate', event, new FakeWebContents(), url, list, (certificate?: { subjectName: string }) => {
      answered = true;
      chosen = certificate;
    });
    if (!event.defaultPrevented) return list[0];
    if (!answered) throw new Error('the default was prevented but the callback never called: the request would hang');
    return chosen;
  }
}
export const app = new FakeApp();

export const shell = { openExternal: vi.fn(async (_url: string) => {}) };
export const dialog = {
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
  showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true, filePaths: [] as string[] })),
  showSaveDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: true })),
  showErrorBox: vi.fn(),
};
export const protocol = { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() };
export const Menu = { buildFromTemplate: vi.fn((template: unknown[]) => ({ template })), setApplicationMenu: vi.fn() };
export const contextBridge = { exposeInMainWorld: vi.fn() };
export const ipcRenderer = { invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })), on: vi.fn(), removeListener: vi.fn() };

/** Forget every window, session and handler between tests. */
export function resetFake(): void {
  BrowserWindow.created = [];
  partitions.clear();
  session.defaultSession = new FakeSession('');
  ipcMain.handlers.clear();
  app.removeAllListeners();
  vi.clearAllMocks();
}

export default { app, BrowserWindow, session, ipcMain, shell, dialog, protocol, Menu, contextBridge, ipcRenderer };
