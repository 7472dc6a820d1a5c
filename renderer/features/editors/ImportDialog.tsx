import { useId, useMemo, useState, type ChangeEvent, type DragEvent } from 'react';
import { IMPORT_TEXT_LIMIT, type ApiError, type ImportPreview, type Message } from '../../../preload/contract/api';
import { useActions, useFeature, useServices } from '../../app/services';
import { formatMessage } from '../../i18n/messages';
import { localeOf, type T } from '../../i18n/translate';
import { useLang, useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { Modal } from '../../ui/Modal';
import { Original } from '../../ui/Original';
import { routeSummary } from '../desktops/filter';
import { useSecretsMemoryOnly } from '../settings/useSecretsStatus';
import { EndpointOptions } from './EndpointOptions';
import type { ImportFile, ImportFormat } from './store';

/**
 * A file bigger than this cannot hold IMPORT_TEXT_LIMIT characters or fewer (UTF-8 spends at most
 * 3 bytes per UTF-16 unit): refused without reading it, so a 2 GB log dropped by mistake costs nothing.
 */
const FILE_BYTES_LIMIT = IMPORT_TEXT_LIMIT * 3;
/** How many endpoints, desktops and profiles the preview lists before "… and N more". */
const ITEMS_SHOWN = 100;
/** Params that are amounts: grouped the reader's way ("1,000,000"). Line numbers stay plain. */
const AMOUNTS = new Set(['chars', 'limit', 'count']);

/** A file name says the most; otherwise the text's shape: JSON, a .dcv INI, or a port table. */
export function detectFormat(text: string, fileName?: string): ImportFormat {
  const name = fileName?.toLowerCase() ?? '';
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.dcv')) return 'dcv';
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[{')) return 'json';
  if (/^\s*\[(version|connect)\]/im.test(text.slice(0, 64_000))) return 'dcv';
  return 'ports';
}

/**
 * One of the import's messages in the user's language. A param named `problem` is itself a code
 * (`import.problem.portInvalid`): it is worded first, with the same params, and takes its place.
 */
export function formatImportMessage(t: T, message: Message, lang: 'en' | 'ja' = 'en'): string {
  const numbers = new Intl.NumberFormat(localeOf(lang));
  const params = { ...message.params };
  for (const key of Object.keys(params)) if (AMOUNTS.has(key) && typeof params[key] === 'number') params[key] = numbers.format(params[key] as number);
  if (typeof params.problem === 'string') params.problem = formatMessage(t, { code: params.problem, params });
  return formatMessage(t, { code: message.code, params });
}

function useWord(): (message: Message) => string {
  const t = useT();
  const lang = useLang();
  return useMemo(() => (message: Message) => formatImportMessage(t, message, lang), [t, lang]);
}

/** Amounts grouped the reader's way: 1,000,000. */
function useAmount(): (n: number) => string {
  const lang = useLang();
  return useMemo(() => {
    const numbers = new Intl.NumberFormat(localeOf(lang));
    return (n: number) => numbers.format(n);
  }, [lang]);
}

function megabytes(bytes: number, lang: 'en' | 'ja'): string {
  return `${new Intl.NumberFormat(localeOf(lang), { maximumFractionDigits: 1 }).format(bytes / 1_000_000)} MB`;
}

/** The file's name as the request may carry it (the contract takes 255 characters; the extension is at the end). */
const requestFileName = (name: string) => (name.length > 255 ? name.slice(-255) : name);

export function ImportDialog({ initialFormat }: { initialFormat?: ImportFormat }) {
  const t = useT();
  const lang = useLang();
  const word = useWord();
  const amount = useAmount();
  const { api } = useServices();
  const endpoints = useFeature('catalogue', (s) => s.view?.catalogue.endpoints ?? null);
  const catalogue = useActions('catalogue');
  const editors = useActions('editors');
  const toasts = useActions('toasts');
  const fileId = useId();
  /** A file picked by the app's File ▸ Import… (main read it): the dialog opens with it. */
  const picked = useFeature('editors', (s) => (s.open?.kind === 'import' ? s.open.file : undefined));
  const [text, setText] = useState(picked && 'text' in picked ? picked.text : '');
  const [fileName, setFileName] = useState<string | undefined>(picked?.fileName);
  /** A file refused before its text was taken (too many bytes, or too many characters). */
  const [refused, setRefused] = useState<{ bytes: number } | { chars: number } | null>(picked && 'refused' in picked ? picked.refused : null);
  const [shownFile, setShownFile] = useState<ImportFile | undefined>(picked);
  const [format, setFormat] = useState<ImportFormat | 'auto'>(initialFormat ?? 'auto');
  const [endpointId, setEndpointId] = useState(endpoints?.[0]?.id ?? '');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  // Another file from the menu while the dialog is open: it takes the place of the text, as a dropped one does.
  if (picked !== shownFile) {
    setShownFile(picked);
    if (picked) {
      setPreview(null);
      setError(null);
      setFileName(picked.fileName);
      setText('text' in picked ? picked.text : '');
      setRefused('refused' in picked ? picked.refused : null);
    }
  }

  const detected = detectFormat(text, fileName);
  const effective = format === 'auto' ? detected : format;
  const needsEndpoint = effective === 'ports';
  // Said before anything is sent, in the same words main would use: the dialog knows the text's length.
  const chars = refused && 'chars' in refused ? refused.chars : text.length;
  const sizeProblem =
    refused && 'bytes' in refused
      ? t('import.fileTooLarge', { size: megabytes(refused.bytes, lang), limit: amount(IMPORT_TEXT_LIMIT) })
      : chars > IMPORT_TEXT_LIMIT
        ? word({ code: 'import.tooLarge', params: { chars, limit: IMPORT_TEXT_LIMIT } })
        : null;
  const request = {
    format: effective,
    text,
    ...(needsEndpoint && endpointId ? { endpointId } : {}),
    ...(effective === 'dcv' && fileName ? { fileName: requestFileName(fileName) } : {}),
  };
  const canPreview = text.trim() !== '' && !sizeProblem && (!needsEndpoint || endpointId !== '') && !busy;
  const nothingToImport = preview !== null && preview.endpoints.length + preview.desktops.length + preview.profiles.length === 0 && preview.tokens === 0;

  function changed() {
    setPreview(null);
    setError(null);
  }

  async function loadFile(file: File) {
    changed();
    setFileName(file.name);
    if (file.size > FILE_BYTES_LIMIT) {
      setText('');
      return setRefused({ bytes: file.size });
    }
    const content = await file.text();
    if (content.length > IMPORT_TEXT_LIMIT) {
      setText('');
      return setRefused({ chars: content.length });
    }
    setRefused(null);
    setText(content);
  }

  async function onFile(e: ChangeEvent<HTMLInputElement>) {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) await loadFile(file);
  }

  function onDrop(e: DragEvent<HTMLElement>) {
    const file = e.dataTransfer?.files?.[0];
    if (!file) return;
    e.preventDefault();
    void loadFile(file);
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
      <div onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
        <Field label={t('import.paste')} hint={t('import.limit', { limit: amount(IMPORT_TEXT_LIMIT) })} error={sizeProblem ?? undefined}>
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
                setRefused(null);
                changed();
              }}
            />
          )}
        </Field>
      </div>
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
              <option value="auto">{t('import.format.auto', { detected: t(`import.format.${detected}`) })}</option>
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
      {error && <ImportError error={error} />}
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
        <button type="button" className="btn btn-primary" disabled={!preview || busy || nothingToImport} onClick={() => void apply()}>
          {t('import.apply')}
        </button>
      </div>
    </Modal>
  );
}

