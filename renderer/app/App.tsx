import { useEffect } from 'react';
import { ConnectDialog } from '../features/connect/ConnectDialog';
import { ConnectionsView } from '../features/connections/ConnectionsView';
import { DesktopsView } from '../features/desktops/DesktopsView';
import { TroubleshootView } from '../features/doctor/TroubleshootView';
import { EditorHost } from '../features/editors/EditorHost';
import { SettingsView } from '../features/settings/SettingsView';
import { StoreProblemBanner } from '../features/settings/StoreProblemBanner';
import { Toasts } from '../features/toasts/Toasts';
import type { MessageKey } from '../i18n/translate';
import { useT } from '../i18n/useT';
import { VIEWS, type ViewName } from './nav';
import { ServicesProvider, useActions, useFeature, useServices, type Services } from './services';

const TAB_LABEL: Record<ViewName, MessageKey> = {
  desktops: 'nav.desktops',
  connections: 'nav.connections',
  troubleshoot: 'nav.troubleshoot',
  settings: 'nav.settings',
};

function Nav() {
  const t = useT();
  const view = useFeature('nav', (s) => s.view);
  const count = useFeature('connections', (s) => s.list.length);
  const { go } = useActions('nav');
  return (
    <nav className="tabs" aria-label={t('nav.label')}>
      {VIEWS.map((v) => (
        <button key={v} type="button" className="tab" aria-current={view === v ? 'page' : undefined} onClick={() => go(v)}>
          {t(TAB_LABEL[v])}
          {v === 'connections' && count > 0 && <span className="tab-count">{count}</span>}
        </button>
      ))}
    </nav>
  );
}

function LanguageSwitch() {
  const lang = useFeature('i18n', (s) => s.lang);
  const { setSettings } = useActions('catalogue');
  const t = useT();
  return (
    <div className="segmented lang-switch" role="group" aria-label={t('settings.language')}>
      <button type="button" lang="ja" aria-pressed={lang === 'ja'} onClick={() => void setSettings({ language: 'ja' })}>
        日本語
      </button>
      <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => void setSettings({ language: 'en' })}>
        English
      </button>
    </div>
  );
}

function CurrentView() {
  const view = useFeature('nav', (s) => s.view);
  switch (view) {
    case 'desktops':
      return <DesktopsView />;
    case 'connections':
      return <ConnectionsView />;
    case 'troubleshoot':
      return <TroubleshootView />;
    case 'settings':
      return <SettingsView />;
  }
}

function Shell() {
  const t = useT();
  const services = useServices();
  const loaded = useFeature('catalogue', (s) => s.view !== null);
  const loadError = useFeature('catalogue', (s) => s.loadError);
  const { load } = useActions('catalogue');

  useEffect(() => services.start(), [services]);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">{t('app.title')}</h1>
        <Nav />
        <LanguageSwitch />
      </header>
      <StoreProblemBanner />
      <main className="main" id="main">
        {loaded ? (
          <CurrentView />
        ) : loadError ? (
          <div className="empty" role="alert">
            <h2>{t('app.unreachable')}</h2>
            <p lang="en">{loadError.message}</p>
            <button type="button" className="btn btn-primary" onClick={() => void load()}>
              {t('action.retry')}
            </button>
          </div>
        ) : (
          <p className="loading" role="status">
            {t('app.loading')}
          </p>
        )}
      </main>
      <Toasts />
      <EditorHost />
      <ConnectDialog />
    </div>
  );
}

export function App({ services }: { services: Services }) {
  return (
    <ServicesProvider services={services}>
      <Shell />
    </ServicesProvider>
  );
}
