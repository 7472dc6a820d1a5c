// `npm start` / `npm run demo`: the Electron app when there is a display and an Electron binary
// (downloaded here on first start, see electron-install.mjs); otherwise the same UI in browser
// mode, served on 127.0.0.1.
//
//   npm start [-- --browser] [-- --retry-electron] [-- <host or app flags>]
//   DCV_LAUNCHER_BROWSER_MODE=1     browser mode, no Electron download
//   DCV_LAUNCHER_RETRY_ELECTRON=1   retry a download that failed recently
//   DCV_LAUNCHER_ELECTRON_TIMEOUT_MS  how long the download may take (default 3 minutes)
//   DCV_LAUNCHER_ELECTRON_INSTALLER the installer to run (default node_modules/electron/install.js;
//                                   its folder is where the binary goes — a test seam)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bilingual, ensureElectron } from './electron-install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const OWN_FLAGS = ['--retry-electron'];
const args = process.argv.slice(2).filter((a) => !OWN_FLAGS.includes(a));
const forceBrowser = args.includes('--browser') || process.env.DCV_LAUNCHER_BROWSER_MODE === '1';
const retry = process.argv.includes('--retry-electron') || process.env.DCV_LAUNCHER_RETRY_ELECTRON === '1';
const installer = process.env.DCV_LAUNCHER_ELECTRON_INSTALLER ?? join(root, 'node_modules/electron/install.js');

if (!existsSync(join(root, 'dist/host.mjs'))) {
  console.log('ビルドしています（初回のみ）… / Building (first start)…');
  await run(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet']);
}

const display = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (!forceBrowser && display) {
  const timeoutMs = Number(process.env.DCV_LAUNCHER_ELECTRON_TIMEOUT_MS) || undefined;
  const electron = await ensureElectron({ installer, force: retry, timeoutMs });
  if (electron.path) {
    const code = await run(electron.path, [root, ...args], { allowFail: true, env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } });
    if (code === 0) process.exit(0);
    console.warn(`\n${bilingual(`Electron が終了コード ${code} で終了しました。ブラウザーモードで起動します。`, `Electron exited with code ${code}; starting browser mode instead.`)}\n`);
  } else {
    console.log(`\n${electron.message}\n${browserModeNote()}\n`);
  }
} else if (!forceBrowser) {
  const why = bilingual('ディスプレイがありません（DISPLAY / WAYLAND_DISPLAY が未設定）。', 'There is no display (DISPLAY/WAYLAND_DISPLAY unset).');
  console.log(`\n${why}\n${browserModeNote()}\n`);
}
process.exitCode = await run(process.execPath, ['--enable-source-maps', join(root, 'dist/host.mjs'), ...args], { allowFail: true });

function browserModeNote() {
  return bilingual(
    'ブラウザーモードで起動します（同じアプリを 127.0.0.1 で提供します）。',
    'Starting browser mode: the same app, served on 127.0.0.1.',
  );
}

function run(cmd, argv, { allowFail = false, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: 'inherit', env });
    const forward = (sig) => child.kill(sig);
    process.on('SIGINT', forward).on('SIGTERM', forward);
    child.on('error', (e) => (allowFail ? resolve(127) : reject(e)));
    child.on('exit', (code, sig) => {
      process.off('SIGINT', forward).off('SIGTERM', forward);
      const c = code ?? (sig ? 128 : 1);
      if (c !== 0 && !allowFail) reject(new Error(`${cmd} exited with ${c}`));
      else resolve(c);
    });
  });
}