/** Why it could not be read, in the user's language; main's English only behind the original's disclosure. */
function ImportError({ error }: { error: ApiError }) {
  const t = useT();
  const word = useWord();
  const more = typeof error.reason?.params?.more === 'number' ? error.reason.params.more : 0;
  return (
    <div className="callout callout-error" role="alert">
      <p>
        {t('import.failed')} {error.reason ? word(error.reason) : <code className="muted">{error.code}</code>}
      </p>
      {more > 0 && <p>{t('import.moreProblems', { count: more })}</p>}
      <Original text={error.message} />
    </div>
  );
}

function PreviewList({ preview }: { preview: ImportPreview }) {
  const t = useT();
  const word = useWord();
  const amount = useAmount();
  const memoryOnly = useSecretsMemoryOnly();
  const { skipped } = preview;
  const items = [
    ...preview.endpoints.map((e) => (
      <li key={`e-${e.id}`}>
        <span className="badge">{t('import.kind.endpoint')}</span> {e.name} <code className="muted">{e.host}</code>
      </li>
    )),
    ...preview.desktops.map((d) => (
      <li key={`d-${d.id}`}>
        <span className="badge">{t('import.kind.desktop')}</span> {d.name} <code className="muted">{routeSummary(d.route)}</code>
      </li>
    )),
    ...preview.profiles.map((p) => (
      <li key={`p-${p.id}`}>
        <span className="badge">{t('import.kind.profile')}</span> {p.name}
      </li>
    )),
  ];
  return (
    <section className="preview" aria-label={t('import.previewTitle')}>
      <h3>{t('import.previewTitle')}</h3>
      <p>
        {t('import.counts', { endpoints: preview.endpoints.length, desktops: preview.desktops.length, profiles: preview.profiles.length })}
        {skipped.count > 0 && <> · {t('import.skippedCount', { count: amount(skipped.count) })}</>}
      </p>
      {memoryOnly && preview.tokens > 0 && (
        <p className="callout callout-warn" role="note">
          {t('import.tokenMemoryOnly')}
        </p>
      )}
      {preview.notes.length > 0 && (
        <ul className="callout callout-warn" aria-label={t('import.warnings')}>
          {preview.notes.map((n, i) => (
            <li key={i}>{word(n)}</li>
          ))}
        </ul>
      )}
      {skipped.examples.length > 0 && (
        <section className="preview-skipped" aria-label={t('import.skippedTitle', { shown: skipped.examples.length, count: amount(skipped.count) })}>
          <h4>{t('import.skippedTitle', { shown: skipped.examples.length, count: amount(skipped.count) })}</h4>
          <ul>
            {skipped.examples.map((e, i) => (
              <li key={i}>{word(e)}</li>
            ))}
          </ul>
        </section>
      )}
      <ul className="preview-items">
        {items.slice(0, ITEMS_SHOWN)}
        {items.length > ITEMS_SHOWN && <li className="muted">{t('import.itemsMore', { count: amount(items.length - ITEMS_SHOWN) })}</li>}
      </ul>
      <Original text={preview.warnings.join('\n')} />
    </section>
  );
}
