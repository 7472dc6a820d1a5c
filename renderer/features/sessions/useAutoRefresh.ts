import { useEffect } from 'react';
import { useActions, useFeature } from '../../app/services';

export const AUTO_REFRESH_MS = 60_000;

/**
 * While the desktop list is visible: every source's sessions now (unless listed within the
 * last minute) and then every minute. A hidden window or tab asks the Brokers nothing.
 */
export function useAutoRefresh(): void {
  const ids = useFeature('catalogue', (s) => (s.view?.catalogue.sources ?? []).map((x) => x.id).join('\n'));
  const { refresh } = useActions('sessions');
  const sessions = useFeature('sessions', (s) => s.bySource);
  const latest = (id: string) => Date.parse(sessions[id]?.refreshedAt ?? '') || 0;
  // The freshness check reads the list at mount only: the interval keeps it going after that.
  const stale = ids ? ids.split('\n').filter((id) => Date.now() - latest(id) >= AUTO_REFRESH_MS) : [];

  useEffect(() => {
    if (!ids) return;
    const all = ids.split('\n');
    const visible = () => typeof document === 'undefined' || document.visibilityState !== 'hidden';
    for (const id of stale) if (visible()) void refresh(id);
    const timer = setInterval(() => {
      if (visible()) for (const id of all) void refresh(id);
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
    // Only the set of sources restarts the cycle; freshness was judged when it started.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ids, refresh]);
}
