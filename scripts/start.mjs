// `npm start` / `npm run demo`: the Electron app when an Electron binary is installed and a
// display is there; otherwise the same UI in browser mode, served on 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser') || process.env.DCV_LAUNCHER_BROWSER_MODE === '1';

if (!existsSync(join(root, 'dist/host.mjs'))) {
  console.log('Building (first start)…');
  await run(process.execPath, [join(root, 'scripts/build.mjs'), '--quiet']);
}

const electron = electronBinary();
const display = process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
if (!forceBrowser && electron && display) {
  const code = await run(electron, [root, ...args], { allowFail: true, env: { ...process.env, ELECTRON_RUN_AS_NODE: '' } });
  if (code === 0) process.exit(0);
  console.warn(`\nElectron exited with code ${code}; starting browser mode instead.\n`);
} else if (!forceBrowser) {
  const why = !electron
    ? 'no Electron binary is installed (it cannot be downloaded on this machine; `npx install-electron` fetches it where the network allows)'
    : 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)';
  console.log(`DCV Launcher: ${why}.\nStarting browser mode: the same app, served on 127.0.0.1 — open the URL printed below.\n`);
}
process.exitCode = await run(process.execPath, ['--enable-source-maps', join(root, 'dist/host.mjs'), ...args], { allowFail: true });

/** Path of an installed Electron binary, without loading the electron package (its index.js would try to download the binary). */
function electronBinary() {
  const dir = join(root, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : undefined;
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
