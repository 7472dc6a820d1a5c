/**
 * A one-time launch URL reaches a browser through a private file, never its command line.
 *
 * A process's arguments are readable by every local user (/proc/<pid>/cmdline, ps): `xdg-open
 * <launch URL>`, `chromium --app=<launch URL>` or Electron's shell.openExternal would let
 * another user on the machine redeem the token first and get the desktop's session. Instead the
 * browser is handed a file:// URL of a small page, 0600 in a 0700 folder, that redirects to the
 * launch URL (Jupyter's `jpserver-*-open.html` does the same). The page goes when its token
 * would have expired anyway, and at exit.
 *
 * Snap-packaged browsers cannot read dot-folders of $HOME (or the host's /tmp): for them the
 * file goes in the snap's own folder, ~/snap/<snap>/common.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensurePrivateDirSync, PRIVATE_FILE_MODE } from '../tunnel/private-files';

/** Longer than any launch token lives (the host's: 2 minutes; a tunnel's: 1 minute). */
export const LAUNCH_FILE_LIFETIME_MS = 2 * 60_000;

/** Only a local tunnel's or the host's launch URL is ever written into a page: nothing to escape. */
const LAUNCH_URL = /^https:\/\/127\.0\.0\.1:\d{1,5}\/__launch\/[A-Za-z0-9_-]{16,}$/;

export interface LaunchFilesOptions {
  lifetimeMs?: number;
  /** Runs `run` after `ms`; returns a cancel. Default: an unref'd setTimeout (tests fire it by hand). */
  schedule?: (run: () => void, ms: number) => () => void;
}

export class LaunchFiles {
  /** Path → cancels its removal timer. */
  private readonly files = new Map<string, () => void>();
  private readonly lifetimeMs: number;
  private readonly schedule: (run: () => void, ms: number) => () => void;

  constructor(options: LaunchFilesOptions = {}) {
    this.lifetimeMs = options.lifetimeMs ?? LAUNCH_FILE_LIFETIME_MS;
    this.schedule =
      options.schedule ??
      ((run, ms) => {
        const timer = setTimeout(run, ms);
        timer.unref();
        return () => clearTimeout(timer);
      });
  }

  /** Writes the redirect to `launchUrl` into `folder` (made or narrowed to 0700) as a new 0600 file; its file:// URL. */
  write(folder: string, launchUrl: string): string {
    if (!LAUNCH_URL.test(launchUrl)) throw new Error(`not a launch URL of a local tunnel or host: ${launchUrl}`);
    ensurePrivateDirSync(folder);
    const path = join(folder, `launch-${randomBytes(16).toString('hex')}.html`);
    // 'wx': never over an existing file, never through a link.
    writeFileSync(path, redirectPage(launchUrl), { mode: PRIVATE_FILE_MODE, flag: 'wx' });
    this.files.set(path, this.schedule(() => this.remove(path), this.lifetimeMs));
    return pathToFileURL(path).href;
  }

  /** At exit: every file still there goes. */
  dispose(): void {
    for (const path of [...this.files.keys()]) this.remove(path);
  }

  private remove(path: string): void {
    this.files.get(path)?.();
    this.files.delete(path);
    rmSync(path, { force: true });
  }
}

/** The page: a meta refresh (works without script) and location.replace (keeps the file out of history). */
export function redirectPage(launchUrl: string): string {
  return (
    '<!doctype html>\n<html><head><meta charset="utf-8">\n' +
    '<meta name="referrer" content="no-referrer">\n' +
    `<meta http-equiv="refresh" content="0;url=${launchUrl}">\n` +
    '<title>DCV Launcher</title></head>\n' +
    `<body><script>location.replace(${JSON.stringify(launchUrl)})</script></body></html>\n`
  );
}

/** Where launch files go: the data folder, or for a Snap browser the snap's own folder. */
export function launchFolderFor(snap: string | undefined, dataDir: string, home: string = homedir()): string {
  return snap ? join(home, 'snap', snap, 'common', 'dcv-launcher-launch') : join(dataDir, 'launch');
}

/** "firefox_firefox.desktop" is how snapd names a snap's desktop file. */
export function snapOfDesktopFile(desktopFile: string): string | undefined {
  return /^([a-z0-9][a-z0-9-]*)_[^/]+\.desktop$/.exec(desktopFile.trim())?.[1];
}

/**
 * The snap of the system's default browser on Linux (Ubuntu's Firefox is one), when its snap
 * folder is there; undefined otherwise or when xdg-settings cannot say.
 */
export function defaultBrowserSnap(platform: NodeJS.Platform = process.platform, home: string = homedir()): Promise<string | undefined> {
  if (platform !== 'linux') return Promise.resolve(undefined);
  return new Promise((resolve) => {
    execFile('xdg-settings', ['get', 'default-web-browser'], { timeout: 3_000 }, (error, stdout) => {
      const snap = error ? undefined : snapOfDesktopFile(String(stdout));
      resolve(snap && existsSync(join(home, 'snap', snap)) ? snap : undefined);
    });
  });
}
