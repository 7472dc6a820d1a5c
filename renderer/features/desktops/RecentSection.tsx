import type { SessionView } from '../../../preload/contract/api';
import type { Catalogue, Desktop } from '../../../preload/contract/model';
import { useActions } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { formatDateTime } from '../../ui/format';
import { latestRecents } from './filter';

/**
 * The last few opens, of desktops and Broker sessions alike. It follows the search: only what
 * the list below shows (a gone session stays, named by its mark).
 */
export function RecentSection({ catalogue, desktops, sessions }: { catalogue: Catalogue; desktops: Desktop[]; sessions: SessionView[] }) {
  const t = useT();
  const lang = useLang();
  const connect = useActions('connect');
  const names = new Map<string, string>([...desktops.map((d) => [d.id, d.name] as const), ...sessions.map((s) => [s.key, s.name] as const)]);
  const recents = latestRecents(catalogue.recents)
    .filter((r) => names.has(r.desktopId))
    .slice(0, 5);
  if (recents.length === 0) return null;
  return (
    <section className="section" aria-labelledby="recents-heading">
      <h2 id="recents-heading">{t('recents.title')}</h2>
      <ul className="recents">
        {recents.map((r) => (
          <li key={r.desktopId} className="recent">
            <button type="button" className="link" onClick={() => void connect.start(r.desktopId)}>
              {names.get(r.desktopId)}
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
