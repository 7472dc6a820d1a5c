import { useId, useState, type ChangeEvent } from 'react';
import type { ApiError, ImportPreview } from '../../../preload/contract/api';
import { useActions, useFeature, useServices } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { Modal } from '../../ui/Modal';
import { routeSummary } from '../desktops/filter';
import { EndpointOptions } from './EndpointOptions';
import type { ImportFormat } from './store';

/** A file name says the most; otherwise the text's shape: JSON, a .dcv INI, or a port table. */
export function detectFormat(text: string, fileName?: string): ImportFormat {
  const name = fileName?.toLowerCase() ?? '';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.dcv')) return 'dcv';
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[{')) return 'json';
  if (/^\s*\[(version|connect)\]/im.test(text)) return 'dcv';
  return 'ports';
}

export function ImportDialog({ initialFormat }: { initialFormat?: ImportFormat }) {
  const t = useT();
  const { api } = useServices();
  const endpoints = useFeature('catalogue', (s) => s.view?.catalogue.endpoints ?? null);
  const catalogue = useActions('catalogue');
  const editors = useActions('editors');
  const toasts = useActions('toasts');
  const fileId = useId();
  const [text, setText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [format, setFormat] = useState<ImportFormat | 'auto'>(initialFormat ?? 'auto');
  const [endpointId, setEndpointId] = useState(endpoints?.[0]?.id ?? '');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const effective = format === 'auto' ? detectFormat(text, fileName) : format;
  const needsEndpoint = effective === 'ports';
  const request = { format: effective, text, ...(needsEndpoint && endpointId ? { endpointId } : {}) };
  const canPreview = text.trim() !== '' && (!needsEndpoint || endpointId !== '') && !busy;

  function changed() {
    setPreview(null);
    setError(null);
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    if (!file) return;
    setFileName(file.name);
    setText(await file.text());
    changed();
  }

  async function runPreview() {
    setBusy(true);
    const result = await api.invoke('import.preview', request);
    setBusy(false);
    if (result.ok) {
      setPreview(result.value);
      setError(null);
    } else {
      setPreview(null);
      setError(result.error);
    }
  }

  async function apply() {
    setBusy(true);
    const result = await api.invoke('import.apply', request);
    setBusy(false);
    if (!result.ok) return setError(result.error);
    toasts.push({ tone: 'success', message: { key: 'import.done', params: result.value } });
    await catalogue.load();
    editors.close();
  }

  return (
    <Modal title={t('import.title')} onClose={editors.close} size="wide">
      <p>{t('import.intro')}</p>
      <div className="row">
        <input id={fileId} type="file" className="file-input" accept=".json,.dcv,.csv,.tsv,.txt,application/json,text/plain" onChange={(e) => void onFile(e)} />
        <label htmlFor={fileId} className="btn">
          {t('import.chooseFile')}
        </label>
        {fileName && <span className="muted">{fileName}</span>}
      </div>
      <Field label={t('import.paste')}>
        {(p) => (
          <textarea
            {...p}
            rows={8}
            className="mono"
            value={text}
            placeholder={t('import.placeholder')}
            onChange={(e) => {
              setText(e.target.value);
              setFileName(undefined);
              changed();
            }}
          />
        )}
      </Field>
      <div className="row">
        <Field label={t('import.format')}>
          {(p) => (
            <select
              {...p}
              value={format}
              onChange={(e) => {
                setFormat(e.target.value as ImportFormat | 'auto');
                changed();
              }}
            >
              <option value="auto">{t('import.format.auto', { detected: t(`import.format.${detectFormat(text, fileName)}`) })}</option>
              <option value="json">{t('import.format.json')}</option>
              <option value="dcv">{t('import.format.dcv')}</option>
              <option value="ports">{t('import.format.ports')}</option>
            </select>
          )}
        </Field>
        {needsEndpoint && (
          <Field label={t('import.endpoint')} hint={endpoints?.length ? undefined : t('import.needEndpoint')}>
            {(p) => (
              <select
                {...p}
                value={endpointId}
                onChange={(e) => {
                  setEndpointId(e.target.value);
                  changed();
                }}
              >
                <EndpointOptions endpoints={endpoints} />
              </select>
            )}
          </Field>
        )}
      </div>
      {error && (
        <div className="callout callout-error" role="alert">
          {t('import.failed')} <span className="muted">{error.message}</span>
        </div>
      )}
      {preview && <PreviewList preview={preview} />}
      <div className="modal-actions">
        {needsEndpoint && !endpoints?.length && (
          <button type="button" className="btn actions-left" onClick={() => editors.show({ kind: 'endpoint' })}>
            {t('action.addEndpoint')}
          </button>
        )}
        <button type="button" className="btn" onClick={editors.close}>
          {t('action.cancel')}
        </button>
        <button type="button" className={`btn${preview ? '' : ' btn-primary'}`} disabled={!canPreview} onClick={() => void runPreview()}>
          {t('import.preview')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!preview || busy} onClick={() => void apply()}>
          {t('import.apply')}
        </button>
      </div>
    </Modal>
  );
}

function PreviewList({ preview }: { preview: ImportPreview }) {
  const t = useT();
  return (
    <section className="preview" aria-label={t('import.previewTitle')}>
      <h3>{t('import.previewTitle')}</h3>
      <p>{t('import.counts', { endpoints: preview.endpoints.length, desktops: preview.desktops.length, profiles: preview.profiles.length })}</p>
      {preview.warnings.length > 0 && (
        <ul className="callout callout-warn" aria-label={t('import.warnings')}>
          {preview.warnings.map((w, i) => (
            <li key={i} lang="en">
              {w}
            </li>
          ))}
        </ul>
      )}
      <ul className="preview-items">
        {preview.endpoints.map((e) => (
          <li key={`e-${e.id}`}>
            <span className="badge">{t('import.kind.endpoint')}</span> {e.name} <code className="muted">{e.host}</code>
          </li>
        ))}
        {preview.desktops.map((d) => (
          <li key={`d-${d.id}`}>
            <span className="badge">{t('import.kind.desktop')}</span> {d.name} <code className="muted">{routeSummary(d.route)}</code>
          </li>
        ))}
        {preview.profiles.map((p) => (
          <li key={`p-${p.id}`}>
            <span className="badge">{t('import.kind.profile')}</span> {p.name}
          </li>
        ))}
      </ul>
    </section>
  );
}
