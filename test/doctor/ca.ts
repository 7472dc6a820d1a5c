/**
 * A throwaway CA and leaves it signs, for the cases the simulator's self-signed certificate
 * cannot show: a clean "trusted by a CA" path (no self-signed warnings), and a CA-signed
 * certificate that names another host.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface Issued {
  key: string;
  cert: string;
}

function keyPair(): { keyPem: string; publicKey: forge.pki.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()),
  };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

export function makeCa(cn = 'DCV Test CA'): Issued {
  const { keyPem, publicKey } = keyPair();
  const c = forge.pki.createCertificate();
  c.publicKey = publicKey;
  c.serialNumber = serial();
  c.validity.notBefore = new Date(Date.now() - 3600_000);
  c.validity.notAfter = new Date(Date.now() + 10 * 365 * 86_400_000);
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer([{ name: 'commonName', value: cn }]);
  c.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  c.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(c) };
}

export function issue(ca: Issued, opts: { cn: string; san: string[]; notBefore?: Date; notAfter?: Date }): Issued {
  const { keyPem, publicKey } = keyPair();
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const c = forge.pki.createCertificate();
  c.publicKey = publicKey;
  c.serialNumber = serial();
  c.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  c.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  c.setSubject([{ name: 'commonName', value: opts.cn }]);
  c.setIssuer(caCert.subject.attributes);
  c.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: opts.san.map((n) => (/^[\d.]+$/.test(n) ? { type: 7, ip: n } : { type: 2, value: n })) },
  ]);
  c.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { key: keyPem, cert: forge.pki.certificateToPem(c) };
}
