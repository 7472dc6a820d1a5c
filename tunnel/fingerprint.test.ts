import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintMatches, formatSha256Base64, formatSha256Hex, parseFingerprint } from './fingerprint';

const der = randomBytes(300);
const digest = createHash('sha256').update(der).digest();
const hexPlain = digest.toString('hex');
const hexColons = hexPlain.toUpperCase().match(/../g)!.join(':');

describe('parseFingerprint', () => {
  it.each([
    ['Electron sha256/base64', `sha256/${digest.toString('base64')}`],
    ['base64 without padding', `sha256/${digest.toString('base64').replace(/=$/, '')}`],
    ['bare base64, as openssl dgst -binary | base64 prints it', digest.toString('base64')],
    ['bare base64 with a trailing newline', `${digest.toString('base64')}\n`],
    ['upper-case hex with colons', hexColons],
    ['lower-case hex with colons', hexColons.toLowerCase()],
    ['plain hex', hexPlain],
    ['mixed-case hex', hexPlain.slice(0, 32).toUpperCase() + hexPlain.slice(32)],
    ['surrounding spaces', `  ${hexColons}\n`],
    ['openssl output', `sha256 Fingerprint=${hexColons}`],
  ])('accepts %s', (_name, input) => {
    expect(parseFingerprint(input).equals(digest)).toBe(true);
  });

  it.each([
    ['empty', '', /empty/],
    ['too short hex', hexPlain.slice(2), /64 hex digits/],
    ['non-hex digit', `${hexPlain.slice(1)}g`, /not valid/],
    ['broken base64', 'sha256/abc', /44 base64/],
    ['SHA-1 hex', 'AB:'.repeat(19) + 'AB', /SHA-1/],
    ['bare base64 without its padding', digest.toString('base64').replace(/=$/, ''), /not valid/],
    ['bare base64 of 31 bytes', randomBytes(31).toString('base64'), /not valid/],
    ['base64url (- and _)', `${'-_'.repeat(21)}A=`, /not valid/],
    ['odd colon grouping', hexPlain.match(/.{4}/g)!.join(':'), /not valid/],
  ])('rejects %s with a specific message', (_name, input, message) => {
    expect(() => parseFingerprint(input)).toThrow(message);
  });
});

describe('formatting and matching', () => {
  it('formats both forms from the DER, and they round-trip', () => {
    expect(formatSha256Base64(der)).toBe(`sha256/${digest.toString('base64')}`);
    expect(formatSha256Hex(der)).toBe(hexColons);
    expect(parseFingerprint(formatSha256Hex(der)).equals(parseFingerprint(formatSha256Base64(der)))).toBe(true);
  });

  it('matches any pin form, and only the right certificate', () => {
    expect(fingerprintMatches(der, [hexPlain])).toBe(true);
    expect(fingerprintMatches(der, ['sha256/' + Buffer.alloc(32).toString('base64'), hexColons])).toBe(true);
    expect(fingerprintMatches(randomBytes(300), [hexColons])).toBe(false);
    expect(fingerprintMatches(der, [])).toBe(false);
  });

  it('throws on a malformed pin rather than treating it as "no match"', () => {
    expect(() => fingerprintMatches(der, ['nonsense'])).toThrow(/not valid/);
  });
});
