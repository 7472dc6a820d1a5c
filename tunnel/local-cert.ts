/**
 * The tunnel's own localhost certificate: made once, cached in `certDir`, reused while valid.
 *
 * The key comes from Node's crypto, generated off the event loop (a 2048-bit RSA key takes
 * 0.2–0.9 s: in Electron's main process a synchronous one froze the window); node-forge only
 * encodes the certificate, because Node cannot build an X.509 certificate, and Node signs it. A warm start
 * reads one file; while its text is what was last parsed and checked in this process, the
 * parse and the key check are not done again (the file stays the source of truth).
 */
import { X509Certificate, createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensurePrivateDirSync, onlyOwnerCanRead } from './private-files';

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

const generateKeyPairAsync = promisify(generateKeyPair);

/** The last text read or written per file, with what it parsed to. */
const parsedFiles = new Map<string, { text: string; cert: LocalCertificate }>();
/** Certificates being made, per file: tunnels started together share one key generation. */
const making = new Map<string, Promise<LocalCertificate>>();

export async function loadOrCreateLocalCertificate(certDir: string, options: LocalCertificateOptions = {}): Promise<LocalCertificate> {
  const now = options.now ?? new Date();
  const file = join(certDir, CERT_FILE_NAME);
  // 0700 whatever the umask, and narrowed when found wider: the private key lives here.
  ensurePrivateDirSync(certDir);
  const cached = readCached(file, now);
  if (cached) return cached;
  const other = making.get(file);
  // Made for another caller's clock (tests) it may not be valid at ours: then make our own.
  if (other) {
    const made = await other;
    if (usableAt(made, now)) return made;
  }
  const pending = (async () => {
    // A renewal keeps the key: a browser started to trust exactly this SPKI keeps trusting it.
    const fresh = await createLocalCertificate(now, options.validityDays ?? 30, previousKey(file));
    const text = fresh.keyPem + fresh.certPem;
    writeFileAtomic(file, text);
    parsedFiles.set(file, { text, cert: fresh });
    return fresh;
  })().finally(() => {
    if (making.get(file) === pending) making.delete(file);
  });
  making.set(file, pending);
  return pending;
}

function readCached(file: string, now: Date): LocalCertificate | undefined {
  const text = readPrivate(file);
  if (text === undefined) return undefined;
  const known = parsedFiles.get(file);
  const cert = known?.text === text ? known.cert : parse(text);
  if (!cert) return undefined;
  parsedFiles.set(file, { text, cert });
  return usableAt(cert, now) ? cert : undefined;
}

/** The key of the certificate in the file, however old the certificate; undefined when there is none that works. */
function previousKey(file: string): string | undefined {
  const text = readPrivate(file);
  return text === undefined ? undefined : parse(text)?.keyPem;
}

/**
 * The file's text when its key can still be trusted as ours alone. A key file others could
 * read (0644 from an older version or a umask of 000) or that another user owns (planted) is
 * not used, nor kept for a renewal: a new key replaces it.
 */
function readPrivate(file: string): string | undefined {
  try {
    if (!onlyOwnerCanRead(statSync(file))) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function usableAt(cert: LocalCertificate, now: Date): boolean {
  return cert.notBefore.getTime() <= now.getTime() && cert.notAfter.getTime() - RENEW_BEFORE_MS > now.getTime();
}

function parse(text: string): LocalCertificate | undefined {
  const keyPem = text.match(/-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----\r?\n?/)?.[0];
  const certPem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\r?\n?/)?.[0];
  if (!keyPem || !certPem) return undefined;
  try {
    const x509 = new X509Certificate(certPem);
    if (!x509.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return describe(keyPem, certPem, x509);
  } catch {
    // A damaged cache is not an error: make a new certificate.
    return undefined;
  }
}

async function createLocalCertificate(now: Date, validityDays: number, reuseKeyPem?: string): Promise<LocalCertificate> {
  // Started first: a new key is made on libuv's thread pool while forge loads.
  const keyPair = reuseKeyPem
    ? Promise.resolve((({ privateKey }) => ({ privateKey, publicKey: createPublicKey(privateKey) }))({ privateKey: createPrivateKey(reuseKeyPem) }))
    : generateKeyPairAsync('rsa', { modulusLength: 2048 });
  const { default: forge } = await import('node-forge');
  // RSA because node-forge encodes RSA public keys only.
  const { privateKey, publicKey } = await keyPair;
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
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
  // Signed by Node (native, < 1 ms), not forge's JavaScript RSA (130 ms on the event loop).
  cert.siginfo.algorithmOid = cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate is forge's own (cert.sign uses it) but missing from its type declarations.
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(c: typeof cert): import('node-forge').asn1.Asn1 };
  const tbs = Buffer.from(forge.asn1.toDer(pki.getTBSCertificate(cert)).getBytes(), 'binary');
  cert.signature = sign('sha256', tbs, privateKey).toString('binary');
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
