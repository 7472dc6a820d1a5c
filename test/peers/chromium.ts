import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { findBinary } from './binaries';

/** Where screenshots go (git-ignored). */
export const TEST_RESULTS_DIR = join(process.cwd(), 'test-results');

export function screenshotPath(name: string): string {
  mkdirSync(TEST_RESULTS_DIR, { recursive: true });
  return join(TEST_RESULTS_DIR, name.endsWith('.png') ? name : `${name}.png`);
}

/** base64 SHA-256 of the certificate's SubjectPublicKeyInfo DER, as --ignore-certificate-errors-spki-list wants. */
export function spkiHashOfCert(pem: string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export interface LaunchChromiumOptions {
  /** Certificates (by SPKI hash) Chromium accepts although they are self-signed. */
  spkiHashes?: string[];
  lang?: 'en' | 'ja';
  /** Extra command-line switches. */
  args?: string[];
}

export async function launchChromium(opts: LaunchChromiumOptions = {}): Promise<Browser> {
  const executablePath = findBinary('chromium') ?? findBinary('chromium-browser');
  if (!executablePath) throw new Error('launchChromium: no chromium on PATH (apt-get install chromium)');
  const lang = opts.lang ?? 'en';
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--lang=${lang}`,
    ...(opts.spkiHashes?.length ? [`--ignore-certificate-errors-spki-list=${opts.spkiHashes.join(',')}`] : []),
    ...(opts.args ?? []),
  ];
  return chromium.launch({ executablePath, args, env: { ...process.env, LANG: lang === 'ja' ? 'ja_JP.UTF-8' : 'en_US.UTF-8' }, timeout: 60_000 });
}

/**
 * Waits for the simulator's page to settle, then expects it connected to `agent` and `session`
 * with the auth token, and every channel's WebSocket open.
 */
export async function expectDesktopConnected(page: Page, want: { agent: string; session: string }): Promise<void> {
  await page.locator('#status', { hasText: /^(connected|failed|disconnected)$/ }).waitFor({ timeout: 30_000 });
  expect(await page.locator('#error').textContent()).toBe('');
  expect(await page.locator('#status').textContent()).toBe('connected');
  expect(await page.locator('#agent').textContent()).toBe(want.agent);
  expect(await page.locator('#session').textContent()).toBe(want.session);
  expect(await page.locator('#token-present').textContent()).toBe('true');
  const states = await page.locator('li[data-channel]').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-channel'), e.getAttribute('data-state')])),
  );
  expect(states).toEqual({ main: 'open', display: 'open', input: 'open', clipboard: 'open', audio: 'open' });
}
