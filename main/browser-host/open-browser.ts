/**
 * Browser mode's first screen is the launcher, not "Your connection is not private".
 *
 * The host keeps its HTTPS, launch token and cookie; what changes is the browser it is opened
 * in. A Chromium-family browser is started as an app window with a profile of its own and
 * `--ignore-certificate-errors-spki-list=<SPKI of the launcher's localhost certificate>`: that
 * browser accepts exactly that certificate (the host's and every desktop tunnel's) and nothing
 * else, and the user's everyday profile is never touched. Chromium only honours the SPKI list
 * together with `--user-data-dir`, which the dedicated profile gives anyway.
 * Without such a browser the caller falls back to the system's default browser and the
 * fingerprint instructions in the banner.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readlinkSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, join, resolve } from 'node:path';

export interface BrowserLookup {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** Is this file there and executable? (tests) */
  isExecutable?: (path: string) => boolean;
  /** The snap a path runs, if any (tests). */
  snapOf?: (path: string) => string | undefined;
}

export interface FoundBrowser {
  /** Absolute path of the executable. */
  path: string;
  /** Human name for the banner ("Chromium", "Google Chrome", …). */
  name: string;
  /**
   * Set for a Snap-packaged browser: its confinement hides dot-folders of $HOME (~/.config),
   * so its profile has to live in the snap's own folder (~/snap/<snap>/common).
   */
  snap?: string;
}

/** Names searched on PATH, in order of preference (Linux, and macOS/Windows where they are on PATH). */
const PATH_NAMES: Array<[file: string, name: string]> = [
  ['chromium', 'Chromium'],
  ['chromium-browser', 'Chromium'],
  ['google-chrome', 'Google Chrome'],
  ['google-chrome-stable', 'Google Chrome'],
  ['microsoft-edge', 'Microsoft Edge'],
  ['microsoft-edge-stable', 'Microsoft Edge'],
  ['brave-browser', 'Brave'],
  ['brave', 'Brave'],
];

/** Where the installers put them when they are not on PATH. */
function installLocations(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): Array<[path: string, name: string]> {
  if (platform === 'darwin') {
    const apps: Array<[string, string]> = [
      ['Chromium.app/Contents/MacOS/Chromium', 'Chromium'],
      ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Google Chrome'],
      ['Microsoft Edge.app/Contents/MacOS/Microsoft Edge', 'Microsoft Edge'],
      ['Brave Browser.app/Contents/MacOS/Brave Browser', 'Brave'],
    ];
    return ['/Applications', join(home, 'Applications')].flatMap((dir) => apps.map(([p, n]): [string, string] => [join(dir, p), n]));
  }
  if (platform === 'win32') {
    const exes: Array<[string, string]> = [
      ['Chromium\\Application\\chrome.exe', 'Chromium'],
      ['Google\\Chrome\\Application\\chrome.exe', 'Google Chrome'],
      ['Microsoft\\Edge\\Application\\msedge.exe', 'Microsoft Edge'],
      ['BraveSoftware\\Brave-Browser\\Application\\brave.exe', 'Brave'],
    ];
    const roots = [env.LOCALAPPDATA, env.PROGRAMFILES, env['PROGRAMFILES(X86)'] ?? env['ProgramFiles(x86)']].filter((r): r is string => Boolean(r));
    // Per-browser first (Chromium anywhere before Chrome anywhere), like the PATH order.
    return exes.flatMap(([p, n]) => roots.map((root): [string, string] => [`${root}\\${p}`, n]));
  }
  return [
    ['/usr/bin/chromium', 'Chromium'],
    ['/usr/bin/chromium-browser', 'Chromium'],
    ['/snap/bin/chromium', 'Chromium'],
    ['/usr/bin/google-chrome', 'Google Chrome'],
    ['/opt/google/chrome/chrome', 'Google Chrome'],
    ['/usr/bin/microsoft-edge', 'Microsoft Edge'],
    ['/opt/microsoft/msedge/msedge', 'Microsoft Edge'],
    ['/usr/bin/brave-browser', 'Brave'],
    ['/opt/brave.com/brave/brave', 'Brave'],
    ['/snap/bin/brave', 'Brave'],
  ];
}

/**
 * The first Chromium-family browser found: `DCV_LAUNCHER_BROWSER` (a path) if set, then PATH,
 * then the usual install locations. A Snap-packaged one is taken only when nothing else is there.
 */
export function findChromiumBrowser(lookup: BrowserLookup = {}): FoundBrowser | undefined {
  const platform = lookup.platform ?? process.platform;
  const env = lookup.env ?? process.env;
  const home = lookup.home ?? homedir();
  const isExecutable = lookup.isExecutable ?? defaultIsExecutable;
  const exe = platform === 'win32' ? '.exe' : '';

  const chosen = env.DCV_LAUNCHER_BROWSER;
  if (chosen) return isExecutable(chosen) ? found(chosen, nameOf(chosen), platform, lookup) : undefined;

  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const candidates: Array<[string, string]> = [
    ...PATH_NAMES.flatMap(([file, name]) => dirs.map((dir): [string, string] => [join(dir, file + exe), name])),
    ...installLocations(platform, env, home),
  ];
  let snapFallback: FoundBrowser | undefined;
  for (const [path, name] of candidates) {
    if (!isExecutable(path)) continue;
    const browser = found(path, name, platform, lookup);
    if (!browser.snap) return browser;
    snapFallback ??= browser;
  }
  return snapFallback;
}

