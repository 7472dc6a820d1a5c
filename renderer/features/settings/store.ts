import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, LauncherApi, SecretsStatus, TrustEntry } from '../../../preload/contract/api';
import type { ToastsState } from '../toasts/store';

export interface SettingsState {
  secrets: SecretsStatus | null;
  trusted: TrustEntry[];
  error: ApiError | null;
  load(): Promise<void>;
  forget(key: string): Promise<void>;
}

export function createSettingsStore(api: LauncherApi, toasts: StoreApi<ToastsState>) {
  return createStore<SettingsState>()((set, get) => ({
    secrets: null,
    trusted: [],
    error: null,
    load: async () => {
      const [secrets, trusted] = await Promise.all([api.invoke('secrets.status', {}), api.invoke('trust.list', {})]);
      set({
        secrets: secrets.ok ? secrets.value : null,
        trusted: trusted.ok ? trusted.value : [],
        error: !secrets.ok ? secrets.error : !trusted.ok ? trusted.error : null,
      });
    },
    forget: async (key) => {
      const result = await api.invoke('trust.forget', { key });
      if (!result.ok) return set({ error: result.error });
      await get().load();
      const { undoId } = result.value;
      if (!undoId) return;
      toasts.getState().push({
        tone: 'info',
        message: { key: 'toast.trustForgotten', params: { key } },
        action: {
          label: 'action.undo',
          run: async () => {
            const undone = await api.invoke('trust.undoForget', { undoId });
            if (!undone.ok) return set({ error: undone.error });
            set({ trusted: undone.value });
            toasts.getState().push({ tone: 'success', message: { key: 'toast.restored' } });
          },
        },
      });
    },
  }));
}
