import { useEffect, useState } from 'react';
import type { SecretsStatus } from '../../../preload/contract/api';
import { useActions, useFeature } from '../../app/services';
import type { MessageKey } from '../../i18n/translate';
import { useLang, useT } from '../../i18n/useT';
import { FingerprintHex } from '../../ui/CertificateView';
import { formatDateTime } from '../../ui/format';
import { formatMessage } from '../../i18n/messages';
import { FailureText } from '../../ui/FailureText';
import { Original } from '../../ui/Original';
import { StoreProblemText } from './StoreProblemBanner';

/** How long an unused tunnel (its window or tab closed) stays open before it closes itself. */
function IdleClose() {
  const t = useT();
  const minutes = useFeature('catalogue', (s) => s.view?.catalogue.settings.idleCloseMinutes ?? 30);
  const { setSettings } = useActions('catalogue');
  const [text, setText] = useState(String(minutes));
  useEffect(() => setText(String(minutes)), [minutes]);
  const value = Number(text.normalize('NFKC').trim());
  const valid = text.trim() !== '' && Number.isInteger(value) && value >= 0 && value <= 1440;
  return (
    <form
      className="field idle-close"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && value !== minutes) void setSettings({ idleCloseMinutes: value });
      }}
    >
      <label htmlFor="idle-close">{t('settings.idleClose')}</label>
      <div className="row">
        <input id="idle-close" inputMode="numeric" value={text} aria-invalid={!valid} onChange={(e) => setText(e.target.value)} onBlur={(e) => e.currentTarget.form?.requestSubmit()} />
        <span>{t('settings.idleCloseUnit')}</span>
      </div>
      <p className="field-hint">{t('settings.idleCloseHint')}</p>
      {!valid && (
        <p className="field-error" role="alert">
          {t('v.tooBig', { max: 1440 })}
        </p>
      )}
    </form>
  );
}

const BACKEND: Record<SecretsStatus['backend'], MessageKey> = {
  keychain: 'settings.secrets.keychain',
  safeStorage: 'settings.secrets.safeStorage',
  memory: 'settings.secrets.memory',
};

function Choice<V extends string>({ name, legend, value, options, onChange }: { name: string; legend: string; value: V; options: Array<[V, string]>; onChange(v: V): void }) {
  return (
    <fieldset className="choice">
      <legend>{legend}</legend>
      {options.map(([v, label]) => (
        <label key={v} className="radio">
          <input type="radio" name={name} value={v} checked={value === v} onChange={() => onChange(v)} />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

export function SettingsView() {
  const t = useT();
  const lang = useLang();
  const layout = useFeature('catalogue', (s) => s.view?.catalogue.settings.view ?? 'list');
  const problem = useFeature('catalogue', (s) => s.view?.problem ?? null);
  const secrets = useFeature('settings', (s) => s.secrets);
  const trusted = useFeature('settings', (s) => s.trusted);
  const error = useFeature('settings', (s) => s.error);
  const settings = useActions('settings');
  const { setSettings } = useActions('catalogue');

  const { load } = settings;
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="view settings">
      <h2>{t('settings.title')}</h2>
      <Choice
        name="language"
        legend={t('settings.language')}
        value={lang}
        options={[
          ['ja', '日本語'],
          ['en', 'English'],
        ]}
        onChange={(language) => void setSettings({ language })}
      />
      <Choice
        name="layout"
        legend={t('settings.layout')}
        value={layout}
        options={[
          ['list', t('desktops.layout.list')],
          ['grid', t('desktops.layout.grid')],
        ]}
        onChange={(view) => void setSettings({ view })}
      />
      <IdleClose />
      {error && (
        <div className="callout callout-error" role="alert">
          <FailureText failure={{ code: error.code, message: error.message }} />
        </div>
      )}
      <section className="section" aria-labelledby="secrets-heading">
        <h3 id="secrets-heading">{t('settings.secrets')}</h3>
        {secrets ? (
          <div className={`callout ${secrets.persistent ? 'callout-ok' : 'callout-warn'}`}>
            <strong>{t(BACKEND[secrets.backend])}</strong>
            <p>{t(secrets.persistent ? 'settings.secrets.persistent' : 'settings.secrets.notPersistent')}</p>
            {secrets.why && <p className="muted">{formatMessage(t, secrets.why)}</p>}
            <Original text={secrets.detail} />
          </div>
        ) : (
          <p className="muted">…</p>
        )}
      </section>
      <section className="section" aria-labelledby="trust-heading">
        <h3 id="trust-heading">{t('settings.trusted')}</h3>
        {trusted.length === 0 ? (
          <p className="muted">{t('settings.trustedEmpty')}</p>
        ) : (
          <ul className="trusted">
            {trusted.map((entry) => (
              <li key={entry.key} className="trusted-item">
                <div>
                  <strong>{entry.key}</strong> <span className="muted">{entry.certificate.subject}</span>
                  <div>
                    <FingerprintHex hex={entry.certificate.fingerprint256Hex} />
                  </div>
                  <span className="muted">
                    {t('settings.trustedAt', { when: formatDateTime(lang, entry.trustedAt), until: formatDateTime(lang, entry.certificate.validTo) })}
                  </span>
                </div>
                <button type="button" className="btn btn-small" onClick={() => void settings.forget(entry.key)} aria-label={t('settings.forgetNamed', { key: entry.key })}>
                  {/* Forgetting a pin can be undone from the toast, like deleting a desktop. */}
                  {t('settings.forget')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="section" aria-labelledby="store-heading">
        <h3 id="store-heading">{t('settings.store')}</h3>
        {problem ? (
          <div className="callout callout-warn">
            <StoreProblemText problem={problem} />
          </div>
        ) : (
          <p className="muted">{t('settings.storeOk')}</p>
        )}
      </section>
    </div>
  );
}
