import { useRef } from 'react';
import type { TrustInspection } from '../../../preload/contract/api';
import { useActions } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { CertificateChain, CertificateView } from '../../ui/CertificateView';
import { formatDate } from '../../ui/format';
import { Modal } from '../../ui/Modal';

export function hostOfKey(key: string): string {
  const at = key.lastIndexOf(':');
  return (at > 0 ? key.slice(0, at) : key).replace(/^\[|\]$/g, '');
}

export function CertificateWarnings({ inspection }: { inspection: TrustInspection }) {
  const t = useT();
  const lang = useLang();
  const { presented } = inspection;
  const expired = new Date(presented.validTo).getTime() < Date.now();
  return (
    <>
      {inspection.expiresSoon && (
        <p className="callout callout-warn" role="alert">
          {t(expired ? 'trust.expired' : 'trust.expiresSoon', { date: formatDate(lang, presented.validTo) })}
        </p>
      )}
      {!inspection.namesEndpoint && (
        <p className="callout callout-warn" role="alert">
          {t('trust.nameMismatch', {
            host: hostOfKey(inspection.key),
            names: presented.subjectAltName.length ? presented.subjectAltName.join(', ') : presented.subject,
          })}
        </p>
      )}
    </>
  );
}

export function CompareWithAdmin() {
  const t = useT();
  return (
    <section className="compare" aria-label={t('trust.compareTitle')}>
      <h3>{t('trust.compareTitle')}</h3>
      <p>{t('trust.compareBody')}</p>
      <pre>
        <code>sudo dcv list-endpoints -j</code>
      </pre>
      <pre>
        <code>openssl x509 -in /etc/dcv/dcv.pem -noout -fingerprint -sha256</code>
      </pre>
    </section>
  );
}

/** First use: the user compares the fingerprint with the admin's, then trusts once or always. */
export function TrustDialog({ inspection, busy, name }: { inspection: TrustInspection; busy: boolean; name: string }) {
  const t = useT();
  const connect = useActions('connect');
  const cancel = useRef<HTMLButtonElement>(null);
  return (
    <Modal title={t('trust.title')} onClose={connect.dismiss} size="wide" initialFocus={cancel}>
      <p>{t('trust.intro', { name, key: inspection.key })}</p>
      <CertificateWarnings inspection={inspection} />
      <CertificateView cert={inspection.presented} />
      <CertificateChain chain={inspection.chain} />
      <CompareWithAdmin />
      <div className="modal-actions">
        <button ref={cancel} type="button" className="btn" onClick={connect.dismiss}>
          {t('action.cancel')}
        </button>
        <button type="button" className="btn" disabled={busy} onClick={() => void connect.trust(false)}>
          {t('trust.once')}
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void connect.trust(true)}>
          {t('trust.always')}
        </button>
      </div>
    </Modal>
  );
}
