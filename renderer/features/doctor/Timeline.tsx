import type { DiagnosisStep } from '../../../tunnel/types';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { CertificateView, isCertificateSummary } from '../../ui/CertificateView';
import { formatMs } from '../../ui/format';
import { Hint } from '../../ui/Hint';
import { STATUS_ICON, STEPS, stepLabel } from '../connect/steps';

function DetailValue({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <>–</>;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return <>{String(value)}</>;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return <>{value.join(', ')}</>;
  return <code className="detail-json">{JSON.stringify(value, null, 1)}</code>;
}

/** What main saw at this step: plain values as a list, a certificate in the viewer. */
function Details({ detail }: { detail: Record<string, unknown> }) {
  const t = useT();
  const entries = Object.entries(detail).filter(([k]) => k !== 'summary');
  const summary = typeof detail.summary === 'string' ? detail.summary : null;
  const certificates = entries.filter(([, v]) => isCertificateSummary(v));
  const plain = entries.filter(([, v]) => !isCertificateSummary(v));
  if (entries.length === 0 && !summary) return null;
  return (
    <div className="step-details">
      {summary && (
        <p className="step-summary" lang="en">
          {summary}
        </p>
      )}
      {plain.length > 0 && (
        <dl className="kv">
          {plain.map(([k, v]) => (
            <div key={k} className="kv-row">
              <dt>{k}</dt>
              <dd>
                <DetailValue value={v} />
              </dd>
            </div>
          ))}
        </dl>
      )}
      {certificates.map(([k, v]) => (
        <details key={k} className="cert-details" open>
          <summary>{t('doctor.certificate', { name: k })}</summary>
          {isCertificateSummary(v) && <CertificateView cert={v} />}
        </details>
      ))}
    </div>
  );
}

export function Timeline({ steps, running }: { steps: DiagnosisStep[]; running: boolean }) {
  const t = useT();
  const ordered = [...steps].sort((a, b) => STEPS.indexOf(a.id) - STEPS.indexOf(b.id));
  return (
    <ol className="timeline" aria-label={t('doctor.timeline')} aria-busy={running}>
      {ordered.map((step) => {
        const label = stepLabel(step.id);
        return (
          <li key={step.id} className={`timeline-step status-${step.status}`}>
            <span className="status-icon" role="img" aria-label={t(`status.${step.status}` as MessageKey)}>
              {STATUS_ICON[step.status]}
            </span>
            <div className="timeline-body">
              <h3 className="timeline-title">
                {label ? t(label) : step.id} <code className="muted">{step.code}</code>
                <span className="muted timeline-duration">{formatMs(step.durationMs)}</span>
              </h3>
              {(step.status === 'warn' || step.status === 'fail') && <Hint code={step.code} hint={step.hint} />}
              <Details detail={step.detail} />
            </div>
          </li>
        );
      })}
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
