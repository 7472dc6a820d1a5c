/**
 * `npm start` installs Electron's binary itself (scripts/electron-install.mjs): with a fake
 * installer that succeeds, fails or hangs, and a failure remembered for a day.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAILURE_FILE, RETRY_AFTER_MS, ensureElectron } from '../../scripts/electron-install.mjs';
import { fakeElectronPackage } from './fake-electron';

const root = mkdtempSync(join(tmpdir(), 'electron-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (behaviour: Parameters<typeof fakeElectronPackage>[1], version?: string) => fakeElectronPackage(join(root, `pkg-${++n}`), behaviour, version);
const quiet = { log: () => {}, env: {} as NodeJS.ProcessEnv };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ensureElectron', () => {
  it('installs the missing binary with the installer, showing progress, then finds it without installing again', async () => {
    const pkg = fresh('succeeds');
    const log: string[] = [];
    const result = await ensureElectron({ installer: pkg.installer, log: (l) => log.push(l), env: {}, tickMs: 50 });
    expect(result).toEqual({ path: pkg.binary });
    expect(pkg.runs()).toBe(1);
    expect(log[0]).toBe(
      'Electron 45.4.1 がまだインストールされていないため、ダウンロードします（最大 3 分。Ctrl+C で中止）…\nElectron 45.4.1 is not installed yet: downloading it (up to 3 minutes; Ctrl+C to stop)…',
    );
    expect(log.at(-1)).toBe('Electron をインストールしました。\nElectron is installed.');

    expect(await ensureElectron({ installer: pkg.installer, ...quiet })).toEqual({ path: pkg.binary });
    expect(pkg.runs()).toBe(1);
  });

  it('a failing installer: no binary, a Japanese/English reason, and the failure is remembered', async () => {
    const pkg = fresh('fails');
    const result = await ensureElectron({ installer: pkg.installer, ...quiet });
    expect(result.path).toBeUndefined();
    expect(result.message).toContain('Electron 45.4.1 をダウンロードできませんでした（installer exit code 1）。');
    expect(result.message).toContain('Could not download Electron 45.4.1 (installer exit code 1)');
    expect(result.message).toContain('npm start -- --retry-electron');
    expect(result.message!.indexOf('できませんでした')).toBeLessThan(result.message!.indexOf('Could not'));
    const remembered = JSON.parse(readFileSync(join(pkg.dir, FAILURE_FILE), 'utf8'));
    expect(remembered).toMatchObject({ version: '45.4.1', reason: 'installer exit code 1' });
  });

  it('a hanging installer is killed at the deadline (even when it ignores SIGTERM)', async () => {
    const pkg = fresh('hangs');
    const started = Date.now();
    const log: string[] = [];
    const result = await ensureElectron({ installer: pkg.installer, timeoutMs: 1_000, tickMs: 300, log: (l) => log.push(l), env: {} });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(log[0]).toContain('（最大 1 秒。Ctrl+C で中止）');
    expect(log.slice(1)).toContainEqual(expect.stringMatching(/^ {2}… \d+ 秒 \/ \d+ s$/)); // still there, while it downloads
    expect(result.path).toBeUndefined();
    expect(result.message).toContain('（timed out after 1 s）');
    expect(alive(pkg.lastPid())).toBe(false);
    expect(existsSync(join(pkg.dir, FAILURE_FILE))).toBe(true);
  });

  it('after a recent failure it does not try again, unless forced, a day has passed, or the Electron version changed', async () => {
    const pkg = fresh('fails');
    const t0 = Date.parse('2026-12-01T09:00:00Z');
    await ensureElectron({ installer: pkg.installer, now: () => t0, ...quiet });
    expect(pkg.runs()).toBe(1);

    const later = await ensureElectron({ installer: pkg.installer, now: () => t0 + 60 * 60_000, ...quiet });
    expect(pkg.runs()).toBe(1);
    expect(later.path).toBeUndefined();
    expect(later.message).toMatch(/Electron 45\.4\.1 のダウンロードは .* に失敗しました（installer exit code 1）。.* までは再試行しません。/);
    expect(later.message).toMatch(/Downloading Electron 45\.4\.1 failed at .* \(installer exit code 1\); not retrying before .*\. To retry now: npm start -- --retry-electron/);

    await ensureElectron({ installer: pkg.installer, now: () => t0 + 60 * 60_000, force: true, ...quiet });
    expect(pkg.runs()).toBe(2); // forced (--retry-electron)

    pkg.setBehaviour('succeeds');
    const tomorrow = await ensureElectron({ installer: pkg.installer, now: () => t0 + 60 * 60_000 + RETRY_AFTER_MS, ...quiet });
    expect(pkg.runs()).toBe(3);
    expect(tomorrow).toEqual({ path: pkg.binary });
    expect(existsSync(join(pkg.dir, FAILURE_FILE))).toBe(false); // success forgets the failure

    const upgraded = fresh('fails', '45.5.0');
    writeFileSync(join(upgraded.dir, FAILURE_FILE), JSON.stringify({ version: '45.4.1', failedAt: Date.now(), reason: 'old' }));
    await ensureElectron({ installer: upgraded.installer, ...quiet });
    expect(upgraded.runs()).toBe(1);
  });

  it('behind a proxy, asks @electron/get to use it', async () => {
    const pkg = fresh('fails');
    await ensureElectron({ installer: pkg.installer, log: () => {}, env: { PATH: process.env.PATH, HTTPS_PROXY: 'http://proxy.corp.example:8080' } });
    expect(pkg.lastEnv().ELECTRON_GET_USE_PROXY).toBe('1');
    await ensureElectron({ installer: pkg.installer, log: () => {}, force: true, env: { PATH: process.env.PATH } });
    expect(pkg.lastEnv().ELECTRON_GET_USE_PROXY).toBeUndefined();
  });

  it('no electron package at all: says so, runs nothing', async () => {
    const result = await ensureElectron({ installer: join(root, 'nowhere', 'install.js'), ...quiet });
    expect(result.path).toBeUndefined();
    expect(result.message).toBe('Electron のパッケージがインストールされていません（npm ci を実行してください）。\nThe electron package is not installed (run npm ci).');
  });
});
