/**
 * Browser mode's entry (dist/host.mjs): the launcher's services behind the local HTTPS host,
 * for machines without an Electron binary or a display. `npm start` falls back to it.
 *
 *   node dist/host.mjs [--port N] [--no-open] [--demo]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLauncherServices } from '../services/app';
import { startDemo, type Demo } from './demo';
import { startBrowserHost, type BrowserHost } from './host';
import type { LauncherServices } from '../../preload/contract/api';

const USAGE = `Usage: dcv-launcher-host [--port N] [--no-open] [--demo]
  --port N    listen on 127.0.0.1:N (default: a free port)
  --no-open   do not try to open the browser
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
  // Same certificate as the desktops' tunnels: one click-through in the browser covers them all.
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

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl+C: do not wait
    stopping = true;
    console.log(`\n${signal}: closing tunnels…`);
    await Promise.allSettled([host.close(), services.close()]);
    await demo?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT')).on('SIGTERM', () => void stop('SIGTERM'));

  printBanner(host.url, host.fingerprintHex, dataDir, demo);
  if (process.stdin.isTTY) {
    createInterface({ input: process.stdin }).on('line', () => console.log(`\n  Fresh launch URL (works once):\n    ${host.newLaunchUrl()}\n`));
  }
  // Its own token: the printed URL stays usable in another browser.
  if (!values['no-open']) openBrowser(host.newLaunchUrl());
}

function printBanner(url: string, fingerprintHex: string, dataDir: string, demo: Demo | undefined): void {
  const lines = [
    '',
    'DCV Launcher is running in browser mode.',
    '',
    '  Open this URL in your browser (it works once, for 15 minutes):',
    `    ${url}`,
    '',
    '  The browser warns once that it does not know the certificate: it is the launcher\'s own',
    '  certificate for 127.0.0.1, made on this machine. Check that the SHA-256 fingerprint the',
    '  browser shows (padlock / "Not secure" → certificate details) is',
    `    ${fingerprintHex}`,
    '  then proceed. Desktops open in new tabs on other 127.0.0.1 ports with the same certificate.',
    '',
    `  Data: ${dataDir}${demo ? ` (demo: agents at ${demo.agents.map((a) => a.url).join(', ')})` : ''}`,
    `  ${process.stdin.isTTY ? 'Press Enter for a fresh URL; ' : ''}Ctrl+C to stop (closes every tunnel).`,
    '',
  ];
  console.log(lines.join('\n'));
}

/** dist/renderer next to dist/host.mjs; from the sources (tsx), the repository's dist/renderer. */
function findRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.DCV_LAUNCHER_RENDERER_DIR, join(here, 'renderer'), join(here, '..', '..', 'dist', 'renderer')];
  const found = candidates.find((d): d is string => d !== undefined && existsSync(join(d, 'index.html')));
  if (!found) throw new Error(`the renderer is not built (looked in ${candidates.filter(Boolean).join(', ')}): run npm run build`);
  return found;
}

/** Only where a browser can appear: a desktop session, not an SSH shell or CI. */
function openBrowser(url: string): void {
  const hasDisplay = process.platform !== 'linux' || Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
  if (!hasDisplay || process.env.CI) return;
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['rundll32', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => {}); // no opener installed: the printed URL is enough
    child.unref();
  } catch {
    /* the printed URL is enough */
  }
}

main().catch((e: unknown) => {
  console.error(`DCV Launcher (browser mode) could not start: ${e instanceof Error ? e.message : String(e)}`);
  if (e instanceof Error && /Unknown option|Unexpected argument/.test(e.message)) console.error(USAGE);
  process.exit(1);
});
