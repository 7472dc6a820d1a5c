import { X509Certificate } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Endpoint } from '../../preload/contract/model';
import { makeSelfSignedCert } from '../../test/sim/cert';
import { startSimulator, type Simulator } from '../../test/sim/simulator';
import { summarizeCertificate } from '../../tunnel/certificate';
import { inspectCertificate } from '../../tunnel/dial';
import type { CertificateSummary } from '../../tunnel/errors';
import { openTrustStore, parseTrustKey, trustKey } from './trust-store';

const DAY = 24 * 3600 * 1000;
const NOW = new Date('2026-06-01T00:00:00Z');

function summaryOf(opts: Parameters<typeof makeSelfSignedCert>[0]): CertificateSummary {
  return summarizeCertificate(new X509Certificate(makeSelfSignedCert(opts).cert));
}

let dir: string;
let sim: Simulator;
let simCert: CertificateSummary;
let simChain: CertificateSummary[];
// Made-up certificates relative to NOW (RSA key generation is slow: make each once).
let yearLong: CertificateSummary;
let tenDays: CertificateSummary;
let expired: CertificateSummary;
let rotated: CertificateSummary;
let namedVpce: CertificateSummary;
const VPCE = 'vpce-0a1b2c3d4e5f67890-abcdefgh.vpce-svc-0123456789abcdef0.ap-northeast-1.vpce.amazonaws.com';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dcv-trust-'));
  sim = await startSimulator({ name: 'agent-A' });
  const seen = await inspectCertificate({ target: { host: sim.host, port: sim.port }, route: 'DIRECT' });
  simCert = seen.certificate;
  simChain = seen.chain;
  const from = new Date(NOW.getTime() - 300 * DAY);
  yearLong = summaryOf({ notBefore: from, notAfter: new Date(NOW.getTime() + 65 * DAY) });
  tenDays = summaryOf({ notBefore: from, notAfter: new Date(NOW.getTime() + 10 * DAY) });
  expired = summaryOf({ notBefore: from, notAfter: new Date(NOW.getTime() - DAY) });
  rotated = summaryOf({ notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 364 * DAY) });
  namedVpce = summaryOf({ san: [VPCE, '10.213.66.188'], notBefore: from, notAfter: new Date(NOW.getTime() + 65 * DAY) });
});
afterAll(async () => {
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

const fileIn = (name: string) => join(dir, name, 'trust.json');
const open = (name: string) => openTrustStore({ filePath: fileIn(name), now: () => NOW });

describe('trust keys', () => {
  it('normalizes host:port, brackets IPv6, refuses junk', () => {
    expect(trustKey('VPCE.Example.COM', 50001)).toBe('vpce.example.com:50001');
    expect(trustKey('::1', 8443)).toBe('[::1]:8443');
    expect(parseTrustKey('[::1]:8443')).toEqual({ key: '[::1]:8443', host: '::1', port: 8443 });
    expect(() => parseTrustKey('10.0.0.1')).toThrow(/must look like host:port/);
    expect(() => parseTrustKey('h:70000')).toThrow(/must look like host:port/);
    expect(() => trustKey('h', 0)).toThrow(/1–65535/);
  });
});

describe('TrustStore with the simulator certificate (fetched through inspectCertificate)', () => {
  it('goes untrusted → trusted, persists across a restart, and untrust forgets it', async () => {
    const key = trustKey(sim.host, sim.port);
    const store = await open('sim');
    const first = store.inspect(key, simCert, simChain);
    expect(first).toMatchObject({ key, state: 'untrusted', expiresSoon: false });
    expect(first.trusted).toBeUndefined();
    expect(first.presented.fingerprint256).toBe(sim.fingerprint);
    // The simulator's certificate is like the field's: CN=dcv-gateway, no SAN naming 127.0.0.1.
    expect(first.namesEndpoint).toBe(false);

    const entry = await store.trust(key, sim.fingerprint, true);
    expect(entry).toEqual({ key, fingerprints: [sim.fingerprint], certificate: simCert, trustedAt: NOW.toISOString() });

    const reopened = await open('sim');
    expect(reopened.problem).toBeNull();
    expect(reopened.pinsFor(key)).toEqual([sim.fingerprint]);
    expect(reopened.list()).toEqual([entry]);
    expect(reopened.inspect(key, simCert)).toMatchObject({ state: 'trusted', trusted: entry });

    const removed = await reopened.untrust(key);
    expect(removed?.persisted?.key).toBe(key);
    expect(await reopened.untrust(key)).toBeUndefined();
    expect(reopened.pinsFor(key)).toEqual([]);
    // Undo puts the pin back, on disk too.
    await reopened.restore(removed!);
    expect(reopened.pinsFor(key)).toEqual(removed!.persisted!.fingerprints);
    expect((await open('sim')).pinsFor(key)).toEqual(removed!.persisted!.fingerprints);
    await reopened.untrust(key);
    expect((await open('sim')).pinsFor(key)).toEqual([]);
  });

  it('accepts the hex form of the same fingerprint and stores the sha256/ form', async () => {
    const key = trustKey(sim.host, sim.port);
    const store = await open('hex');
    store.inspect(key, simCert);
    const entry = await store.trust(key, sim.fingerprintHex.toLowerCase(), true);
    expect(entry.fingerprints).toEqual([sim.fingerprint]);
  });
});

describe('TrustStore with made-up certificates', () => {
  const key = 'vpce.example.com:50001';

  it('refuses to trust what was not presented', async () => {
    const store = await open('refuse');
    await expect(store.trust(key, yearLong.fingerprint256, true)).rejects.toThrow(/nothing was inspected at vpce\.example\.com:50001/);
    store.inspect(key, yearLong);
    await expect(store.trust(key, rotated.fingerprint256, true)).rejects.toThrow(/is not the certificate vpce\.example\.com:50001 presented/);
    await expect(store.trust(key, 'not-a-fingerprint', true)).rejects.toThrow(/fingerprint "not-a-fingerprint" is not valid/);
    expect(store.pinsFor(key)).toEqual([]);
  });

  it('shows a changed certificate side by side with the pinned one, and never accepts it silently', async () => {
    const store = await open('changed');
    store.inspect(key, yearLong);
    const old = await store.trust(key, yearLong.fingerprint256, true);

    const changed = store.inspect(key, rotated);
    expect(changed.state).toBe('changed');
    expect(changed.trusted).toEqual(old);
    expect(changed.presented.fingerprint256).toBe(rotated.fingerprint256);
    expect(store.pinsFor(key)).toEqual([yearLong.fingerprint256]);

    // Accepting the change retires the old pin.
    await store.trust(key, rotated.fingerprint256, true);
    expect((await open('changed')).pinsFor(key)).toEqual([rotated.fingerprint256]);
    expect(store.inspect(key, yearLong).state).toBe('changed');
  });

  it('trusts once for the session only: not in the file, gone after a restart', async () => {
    const store = await open('once');
    store.inspect(key, yearLong);
    await store.trust(key, yearLong.fingerprint256, false);
    expect(store.inspect(key, yearLong).state).toBe('trusted');
    expect(store.list().map((e) => e.key)).toEqual([key]);
    await expect(readFile(fileIn('once'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await open('once')).inspect(key, yearLong).state).toBe('untrusted');
  });

  it('flags certificates ending within 30 days or already ended', async () => {
    const store = await open('expiry');
    expect(store.inspect(key, yearLong).expiresSoon).toBe(false);
    expect(store.inspect(key, tenDays).expiresSoon).toBe(true);
    expect(store.inspect(key, expired).expiresSoon).toBe(true);
  });

  it('says whether the certificate names the endpoint', async () => {
    const store = await open('names');
    expect(store.inspect(`${VPCE}:50001`, namedVpce).namesEndpoint).toBe(true);
    expect(store.inspect('10.213.66.188:50001', namedVpce).namesEndpoint).toBe(true);
    expect(store.inspect('10.213.66.136:50001', namedVpce).namesEndpoint).toBe(false);
    expect(store.inspect(`${VPCE}:50001`, yearLong).namesEndpoint).toBe(false);
  });

  it('keys by port: another NLB listener port is another agent', async () => {
    const store = await open('ports');
    store.inspect('vpce.example.com:50001', yearLong);
    await store.trust('vpce.example.com:50001', yearLong.fingerprint256, true);
    expect(store.inspect('vpce.example.com:60000', yearLong).state).toBe('untrusted');
  });

  it('moves a broken file aside instead of overwriting it', async () => {
    const file = fileIn('broken');
    const store0 = await open('broken');
    store0.inspect(key, yearLong);
    await store0.trust(key, yearLong.fingerprint256, true);
    await writeFile(file, '{"version":1,"entries":[{"key":');
    const store = await open('broken');
    expect(store.problem).toMatch(/trust\.json is not valid JSON: .* moved to .*trust\.json\.broken-/);
    expect(store.list()).toEqual([]);
    const files = await readdir(join(dir, 'broken'));
    expect(files.some((f) => f.startsWith('trust.json.broken-'))).toBe(true);
  });
});

describe('policyFor', () => {
  const endpoint = (tls: unknown) => Endpoint.parse({ id: 'ep1', name: 'VPCE', host: VPCE, tls });
  const caPem = makeSelfSignedCert({ cn: 'Corp CA' }).cert;

  it('maps each TLS mode to a tunnel TrustPolicy, asking for first use when nothing is pinned', async () => {
    const store = await open('policy');
    expect(store.policyFor(endpoint({ mode: 'pin' }), 50001)).toEqual({ needs: 'first-use', key: `${VPCE}:50001` });
    store.inspect(`${VPCE}:50001`, namedVpce);
    await store.trust(`${VPCE}:50001`, namedVpce.fingerprint256, true);
    expect(store.policyFor(endpoint({ mode: 'pin' }), 50001)).toEqual({ kind: 'pin', fingerprints: [namedVpce.fingerprint256] });
    expect(store.policyFor(endpoint({ mode: 'pin' }), 60000)).toEqual({ needs: 'first-use', key: `${VPCE}:60000` });
    expect(store.policyFor(endpoint({ mode: 'ca', caPem }), 50001)).toEqual({ kind: 'ca', ca: caPem });
    expect(store.policyFor(endpoint({ mode: 'system' }), 50001)).toEqual({ kind: 'system' });
  });
});
