import { useActions, useFeature, useServices } from '../../app/services';
import { useT } from '../../i18n/useT';
import { exportToFile } from './exports';

export function Toolbar() {
  const t = useT();
  const { api, stores } = useServices();
  const query = useFeature('browse', (s) => s.query);
  const favouritesOnly = useFeature('browse', (s) => s.favouritesOnly);
  const layout = useFeature('catalogue', (s) => s.view?.catalogue.settings.view ?? 'list');
  const hasEndpoints = useFeature('catalogue', (s) => (s.view?.catalogue.endpoints.length ?? 0) > 0);
  const browse = useActions('browse');
  const { setSettings } = useActions('catalogue');
  const editors = useActions('editors');

  return (
    <div className="toolbar" role="toolbar" aria-label={t('desktops.toolbar')}>
      <input
        type="search"
        className="search"
        value={query}
        placeholder={t('desktops.searchPlaceholder')}
        aria-label={t('desktops.search')}
        onChange={(e) => browse.setQuery(e.target.value)}
      />
      <button type="button" className="btn btn-toggle" aria-pressed={favouritesOnly} onClick={() => browse.setFavouritesOnly(!favouritesOnly)}>
        <span aria-hidden="true">★ </span>
        {t('desktops.favouritesOnly')}
      </button>
      <div className="segmented" role="group" aria-label={t('desktops.layout')}>
        <button type="button" aria-pressed={layout === 'list'} onClick={() => void setSettings({ view: 'list' })}>
          {t('desktops.layout.list')}
        </button>
        <button type="button" aria-pressed={layout === 'grid'} onClick={() => void setSettings({ view: 'grid' })}>
          {t('desktops.layout.grid')}
        </button>
      </div>
      <span className="toolbar-spacer" />
      <button type="button" className="btn btn-primary" disabled={!hasEndpoints} onClick={() => editors.show({ kind: 'desktop' })}>
        {t('action.addDesktop')}
      </button>
      <button type="button" className="btn" onClick={() => editors.show({ kind: 'endpoint' })}>
        {t('action.addEndpoint')}
      </button>
      <button type="button" className="btn" disabled={!hasEndpoints} onClick={() => editors.show({ kind: 'source' })}>
        {t('action.addSource')}
      </button>
      <button type="button" className="btn" onClick={() => editors.show({ kind: 'import' })}>
        {t('action.import')}
      </button>
      <button type="button" className="btn" onClick={() => void exportToFile(api, stores.toasts, { kind: 'json' })}>
        {t('action.exportJson')}
      </button>
    </div>
  );
}
