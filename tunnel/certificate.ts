/**
 * What a presented certificate says, read with Node's X509Certificate (OpenSSL) only: a
 * remote certificate is attacker-controlled input, so no JavaScript ASN.1 parser touches it.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { CertificateSummary } from './errors';
import { formatSha256Base64, formatSha256Hex } from './fingerprint';

const DAY_MS = 86_400_000;

/**
 * Node's subjectAltName string ("DNS:a, IP Address:1.2.3.4, DNS:\"x\\u002cy\"") as entries;
 * values Node had to quote (they contained ", " or similar) are unquoted.
 */
function splitSubjectAltName(san: string | undefined): string[] {
  if (!san) return [];
  const out: string[] = [];
  const re = /([^:,]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/gy;
  for (let m = re.exec(san); m && m[0] !== ''; m = re.exec(san)) {
    const value = m[2].startsWith('"') ? (JSON.parse(m[2]) as string) : m[2];
    out.push(`${m[1].trim()}:${value}`);
  }
  return out;
}

function isoDate(s: string): string {
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) throw new Error(`certificate date "${s}" is not understood`);
  return d.toISOString();
}

export function summarizeCertificate(x509: X509Certificate): CertificateSummary {
  return {
    subject: x509.subject.split('\n').join(', '),
    issuer: x509.issuer.split('\n').join(', '),
    subjectAltName: splitSubjectAltName(x509.subjectAltName),
    validFrom: isoDate(x509.validFrom),
    validTo: isoDate(x509.validTo),
    fingerprint256: formatSha256Base64(x509.raw),
    fingerprint256Hex: formatSha256Hex(x509.raw),
    serialNumber: x509.serialNumber,
    selfSigned: x509.checkIssued(x509) && x509.verify(x509.publicKey),
    pem: x509.toString(),
  };
}

/** Summaries of certificates seen lately, by the SHA-256 of their DER: every dial to one server presents the same one. */
const recentSummaries = new Map<string, Readonly<CertificateSummary>>();
const RECENT_SUMMARIES = 32;

/**
 * summarizeCertificate() of a DER certificate, parsed once per distinct certificate (about a
 * sixth of a dial's CPU). Everything in a summary follows from the DER alone, so the cache key
 * is its hash; time-dependent checks (expiry) are made by the callers on every use.
 */
export function summarizeDer(der: Buffer): Readonly<CertificateSummary> {
  const key = createHash('sha256').update(der).digest('base64');
  let summary = recentSummaries.get(key);
  if (!summary) {
    summary = Object.freeze(summarizeCertificate(new X509Certificate(der)));
    if (recentSummaries.size >= RECENT_SUMMARIES) recentSummaries.delete(recentSummaries.keys().next().value!);
    recentSummaries.set(key, summary);
  }
  return summary;
}

export function isExpired(summary: CertificateSummary, now: Date = new Date()): boolean {
  return now.getTime() > Date.parse(summary.validTo);
}

export function isNotYetValid(summary: CertificateSummary, now: Date = new Date()): boolean {
  return now.getTime() < Date.parse(summary.validFrom);
}

/** True when the certificate ends within `days` from now, or has already ended. */
export function expiresWithinDays(summary: CertificateSummary, days: number, now: Date = new Date()): boolean {
  return Date.parse(summary.validTo) - now.getTime() <= days * DAY_MS;
}

/**
 * Does the certificate name `host` (a DNS name or an IP literal, brackets and a trailing dot
 * allowed)? OpenSSL's X509_check_host/X509_check_ip rules: SAN DNS entries with a wildcard only
 * as the whole left-most label (`*.example.com` names a.example.com, not example.com nor
 * a.b.example.com); IPs only against SAN IP entries; the subject CN only when the certificate
 * has no SAN DNS entry at all.
 */
export function namesHost(summary: CertificateSummary, host: string): boolean {
  const name = host.trim().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (name === '') return false;
  const x509 = new X509Certificate(summary.pem);
  if (isIP(name)) return x509.checkIP(name) !== undefined;
  return x509.checkHost(name, { subject: 'default', wildcards: true, partialWildcards: false, multiLabelWildcards: false }) !== undefined;
}
