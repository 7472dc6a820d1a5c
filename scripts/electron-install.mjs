// Electron's binary for `npm start`. Since Electron 43 the `electron` package has no install
// script: after `npm ci` there is no binary until someone runs `npx install-electron`. So
// `npm start` runs that same installer (node_modules/electron/install.js) itself — bounded in
// time, since a closed network may hang rather than refuse — and remembers a failure for a day,
// so a machine that cannot download does not wait on every start.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const INSTALL_TIMEOUT_MS = 3 * 60_000;
export const RETRY_AFTER_MS = 24 * 60 * 60_000;
/** Next to the installer, so a fresh `npm ci` (or another Electron version) forgets it. */
export const FAILURE_FILE = '.dcv-launcher-install-failed.json';
/** @electron/get draws its own progress bar on a terminal after 30 s; our ticker stops then. */
const OWN_PROGRESS_BAR_AFTER_MS = 30_000;

/**
 * The Electron binary the installer in `packageDir` put there, without loading the package
 * (its index.js would start a download).
 */
export function electronBinary(packageDir, env = process.env) {
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  // `||`, as Electron's own install.js: an empty variable means unset.
  const bin = join(env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
}

/**
 * The Electron binary, installing it first when it is missing.
 * Resolves { path } or { path: undefined, message } (a Japanese/English paragraph saying why and
 * what to do). Never rejects.
 *
 * @param {object} o
 * @param {string} o.installer  Electron's install.js (its folder is the electron package)
 * @param {boolean} [o.force]   retry even if it failed recently
 * @param {number} [o.timeoutMs]
 * @param {number} [o.retryAfterMs]
 * @param {number} [o.tickMs]   how often to say it is still downloading
 * @param {() => number} [o.now]
 * @param {NodeJS.ProcessEnv} [o.env]
 * @param {(line: string) => void} [o.log]
 */
export async function ensureElectron(o) {
  const { installer, force = false, timeoutMs = INSTALL_TIMEOUT_MS, retryAfterMs = RETRY_AFTER_MS, tickMs = 15_000 } = o;
  const now = o.now ?? Date.now;
  const env = o.env ?? process.env;
  const log = o.log ?? ((line) => console.log(line));
  const packageDir = dirname(installer);

  const present = electronBinary(packageDir, env);
  if (present) return { path: present };
  if (!existsSync(installer)) {
    return { path: undefined, message: bilingual('Electron のパッケージがインストールされていません（npm ci を実行してください）。', 'The electron package is not installed (run npm ci).') };
  }
  const version = packageVersion(packageDir);
  const failureFile = join(packageDir, FAILURE_FILE);
  const last = readFailure(failureFile);
  if (!force && last && last.version === version && now() - last.failedAt >= 0 && now() - last.failedAt < retryAfterMs) {
    const until = new Date(last.failedAt + retryAfterMs);
    return {
      path: undefined,
      message: bilingual(
        `Electron ${version} のダウンロードは ${when(last.failedAt)} に失敗しました（${last.reason}）。${when(until)} までは再試行しません。今すぐ試すには: npm start -- --retry-electron`,
        `Downloading Electron ${version} failed at ${when(last.failedAt)} (${last.reason}); not retrying before ${when(until)}. To retry now: npm start -- --retry-electron`,
      ),
    };
  }

  const minutes = Math.round(timeoutMs / 60_000);
  const limitJa = minutes >= 1 ? `最大 ${minutes} 分` : `最大 ${Math.ceil(timeoutMs / 1000)} 秒`;
  const limitEn = minutes >= 1 ? `up to ${minutes} minute${minutes === 1 ? '' : 's'}` : `up to ${Math.ceil(timeoutMs / 1000)} s`;
  log(
    bilingual(
      `Electron ${version} がまだインストールされていないため、ダウンロードします（${limitJa}。Ctrl+C で中止）…`,
      `Electron ${version} is not installed yet: downloading it (${limitEn}; Ctrl+C to stop)…`,
    ),
  );
  const outcome = await runInstaller(installer, { env: installerEnv(env), timeoutMs, tickMs, log });
  const path = outcome.ok ? electronBinary(packageDir, env) : undefined;
  if (path) {
    rmSync(failureFile, { force: true });
    log(bilingual('Electron をインストールしました。', 'Electron is installed.'));
    return { path };
  }
  const reason = outcome.ok ? 'the installer left no binary' : outcome.reason;
  writeFailure(failureFile, { version, failedAt: now(), reason });
  const hours = Math.round(retryAfterMs / 3_600_000);
  return {
    path: undefined,
    message: bilingual(
      `Electron ${version} をダウンロードできませんでした（${reason}）。この端末から Electron の配布元に接続できない可能性があります。${hours} 時間は再試行しません。今すぐ試すには: npm start -- --retry-electron`,
      `Could not download Electron ${version} (${reason}); this machine may not reach Electron's download site. Not retrying for ${hours} hours; to retry now: npm start -- --retry-electron`,
    ),
  };
}

/** Behind a corporate proxy: @electron/get only uses HTTPS_PROXY when asked to. */
function installerEnv(env) {
  const proxied = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => env[k]);
  return proxied && env.ELECTRON_GET_USE_PROXY === undefined ? { ...env, ELECTRON_GET_USE_PROXY: '1' } : env;
}

/** Runs the installer with the terminal's output (its own progress bar), killed at the deadline. */
function runInstaller(installer, { env, timeoutMs, tickMs, log }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [installer], { stdio: ['ignore', 'inherit', 'inherit'], env });
    let timedOut = false;
    const tick = setInterval(() => {
      const elapsed = Date.now() - started;
      if (process.stderr.isTTY && elapsed > OWN_PROGRESS_BAR_AFTER_MS) return clearInterval(tick);
      const s = Math.round(elapsed / 1000);
      log(`  … ${s} 秒 / ${s} s`);
    }, tickMs);
    let kill;
    const deadline = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      kill = setTimeout(() => child.kill('SIGKILL'), 2_000);
    }, timeoutMs);
    const done = (result) => {
      clearInterval(tick);
      clearTimeout(deadline);
      clearTimeout(kill);
      resolve(result);
    };
    child.on('error', (e) => done({ ok: false, reason: `could not run the installer: ${e.message}` }));
    child.on('exit', (code, signal) => {
      if (timedOut) return done({ ok: false, reason: `timed out after ${Math.round(timeoutMs / 1000)} s` });
      if (code === 0) return done({ ok: true });
      done({ ok: false, reason: code !== null ? `installer exit code ${code}` : `installer killed by ${signal}` });
    });
  });
}

function packageVersion(packageDir) {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version ?? '?';
  } catch {
    return '?';
  }
}

function readFailure(file) {
  try {
    const f = JSON.parse(readFileSync(file, 'utf8'));
    return typeof f.failedAt === 'number' && typeof f.version === 'string' ? { version: f.version, failedAt: f.failedAt, reason: String(f.reason ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

function writeFailure(file, failure) {
  try {
    writeFileSync(file, JSON.stringify({ ...failure, failedAtText: new Date(failure.failedAt).toISOString() }, null, 2) + '\n');
  } catch {
    /* read-only node_modules: then it is simply tried again next time */
  }
}

/** Local time, minutes: enough to tell "a while ago" from "yesterday". */
function when(t) {
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function bilingual(ja, en) {
  return `${ja}\n${en}`;
}
