import { useId, useRef, useState } from 'react';
import type { TrustInspection } from '../../../preload/contract/api';
import { useActions } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { CertificateView } from '../../ui/CertificateView';
import { formatDateTime } from '../../ui/format';
import { Modal } from '../../ui/Modal';
import { CertificateWarnings, CompareWithAdmin } from './TrustDialog';

/**
 * The pinned certificate changed: a renewal, or someone in the middle. Cancel is the default;
 * trusting the new one takes an explicit confirmation.
 */
export function ChangedCertDialog({ inspection, busy, name }: { inspection: TrustInspection; busy: boolean; name: string }) {
  const t = useT();
  const lang = useLang();
  const connect = useActions('connect');
  const cancel = useRef<HTMLButtonElement>(null);
  const [confirmed, setConfirmed] = useState(false);
  const confirmId = useId();
  const bodyId = useId();
  const old = inspection.trusted?.certificate;

  return (
    <Modal title={t('changed.title')} onClose={connect.dismiss} tone="danger" size="wide" initialFocus={cancel} describedBy={bodyId}>
      <p id={bodyId} className="callout callout-danger">
        {t('changed.body', {
          name,
          key: inspection.key,
          date: inspection.trusted ? formatDateTime(lang, inspection.trusted.trustedAt) : '–',
        })}
      </p>
      <CertificateWarnings inspection={inspection} />
      <div className="compare-grid">
        <section aria-label={t('changed.old')}>
          <h3>{t('changed.old')}</h3>
          {old ? <CertificateView cert={old} compareWith={inspection.presented} /> : <p>{inspection.trusted?.fingerprints.join(', ')}</p>}
        </section>
        <section aria-label={t('changed.new')}>
          <h3>{t('changed.new')}</h3>
          <CertificateView cert={inspection.presented} compareWith={old} />
        </section>
      </div>
      <CompareWithAdmin />
      <div className="confirm">
        <input id={confirmId} type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <label htmlFor={confirmId}>{t('changed.confirm')}</label>
      </div>
      <div className="modal-actions">
        <button ref={cancel} type="button" className="btn btn-primary" onClick={connect.dismiss}>
          {t('action.cancel')}
        </button>
        <button type="button" className="btn btn-danger" disabled={!confirmed || busy} onClick={() => void connect.trust(true)}>
          {t('changed.trustNew')}
        </button>
      </div>
    </Modal>
  );
}
