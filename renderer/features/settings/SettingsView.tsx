import { useEffect } from 'react';
import type { SecretsStatus } from '../../../preload/contract/api';
import { useActions, useFeature } from '../../app/services';
import type { MessageKey } from '../../i18n/translate';
import { useLang, useT } from '../../i18n/useT';
import { FingerprintHex } from '../../ui/CertificateView';
import { formatDateTime } from '../../ui/format';
import { StoreProblemText } from './StoreProblemBanner';

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
      {error && (
        <p className="callout callout-error" role="alert">
          <span lang="en">{error.message}</span>
        </p>
      )}
      <section className="section" aria-labelledby="secrets-heading">
        <h3 id="secrets-heading">{t('settings.secrets')}</h3>
        {secrets ? (
          <div className={`callout ${secrets.persistent ? 'callout-ok' : 'callout-warn'}`}>
            <strong>{t(BACKEND[secrets.backend])}</strong>
            <p>{t(secrets.persistent ? 'settings.secrets.persistent' : 'settings.secrets.notPersistent')}</p>
            <p className="muted" lang="en">
              {secrets.detail}
            </p>
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
