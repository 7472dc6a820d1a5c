/**
 * The first screen in browser mode, in Debian's real Chromium started with exactly the command
 * line `npm start` uses (appWindowArgs), headless only because tests have no display:
 * the launch URL shows the launcher, not "Your connection is not private"; a desktop tunnel's
 * port (same certificate) opens too; a server with any other self-signed certificate does not.
 * Without the SPKI flag the same URL is a certificate error and the launch token is never spent,
 * so this test fails if the flag stops doing what we rely on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findBinary, needBinaries } from '../../test/peers/binaries';
import { ensureRendererBuilt } from '../../test/e2e/harness';
import { makeSelfSignedCert } from '../../test/sim/cert';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { createLauncherServices } from '../services/app';
import type { LauncherServices } from '../../preload/contract/api';
import { startBrowserHost, type BrowserHost } from './host';
import { appWindowArgs } from './open-browser';
import { startSimulator } from '../../test/sim/simulator';
import { dispatch } from '../dispatch';
import type { Channel } from '../../preload/contract/api';
import { LaunchFiles, launchFolderFor } from '../launch-file';

/** Only what a machine without a display or a network needs; none of it touches certificates. */
const HEADLESS_TEST_FLAGS = [
  '--headless',
  '--no-sandbox', // tests run as root in a container
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--remote-debugging-port=0', // to read the page; Chromium writes the port into the profile
];

interface Started {
  child: ChildProcess;
  browser: Browser;
  /** The page the app window opened. */
  page: Page;
}

