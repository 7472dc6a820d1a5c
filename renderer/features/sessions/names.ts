import { useFeature } from '../../app/services';
import { findSession } from './store';

/** The name of a desktop or a Broker session (listed, or remembered by its mark), else the id itself. */
export function useDesktopName(id: string | undefined): string {
  const desktop = useFeature('catalogue', (s) => s.view?.catalogue.desktops.find((d) => d.id === id)?.name);
  const mark = useFeature('catalogue', (s) => s.view?.catalogue.sessionMarks.find((m) => m.key === id)?.name);
  const session = useFeature('sessions', (s) => (id ? findSession(s.bySource, id)?.name : undefined));
  return desktop ?? session ?? mark ?? id ?? '';
}

/** The source's name for a job that is about a source. */
export function useSourceName(sourceId: string | undefined): string {
  return useFeature('catalogue', (s) => s.view?.catalogue.sources.find((x) => x.id === sourceId)?.name) ?? sourceId ?? '';
}
