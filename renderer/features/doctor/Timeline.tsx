import type { DiagnosisStep } from '../../../preload/contract/api';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { wordSummary } from '../../i18n/wording';
import { useWords } from '../../i18n/wording/useWords';
import { CertificateView, isCertificateSummary } from '../../ui/CertificateView';
import { formatMs } from '../../ui/format';
import { Hint } from '../../ui/Hint';
import { Original } from '../../ui/Original';
import { Rich } from '../../ui/Rich';
import { STATUS_ICON, TIMELINE_ORDER, stepLabel } from '../connect/steps';

function DetailValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <>–</>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <>{String(value)}</>;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return <>{value.join(', ')}</>;
  return <code className="detail-json">{JSON.stringify(value, null, 1)}</code>;
}

/**
 * What main saw at this step, as it recorded it: technical keys and values (English keys, raw
 * values) for support, collapsed; a certificate in the viewer, which speaks the user's language.
 */
function Details({ detail, label }: { detail: Record<string, unknown>; label: string }) {
  const t = useT();
  // The summary and the reason of a skip are shown worded above (and in English behind the original).
  const entries = Object.entries(detail).filter(([k]) => k !== 'summary' && k !== 'reason');
  const certificates = entries.filter(([, v]) => isCertificateSummary(v));
  const plain = entries.filter(([, v]) => !isCertificateSummary(v));
  return (
    <>
      {plain.length > 0 && (
        <details className="step-details">
          <summary>{t('doctor.detailsOf', { step: label })}</summary>
          <dl className="kv">
            {plain.map(([k, v]) => (
              <div key={k} className="kv-row">
                <dt>
                  <code>{k}</code>
                </dt>
                <dd>
                  <code>
                    <DetailValue value={v} />
                  </code>
                </dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {certificates.map(([k, v]) => (
        <details key={k} className="cert-details" open>
          {/* The detail's key (certificate, presented) is main's word: shown as a technical token. */}
          <summary>
            {t('doctor.certificateLabel')} <code>{k}</code>
          </summary>
          {isCertificateSummary(v) && <CertificateView cert={v} />}
        </details>
      ))}
    </>
  );
}

/** One step: what it saw (worded), what to change when it warns or fails, main's English, the raw details. */
function Step({ step }: { step: DiagnosisStep }) {
  const t = useT();
  const w = useWords();
  const labelKey = stepLabel(step.id);
  const label = labelKey ? t(labelKey) : step.id;
  const summary = step.summary ? wordSummary(w, step.summary, step.status) : '';
  const english = typeof step.detail.summary === 'string' ? step.detail.summary : undefined;
  // Information (nothing to fix for the launcher) is worded too, calmly: see .status-info.
  const advice = step.status === 'warn' || step.status === 'fail' || step.status === 'info' ? step.advice : undefined;
  return (
    <li className={`timeline-step status-${step.status}`}>
      <span className="status-icon" role="img" aria-label={t(`status.${step.status}` as MessageKey)}>
        {STATUS_ICON[step.status]}
      </span>
      <div className="timeline-body">
        <h3 className="timeline-title">
          {label} <code className="muted">{step.code}</code>
          <span className="muted timeline-duration">{formatMs(step.durationMs)}</span>
        </h3>
        {summary && (
          <p className="step-summary">
            <Rich text={summary} />
          </p>
        )}
        <Hint advice={advice} />
        <Original lines={[english, ...(advice ? (step.hint ?? '').split('\n') : [])]} />
        <Details detail={step.detail} label={label} />
      </div>
    </li>
  );
}

export function Timeline({ steps, running }: { steps: DiagnosisStep[]; running: boolean }) {
  const t = useT();
  // A Session Manager desktop's Broker steps come first, then the path to the desktop.
  const ordered = [...steps].sort((a, b) => TIMELINE_ORDER.indexOf(a.id) - TIMELINE_ORDER.indexOf(b.id));
  return (
    <ol className="timeline" aria-label={t('doctor.timeline')} aria-busy={running}>
      {ordered.map((step) => (
        <Step key={step.id} step={step} />
      ))}
      {running && (
        <li className="timeline-step status-active">
          <span className="status-icon" aria-hidden="true">
            {STATUS_ICON.active}
          </span>
          <div className="timeline-body">{t('doctor.running')}</div>
        </li>
      )}
    </ol>
  );
}