function found(path: string, name: string, platform: NodeJS.Platform, lookup: BrowserLookup): FoundBrowser {
  const snap = platform === 'linux' ? (lookup.snapOf ?? snapName)(path) : undefined;
  return snap ? { path, name, snap } : { path, name };
}

function nameOf(path: string): string {
  const file = basename(path).toLowerCase();
  if (file.includes('edge')) return 'Microsoft Edge';
  if (file.includes('brave')) return 'Brave';
  if (file.includes('chrome') && !file.includes('chromium')) return 'Google Chrome';
  return 'Chromium';
}

/**
 * /snap/bin/<snap> (itself a symlink to /usr/bin/snap), a symlink to it, or a shell script that
 * runs it: Ubuntu's /usr/bin/chromium-browser is such a script.
 */
export function snapName(path: string): string | undefined {
  // Link by link: realpath would end at /usr/bin/snap and lose the snap's name.
  let current = path;
  for (let hop = 0; hop < 10; hop++) {
    const direct = /^\/snap\/bin\/([^/]+)$/.exec(current)?.[1];
    if (direct) return direct;
    let target: string;
    try {
      target = readlinkSync(current);
    } catch {
      break; // not a link (or missing): look at the file itself
    }
    current = resolve(dirname(current), target);
  }
  const head = readHead(current, 4096);
  if (!head.startsWith('#!')) return undefined;
  return /\/snap\/bin\/([A-Za-z0-9-]+)/.exec(head)?.[1];
}

function readHead(path: string, bytes: number): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function defaultIsExecutable(path: string): boolean {
  try {
    accessSync(path, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The dedicated profile: in the launcher's data folder, or the snap's own folder for a Snap browser. */
export function profileDirFor(browser: FoundBrowser, dataDir: string, home: string = homedir()): string {
  return browser.snap ? join(home, 'snap', browser.snap, 'common', 'dcv-launcher-browser-profile') : join(dataDir, 'browser-profile');
}

export interface AppWindowOptions {
  /** The file:// URL of a launch file (main/launch-file.ts): never the launch URL itself, which argv would show every local user. */
  url: string;
  profileDir: string;
  /** Base64 SHA-256 of the localhost certificate's SubjectPublicKeyInfo. */
  spkiHash: string;
}

/** The exact command line: nothing else about certificates is relaxed, and no flag is ever `--ignore-certificate-errors`. */
export function appWindowArgs({ url, profileDir, spkiHash }: AppWindowOptions): string[] {
  if (!isLaunchFileUrl(url)) throw new Error(`not the file:// URL of a launch file: ${url}`);
  if (!/^[A-Za-z0-9+/]{43}=$/.test(spkiHash)) throw new Error(`not a base64 SHA-256: ${spkiHash}`);
  return [
    `--app=${url}`,
    // Required: Chromium ignores the SPKI list without it. Also keeps the user's own profile untouched.
    `--user-data-dir=${profileDir}`,
    `--ignore-certificate-errors-spki-list=${spkiHash}`,
    // The launcher opens a desktop's tab when its connect finishes (after a proxy, a trust
    // question, or seconds of network) and replaces it when a session's token is renewed, with
    // no click at all: past Chromium's 5 s of user activation. Only in this dedicated profile.
    '--disable-popup-blocking',
    '--no-first-run',
    '--no-default-browser-check',
  ];
}

/** Only where a window can appear: a desktop session, not an SSH shell or CI. */
export function canShowWindow(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.CI) return false;
  return platform !== 'linux' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

export interface AppWindow {
  browser: FoundBrowser;
  /** Calls back once if the browser could not start or quit with an error soon after starting. */
  onEarlyFailure(listener: (why: string) => void): void;
  /** Closes the window this process started (a second start only hands its URL to the first). */
  close(): void;
}

/** How long after the start an exit counts as "could not open" rather than "the user closed it". */
const EARLY_EXIT_MS = 10_000;

export function openAppWindow(browser: FoundBrowser, options: AppWindowOptions): AppWindow {
  const startedAt = Date.now();
  let failure: string | undefined;
  let listener: ((why: string) => void) | undefined;
  const fail = (why: string) => {
    if (failure !== undefined) return;
    failure = why;
    listener?.(why);
  };
  // Not detached: Ctrl+C in the terminal reaches the window too, and its tunnels are gone anyway.
  const child: ChildProcess = spawn(browser.path, appWindowArgs(options), { stdio: 'ignore' });
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code, signal) => {
    if (code !== 0 && code !== null && Date.now() - startedAt < EARLY_EXIT_MS) fail(`exit code ${code}`);
    else if (signal && signal !== 'SIGTERM' && signal !== 'SIGINT' && Date.now() - startedAt < EARLY_EXIT_MS) fail(`signal ${signal}`);
  });
  return {
    browser,
    onEarlyFailure(l) {
      listener = l;
      if (failure !== undefined) l(failure);
    },
    close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** A launch file's URL: file://, and nothing secret in it. */
function isLaunchFileUrl(url: string): boolean {
  return url.startsWith('file://') && !url.includes('__launch');
}

/** The fallback: the system's default browser (it will show the certificate warning the banner explains), given a launch file's URL. */
export function openDefaultBrowser(url: string, platform: NodeJS.Platform = process.platform): void {
  if (!isLaunchFileUrl(url)) throw new Error(`not the file:// URL of a launch file: ${url}`);
  const [cmd, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no opener installed: the printed URL is enough
    child.unref();
  } catch {
    /* the printed URL is enough */
  }
}
