/**
 * Browser mode's entry as `npm start` runs it (from the sources, through tsx): what the terminal
 * shows, the URL it prints, the app window it starts (a fake browser that records its command
 * line), and Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from '../../test/e2e/harness';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { appWindowArgs } from './open-browser';

const LAUNCH_URL = /https:\/\/127\.0\.0\.1:\d+\/__launch\/[A-Za-z0-9_-]+/g;

interface Run {
  child: ChildProcess;
  out: () => string;
}

function startHost(dataDir: string, args: string[], env: NodeJS.ProcessEnv): Run {
  let out = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join('main', 'browser-host', 'start.ts'), ...args], {
    env: { ...process.env, DCV_LAUNCHER_DATA_DIR: dataDir, CI: '', DISPLAY: '', WAYLAND_DISPLAY: '', DCV_LAUNCHER_BROWSER: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

async function stop(run: Run): Promise<number | null> {
  if (run.child.exitCode !== null) return run.child.exitCode;
  const exited = new Promise<number | null>((r) => run.child.once('exit', (code) => r(code)));
  run.child.kill('SIGINT');
  return exited;
}

/** The host's answer to a launch URL: 302 and the session cookie while unspent. */
function redeem(url: string): Promise<{ status: number; cookie: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, cookie: String(res.headers['set-cookie'] ?? '') });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser mode start-up (main/browser-host/start.ts)', () => {
  let dir: string;
  beforeAll(() => {
    ensureRendererBuilt();
    dir = mkdtempSync(join(tmpdir(), 'host-start-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--no-open: prints the bilingual banner with a working one-time URL and the fingerprint check; Ctrl+C stops it', async () => {
    const dataDir = join(dir, 'no-open');
    const run = startHost(dataDir, ['--no-open'], { DISPLAY: ':99' });
    try {
      await expect.poll(run.out, { timeout: 45_000 }).toContain('Ctrl+C to stop');
      const out = run.out();
      expect(out).toContain('DCV Launcher をブラウザーモードで起動しました。\nDCV Launcher is running in browser mode.');
      expect(out).toContain('ブラウザーでこの URL を開いてください（1 回限り、15 分間有効）:\n  Open this URL in your browser (it works once, for 15 minutes):');
      expect(out).toContain('Ctrl+C で終了します（すべてのトンネルを閉じます）。\n  Ctrl+C to stop (closes every tunnel).');
      expect(out).not.toContain('Chromium-family'); // --no-open: not a missing browser
      const cert = await loadOrCreateLocalCertificate(join(dataDir, 'certs'));
      expect(out).toContain(`    ${new X509Certificate(cert.certPem).fingerprint256}\n`);

      const [url] = out.match(LAUNCH_URL)!;
      const first = await redeem(url);
      expect(first.status).toBe(302);
      expect(first.cookie).toMatch(/HttpOnly; Secure; SameSite=Strict/);
      expect((await redeem(url)).status).toBe(403); // once only
    } finally {
      expect(await stop(run)).toBe(0);
    }
    expect(run.out()).toContain('SIGINT: トンネルを閉じています… / closing tunnels…');
  });

  it("with a display and a Chromium-family browser: opens the launcher in an app window with npm start's exact flags, and Ctrl+C closes it", async () => {
    const dataDir = join(dir, 'app-window');
    const record = join(dir, 'browser-args.json');
    const browser = join(dir, 'fake-chromium');
    writeFileSync(
      browser,
      `#!${process.execPath}
const fs = require('fs');
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify(process.argv.slice(2)));
process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(record)}, '\\nSIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);
`,
    );
    chmodSync(browser, 0o755);
    const run = startHost(dataDir, [], { DISPLAY: ':99', DCV_LAUNCHER_BROWSER: browser });
    try {
      await expect.poll(run.out, { timeout: 45_000 }).toContain('Ctrl+C to stop');
      await expect.poll(() => existsSync(record)).toBe(true);
      const out = run.out();
      expect(out).toContain('ランチャーを Chromium の専用ウィンドウで開きました。');
      expect(out).toContain('The launcher is open in its own Chromium window');

      const args = JSON.parse(readFileSync(record, 'utf8')) as string[];
      const appUrl = args[0].slice('--app='.length);
      const cert = await loadOrCreateLocalCertificate(join(dataDir, 'certs'));
      expect(args).toEqual(appWindowArgs({ url: appUrl, profileDir: join(dataDir, 'browser-profile'), spkiHash: cert.spkiHash }));
      const [printed] = out.match(LAUNCH_URL)!;
      expect(printed).not.toBe(appUrl); // one token each: the window's and the one for another browser
      expect((await redeem(appUrl)).status).toBe(302);
      expect((await redeem(printed)).status).toBe(302);
    } finally {
      expect(await stop(run)).toBe(0);
    }
    expect(readFileSync(record, 'utf8')).toMatch(/\nSIGTERM$/);
  });
});
