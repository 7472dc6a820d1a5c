import type { Catalogue } from '../../../preload/contract/model';
import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';

export function EndpointsSection({ catalogue }: { catalogue: Catalogue }) {
  const t = useT();
  const editors = useActions('editors');
  if (catalogue.endpoints.length === 0) return null;
  return (
    <section className="section" aria-labelledby="endpoints-heading">
      <h2 id="endpoints-heading">{t('endpoints.title')}</h2>
      <ul className="endpoints">
        {catalogue.endpoints.map((e) => {
          const count = catalogue.desktops.filter((d) => d.endpointId === e.id).length;
          return (
            <li key={e.id} className="endpoint">
              <div>
                <strong>{e.name}</strong> <code className="muted">{e.host}</code>
                <span className="muted"> · {t('endpoints.desktopCount', { count })}</span>
              </div>
              <div className="row">
                <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'desktop', endpointId: e.id })} aria-label={t('endpoints.addDesktop', { name: e.name })}>
                  {t('action.addDesktop')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'import', format: 'ports' })}>
                  {t('endpoints.importPorts')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'source' })} aria-label={t('endpoints.addSource', { name: e.name })}>
                  {t('action.addSource')}
                </button>
                <button type="button" className="btn btn-small" onClick={() => editors.show({ kind: 'endpoint', id: e.id })} aria-label={t('endpoints.edit', { name: e.name })}>
                  {t('action.edit')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