/** Chromium as `npm start` would run it, plus the headless flags; connected over CDP to look at it. */
async function startChromium(args: string[], profileDir: string): Promise<Started> {
  const executable = findBinary('chromium') ?? findBinary('chromium-browser');
  if (!executable) throw new Error('no chromium');
  const child = spawn(executable, [...args, ...HEADLESS_TEST_FLAGS], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const portFile = join(profileDir, 'DevToolsActivePort');
  const deadline = Date.now() + 30_000;
  while (!existsSync(portFile) || !readFileSync(portFile, 'utf8').includes('\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`chromium did not start (exit ${child.exitCode}): ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const port = readFileSync(portFile, 'utf8').split('\n')[0];
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const context = browser.contexts()[0];
  const page = context.pages()[0] ?? (await context.waitForEvent('page'));
  return { child, browser, page };
}

async function stopChromium(started: Started | undefined): Promise<void> {
  if (!started) return;
  await started.browser.close().catch(() => {});
  const { child } = started;
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** What the host answers a launch URL (no trust decision here: we only ask whether the token is still unspent). */
function launchStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function httpsPage(keyPem: string, certPem: string, title: string): Promise<{ server: Server; url: string }> {
  const server = createServer({ key: keyPem, cert: certPem }, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html><title>${title}</title><h1>${title}</h1>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/` })));
}

describe.skipIf(!needBinaries('chromium'))("browser mode's first screen in Chromium", () => {
  let dir: string;
  let services: LauncherServices;
  let host: BrowserHost;
  let desktop: { server: Server; url: string };
  let stranger: { server: Server; url: string };
  let started: Started | undefined;
  const launchFiles = new LaunchFiles();
  const desktopLaunches: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'first-screen-'));
    const certDir = join(dir, 'certs');
    services = await createLauncherServices({
      dataDir: dir,
      certDir,
      env: {},
      loadKeytar: async () => {
        throw new Error('no keychain in this test');
      },
      openDesktop: (request) => desktopLaunches.push(request.launchUrl),
    });
    host = await startBrowserHost({ services, rendererDir: ensureRendererBuilt(), certDir });
    // A desktop tunnel presents the same localhost certificate on another port.
    const local = await loadOrCreateLocalCertificate(certDir);
    desktop = await httpsPage(local.keyPem, local.certPem, 'desktop tunnel');
    const other = makeSelfSignedCert({ cn: '127.0.0.1', san: ['127.0.0.1', 'localhost'] });
    stranger = await httpsPage(other.key, other.cert, 'someone else');
  });

  afterEach(async () => {
    await stopChromium(started);
    started = undefined;
  });

  afterAll(async () => {
    launchFiles.dispose();
    await host?.close();
    await services?.close();
    await Promise.all([desktop, stranger].map((s) => s && new Promise((r) => s.server.close(r))));
    // Chromium's helper processes (crashpad) may still write into a profile for a moment after
    // the browser exits: retry instead of failing on ENOTEMPTY.
    rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  });

  it("with npm start's flags the launch file opens the launcher itself, and only the launcher's certificate is trusted", async () => {
    const profileDir = join(dir, 'profile-with-flag');
    const args = appWindowArgs({ url: launchFiles.write(launchFolderFor(undefined, dir), host.newLaunchUrl()), profileDir, spkiHash: host.spkiHash });
    started = await startChromium(args, profileDir);
    const { page } = started;

    await page.getByRole('heading', { level: 2, name: /^(デスクトップ|Desktops)/ }).waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('DCV Launcher');
    expect(new URL(page.url())).toMatchObject({ origin: host.origin, pathname: '/' }); // the token was traded for the cookie

    const tab = await page.context().newPage();
    await tab.goto(desktop.url);
    expect(await tab.title()).toBe('desktop tunnel');
    await expect(tab.goto(stranger.url)).rejects.toThrow(/ERR_CERT/);
  });

  it('without the SPKI flag the same launch URL is a certificate error, and the launch token is never spent', async () => {
    const profileDir = join(dir, 'profile-without-flag');
    const url = host.newLaunchUrl();
    const args = appWindowArgs({ url: launchFiles.write(launchFolderFor(undefined, dir), url), profileDir, spkiHash: host.spkiHash }).filter((a) => !a.startsWith('--ignore-certificate-errors-spki-list='));
    expect(args).toHaveLength(5);
    started = await startChromium(args, profileDir);
    const { page } = started;

    await expect.poll(() => page.url(), { timeout: 30_000 }).toMatch(/^chrome-error:/);
    await expect.poll(() => page.content(), { timeout: 30_000 }).toMatch(/ERR_CERT_AUTHORITY_INVALID/);
    expect(await page.title()).not.toBe('DCV Launcher');
    expect(await launchStatus(url)).toBe(302); // Chromium never sent it: still unspent
  });

  it("a desktop tunnel's launch file (how a 'browser' profile opens) lands on the desktop with its session cookie", async () => {
    const sim = await startSimulator({ name: 'agent-file' });
    try {
      const call = async (channel: Channel, request: unknown) => {
        const r = await dispatch(services.handlers, channel, request);
        if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
        return r.value;
      };
      await call('endpoint.save', { id: 'ep', name: 'ep', host: sim.host, proxy: { mode: 'direct' }, tls: { mode: 'pin' } });
      await call('desktop.save', { desktop: { id: 'd1', name: 'one', endpointId: 'ep', route: { kind: 'port', port: sim.port } } });
      await call('profile.save', { id: 'in-browser', name: 'in-browser', desktopId: 'd1', openIn: 'browser' });
      const inspection = (await call('trust.inspect', { desktopId: 'd1' })) as { key: string; presented: { fingerprint256: string } };
      await call('trust.accept', { key: inspection.key, fingerprint: inspection.presented.fingerprint256, persist: false });
      await call('connection.open', { desktopId: 'd1', profileId: 'in-browser' });
      const [launchUrl] = desktopLaunches;

      const profileDir = join(dir, 'profile-desktop');
      started = await startChromium(appWindowArgs({ url: launchFiles.write(launchFolderFor(undefined, dir), launchUrl), profileDir, spkiHash: host.spkiHash }), profileDir);
      await expect.poll(() => started!.page.title(), { timeout: 30_000 }).toBe('DCV simulator - agent-file');
      expect(new URL(started.page.url()).origin).toBe(new URL(launchUrl).origin);
    } finally {
      await dispatch(services.handlers, 'connection.close', { desktopId: 'd1' });
      await sim.close();
    }
  });
});
