/**
 * The trust decision on a finished handshake, made before the socket is handed to anyone:
 * a pin (the user's own decision), or a CA bundle / the system store plus the name check.
 */
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import { isExpired, isNotYetValid, namesHost, summarizeCertificate } from './certificate';
import { type CertificateSummary, TunnelError } from './errors';
import { fingerprintMatches, parseFingerprint } from './fingerprint';

/** Throws a TunnelError to refuse; returns ok, or warn with what is wrong but accepted. `der`: the presented leaf. */
export type Verify = (socket: TLSSocket, summary: CertificateSummary, der: Buffer) => { status: 'ok' | 'warn'; detail: Record<string, unknown> };

export function parsePins(fingerprints: string[]): Buffer[] {
  if (!Array.isArray(fingerprints) || fingerprints.length === 0) throw new Error('dial: pin trust needs at least one fingerprint');
  return fingerprints.map((f) => {
    try {
      return parseFingerprint(f);
    } catch (e) {
      throw new Error(`dial: pinned ${(e as Error).message}`);
    }
  });
}

/** The pin is what the user trusted: an expired or misnamed pinned certificate still passes, with a warning. */
export function verifyPin(summary: CertificateSummary, der: Buffer, pins: Buffer[], expected: string[]): ReturnType<Verify> {
  if (!fingerprintMatches(der, pins)) {
    throw new TunnelError('TLS_PIN_MISMATCH', `the certificate presented (${summary.fingerprint256Hex}) is not the pinned one`, { expected, presented: summary });
  }
  const warnings: string[] = [];
  if (isExpired(summary)) warnings.push(`certificate expired on ${summary.validTo}`);
  if (isNotYetValid(summary)) warnings.push(`certificate is not valid before ${summary.validFrom}`);
  return { status: warnings.length ? 'warn' : 'ok', detail: { pin: 'matched', ...(warnings.length ? { warnings, expired: isExpired(summary) } : {}) } };
}

export function verifyChain(socket: TLSSocket, summary: CertificateSummary, targetHost: string): ReturnType<Verify> {
  const host = targetHost.replace(/^\[(.*)\]$/, '$1');
  if (!socket.authorized) {
    const reason = errorText(socket.authorizationError) ?? 'not trusted';
    if (reason === 'CERT_HAS_EXPIRED') {
      throw new TunnelError('TLS_EXPIRED', `the certificate of ${host} expired on ${summary.validTo}`, { presented: summary, authorizationError: reason });
    }
    throw new TunnelError('TLS_UNTRUSTED', `the certificate of ${host} is not trusted (${reason})`, { presented: summary, authorizationError: reason });
  }
  if (!namesHost(summary, host)) {
    throw new TunnelError('TLS_NAME_MISMATCH', `the certificate does not name ${host} (it names ${namesOf(summary)})`, { presented: summary, host });
  }
  return { status: 'ok', detail: { authorized: true } };
}

function namesOf(s: CertificateSummary): string {
  return s.subjectAltName.length ? s.subjectAltName.join(', ') : s.subject || 'nothing';
}

export function errorText(e: Error | string | undefined | null): string | undefined {
  if (!e) return undefined;
  return typeof e === 'string' ? e : ((e as NodeJS.ErrnoException).code ?? e.message);
}

export function presentedChain(socket: TLSSocket): CertificateSummary[] {
  const chain: CertificateSummary[] = [];
  const seen = new Set<string>();
  for (let c: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true); c?.raw; c = c.issuerCertificate) {
    const summary = summarizeCertificate(new X509Certificate(c.raw));
    if (seen.has(summary.fingerprint256)) break; // a self-signed root points at itself
    seen.add(summary.fingerprint256);
    chain.push(summary);
  }
  return chain;
}
