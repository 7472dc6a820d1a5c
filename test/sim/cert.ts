import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';

export interface SelfSignedOptions {
  /** Subject and issuer CN; default 'dcv-gateway' like the DCV server's generated certificate. */
  cn?: string;
  /** DNS names or IP addresses; default none (like the field's certificate). */
  san?: string[];
  notBefore?: Date;
  notAfter?: Date;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * A self-signed RSA-2048 certificate. The key comes from node:crypto (fast, native);
 * node-forge only assembles and signs the certificate, because Node cannot.
 */
export function makeSelfSignedCert(opts: SelfSignedOptions = {}): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  // Positive serial: clear the top bit.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000);
  if (notAfter <= notBefore) throw new Error(`makeSelfSignedCert: notAfter (${notAfter.toISOString()}) must be after notBefore`);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  const name = [{ name: 'commonName', value: opts.cn ?? 'dcv-gateway' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false },
    // keyCertSign so X509Certificate.checkIssued(itself) is true: it is its own issuer.
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true },
  ];
  if (opts.san?.length) {
    extensions.push({
      name: 'subjectAltName',
      altNames: opts.san.map((n) => (IPV4.test(n) || n.includes(':') ? { type: 7, ip: n } : { type: 2, value: n })),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(cert) };
}

/** Electron's form: 'sha256/' + base64 of the SHA-256 of the DER. */
export function fingerprintOf(certPem: string): string {
  return 'sha256/' + createHash('sha256').update(new X509Certificate(certPem).raw).digest('base64');
}

/** 'AB:CD:…' upper-case with colons, as openssl and `dcv list-endpoints` print it. */
export function fingerprintHexOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** A simulator's certificate as tests use it: both PEMs and both fingerprint forms. */
export interface PeerCertificate {
  certPem: string;
  keyPem: string;
  /** 'sha256/BASE64' of the DER (Electron's form). */
  fingerprint: string;
  /** 'AB:CD:…' upper-case with colons. */
  fingerprintHex: string;
}

export function peerCertificate(certPem: string, keyPem: string): PeerCertificate {
  return { certPem, keyPem, fingerprint: fingerprintOf(certPem), fingerprintHex: fingerprintHexOf(certPem) };
}
