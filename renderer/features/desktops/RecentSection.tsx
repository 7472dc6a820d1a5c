import type { Catalogue } from '../../../preload/contract/model';
import { useActions } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { formatDateTime } from '../../ui/format';
import { latestRecents } from './filter';

export function RecentSection({ catalogue }: { catalogue: Catalogue }) {
  const t = useT();
  const lang = useLang();
  const connect = useActions('connect');
  const desktops = new Map(catalogue.desktops.map((d) => [d.id, d]));
  const recents = latestRecents(catalogue.recents).filter((r) => desktops.has(r.desktopId)).slice(0, 5);
  if (recents.length === 0) return null;
  return (
    <section className="section" aria-labelledby="recents-heading">
      <h2 id="recents-heading">{t('recents.title')}</h2>
      <ul className="recents">
        {recents.map((r) => (
          <li key={r.desktopId} className="recent">
            <button type="button" className="link" onClick={() => void connect.start(r.desktopId)}>
              {desktops.get(r.desktopId)?.name}
            </button>
            <span className={`outcome outcome-${r.outcome}`}>{t(r.outcome === 'ok' ? 'recents.ok' : 'recents.failed')}</span>
            {r.code && r.outcome === 'failed' && <code>{r.code}</code>}
            <span className="muted">{formatDateTime(lang, r.at)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
