/**
 * The launcher as a user meets it in browser mode: createLauncherServices + the browser host
 * in this process, a real Chromium on its launch URL. Chromium trusts exactly one extra
 * certificate: the launcher's localhost certificate (by SPKI), which the host and every
 * desktop tunnel present.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Channel, LauncherServices, Request, Responses } from '../../preload/contract/api';
import { dispatch } from '../../main/dispatch';
import { createLauncherServices } from '../../main/services/app';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/host';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { launchChromium, screenshotPath, spkiHashOfCert } from '../peers/chromium';

const RENDERER_DIR = join(process.cwd(), 'dist', 'renderer');
const README_SCREENSHOTS = join(process.cwd(), 'assets', 'screenshots');
export const VIEWPORT = { width: 1280, height: 800 };

export interface Launcher {
  services: LauncherServices;
  host: BrowserHost;
  browser: Browser;
  context: BrowserContext;
  /** The launcher's tab, signed in through the launch URL. */
  page: Page;
  /** Base64 SPKI SHA-256 of the launcher's localhost certificate (the one Chromium was told to accept). */
  spkiHash: string;
  dataDir: string;
  close(): Promise<void>;
}

export interface StartLauncherOptions {
  /** Proxy variables the services see (https_proxy, no_proxy); default none. */
  env?: Record<string, string | undefined>;
  /** Runs before the browser opens the launcher (seeding the catalogue through the API, say). */
  beforePage?: (services: LauncherServices) => Promise<void>;
}

/** `npm ci` builds the renderer (prepare); a fresh checkout without it gets one build here. */
export function ensureRendererBuilt(): string {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    execFileSync(process.execPath, ['scripts/build.mjs', '--quiet'], { stdio: 'inherit' });
  }
  return RENDERER_DIR;
}

export async function startLauncher(opts: StartLauncherOptions = {}): Promise<Launcher> {
  const rendererDir = ensureRendererBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'dcv-e2e-'));
  const certDir = join(dataDir, 'certs');
  const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(dataDir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => console.error('[e2e] cleanup failed', e));
  };
  try {
    const services = await createLauncherServices({
      dataDir,
      certDir,
      env: opts.env ?? {},
      // No keychain on a test machine: secrets stay in memory.
      loadKeytar: async () => {
        throw new Error('no keychain in e2e');
      },
      // Browser mode: the page opens each desktop in a tab itself.
      openDesktop: () => {},
    });
    cleanups.push(() => services.close());
    const host = await startBrowserHost({ services, rendererDir, certDir });
    cleanups.push(() => host.close());

    const cert = await loadOrCreateLocalCertificate(certDir);
    const spkiHash = spkiHashOfCert(cert.certPem);
    if (spkiHash !== cert.spkiHash) throw new Error(`local certificate: SPKI hash ${spkiHash} differs from the one it states (${cert.spkiHash})`);
    const presented = await presentedCertificate(host.port);
    if (presented.fingerprint256 !== new X509Certificate(cert.certPem).fingerprint256) {
      throw new Error(`the browser host presents ${presented.fingerprint256}, not the launcher's certificate from ${certDir}`);
    }

    await opts.beforePage?.(services);
    const browser = await launchChromium({ spkiHashes: [spkiHash], lang: 'ja' });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: VIEWPORT, locale: 'ja-JP' });
    const page = await context.newPage();
    const response = await page.goto(host.url);
    if (response?.status() !== 200) throw new Error(`launch URL answered ${response?.status()}`);
    return { services, host, browser, context, page, spkiHash, dataDir, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The certificate a TLS server on 127.0.0.1:port presents (no trust decision: we only read it). */
export function presentedCertificate(port: number): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.destroy();
      if (raw) resolve(raw);
      else reject(new Error(`127.0.0.1:${port} presented no certificate`));
    });
    socket.once('error', reject);
  });
}

/**
 * A 1280×800 screenshot into test-results/ always; into assets/screenshots/ (the README's)
 * only with UPDATE_SCREENSHOTS=1, so a normal run never dirties the work tree.
 */
export async function screenshot(page: Page, name: string, opts: { readme?: boolean } = {}): Promise<string> {
  const path = screenshotPath(name);
  await page.bringToFront();
  // Let fonts and the last React render settle: the README's images are looked at by people.
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  if (process.env.UPDATE_SCREENSHOTS === '1' && opts.readme !== false) {
    mkdirSync(README_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(README_SCREENSHOTS, `${name}.png`));
  }
  return path;
}

/** For an afterEach: what the launcher showed when a test failed (test-results/failed-*.png). */
export async function screenshotOnFailure(page: Page | undefined, ctx: { task: { name: string; result?: { state?: string } } }): Promise<void> {
  if (!page || ctx.task.result?.state !== 'fail') return;
  const name = `failed-${ctx.task.name.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 60)}`;
  await page.screenshot({ path: screenshotPath(name) }).catch(() => {});
}

/** One API call as the renderer makes it (validated by the contract); throws on an error result. */
export async function call<C extends Channel>(services: LauncherServices, channel: C, request: Request<C>): Promise<Responses[C]> {
  const result = await dispatch(services.handlers, channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value as Responses[C];
}
