/**
 * Everything the views share, built once per app from one LauncherApi: one zustand store per
 * feature, wired to main's events. A test builds its own with a fake api.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { LauncherApi } from '../../preload/contract/api';
import { createI18nStore, type I18nState } from '../i18n/store';
import type { Lang } from '../i18n/translate';
import { createCatalogueStore, type CatalogueState } from '../features/catalogue/store';
import { createConnectStore, type ConnectState } from '../features/connect/store';
import { browserTabs, type DesktopTabs } from '../features/connect/tabs';
import { createConnectionsStore, type ConnectionsState } from '../features/connections/store';
import { createBrowseStore, type BrowseState } from '../features/desktops/store';
import { createDoctorStore, type DoctorState } from '../features/doctor/store';
import { createEditorsStore, type EditorsState } from '../features/editors/store';
import { createSessionsStore, type SessionsState } from '../features/sessions/store';
import { createSettingsStore, type SettingsState } from '../features/settings/store';
import { createToastsStore, type ToastsState } from '../features/toasts/store';
import { createNavStore, type NavState } from './nav';

export interface Stores {
  i18n: StoreApi<I18nState>;
  toasts: StoreApi<ToastsState>;
  nav: StoreApi<NavState>;
  catalogue: StoreApi<CatalogueState>;
  browse: StoreApi<BrowseState>;
  editors: StoreApi<EditorsState>;
  connect: StoreApi<ConnectState>;
  doctor: StoreApi<DoctorState>;
  connections: StoreApi<ConnectionsState>;
  settings: StoreApi<SettingsState>;
  sessions: StoreApi<SessionsState>;
}

export interface Services {
  api: LauncherApi;
  stores: Stores;
  /** Subscribes the stores to main's events and loads the catalogue; returns the unsubscribe. */
  start(): () => void;
}

export interface ServicesOptions {
  lang?: Lang;
  /** Browser mode's desktop tabs (tests pass a fake). */
  tabs?: DesktopTabs;
}

export function createServices(api: LauncherApi, options: ServicesOptions = {}): Services {
  const i18n = createI18nStore(options.lang);
  const toasts = createToastsStore();
  const catalogue = createCatalogueStore(api, i18n, toasts);
  const sessions = createSessionsStore(api);
  const connections = createConnectionsStore(api);
  const stores: Stores = {
    i18n,
    toasts,
    nav: createNavStore(),
    catalogue,
    browse: createBrowseStore(),
    editors: createEditorsStore(),
    connect: createConnectStore({ api, catalogue, sessions, connections, tabs: options.tabs ?? browserTabs() }),
    doctor: createDoctorStore(api, catalogue, sessions),
    connections,
    settings: createSettingsStore(api, toasts),
    sessions,
  };
  return {
    api,
    stores,
    start() {
      const off = [
        api.on('catalogue.changed', (view) => catalogue.getState().apply(view)),
        api.on('doctor.step', ({ desktopId, step }) => {
          stores.connect.getState().onStep(desktopId, step);
          stores.doctor.getState().onStep(desktopId, step);
        }),
        api.on('connection.changed', (info) => {
          if (info.state.kind === 'connecting') stores.connect.getState().onConnecting(info.desktopId, info.state.step);
          stores.connections.getState().onChanged(info);
        }),
        api.on('connection.stats', (event) => stores.connections.getState().onStats(event)),
        api.on('connection.relaunch', ({ desktopId, launchUrl }) => stores.connect.getState().onRelaunch(desktopId, launchUrl)),
        api.on('sessions.changed', (status) => {
          sessions.getState().onChanged(status);
          stores.connect.getState().onSessions(status);
        }),
        // The Electron shell's own: File ▸ Import…, a deep link, Help ▸ Troubleshooting.
        api.on('import.file', (file) => stores.editors.getState().show({ kind: 'import', file })),
        // A link from any program or page: shown first, opened only when the user confirms.
        api.on('connect.request', ({ desktopId, profileId }) => stores.connect.getState().confirmLink(desktopId, profileId)),
        api.on('view.show', ({ view }) => stores.nav.getState().go(view)),
      ];
      // Only now, every event subscribed: the shell holds its own events until this first catalogue.get.
      void catalogue.getState().load();
      void sessions.getState().load();
      void stores.connections.getState().refresh();
      // Browser mode: whether each desktop's tab is still open (the user may close it any time).
      const tabsTimer = api.mode === 'browser' ? setInterval(() => stores.connect.getState().refreshTabs(), 2_000) : undefined;
      return () => {
        clearInterval(tabsTimer);
        off.forEach((unsubscribe) => unsubscribe());
      };
    },
  };
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}

type StateOf<K extends keyof Stores> = Stores[K] extends StoreApi<infer S> ? S : never;

/** `useFeature('catalogue', (s) => s.view)`: subscribe to one feature store. */
export function useFeature<K extends keyof Stores, U>(name: K, selector: (state: StateOf<K>) => U): U {
  const store = useServices().stores[name] as unknown as StoreApi<StateOf<K>>;
  return useStore<StoreApi<StateOf<K>>, U>(store, selector);
}

/** The actions of a feature store, without subscribing. The functions are stable; the object is not (never use it as an effect dependency). */
export function useActions<K extends keyof Stores>(name: K): StateOf<K> {
  return useServices().stores[name].getState() as StateOf<K>;
}
