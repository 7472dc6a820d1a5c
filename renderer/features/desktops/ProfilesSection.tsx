import type { Catalogue } from '../../../preload/contract/model';
import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';
import type { MessageKey } from '../../i18n/translate';

const OPEN_IN: Record<'window' | 'browser' | 'dcv-file', MessageKey> = {
  window: 'profile.openIn.window',
  browser: 'profile.openIn.browser',
  'dcv-file': 'profile.openIn.dcv-file',
};

/** Saved profiles open in one click. */
export function ProfilesSection({ catalogue }: { catalogue: Catalogue }) {
  const t = useT();
  const connect = useActions('connect');
  const editors = useActions('editors');
  if (catalogue.desktops.length === 0) return null;
  const desktops = new Map(catalogue.desktops.map((d) => [d.id, d]));
  return (
    <section className="section" aria-labelledby="profiles-heading">
      <div className="section-head">
        <h2 id="profiles-heading">{t('profiles.title')}</h2>
        <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'profile' })}>
          {t('action.addProfile')}
        </button>
      </div>
      {catalogue.profiles.length === 0 && <p className="muted">{t('profiles.empty')}</p>}
      <ul className="profiles">
        {catalogue.profiles.map((p) => (
          <li key={p.id} className="profile">
            <button type="button" className="btn btn-primary" onClick={() => void connect.start(p.desktopId, p.id)} aria-label={t('profiles.open', { name: p.name })}>
              ▶ {p.name}
            </button>
            <span className="muted">
              {desktops.get(p.desktopId)?.name ?? t('profiles.missingDesktop')} · {t(OPEN_IN[p.openIn])}
            </span>
            <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'profile', id: p.id })} aria-label={t('profiles.edit', { name: p.name })}>
              {t('action.edit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
