/**
 * SHA-256 certificate fingerprints in the forms users paste: Electron's `sha256/BASE64`, bare
 * base64 (`openssl x509 -outform der | openssl dgst -sha256 -binary | base64`), and hex with or
 * without colons (`openssl x509 -fingerprint -sha256`, `dcv list-endpoints`).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const HEX_FORM = /^(?:sha-?256\s*fingerprint\s*=\s*)?((?:[0-9a-f]{2}:){31}[0-9a-f]{2}|[0-9a-f]{64})$/i;
const BASE64_FORM = /^sha256\/([A-Za-z0-9+/]{43}=?)$/;
/** 32 bytes in base64 are exactly 44 characters ending in one "="; 64 hex digits never look like that. */
const BARE_BASE64_FORM = /^([A-Za-z0-9+/]{43}=)$/;

/** The 32 raw bytes a fingerprint string names; throws a specific error for anything else. */
export function parseFingerprint(input: string): Buffer {
  if (typeof input !== 'string') throw new TypeError('fingerprint must be a string');
  const s = input.trim();
  if (s === '') throw new Error('fingerprint is empty');
  const b64 = BASE64_FORM.exec(s);
  if (b64) return Buffer.from(b64[1], 'base64');
  const bare = BARE_BASE64_FORM.exec(s);
  if (bare) return Buffer.from(bare[1], 'base64');
  const hex = HEX_FORM.exec(s);
  if (hex) return Buffer.from(hex[1].replace(/:/g, ''), 'hex');
  if (/^sha256\//i.test(s)) {
    throw new Error(`fingerprint "${s}" is not valid: after "sha256/" expected 44 base64 characters (a 32-byte SHA-256)`);
  }
  if (/^sha1\//i.test(s) || /^[0-9a-f]{40}$/i.test(s.replace(/:/g, ''))) {
    throw new Error(`fingerprint "${s}" looks like SHA-1; a SHA-256 fingerprint is needed (32 bytes)`);
  }
  throw new Error(
    `fingerprint "${s}" is not valid: expected "sha256/BASE64", 44 characters of base64, or 64 hex digits (optionally as AB:CD:… pairs)`,
  );
}

export function sha256(der: Buffer | Uint8Array): Buffer {
  return createHash('sha256').update(der).digest();
}

/** Electron's form: "sha256/" + base64 of the DER's SHA-256. */
export function formatSha256Base64(der: Buffer | Uint8Array): string {
  return `sha256/${sha256(der).toString('base64')}`;
}

/** Upper-case hex pairs joined by colons: "AB:CD:…". */
export function formatSha256Hex(der: Buffer | Uint8Array): string {
  return sha256(der).toString('hex').toUpperCase().match(/../g)!.join(':');
}

/** True when the certificate's SHA-256 equals any pin. Pins are parsed first, so a bad pin throws. */
export function fingerprintMatches(der: Buffer | Uint8Array, pins: Array<string | Buffer>): boolean {
  const wanted = pins.map((p) => (typeof p === 'string' ? parseFingerprint(p) : p));
  const actual = sha256(der);
  let matched = false;
  // Compare against every pin (no early exit) so timing reveals nothing about which one matched.
  for (const pin of wanted) {
    if (pin.length === actual.length && timingSafeEqual(pin, actual)) matched = true;
  }
  return matched;
}
