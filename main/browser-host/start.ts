/**
 * Browser mode's entry (dist/host.mjs): the launcher's services behind the local HTTPS host,
 * for machines without an Electron binary or a display. `npm start` falls back to it.
 *
 *   node dist/host.mjs [--port N] [--no-open] [--demo]
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLauncherServices } from '../services/app';
import { defaultBrowserSnap, launchFolderFor, LaunchFiles } from '../launch-file';
import { ensurePrivateDir } from '../../tunnel/private-files';
import { appWindowFailedText, bannerText, freshUrlText, startFailedText, stoppingText } from './banner';
import { startDemo, type Demo } from './demo';
import { startBrowserHost, type BrowserHost } from './host';
import { canShowWindow, findChromiumBrowser, openAppWindow, openDefaultBrowser, profileDirFor, type AppWindow } from './open-browser';
import type { LauncherServices } from '../../preload/contract/api';

const USAGE = `Usage: dcv-launcher-host [--port N] [--no-open] [--demo]
  --port N    listen on 127.0.0.1:N (default: a free port)
  --no-open   do not open a browser window (print the URL only)
  --demo      two simulated DCV agents and a throw-away catalogue`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'no-open': { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      // Passed through by scripts/start.mjs; browser mode is what this already is.
      browser: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) return void console.log(USAGE);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got "${values.port}"`);

  const homeDataDir = process.env.DCV_LAUNCHER_DATA_DIR ?? join(homedir(), '.config', 'dcv-launcher');
  // The certificate's key, the browser profile and the launch files live here: this user's only.
  await ensurePrivateDir(homeDataDir);
  // Same certificate as the desktops' tunnels: the app window trusts them all, and a browser
  // started by hand asks once.
  const certDir = join(homeDataDir, 'certs');
  const demo: Demo | undefined = values.demo ? await startDemo() : undefined;
  const dataDir = demo?.dataDir ?? homeDataDir;

  const services: LauncherServices = await createLauncherServices({
    dataDir,
    certDir,
    env: process.env,
    // The renderer opens each desktop in a new tab itself.
    openDesktop: () => {},
  }).catch(async (e: unknown) => {
    await demo?.close();
    throw e;
  });
  let host: BrowserHost;
  try {
    await demo?.seed(services);
    host = await startBrowserHost({ services, rendererDir: findRendererDir(), certDir, port });
  } catch (e) {
    await services.close().catch(() => {});
    await demo?.close();
    throw e;
  }

  // Chromium-family app window when there is one; otherwise the default browser, as before.
  const mayOpen = !values['no-open'] && canShowWindow();
  const browser = mayOpen ? findChromiumBrowser() : undefined;
  // Browsers get their launch URL in a private file, never on a command line other users can read.
  const launchFiles = new LaunchFiles();
  process.on('exit', () => launchFiles.dispose());
  const openWindow = (): AppWindow | undefined => {
    if (!browser) return undefined;
    const url = launchFiles.write(launchFolderFor(browser.snap, homeDataDir), host.newLaunchUrl());
    const win = openAppWindow(browser, { url, profileDir: profileDirFor(browser, homeDataDir), spkiHash: host.spkiHash });
    win.onEarlyFailure((why) => console.log(appWindowFailedText(browser.name, why)));
    return win;
  };
  const windows: AppWindow[] = [];

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl+C: do not wait
    stopping = true;
    console.log(stoppingText(signal));
    for (const w of windows) w.close(); // its tunnels are about to go: an open window would only show errors
    launchFiles.dispose();
    await Promise.allSettled([host.close(), services.close()]);
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT')).on('SIGTERM', () => void stop('SIGTERM'));

  const first = openWindow();
  if (first) windows.push(first);
  const interactive = Boolean(process.stdin.isTTY);
  console.log(
    bannerText({
      url: host.url,
      fingerprintHex: host.fingerprintHex,
      dataDir,
      appWindow: first ? { browserName: first.browser.name } : undefined,
      noBrowserFound: mayOpen && !browser,
      demoAgents: demo?.agents.map((a) => a.url),
      interactive,
    }),
  );
  if (interactive) {
    createInterface({ input: process.stdin }).on('line', () => {
      const again = openWindow();
      if (again) windows.push(again);
      console.log(freshUrlText(host.newLaunchUrl()));
    });
  }
  // Its own token: the printed URL stays usable in another browser.
  if (!first && mayOpen) openDefaultBrowser(launchFiles.write(launchFolderFor(await defaultBrowserSnap(), homeDataDir), host.newLaunchUrl()));
}

/** dist/renderer next to dist/host.mjs; from the sources (tsx), the repository's dist/renderer. */
function findRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.DCV_LAUNCHER_RENDERER_DIR, join(here, 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  const found = candidates.find((d): d is string => d !== undefined && existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`the renderer is not built (looked in ${candidates.filter(Boolean).join(', ')}): run npm run build`);
  return found;
}

main().catch((e: unknown) => {
  console.error(startFailedText(e instanceof Error ? e.message : String(e)));
  if (e instanceof Error && /Unknown option|Unexpected argument/.test(e.message)) console.error(USAGE);
  process.exit(1);
});
