import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeSelfSignedCert } from '../test/sim/cert';
import { expiresWithinDays, isExpired, namesHost, summarizeCertificate } from './certificate';
import { formatSha256Base64, formatSha256Hex } from './fingerprint';
import { issueLeaf, makeCa } from './testing/ca';

const summary = (pem: string) => summarizeCertificate(new X509Certificate(pem));

describe('summarizeCertificate', () => {
  it('reads subject, SAN (quoted values unquoted), dates, fingerprints and PEM', () => {
    const notBefore = new Date('2025-01-02T03:04:05Z');
    const notAfter = new Date('2026-01-02T03:04:05Z');
    const { cert } = makeSelfSignedCert({ cn: 'dcv-gateway', san: ['a.example.com', 'x,y.example.com', '127.0.0.2', '::1'], notBefore, notAfter });
    const x = new X509Certificate(cert);
    const s = summarizeCertificate(x);
    expect(s).toMatchObject({
      subject: 'CN=dcv-gateway',
      issuer: 'CN=dcv-gateway',
      subjectAltName: ['DNS:a.example.com', 'DNS:x,y.example.com', 'IP Address:127.0.0.2', 'IP Address:0:0:0:0:0:0:0:1'],
      validFrom: '2025-01-02T03:04:05.000Z',
      validTo: '2026-01-02T03:04:05.000Z',
      fingerprint256: formatSha256Base64(x.raw),
      fingerprint256Hex: x.fingerprint256,
      serialNumber: x.serialNumber,
      selfSigned: true,
    });
    expect(s.fingerprint256Hex).toBe(formatSha256Hex(x.raw));
    expect(new X509Certificate(s.pem).raw.equals(x.raw)).toBe(true);
  });

  it('a CA-issued leaf is not self-signed; a certificate without SAN has an empty list', () => {
    const ca = makeCa('Corp Root');
    const leaf = summary(issueLeaf(ca, { cn: 'agent' }).cert);
    expect(leaf).toMatchObject({ selfSigned: false, issuer: 'CN=Corp Root', subjectAltName: [] });
    expect(summary(ca.cert).selfSigned).toBe(true);
  });
});

describe('validity', () => {
  const { cert } = makeSelfSignedCert({ notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2025-06-01T00:00:00Z') });
  const s = summary(cert);
  it.each([
    ['2025-05-31T23:59:59Z', false, 30, true],
    ['2025-06-01T00:00:01Z', true, 30, true],
    ['2025-04-01T00:00:00Z', false, 30, false],
    ['2025-05-02T00:00:00Z', false, 30, true],
    ['2025-05-02T00:00:00Z', false, 29, false],
  ])('at %s: expired=%s, within %i days=%s', (now, expired, days, soon) => {
    expect(isExpired(s, new Date(now))).toBe(expired);
    expect(expiresWithinDays(s, days, new Date(now))).toBe(soon);
  });
});

describe('namesHost', () => {
  const san = summary(makeSelfSignedCert({ cn: 'cn.example.com', san: ['vpce-1.vpce-svc-2.eu-west-1.vpce.amazonaws.com', '*.corp.example', '10.213.66.188', '::1'] }).cert);
  const cnOnly = summary(makeSelfSignedCert({ cn: 'gw.example.com' }).cert);
  const fieldCert = summary(makeSelfSignedCert({ cn: 'dcv-gateway' }).cert);

  it.each([
    [san, 'vpce-1.vpce-svc-2.eu-west-1.vpce.amazonaws.com', true],
    [san, 'VPCE-1.vpce-svc-2.EU-WEST-1.vpce.amazonaws.com', true],
    [san, 'vpce-1.vpce-svc-2.eu-west-1.vpce.amazonaws.com.', true],
    [san, 'vpce-9.vpce-svc-2.eu-west-1.vpce.amazonaws.com', false],
    [san, 'a.corp.example', true],
    [san, 'corp.example', false], // a wildcard does not name the apex
    [san, 'a.b.corp.example', false], // nor two labels
    [san, '10.213.66.188', true],
    [san, '10.213.66.189', false],
    [san, '[::1]', true],
    [san, '::1', true],
    [san, 'cn.example.com', false], // SAN present: the CN is not consulted
    [cnOnly, 'gw.example.com', true], // no SAN: the CN is
    [cnOnly, 'other.example.com', false],
    [fieldCert, '10.213.66.188', false], // the field's CN=dcv-gateway names nothing
    [fieldCert, 'dcv-gateway', true],
    [san, '', false],
  ])('%#: %s', (s, host, expected) => {
    expect(namesHost(s, host)).toBe(expected);
  });
});
