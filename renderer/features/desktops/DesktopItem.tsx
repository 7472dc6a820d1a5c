import { memo } from 'react';
import type { Desktop, Endpoint, Recent } from '../../../preload/contract/model';
import type { CatalogueView } from '../../../preload/contract/api';
import { useActions } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { formatDateTime } from '../../ui/format';
import { StatusDot } from '../../ui/StatusDot';
import { useShowLabel } from '../connect/useShowLabel';
import { useTroubleshoot } from '../doctor/useTroubleshoot';
import { routeSummary } from './filter';

export interface DesktopItemProps {
  desktop: Desktop;
  endpoint?: Endpoint;
  health?: CatalogueView['health'][string];
  recent?: Recent;
}

/**
 * Memoised: a catalogue reload keeps unchanged desktops' objects (keepUnchanged), so only the
 * rows that changed render again — a long list stays cheap while a desktop opens.
 */
export const DesktopItem = memo(function DesktopItem({ desktop, endpoint, health, recent }: DesktopItemProps) {
  const t = useT();
  const lang = useLang();
  const { setFavourite } = useActions('catalogue');
  const connect = useActions('connect');
  const editors = useActions('editors');
  const troubleshoot = useTroubleshoot();
  const headingId = `desktop-${desktop.id}`;
  const show = useShowLabel(desktop.id);

  return (
    <li className="desktop" aria-labelledby={headingId}>
      <div className="desktop-head">
        <StatusDot status={health?.status ?? 'unknown'} code={health?.code} />
        <h3 id={headingId} className="desktop-name">
          {desktop.name}
        </h3>
        <button
          type="button"
          className={`star${desktop.favourite ? ' star-on' : ''}`}
          aria-pressed={desktop.favourite}
          aria-label={t('desktops.favourite', { name: desktop.name })}
          onClick={() => void setFavourite(desktop.id, !desktop.favourite)}
        >
          {desktop.favourite ? '★' : '☆'}
        </button>
      </div>
      <p className="desktop-where">
        {endpoint ? endpoint.name : t('desktops.missingEndpoint')}
        <span className="muted"> {routeSummary(desktop.route)}</span>
      </p>
      {desktop.tags.length > 0 && (
        <ul className="tags" aria-label={t('desktops.tags')}>
          {desktop.tags.map((tag) => (
            <li key={tag} className="tag">
              {tag}
            </li>
          ))}
        </ul>
      )}
      {recent && (
        <p className={`desktop-recent recent-${recent.outcome}`}>
          {t(recent.outcome === 'ok' ? 'recent.ok' : 'recent.failed', { when: formatDateTime(lang, recent.at) })}
          {recent.code && recent.outcome === 'failed' && <code> {recent.code}</code>}
        </p>
      )}
      <div className="desktop-actions">
        <button
          type="button"
          className="btn btn-primary"
          aria-label={t(show.aria, { name: desktop.name })}
          onClick={() => void connect.start(desktop.id)}
        >
          {t(show.label)}
        </button>
        <button type="button" className="btn" onClick={() => troubleshoot(desktop.id)} aria-label={t('desktops.troubleshoot', { name: desktop.name })}>
          {t('action.troubleshoot')}
        </button>
        <button type="button" className="btn" onClick={() => editors.show({ kind: 'desktop', id: desktop.id })} aria-label={t('desktops.edit', { name: desktop.name })}>
          {t('action.edit')}
        </button>
        <button type="button" className="btn" onClick={() => void connect.openInViewer(desktop.id)} aria-label={t('desktops.openInViewer', { name: desktop.name })}>
          {t('action.openInViewer')}
        </button>
      </div>
    </li>
  );
});
