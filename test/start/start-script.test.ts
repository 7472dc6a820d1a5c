/**
 * `npm start` (scripts/start.mjs) end to end, with a fake electron package named by
 * DCV_LAUNCHER_ELECTRON_INSTALLER: a successful install takes the Electron path (the fake binary
 * records its arguments), a failed one falls back to browser mode with the reason in Japanese
 * and English, a recent failure is not retried unless asked. Browser mode is run with --help
 * so the host prints its usage and exits instead of serving.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeElectronPackage } from './fake-electron';

const ROOT = process.cwd();

function npmStart(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DISPLAY: ':99', DCV_LAUNCHER_BROWSER_MODE: '', DCV_LAUNCHER_RETRY_ELECTRON: '', ELECTRON_OVERRIDE_DIST_PATH: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // SIGINT first: start.mjs forwards it, so a browser-mode host it started does not outlive the test.
    const timer = setTimeout(() => child.kill('SIGINT'), 45_000);
    const killer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      clearTimeout(killer);
      resolve({ code, out });
    });
  });
}

describe('npm start: Electron first, installed on demand; browser mode when it cannot be', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    // start.mjs builds on first start; do it here, outside the tests' time.
    if (!existsSync(join(ROOT, 'dist', 'host.mjs'))) execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the installer succeeds: Electron runs with the app and the arguments, no browser mode', async () => {
    const pkg = fakeElectronPackage(join(dir, 'ok'), 'succeeds');
    const record = join(dir, 'electron-args.json');
    // --help: should it wrongly fall back to browser mode, the host prints its usage and exits.
    const { code, out } = await npmStart(['--demo', '--help'], { DCV_LAUNCHER_ELECTRON_INSTALLER: pkg.installer, FAKE_ELECTRON_RECORD: record });
    expect(code).toBe(0);
    expect(pkg.runs()).toBe(1);
    expect(out).toContain('Electron 45.4.1 is not installed yet: downloading it (up to 3 minutes; Ctrl+C to stop)…');
    expect(out).toContain('Electron をインストールしました。\nElectron is installed.');
    expect(JSON.parse(readFileSync(record, 'utf8'))).toEqual([ROOT, '--demo', '--help']);
    expect(out).not.toContain('browser mode');
  });

  it('the installer fails: browser mode with the reason; the next start does not retry; --retry-electron and DCV_LAUNCHER_RETRY_ELECTRON=1 do', async () => {
    const pkg = fakeElectronPackage(join(dir, 'offline'), 'fails');
    const env = { DCV_LAUNCHER_ELECTRON_INSTALLER: pkg.installer };

    const first = await npmStart(['--help'], env);
    expect(first.code).toBe(0);
    expect(pkg.runs()).toBe(1);
    expect(first.out).toContain(
      'Electron 45.4.1 をダウンロードできませんでした（installer exit code 1）。この端末から Electron の配布元に接続できない可能性があります。24 時間は再試行しません。今すぐ試すには: npm start -- --retry-electron\n' +
        "Could not download Electron 45.4.1 (installer exit code 1); this machine may not reach Electron's download site. Not retrying for 24 hours; to retry now: npm start -- --retry-electron\n" +
        'ブラウザーモードで起動します（同じアプリを 127.0.0.1 で提供します）。\n' +
        'Starting browser mode: the same app, served on 127.0.0.1.',
    );
    expect(first.out).toContain('Usage: dcv-launcher-host'); // browser mode ran

    const second = await npmStart(['--help'], env);
    expect(pkg.runs()).toBe(1);
    expect(second.out).toMatch(/Electron 45\.4\.1 のダウンロードは .* に失敗しました（installer exit code 1）。/);
    expect(second.out).toContain('Starting browser mode');
    expect(second.out).toContain('Usage: dcv-launcher-host');

    const forced = await npmStart(['--retry-electron', '--help'], env);
    expect(pkg.runs()).toBe(2);
    expect(forced.code).toBe(0); // --retry-electron is start.mjs's own: the host never sees it
    expect(forced.out).toContain('Usage: dcv-launcher-host');

    await npmStart(['--help'], { ...env, DCV_LAUNCHER_RETRY_ELECTRON: '1' });
    expect(pkg.runs()).toBe(3);
  });

  it('the installer hangs: killed at the deadline, then browser mode', async () => {
    const pkg = fakeElectronPackage(join(dir, 'stuck'), 'hangs');
    const started = Date.now();
    const { code, out } = await npmStart(['--help'], { DCV_LAUNCHER_ELECTRON_INSTALLER: pkg.installer, DCV_LAUNCHER_ELECTRON_TIMEOUT_MS: '1500' });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code).toBe(0);
    expect(out).toContain('Could not download Electron 45.4.1 (timed out after 2 s)');
    expect(out).toContain('Starting browser mode');
    expect(out).toContain('Usage: dcv-launcher-host');
    expect(() => process.kill(pkg.lastPid(), 0)).toThrow(/ESRCH/);
  });

  it('no display, or --browser: browser mode at once, nothing downloaded', async () => {
    const pkg = fakeElectronPackage(join(dir, 'headless'), 'succeeds');
    const headless = await npmStart(['--help'], { DCV_LAUNCHER_ELECTRON_INSTALLER: pkg.installer, DISPLAY: '', WAYLAND_DISPLAY: '' });
    expect(headless.out).toContain('ディスプレイがありません（DISPLAY / WAYLAND_DISPLAY が未設定）。\nThere is no display (DISPLAY/WAYLAND_DISPLAY unset).\nブラウザーモードで起動します');
    expect(headless.out).toContain('Usage: dcv-launcher-host');
    const forced = await npmStart(['--browser', '--help'], { DCV_LAUNCHER_ELECTRON_INSTALLER: pkg.installer });
    expect(forced.out).toContain('Usage: dcv-launcher-host');
    expect(pkg.runs()).toBe(0);
  });
});
