/** Debian's Chromium under playwright-core, as the e2e tests and the benchmark start it. */
import { createHash, X509Certificate } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { findBinary } from './binaries';

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
  // Loaded on first use: the benchmark's bundle is also the entry of its child processes, whose
  // memory is measured and which never start a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args, env: { ...process.env, LANG: lang === 'ja' ? 'ja_JP.UTF-8' : 'en_US.UTF-8' }, timeout: 60_000 });
}
