/**
 * The launch URL reaches a browser through a private file, never its command line: the file is
 * 0600 in a 0700 folder (also when the umask would allow more, also when the folder was there
 * with wider modes), says nothing but the redirect, and goes after its lifetime or at exit.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LaunchFiles, launchFolderFor, snapOfDesktopFile } from './launch-file';

const URL_ = 'https://127.0.0.1:42519/__launch/q6Fs-wBPcQYau55xIZe8xx9ddPV8xMN7kDX7qv9gCK0';
const posix = process.platform !== 'win32';
const dir = mkdtempSync(join(tmpdir(), 'launch-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A timer the test fires by hand: no sleeping. */
function manualTimers() {
  const pending: Array<{ run: () => void; ms: number; cancelled: boolean }> = [];
  return {
    pending,
    schedule: (run: () => void, ms: number) => {
      const timer = { run, ms, cancelled: false };
      pending.push(timer);
      return () => void (timer.cancelled = true);
    },
    fireAll: () => pending.filter((t) => !t.cancelled).forEach((t) => t.run()),
  };
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('LaunchFiles', () => {
  let previousUmask: number | undefined;
  afterEach(() => {
    if (previousUmask !== undefined) process.umask(previousUmask);
    previousUmask = undefined;
  });

  it.skipIf(!posix)('writes a 0600 file in a 0700 folder even at umask 000, with only the redirect in it', () => {
    previousUmask = process.umask(0);
    const timers = manualTimers();
    const files = new LaunchFiles({ schedule: timers.schedule });
    const folder = join(dir, 'umask0', 'launch');
    const fileUrl = files.write(folder, URL_);
    expect(fileUrl).toMatch(/^file:\/\//);
    expect(fileUrl).not.toContain('__launch');
    const path = fileURLToPath(fileUrl);
    expect(mode(folder)).toBe(0o700);
    expect(mode(path)).toBe(0o600);
    const html = readFileSync(path, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_}">`);
    expect(html).toContain(`location.replace(${JSON.stringify(URL_)})`);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
    files.dispose();
  });

  it.skipIf(!posix)('tightens a folder that was there with wider modes', () => {
    const folder = join(dir, 'wide');
    mkdirSync(folder, { mode: 0o777 });
    chmodSync(folder, 0o777);
    const files = new LaunchFiles({ schedule: manualTimers().schedule });
    files.write(folder, URL_);
    expect(mode(folder)).toBe(0o700);
    files.dispose();
  });

  it('removes the file when its lifetime is over (no sleep: the timer is fired by hand) and every file at exit', () => {
    const timers = manualTimers();
    const files = new LaunchFiles({ schedule: timers.schedule, lifetimeMs: 90_000 });
    const folder = join(dir, 'lifetime');
    const first = fileURLToPath(files.write(folder, URL_));
    expect(timers.pending.map((t) => t.ms)).toEqual([90_000]);
    expect(existsSync(first)).toBe(true);
    timers.fireAll();
    expect(existsSync(first)).toBe(false);

    const second = fileURLToPath(files.write(folder, URL_));
    const third = fileURLToPath(files.write(folder, URL_));
    expect(second).not.toBe(third);
    files.dispose();
    expect(readdirSync(folder)).toEqual([]);
  });

  it('refuses anything but a launch URL of a local tunnel or host (nothing else is written into a page)', () => {
    const files = new LaunchFiles({ schedule: manualTimers().schedule });
    for (const bad of ['https://example.com/__launch/abc', 'http://127.0.0.1:1/__launch/abc', 'https://127.0.0.1:1/__launch/a"><script>', 'https://127.0.0.1:1/other']) {
      expect(() => files.write(join(dir, 'refused'), bad), bad).toThrow(/launch URL/);
    }
    expect(existsSync(join(dir, 'refused')) ? readdirSync(join(dir, 'refused')) : []).toEqual([]);
  });

  it.skipIf(!posix)('never writes through a link someone left in the folder', () => {
    const folder = join(dir, 'links');
    mkdirSync(folder, { mode: 0o700 });
    const files = new LaunchFiles({ schedule: manualTimers().schedule });
    const path = fileURLToPath(files.write(folder, URL_));
    files.dispose();
    // The next name is random: a planted link cannot be where it goes; and 'wx' refuses to follow one.
    symlinkSync(join(dir, 'elsewhere'), path);
    expect(() => files.write(folder, URL_)).not.toThrow();
    expect(existsSync(join(dir, 'elsewhere'))).toBe(false);
    files.dispose();
  });
});

describe('where the file goes', () => {
  it('the data folder, or the snap’s own folder for a Snap browser (confinement hides dot-folders)', () => {
    expect(launchFolderFor(undefined, '/home/u/.config/dcv-launcher', '/home/u')).toBe('/home/u/.config/dcv-launcher/launch');
    expect(launchFolderFor('firefox', '/home/u/.config/dcv-launcher', '/home/u')).toBe('/home/u/snap/firefox/common/dcv-launcher-launch');
  });

  it('knows a snap’s desktop file by its name', () => {
    expect(snapOfDesktopFile('firefox_firefox.desktop')).toBe('firefox');
    expect(snapOfDesktopFile('chromium_chromium.desktop')).toBe('chromium');
    expect(snapOfDesktopFile('firefox.desktop')).toBeUndefined();
    expect(snapOfDesktopFile('google-chrome.desktop')).toBeUndefined();
    expect(snapOfDesktopFile('')).toBeUndefined();
  });
});
