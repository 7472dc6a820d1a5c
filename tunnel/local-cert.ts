/**
 * The tunnel's own localhost certificate: made once, cached in `certDir`, reused while valid.
 *
 * The key comes from Node's crypto (native and fast); node-forge only signs the certificate,
 * because Node cannot build an X.509 certificate itself. A warm start reads one file and
 * parses it with Node's X509Certificate: no key generation, and forge is not even loaded.
 */
import { X509Certificate, createHash, createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LocalCertificate {
  keyPem: string;
  certPem: string;
  /** Electron's form: "sha256/" + base64 of the DER's SHA-256 (for setCertificateVerifyProc). */
  fingerprint: string;
  /** Base64 SHA-256 of the SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list). */
  spkiHash: string;
  notBefore: Date;
  notAfter: Date;
}

export interface LocalCertificateOptions {
  /** Clock for tests. */
  now?: Date;
  /** Default 30 days. */
  validityDays?: number;
}

/** Key and certificate live in one file so two tunnels starting at once never pair a key with the wrong cert. */
export const CERT_FILE_NAME = 'localhost-tunnel.pem';
const DAY_MS = 24 * 60 * 60 * 1000;
/** Renew this long before expiry, so a tunnel started today never outlives its certificate by surprise. */
const RENEW_BEFORE_MS = DAY_MS;

export async function loadOrCreateLocalCertificate(certDir: string, options: LocalCertificateOptions = {}): Promise<LocalCertificate> {
  const now = options.now ?? new Date();
  const file = join(certDir, CERT_FILE_NAME);
  const cached = readCached(file, now);
  if (cached) return cached;
  const fresh = await createLocalCertificate(now, options.validityDays ?? 30);
  mkdirSync(certDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(file, fresh.keyPem + fresh.certPem);
  return fresh;
}

function readCached(file: string, now: Date): LocalCertificate | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const keyPem = text.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----\r?\n?/)?.[0];
  const certPem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/)?.[0];
  if (!keyPem || !certPem) return undefined;
  try {
    const x509 = new X509Certificate(certPem);
    const notBefore = new Date(x509.validFrom);
    const notAfter = new Date(x509.validTo);
    if (notBefore.getTime() > now.getTime()) return undefined;
    if (notAfter.getTime() - RENEW_BEFORE_MS <= now.getTime()) return undefined;
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return describe(keyPem, certPem, x509);
  } catch {
    // A damaged cache is not an error: make a new certificate.
    return undefined;
  }
}

async function createLocalCertificate(now: Date, validityDays: number): Promise<LocalCertificate> {
  const { default: forge } = await import('node-forge');
  // RSA because node-forge signs certificates with RSA keys only.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as import('node-forge').pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  // Positive serial: a leading 0x01..0x7f byte keeps the DER integer from reading as negative.
  cert.serialNumber = (0x10 + (randomBytes(1)[0] % 0x60)).toString(16) + randomBytes(15).toString('hex');
  // A little slack backwards for clocks that disagree by a few minutes.
  cert.validity.notBefore = new Date(now.getTime() - 5 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const name = [
    { name: 'commonName', value: 'localhost' },
    { name: 'organizationName', value: 'DCV Launcher local tunnel' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(forgeKey, forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
  return describe(keyPem, certPem, new X509Certificate(certPem));
}

function describe(keyPem: string, certPem: string, x509: X509Certificate): LocalCertificate {
  const spki = x509.publicKey.export({ type: 'spki', format: 'der' });
  return {
    keyPem,
    certPem,
    fingerprint: 'sha256/' + createHash('sha256').update(x509.raw).digest('base64'),
    spkiHash: createHash('sha256').update(spki).digest('base64'),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

/** Write to a private temp file, then rename: a reader sees the old file or the new one, never half. */
function writeFileAtomic(file: string, data: string): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
}
