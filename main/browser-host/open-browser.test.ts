import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appWindowArgs, canShowWindow, findChromiumBrowser, openAppWindow, openDefaultBrowser, profileDirFor, snapName } from './open-browser';

const SPKI = 'xIZe8xx9ddPV8xMN/7kDX7qv9gCK02c7VOylKm2BdVM=';
/** A launch file's URL: the launch URL itself never goes on a command line. */
const URL_ = 'file:///home/u/.config/dcv-launcher/launch/launch-0f3c.html';
const only = (...paths: string[]) => (p: string) => paths.includes(p);

describe('findChromiumBrowser', () => {
  it('prefers PATH in the order chromium, chromium-browser, google-chrome, microsoft-edge, brave', () => {
    const env = { PATH: '/a:/b' };
    const find = (...present: string[]) => findChromiumBrowser({ platform: 'linux', env, home: '/home/u', isExecutable: only(...present), snapOf: () => undefined });
    expect(find('/b/brave-browser', '/a/google-chrome', '/b/chromium')).toEqual({ path: '/b/chromium', name: 'Chromium' });
    expect(find('/b/brave-browser', '/a/microsoft-edge')).toEqual({ path: '/a/microsoft-edge', name: 'Microsoft Edge' });
    expect(find('/b/brave-browser')).toEqual({ path: '/b/brave-browser', name: 'Brave' });
    expect(find()).toBeUndefined();
  });

  it('falls back to the usual install locations on Linux, macOS and Windows', () => {
    expect(findChromiumBrowser({ platform: 'linux', env: { PATH: '/nowhere' }, home: '/h', isExecutable: only('/opt/google/chrome/chrome'), snapOf: () => undefined })).toEqual({
      path: '/opt/google/chrome/chrome',
      name: 'Google Chrome',
    });
    expect(findChromiumBrowser({ platform: 'darwin', env: {}, home: '/Users/u', isExecutable: only('/Users/u/Applications/Brave Browser.app/Contents/MacOS/Brave Browser') })).toEqual({
      path: '/Users/u/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
      name: 'Brave',
    });
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findChromiumBrowser({ platform: 'win32', env: { 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, home: 'C:\\Users\\u', isExecutable: only(edge) })).toEqual({ path: edge, name: 'Microsoft Edge' });
  });

  it('takes a Snap-packaged browser only when nothing else is there', () => {
    const snapOf = (p: string) => (p === '/usr/bin/chromium-browser' ? 'chromium' : undefined);
    const lookup = { platform: 'linux' as const, env: { PATH: '/usr/bin' }, home: '/h', snapOf };
    expect(findChromiumBrowser({ ...lookup, isExecutable: only('/usr/bin/chromium-browser', '/usr/bin/google-chrome') })?.path).toBe('/usr/bin/google-chrome');
    expect(findChromiumBrowser({ ...lookup, isExecutable: only('/usr/bin/chromium-browser') })).toEqual({ path: '/usr/bin/chromium-browser', name: 'Chromium', snap: 'chromium' });
  });

  it('DCV_LAUNCHER_BROWSER names the browser to use', () => {
    const env = { PATH: '/usr/bin', DCV_LAUNCHER_BROWSER: '/opt/x/msedge' };
    expect(findChromiumBrowser({ platform: 'linux', env, isExecutable: only('/opt/x/msedge', '/usr/bin/chromium'), snapOf: () => undefined })).toEqual({ path: '/opt/x/msedge', name: 'Microsoft Edge' });
    expect(findChromiumBrowser({ platform: 'linux', env, isExecutable: only('/usr/bin/chromium'), snapOf: () => undefined })).toBeUndefined();
  });
});

describe('snapName', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snap-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recognises /snap/bin and Ubuntu's wrapper script, not Debian's chromium script", () => {
    expect(snapName('/snap/bin/chromium')).toBe('chromium');
    const ubuntu = join(dir, 'chromium-browser');
    writeFileSync(ubuntu, '#!/bin/sh\n# transitional package\nexec /snap/bin/chromium "$@"\n');
    expect(snapName(ubuntu)).toBe('chromium');
    const debian = join(dir, 'chromium');
    writeFileSync(debian, '#!/bin/sh\nAPPNAME=chromium\nexec $LIBDIR/$APPNAME $CHROMIUM_FLAGS "$@"\n');
    expect(snapName(debian)).toBeUndefined();
    expect(snapName(join(dir, 'missing'))).toBeUndefined();
    const link = join(dir, 'brave-browser');
    symlinkSync('/snap/bin/brave', link); // dangling here, as it would not be on a machine without snapd
    expect(snapName(link)).toBe('brave');
    const linkToScript = join(dir, 'chromium-link');
    symlinkSync(ubuntu, linkToScript);
    expect(snapName(linkToScript)).toBe('chromium');
  });
});

