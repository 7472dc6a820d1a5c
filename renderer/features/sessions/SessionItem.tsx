import { useState } from 'react';
import type { SessionView } from '../../../preload/contract/api';
import { useActions, useFeature, useServices } from '../../app/services';
import { useLang, useT } from '../../i18n/useT';
import { formatDateTime } from '../../ui/format';
import { Modal } from '../../ui/Modal';
import { StatusDot } from '../../ui/StatusDot';
import { useShowLabel } from '../connect/useShowLabel';
import { useTroubleshoot } from '../doctor/useTroubleshoot';
import { SessionStateBadge } from './SessionStateBadge';

/** One Broker session in the desktop list: state, owner, server, tags; Connect when READY. */
export function SessionItem({ session, own }: { session: SessionView; own: boolean }) {
  const t = useT();
  const lang = useLang();
  const health = useFeature('catalogue', (s) => s.view?.health[session.key]);
  const connect = useActions('connect');
  const sessions = useActions('sessions');
  const troubleshoot = useTroubleshoot();
  const [confirming, setConfirming] = useState(false);
  const headingId = `session-${session.key}`;
  const show = useShowLabel(session.key);
  const ready = session.state.toUpperCase() === 'READY' && !session.gone;
  const tags = Object.entries(session.tags);

  return (
    <li className={`desktop session${session.gone ? ' session-gone' : ''}`} aria-labelledby={headingId}>
      <div className="desktop-head">
        <StatusDot status={health?.status ?? 'unknown'} code={health?.code} />
        <h3 id={headingId} className="desktop-name">
          {session.name}
        </h3>
        <SessionStateBadge session={session} />
        <button
          type="button"
          className={`star${session.favourite ? ' star-on' : ''}`}
          aria-pressed={session.favourite}
          aria-label={t('desktops.favourite', { name: session.name })}
          onClick={() => void sessions.setFavourite(session.key, !session.favourite)}
        >
          {session.favourite ? '★' : '☆'}
        </button>
      </div>
      {session.gone ? (
        <p className="desktop-where muted">{t('session.goneBody')}</p>
      ) : (
        <p className="desktop-where">
          {t('session.owner', { owner: session.owner })}
          {(session.server.hostname || session.server.ip) && <span className="muted"> · {session.server.hostname || session.server.ip}</span>}
          {session.connections !== undefined && <span className="muted"> · {t('session.connections', { count: session.connections })}</span>}
          {session.lastDisconnectionTime && <span className="muted"> · {t('session.lastDisconnection', { when: formatDateTime(lang, session.lastDisconnectionTime) })}</span>}
        </p>
      )}
      {session.stateReason && !ready && <p className="muted session-reason">{session.stateReason}</p>}
      {tags.length > 0 && (
        <ul className="tags" aria-label={t('desktops.tags')}>
          {tags.map(([k, v]) => (
            <li key={k} className="tag">
              {k}={v}
            </li>
          ))}
        </ul>
      )}
      <div className="desktop-actions">
        <button
          type="button"
          className="btn btn-primary"
          disabled={!ready}
          aria-label={t(show.aria, { name: session.name })}
          onClick={() => void connect.start(session.key)}
        >
          {t(show.label)}
        </button>
        <button type="button" className="btn" disabled={!ready} onClick={() => void connect.openInViewer(session.key)} aria-label={t('desktops.openInViewer', { name: session.name })}>
          {t('action.openInViewer')}
        </button>
        <button type="button" className="btn" disabled={session.gone} onClick={() => troubleshoot(session.key)} aria-label={t('desktops.troubleshoot', { name: session.name })}>
          {t('action.troubleshoot')}
        </button>
        {own && !session.gone && (
          <button type="button" className="btn btn-danger-quiet" onClick={() => setConfirming(true)} aria-label={t('session.deleteNamed', { name: session.name })}>
            {t('action.delete')}
          </button>
        )}
      </div>
      {confirming && <DeleteSessionDialog session={session} onClose={() => setConfirming(false)} />}
    </li>
  );
}

/** Deleting a session ends it on its server: no undo, so it asks first. */
function DeleteSessionDialog({ session, onClose }: { session: SessionView; onClose(): void }) {
  const t = useT();
  const { api, stores } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setBusy(true);
    const result = await api.invoke('sessions.delete', { key: session.key });
    setBusy(false);
    if (result.ok && result.value.kind === 'deleting') {
      stores.toasts.getState().push({ tone: 'info', message: { key: 'session.deleted', params: { name: session.name } } });
      return onClose();
    }
    setError(result.ok ? (result.value.kind === 'failed' ? result.value.code : result.value.kind) : result.error.code);
  }

  return (
    <Modal title={t('session.deleteTitle', { name: session.name })} onClose={onClose} tone="danger">
      <p>{t('session.deleteBody', { name: session.name, server: session.server.hostname || session.server.ip })}</p>
      {error && (
        <p className="callout callout-error" role="alert">
          {t('session.deleteFailed')} <code>{error}</code>
        </p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          {t('action.cancel')}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy} onClick={() => void remove()}>
          {t('session.deleteConfirm')}
        </button>
      </div>
    </Modal>
  );
}
