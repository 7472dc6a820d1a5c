import { useId, useState } from 'react';
import type { ApiError } from '../../../preload/contract/api';
import { useActions, useFeature } from '../../app/services';
import { formatFailure } from '../../i18n/messages';
import { useLang, useT } from '../../i18n/useT';
import { wordMessage } from '../../i18n/wording';
import { useWords } from '../../i18n/wording/useWords';
import { downloadText, mimeFor } from '../../ui/download';
import { formatDateTime } from '../../ui/format';
import { Original } from '../../ui/Original';
import { Rich } from '../../ui/Rich';
import { ProxyExplainer } from './ProxyExplainer';
import { Timeline } from './Timeline';

/** Why main refused to run the diagnosis: its reason (or code) worded, its English behind the original. */
function ApiErrorText({ error }: { error: ApiError }) {
  const w = useWords();
  return (
    <>
      <p className="muted">
        <Rich text={error.reason ? wordMessage(w, error.reason) : formatFailure(w.t, { code: error.code })} />
      </p>
      <Original text={error.message} />
    </>
  );
}

function ReportActions() {
  const t = useT();
  const doctor = useActions('doctor');
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    const result = await doctor.report('markdown');
    if (!result.ok) return setStatus('failed');
    try {
      await navigator.clipboard.writeText(result.value.text);
      setStatus('copied');
    } catch {
      setStatus('failed');
    }
  }
  async function save(format: 'markdown' | 'json') {
    const result = await doctor.report(format);
    if (!result.ok) return setStatus('failed');
    downloadText(result.value.fileName, result.value.text, mimeFor(result.value.fileName));
  }

  return (
    <div className="row report-actions">
      <button type="button" className="btn" onClick={() => void copy()}>
        {t('doctor.copyReport')}
      </button>
      <button type="button" className="btn" onClick={() => void save('markdown')}>
        {t('doctor.saveMarkdown')}
      </button>
      <button type="button" className="btn" onClick={() => void save('json')}>
        {t('doctor.saveJson')}
      </button>
      <span role="status" className="muted">
        {status === 'copied' ? t('doctor.copied') : status === 'failed' ? t('doctor.reportFailed') : ''}
      </span>
      <p className="field-hint">{t('doctor.reportRedacted')}</p>
    </div>
  );
}

export function TroubleshootView() {
  const t = useT();
  const lang = useLang();
  const selectId = useId();
  const desktops = useFeature('catalogue', (s) => s.view?.catalogue.desktops ?? null);
  const sources = useFeature('catalogue', (s) => s.view?.catalogue.sources ?? []);
  const bySource = useFeature('sessions', (s) => s.bySource);
  const desktopId = useFeature('doctor', (s) => s.desktopId);
  const running = useFeature('doctor', (s) => s.running);
  const steps = useFeature('doctor', (s) => s.steps);
  const diagnosis = useFeature('doctor', (s) => s.diagnosis);
  const error = useFeature('doctor', (s) => s.error);
  const proxy = useFeature('doctor', (s) => s.proxy);
  const doctor = useActions('doctor');
  const nav = useActions('nav');
  const editors = useActions('editors');

  if (!desktops || (desktops.length === 0 && sources.length === 0)) {
    return (
      <div className="view">
        <div className="empty">
          <h2>{t('doctor.title')}</h2>
          <p>{t('doctor.noDesktops')}</p>
          <button type="button" className="btn btn-primary" onClick={() => (nav.go('desktops'), editors.show({ kind: 'endpoint' }))}>
            {t('action.addEndpoint')}
          </button>
        </div>
      </div>
    );
  }

  const selected = desktopId ?? '';
  return (
    <div className="view">
      <h2>{t('doctor.title')}</h2>
      <p className="muted">{t('doctor.intro')}</p>
      <div className="toolbar">
        <label htmlFor={selectId}>{t('doctor.desktop')}</label>
        <select id={selectId} value={selected} onChange={(e) => doctor.select(e.target.value || null)}>
          <option value="">{t('doctor.choose')}</option>
          {desktops.length > 0 && (
            <optgroup label={t('desktops.title')}>
              {desktops.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </optgroup>
          )}
          {sources.map((source) => (
            <optgroup key={source.id} label={source.name}>
              {(bySource[source.id]?.sessions ?? [])
                .filter((x) => !x.gone)
                .map((x) => (
                  <option key={x.key} value={x.key}>
                    {x.name}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
        <button type="button" className="btn btn-primary" disabled={!selected || running} onClick={() => void doctor.run(selected)}>
          {running ? t('doctor.running') : t('doctor.run')}
        </button>
      </div>
      {error && (
        <div className="callout callout-error" role="alert">
          <p>{t('doctor.failed')}</p>
          <ApiErrorText error={error} />
        </div>
      )}
      {diagnosis && (
        <p className={`callout ${diagnosis.ok ? 'callout-ok' : 'callout-error'}`} role="status">
          {t(diagnosis.ok ? 'doctor.resultOk' : 'doctor.resultFail', { target: diagnosis.target, when: formatDateTime(lang, diagnosis.startedAt) })}
        </p>
      )}
      {(steps.length > 0 || running) && <Timeline steps={steps} running={running} />}
      {proxy && <ProxyExplainer explanation={proxy} />}
      {diagnosis && <ReportActions />}
    </div>
  );
}
