import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { SourceSection } from '../sessions/SourceSection';
import { allSessions } from '../sessions/store';
import { useAutoRefresh } from '../sessions/useAutoRefresh';
import { DesktopItem } from './DesktopItem';
import { EmptyCatalogue, NoMatches } from './EmptyState';
import { EndpointsSection } from './EndpointsSection';
import { allTags, filterDesktops, filterSessions, latestRecents } from './filter';
import { ProfilesSection } from './ProfilesSection';
import { RecentSection } from './RecentSection';
import { TagChips } from './TagChips';
import { Toolbar } from './Toolbar';

export function DesktopsView() {
  const t = useT();
  const view = useFeature('catalogue', (s) => s.view);
  const bySource = useFeature('sessions', (s) => s.bySource);
  const filter = useFeature('browse', useShallow((s) => ({ query: s.query, tags: s.tags, favouritesOnly: s.favouritesOnly })));
  const catalogue = view?.catalogue;
  const desktops = useMemo(() => (catalogue ? filterDesktops(catalogue, filter) : []), [catalogue, filter]);
  const sessions = useMemo(() => allSessions(bySource), [bySource]);
  const tags = useMemo(() => allTags(catalogue?.desktops ?? [], sessions), [catalogue, sessions]);
  const recentByDesktop = useMemo(() => new Map(latestRecents(catalogue?.recents ?? []).map((r) => [r.desktopId, r])), [catalogue]);
  useAutoRefresh();
  if (!view || !catalogue) return null;
  const endpoints = new Map(catalogue.endpoints.map((e) => [e.id, e]));
  const layout = catalogue.settings.view;
  const empty = catalogue.desktops.length === 0 && catalogue.sources.length === 0;

  return (
    <div className="view">
      <Toolbar />
      {empty ? (
        <EmptyCatalogue hasEndpoints={catalogue.endpoints.length > 0} />
      ) : (
        <>
          <TagChips tags={tags} />
          <ProfilesSection catalogue={catalogue} />
          <RecentSection catalogue={catalogue} desktops={desktops} sessions={filterSessions(sessions, filter)} />
          {catalogue.sources.map((source) => (
            <SourceSection
              key={source.id}
              source={source}
              status={bySource[source.id]}
              sessions={filterSessions(bySource[source.id]?.sessions ?? [], filter)}
            />
          ))}
          {catalogue.desktops.length > 0 && (
            <section className="section" aria-labelledby="desktops-heading">
              <h2 id="desktops-heading">
                {t('desktops.title')} <span className="count">{t('desktops.count', { shown: desktops.length, total: catalogue.desktops.length })}</span>
              </h2>
              {desktops.length === 0 ? (
                <NoMatches />
              ) : (
                <ul className={`desktops desktops-${layout}`} aria-label={t('desktops.title')}>
                  {desktops.map((d) => (
                    <DesktopItem key={d.id} desktop={d} endpoint={endpoints.get(d.endpointId)} health={view.health[d.id]} recent={recentByDesktop.get(d.id)} />
                  ))}
                </ul>
              )}
            </section>
          )}
        </>
      )}
      <EndpointsSection catalogue={catalogue} />
    </div>
  );
}
