/**
 * The Session Manager sources' sessions as main last listed them, kept current by
 * 'sessions.changed' events. Refreshes on demand and, while the desktop list is visible,
 * every minute (the list view drives that; main shares a refresh already under way).
 */
import { createStore } from 'zustand/vanilla';
import type { LauncherApi, Result, SessionView, SourceStatus } from '../../../preload/contract/api';

export interface SessionsState {
  bySource: Record<string, SourceStatus>;
  load(): Promise<void>;
  refresh(sourceId: string): Promise<void>;
  refreshAll(sourceIds: string[]): Promise<void>;
  onChanged(status: SourceStatus): void;
  setFavourite(key: string, favourite: boolean): Promise<Result<SessionView>>;
}

/** Every listed session (and gone one) of every source, in one list. */
export function allSessions(bySource: Record<string, SourceStatus>): SessionView[] {
  return Object.values(bySource).flatMap((s) => s.sessions);
}

export function findSession(bySource: Record<string, SourceStatus>, key: string): SessionView | undefined {
  for (const status of Object.values(bySource)) {
    const found = status.sessions.find((s) => s.key === key);
    if (found) return found;
  }
  return undefined;
}

export function createSessionsStore(api: LauncherApi) {
  return createStore<SessionsState>()((set, get) => ({
    bySource: {},
    load: async () => {
      const result = await api.invoke('sessions.get', {});
      if (result.ok) set({ bySource: Object.fromEntries(result.value.map((s) => [s.sourceId, s])) });
    },
    refresh: async (sourceId) => {
      const result = await api.invoke('sessions.refresh', { sourceId });
      if (result.ok) get().onChanged(result.value);
    },
    refreshAll: async (sourceIds) => {
      await Promise.all(sourceIds.map((id) => get().refresh(id)));
    },
    onChanged: (status) => set((s) => ({ bySource: { ...s.bySource, [status.sourceId]: status } })),
    setFavourite: async (key, favourite) => {
      const result = await api.invoke('sessions.setFavourite', { key, favourite });
      if (result.ok) {
        const updated = result.value;
        set((s) => {
          const status = s.bySource[updated.sourceId];
          if (!status) return s;
          const sessions = status.sessions.map((x) => (x.key === key ? { ...x, favourite: updated.favourite } : x));
          return { bySource: { ...s.bySource, [updated.sourceId]: { ...status, sessions } } };
        });
      }
      return result;
    },
  }));
}