describe('appWindowArgs', () => {
  it('is exactly the app window, a dedicated profile, the one SPKI, desktop tabs without a click, and no first-run prompts', () => {
    expect(appWindowArgs({ url: URL_, profileDir: '/data/browser-profile', spkiHash: SPKI })).toEqual([
      `--app=${URL_}`,
      '--user-data-dir=/data/browser-profile',
      `--ignore-certificate-errors-spki-list=${SPKI}`,
      '--disable-popup-blocking',
      '--no-first-run',
      '--no-default-browser-check',
    ]);
  });

  it('refuses anything but a launch file (never the launch URL itself: argv is readable by every local user) and one base64 SHA-256', () => {
    expect(() => appWindowArgs({ url: 'https://example.com/', profileDir: '/p', spkiHash: SPKI })).toThrow(/launch file/);
    expect(() => appWindowArgs({ url: 'https://127.0.0.1:42519/__launch/q6Fs-wBPcQYau55', profileDir: '/p', spkiHash: SPKI })).toThrow(/launch file/);
    expect(() => openDefaultBrowser('https://127.0.0.1:42519/__launch/q6Fs-wBPcQYau55', 'linux')).toThrow(/launch file/);
    expect(() => appWindowArgs({ url: URL_, profileDir: '/p', spkiHash: `${SPKI},${SPKI}` })).toThrow(/SHA-256/);
  });

  it('keeps the profile in the data folder, or in the snap’s own folder for a Snap browser', () => {
    expect(profileDirFor({ path: '/usr/bin/chromium', name: 'Chromium' }, '/home/u/.config/dcv-launcher', '/home/u')).toBe('/home/u/.config/dcv-launcher/browser-profile');
    expect(profileDirFor({ path: '/snap/bin/chromium', name: 'Chromium', snap: 'chromium' }, '/home/u/.config/dcv-launcher', '/home/u')).toBe(
      '/home/u/snap/chromium/common/dcv-launcher-browser-profile',
    );
  });
});

describe('canShowWindow', () => {
  it('needs a display on Linux and never opens one under CI', () => {
    expect(canShowWindow('linux', {})).toBe(false);
    expect(canShowWindow('linux', { DISPLAY: ':0' })).toBe(true);
    expect(canShowWindow('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(canShowWindow('linux', { DISPLAY: ':0', CI: 'true' })).toBe(false);
    expect(canShowWindow('darwin', {})).toBe(true);
    expect(canShowWindow('win32', {})).toBe(true);
  });
});

describe('openAppWindow', () => {
  const dir = mkdtempSync(join(tmpdir(), 'app-window-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function fakeBrowser(name: string, body: string): string {
    const path = join(dir, name);
    writeFileSync(path, `#!${process.execPath}\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }

  it('starts the browser with exactly those flags and closes it again', async () => {
    const record = join(dir, 'args.json');
    const path = fakeBrowser(
      'browser-ok',
      `require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));
       process.on('SIGTERM', () => { require('fs').appendFileSync(${JSON.stringify(record)}, '\\nSIGTERM'); process.exit(0); });
       setInterval(() => {}, 1000);`,
    );
    const win = openAppWindow({ path, name: 'Chromium' }, { url: URL_, profileDir: join(dir, 'profile'), spkiHash: SPKI });
    const failures: string[] = [];
    win.onEarlyFailure((why) => failures.push(why));
    await expect.poll(() => existsSync(record)).toBe(true);
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual(appWindowArgs({ url: URL_, profileDir: join(dir, 'profile'), spkiHash: SPKI }));
    win.close();
    await expect.poll(() => readFileSync(record, 'utf8').endsWith('SIGTERM')).toBe(true);
    expect(failures).toEqual([]);
  });

  it('reports a browser that cannot start or fails at once', async () => {
    const missing = openAppWindow({ path: join(dir, 'no-such-browser'), name: 'Chromium' }, { url: URL_, profileDir: join(dir, 'p'), spkiHash: SPKI });
    const crashing = openAppWindow({ path: fakeBrowser('browser-fails', 'process.exit(21)'), name: 'Brave' }, { url: URL_, profileDir: join(dir, 'p'), spkiHash: SPKI });
    const seen: string[] = [];
    missing.onEarlyFailure((why) => seen.push(`missing: ${why}`));
    crashing.onEarlyFailure((why) => seen.push(`crashing: ${why}`));
    await expect.poll(() => seen.length).toBe(2);
    expect(seen.sort()).toEqual([expect.stringMatching(/^crashing: exit code 21$/), expect.stringMatching(/^missing: .*ENOENT/)]);
  });

  it('a browser that hands the URL to its running instance and exits 0 is not a failure', async () => {
    const handedOff = openAppWindow({ path: fakeBrowser('browser-handoff', 'process.exit(0)'), name: 'Chromium' }, { url: URL_, profileDir: join(dir, 'p'), spkiHash: SPKI });
    const seen: string[] = [];
    handedOff.onEarlyFailure((why) => seen.push(why));
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).toEqual([]);
    handedOff.close(); // already gone: a no-op
  });
});
