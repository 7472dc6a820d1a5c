import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CERT_FILE_NAME, loadOrCreateLocalCertificate } from './local-cert';

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'local-cert-'));
  dirs.push(d);
  return d;
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const DAY = 24 * 60 * 60 * 1000;

describe('loadOrCreateLocalCertificate', () => {
  it('makes a localhost certificate with the right names, usage and validity', async () => {
    const now = new Date('2030-01-10T00:00:00Z');
    const c = await loadOrCreateLocalCertificate(freshDir(), { now });
    const x = new X509Certificate(c.certPem);
    expect(x.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(x.subjectAltName).toContain('DNS:localhost');
    expect(x.ca).toBe(false);
    expect(x.checkHost('localhost')).toBe('localhost');
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(c.notAfter.getTime() - now.getTime()).toBeGreaterThan(29 * DAY);
    expect(c.notAfter.getTime() - now.getTime()).toBeLessThanOrEqual(30 * DAY);
    expect(c.notBefore.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(x.verify(x.publicKey)).toBe(true);
  });

  it('exposes the Electron fingerprint and the SPKI hash of the certificate it returns', async () => {
    const c = await loadOrCreateLocalCertificate(freshDir());
    const x = new X509Certificate(c.certPem);
    const hex = x.fingerprint256.replace(/:/g, '');
    expect(c.fingerprint).toBe('sha256/' + Buffer.from(hex, 'hex').toString('base64'));
    const spki = x.publicKey.export({ type: 'spki', format: 'der' });
    expect(c.spkiHash).toBe(createHash('sha256').update(spki).digest('base64'));
    expect(c.spkiHash).not.toBe(c.fingerprint.slice('sha256/'.length));
  });

  it('writes the cache file with mode 0600 and reuses it while valid', async () => {
    const dir = freshDir();
    const first = await loadOrCreateLocalCertificate(dir, { now: new Date('2030-01-10T00:00:00Z') });
    const file = join(dir, CERT_FILE_NAME);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await loadOrCreateLocalCertificate(dir, { now: new Date('2030-01-20T00:00:00Z') });
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.keyPem).toBe(first.keyPem);
  });

  it('regenerates within a day of expiry, after expiry and before validity', async () => {
    const dir = freshDir();
    const start = new Date('2030-01-10T00:00:00Z');
    const first = await loadOrCreateLocalCertificate(dir, { now: start });
    const nearExpiry = new Date(first.notAfter.getTime() - DAY / 2);
    const renewed = await loadOrCreateLocalCertificate(dir, { now: nearExpiry });
    expect(renewed.fingerprint).not.toBe(first.fingerprint);

    const future = await loadOrCreateLocalCertificate(dir, { now: new Date(renewed.notAfter.getTime() + DAY) });
    expect(future.fingerprint).not.toBe(renewed.fingerprint);

    const past = await loadOrCreateLocalCertificate(dir, { now: new Date(future.notBefore.getTime() - DAY) });
    expect(past.fingerprint).not.toBe(future.fingerprint);
    // Every renewal keeps the key: a browser told to trust this SPKI (browser mode's app window) keeps trusting it.
    expect(new Set([first, renewed, future, past].map((c) => c.spkiHash)).size).toBe(1);
  });

  it('tunnels starting together in one process share one new certificate, the one in the file', async () => {
    const dir = freshDir();
    const all = await Promise.all([1, 2, 3].map(() => loadOrCreateLocalCertificate(dir)));
    expect(new Set(all.map((c) => c.fingerprint)).size).toBe(1);
    expect(readFileSync(join(dir, CERT_FILE_NAME), 'utf8')).toBe(all[0].keyPem + all[0].certPem);
  });

  it('replaces a damaged or mismatched cache file', async () => {
    const dir = freshDir();
    const file = join(dir, CERT_FILE_NAME);
    const a = await loadOrCreateLocalCertificate(dir);
    writeFileSync(file, 'garbage');
    const b = await loadOrCreateLocalCertificate(dir);
    expect(b.fingerprint).not.toBe(a.fingerprint);
    // a key that does not belong to the certificate
    const other = await loadOrCreateLocalCertificate(freshDir());
    writeFileSync(file, other.keyPem + b.certPem);
    const c = await loadOrCreateLocalCertificate(dir);
    expect(c.fingerprint).not.toBe(b.fingerprint);
    expect(readFileSync(file, 'utf8')).toContain(c.certPem.trim());
  });
});
