/**
 * Browser mode's entry as `npm start` runs it (from the sources, through tsx): what the terminal
 * shows, the URL it prints, the app window it starts (a fake browser that records its command
 * line), and Ctrl+C.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
  afterAll(() => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 }));

  it('--no-open: prints the bilingual banner with a working one-time URL and the fingerprint check; Ctrl+C stops it', async () => {
    const dataDir = join(dir, 'no-open');
    const run = startHost(dataDir, ['--no-open'], { DISPLAY: ':99' });
    try {
      await expect.poll(run.out, { timeout: 45_000 }).toContain('Ctrl+C to stop');
      const out = run.out();
      expect(out).toContain('DCV Launcher をブラウザーモードで起動しました。\nDCV Launcher is running in browser mode.');
      expect(out).toContain('ブラウザーでこの URL を開いてください（1 回限り、2 分間有効）:\n  Open this URL in your browser (it works once, for 2 minutes):');
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

  /**
   * A stand-in browser (or opener) that records what another local user could read of it — its
   * command line — and what the file it was handed looks like, at the moment it starts.
   */
  function recordingBrowser(path: string, record: string, opts: { stayRunning: boolean }): void {
    writeFileSync(
      path,
      `#!${process.execPath}
const fs = require('fs');
const { dirname } = require('path');
const { fileURLToPath } = require('url');
const args = process.argv.slice(2);
const target = args.map((a) => a.replace(/^--app=/, '')).find((a) => a.startsWith('file:'));
const seen = { args };
if (target) {
  const file = fileURLToPath(target);
  Object.assign(seen, { file, fileMode: fs.statSync(file).mode & 0o777, dirMode: fs.statSync(dirname(file)).mode & 0o777, content: fs.readFileSync(file, 'utf8') });
}
fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify(seen));
${opts.stayRunning ? `process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(record + '.signal')}, 'SIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);` : ''}
`,
    );
    chmodSync(path, 0o755);
  }

  interface Seen {
    args: string[];
    file?: string;
    fileMode?: number;
    dirMode?: number;
    content?: string;
  }

  /** The record once it is written whole (the file exists a moment before its text). */
  function readRecord(record: string): Seen | undefined {
    try {
      return JSON.parse(readFileSync(record, 'utf8')) as Seen;
    } catch {
      return undefined;
    }
  }

  /** What a browser handed the file gets: exactly one launch URL, in the page's redirect. */
  function handedOver(seen: Seen): string {
    expect(seen.args.join(' ')).not.toMatch(LAUNCH_URL); // nothing another user can read in /proc/<pid>/cmdline
    expect(seen.file).toBeDefined();
    if (process.platform !== 'win32') {
      expect(seen.fileMode).toBe(0o600);
      expect(seen.dirMode).toBe(0o700);
    }
    const urls = seen.content!.match(LAUNCH_URL)!;
    expect(new Set(urls).size).toBe(1);
    expect(seen.content).toContain(`<meta http-equiv="refresh" content="0;url=${urls[0]}">`);
    return urls[0];
  }

  it("with a display and a Chromium-family browser: opens the launcher in an app window with npm start's exact flags and the URL in a private file, and Ctrl+C closes both", async () => {
    const dataDir = join(dir, 'app-window');
    const record = join(dir, 'browser-args.json');
    const browser = join(dir, 'fake-chromium');
    recordingBrowser(browser, record, { stayRunning: true });
    const run = startHost(dataDir, [], { DISPLAY: ':99', DCV_LAUNCHER_BROWSER: browser });
    let seen: Seen | undefined;
    try {
      await expect.poll(run.out, { timeout: 45_000 }).toContain('Ctrl+C to stop');
      await expect.poll(() => readRecord(record), { timeout: 20_000 }).toBeDefined();
      const out = run.out();
      expect(out).toContain('ランチャーを Chromium の専用ウィンドウで開きました。');
      expect(out).toContain('The launcher is open in its own Chromium window');

      seen = readRecord(record)!;
      const appUrl = handedOver(seen);
      const cert = await loadOrCreateLocalCertificate(join(dataDir, 'certs'));
      expect(seen.args).toEqual(appWindowArgs({ url: pathToFileURL(seen.file!).href, profileDir: join(dataDir, 'browser-profile'), spkiHash: cert.spkiHash }));
      expect(seen.file!.startsWith(join(dataDir, 'launch'))).toBe(true);
      const [printed] = out.match(LAUNCH_URL)!;
      expect(printed).not.toBe(appUrl); // one token each: the window's and the one for another browser
      expect((await redeem(appUrl)).status).toBe(302);
      expect((await redeem(printed)).status).toBe(302);
    } finally {
      expect(await stop(run)).toBe(0);
    }
    expect(readFileSync(record + '.signal', 'utf8')).toBe('SIGTERM');
    expect(existsSync(seen.file!)).toBe(false); // gone at exit
  });

  it('with a display and no Chromium-family browser: the default browser (xdg-open) gets a private file, never the URL, and the file goes at exit', async () => {
    const dataDir = join(dir, 'default-browser');
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    const record = join(dir, 'xdg-open-args.json');
    recordingBrowser(join(bin, 'xdg-open'), record, { stayRunning: false });
    const run = startHost(dataDir, [], { DISPLAY: ':99', DCV_LAUNCHER_BROWSER: join(dir, 'no-such-browser'), PATH: `${bin}${delimiter}${process.env.PATH}` });
    let seen: Seen | undefined;
    try {
      await expect.poll(run.out, { timeout: 45_000 }).toContain('Ctrl+C to stop');
      await expect.poll(() => readRecord(record), { timeout: 20_000 }).toBeDefined();
      seen = readRecord(record)!;
      const url = handedOver(seen);
      expect(seen.args).toEqual([pathToFileURL(seen.file!).href]);
      expect((await redeem(url)).status).toBe(302);
    } finally {
      expect(await stop(run)).toBe(0);
    }
    expect(existsSync(seen.file!)).toBe(false);
  });
});
