import type { CertificateSummary } from '../../preload/contract/api';
import { useLang, useT } from '../i18n/useT';
import { formatDateTime } from './format';

/** Upper-case hex bytes, with the ones that differ from `other` marked. */
export function FingerprintHex({ hex, other }: { hex: string; other?: string }) {
  const bytes = hex.toUpperCase().split(':');
  const otherBytes = other?.toUpperCase().split(':');
  return (
    <code className="fingerprint">
      {bytes.map((b, i) => (
        <span key={i} className={otherBytes && otherBytes[i] !== b ? 'fp-diff' : undefined}>
          {b}
          {i < bytes.length - 1 ? ':' : ''}
        </span>
      ))}
    </code>
  );
}

export function CertificateView({ cert, compareWith }: { cert: CertificateSummary; compareWith?: CertificateSummary }) {
  const t = useT();
  const lang = useLang();
  return (
    <dl className="cert">
      <dt>{t('cert.subject')}</dt>
      <dd>{cert.subject}</dd>
      <dt>{t('cert.issuer')}</dt>
      <dd>
        {cert.issuer}
        {cert.selfSigned && <span className="badge">{t('cert.selfSigned')}</span>}
      </dd>
      <dt>{t('cert.san')}</dt>
      <dd>{cert.subjectAltName.length ? cert.subjectAltName.join(', ') : t('cert.none')}</dd>
      <dt>{t('cert.validity')}</dt>
      <dd>
        {formatDateTime(lang, cert.validFrom)} – {formatDateTime(lang, cert.validTo)}
      </dd>
      <dt>{t('cert.sha256hex')}</dt>
      <dd>
        <FingerprintHex hex={cert.fingerprint256Hex} other={compareWith?.fingerprint256Hex} />
      </dd>
      <dt>{t('cert.sha256b64')}</dt>
      <dd>
        <code className={`fingerprint${compareWith && compareWith.fingerprint256 !== cert.fingerprint256 ? ' fp-diff-all' : ''}`}>
          {cert.fingerprint256}
        </code>
      </dd>
      <dt>{t('cert.serial')}</dt>
      <dd>
        <code>{cert.serialNumber}</code>
      </dd>
    </dl>
  );
}

export function CertificateChain({ chain }: { chain: CertificateSummary[] }) {
  const t = useT();
  if (chain.length === 0) return null;
  return (
    <details className="chain">
      <summary>{t('cert.chain', { count: chain.length })}</summary>
      <ol>
        {chain.map((c, i) => (
          <li key={`${c.fingerprint256}-${i}`}>
            <CertificateView cert={c} />
          </li>
        ))}
      </ol>
    </details>
  );
}

export function isCertificateSummary(value: unknown): value is CertificateSummary {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CertificateSummary).fingerprint256Hex === 'string' &&
    typeof (value as CertificateSummary).subject === 'string'
  );
}
