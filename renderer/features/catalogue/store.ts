/**
 * The catalogue as main holds it. Every change goes through main and the view is re-read
 * afterwards: main is the one that validates, stores and knows about tokens and health.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, CatalogueView, LauncherApi, Result } from '../../../preload/contract/api';
import type { Desktop, Endpoint, Profile, Settings } from '../../../preload/contract/model';
import type { I18nState } from '../../i18n/store';
import type { MessageKey } from '../../i18n/translate';
import type { ToastsState } from '../toasts/store';
import { keepUnchanged } from './keep-unchanged';

export type ItemKind = 'endpoint' | 'desktop' | 'profile' | 'source';

export interface CatalogueState {
  view: CatalogueView | null;
  loadError: ApiError | null;
  load(): Promise<void>;
  apply(view: CatalogueView): void;
  saveEndpoint(endpoint: Endpoint): Promise<Result<Endpoint>>;
  saveDesktop(desktop: Desktop, authToken?: string): Promise<Result<Desktop>>;
  saveProfile(profile: Profile): Promise<Result<Profile>>;
  /** Deletes, then offers Undo in a toast. */
  remove(kind: ItemKind, id: string, name: string): Promise<Result<{ undoId: string }>>;
  undo(undoId: string): Promise<void>;
  setFavourite(id: string, favourite: boolean): Promise<void>;
  setSettings(settings: Partial<Settings>): Promise<void>;
}

const DELETED: Record<ItemKind, MessageKey> = {
  endpoint: 'toast.deleted.endpoint',
  desktop: 'toast.deleted.desktop',
  profile: 'toast.deleted.profile',
  source: 'toast.deleted.source',
};

export function createCatalogueStore(api: LauncherApi, i18n: StoreApi<I18nState>, toasts: StoreApi<ToastsState>) {
  const failed = (error: ApiError) =>
    toasts.getState().push({ tone: 'error', message: { key: 'toast.failed' }, detail: error.message });

  return createStore<CatalogueState>()((set, get) => {
    async function reload(): Promise<void> {
      const result = await api.invoke('catalogue.get', {});
      if (result.ok) get().apply(result.value);
      else set({ loadError: result.error });
    }
    async function saved<T>(result: Result<T>): Promise<Result<T>> {
      if (result.ok) await reload();
      return result;
    }
    return {
      view: null,
      loadError: null,
      load: reload,
      apply: (fresh) => {
        const view = keepUnchanged(get().view, fresh);
        set({ view, loadError: null });
        if (i18n.getState().lang !== view.catalogue.settings.language) i18n.getState().setLang(view.catalogue.settings.language);
      },
      saveEndpoint: async (endpoint) => saved(await api.invoke('endpoint.save', endpoint)),
      saveDesktop: async (desktop, authToken) =>
        saved(await api.invoke('desktop.save', authToken ? { desktop, authToken } : { desktop })),
      saveProfile: async (profile) => saved(await api.invoke('profile.save', profile)),
      remove: async (kind, id, name) => {
        const result = await api.invoke(`${kind}.delete`, { id });
        if (!result.ok) return result;
        await reload();
        const { undoId } = result.value;
        toasts.getState().push({
          tone: 'info',
          message: { key: DELETED[kind], params: { name } },
          action: { label: 'action.undo', run: () => get().undo(undoId) },
        });
        return result;
      },
      undo: async (undoId) => {
        const result = await api.invoke('catalogue.undo', { undoId });
        if (result.ok) {
          get().apply(result.value);
          toasts.getState().push({ tone: 'success', message: { key: 'toast.restored' } });
        } else failed(result.error);
      },
      setFavourite: async (id, favourite) => {
        const result = await api.invoke('desktop.setFavourite', { id, favourite });
        if (result.ok) await reload();
        else failed(result.error);
      },
      setSettings: async (settings) => {
        // Optimistic: the switch must feel instant, and a reload in flight must not undo it.
        if (settings.language) i18n.getState().setLang(settings.language);
        const view = get().view;
        if (view) set({ view: { ...view, catalogue: { ...view.catalogue, settings: { ...view.catalogue.settings, ...settings } } } });
        const result = await api.invoke('settings.set', settings);
        if (!result.ok) return void failed(result.error);
        const current = get().view;
        if (current) set({ view: { ...current, catalogue: { ...current.catalogue, settings: result.value } } });
      },
    };
  });
}
