import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';

/** The first screen a new user sees: the three ways in. */
export function EmptyCatalogue({ hasEndpoints }: { hasEndpoints: boolean }) {
  const t = useT();
  const editors = useActions('editors');
  return (
    <div className="empty">
      <h2>{t('empty.title')}</h2>
      <p>{t('empty.body')}</p>
      <div className="row">
        {hasEndpoints && (
          <button type="button" className="btn btn-primary" onClick={() => editors.show({ kind: 'desktop' })}>
            {t('action.addDesktop')}
          </button>
        )}
        <button type="button" className={`btn${hasEndpoints ? '' : ' btn-primary'}`} onClick={() => editors.show({ kind: 'endpoint' })}>
          {t('action.addEndpoint')}
        </button>
        <button type="button" className="btn" onClick={() => editors.show({ kind: 'import', format: 'dcv' })}>
          {t('empty.importDcv')}
        </button>
        <button type="button" className="btn" onClick={() => editors.show({ kind: 'import', format: 'ports' })}>
          {t('empty.pastePorts')}
        </button>
      </div>
    </div>
  );
}

export function NoMatches() {
  const t = useT();
  const { clear } = useActions('browse');
  return (
    <div className="empty empty-small">
      <p>{t('desktops.noMatches')}</p>
      <button type="button" className="btn" onClick={clear}>
        {t('desktops.clearFilters')}
      </button>
    </div>
  );
}
