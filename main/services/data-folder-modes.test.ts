/**
 * Issue 12 item 9: the data folder and the secrets in it are this user's only, whatever the
 * umask and whatever an older version or a person left behind. At umask 000 a folder made with
 * the defaults is 0777 and anybody on the machine can read (or replace) the catalogue, the
 * pins, the encrypted secrets and the localhost certificate's private key. Running as root
 * changes nothing here but the chown test, which needs it.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CERT_FILE_NAME, loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { createLauncherServices, SECRETS_FILE } from './app';
import { writeJsonFileAtomic } from './json-file';
import type { KeytarLike } from './secrets/keytar';
import { CATALOGUE_FILE } from './store/catalogue-store';
import { TRUST_FILE } from './trust-store';
import { createViewerHandoff } from './viewer-handoff';

const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;
const root = mkdtempSync(join(tmpdir(), 'data-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

let previousUmask: number;
beforeEach(() => {
  // The worst case: nothing masked.
  previousUmask = process.umask(0);
});
afterEach(() => {
  process.umask(previousUmask);
});

const noKeytar = async (): Promise<KeytarLike> => {
  throw new Error('no keychain in this test');
};

describe.skipIf(!posix)('modes of the data folder (umask 000)', () => {
  it('a new data folder and certificate folder are 0700, the files in them 0600', async () => {
    const dataDir = join(root, 'fresh', 'dcv-launcher');
    const services = await createLauncherServices({ dataDir, certDir: join(dataDir, 'certs'), env: {}, loadKeytar: noKeytar });
    try {
      await loadOrCreateLocalCertificate(join(dataDir, 'certs'));
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(join(dataDir, 'certs'))).toBe(0o700);
      expect(mode(join(dataDir, 'certs', CERT_FILE_NAME))).toBe(0o600);
    } finally {
      await services.close();
    }
  });

  it('a data folder left 0755 with 0644 files is narrowed to 0700 and 0600', async () => {
    const dataDir = join(root, 'wide');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    for (const name of [CATALOGUE_FILE, TRUST_FILE, SECRETS_FILE]) {
      writeFileSync(join(dataDir, name), name === CATALOGUE_FILE ? '{"version":1}\n' : '{"version":1,"entries":[]}\n', { mode: 0o644 });
      chmodSync(join(dataDir, name), 0o644);
    }
    const services = await createLauncherServices({ dataDir, certDir: join(dataDir, 'certs'), env: {}, loadKeytar: noKeytar });
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const name of [CATALOGUE_FILE, TRUST_FILE, SECRETS_FILE]) expect(mode(join(dataDir, name)), name).toBe(0o600);
    } finally {
      await services.close();
    }
  });

  it('a 0755 certificate folder is narrowed, and a 0644 localhost key is not used: a new key replaces it, 0600', async () => {
    const certDir = join(root, 'certs-wide');
    const first = await loadOrCreateLocalCertificate(certDir);
    chmodSync(certDir, 0o755);
    chmodSync(join(certDir, CERT_FILE_NAME), 0o644);
    const again = await loadOrCreateLocalCertificate(certDir);
    expect(mode(certDir)).toBe(0o700);
    expect(mode(join(certDir, CERT_FILE_NAME))).toBe(0o600);
    expect(again.spkiHash).not.toBe(first.spkiHash); // the exposed key is gone, not kept for a renewal
    expect(readFileSync(join(certDir, CERT_FILE_NAME), 'utf8')).not.toContain(first.keyPem.trim());
  });

  it.skipIf(!isRoot)('a localhost key owned by another user is not used (creating one needs root to chown)', async () => {
    const certDir = join(root, 'certs-planted');
    const planted = await loadOrCreateLocalCertificate(certDir);
    chownSync(join(certDir, CERT_FILE_NAME), 65534, 65534);
    const mine = await loadOrCreateLocalCertificate(certDir);
    expect(mine.spkiHash).not.toBe(planted.spkiHash);
    expect(statSync(join(certDir, CERT_FILE_NAME)).uid).toBe(process.getuid!());
  });

  it('a JSON file written into a new folder makes the folder 0700', async () => {
    const file = join(root, 'json', 'nested', 'trust.json');
    await writeJsonFileAtomic(file, { version: 1 });
    expect(mode(join(root, 'json', 'nested'))).toBe(0o700);
    expect(mode(join(root, 'json'))).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('the file handed to DCV Viewer is 0600 in a 0700 folder', async () => {
    let seen: { file: number; dir: number } | undefined;
    const handoff = createViewerHandoff({
      tmpRoot: root,
      launcher: { find: async () => 'dcvviewer', open: async (path) => void (seen = { file: mode(path), dir: mode(join(path, '..')) }) },
    });
    await handoff.handOver({ fileName: 'one.dcv', text: '[connect]\n' });
    expect(seen).toEqual({ file: 0o600, dir: 0o700 });
    await handoff.close();
  });
});
