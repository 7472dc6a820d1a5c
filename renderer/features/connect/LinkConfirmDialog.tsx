import { useRef } from 'react';
import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';
import { routeSummary } from '../desktops/filter';

/**
 * A deep link (dcv-launcher://connect/<profile>) may come from any program or web page: it
 * opens nothing by itself. The user sees which desktop, on which host, with which profile, and
 * opens it or not; Cancel has the focus, so Enter alone does not open it.
 */
export function LinkConfirmDialog({ desktopId, profileId }: { desktopId: string; profileId?: string }) {
  const t = useT();
  const connect = useActions('connect');
  const cancel = useRef<HTMLButtonElement>(null);
  const catalogue = useFeature('catalogue', (s) => s.view?.catalogue);
  const desktop = catalogue?.desktops.find((d) => d.id === desktopId);
  const endpoint = desktop ? catalogue?.endpoints.find((e) => e.id === desktop.endpointId) : undefined;
  const profile = profileId ? catalogue?.profiles.find((p) => p.id === profileId) : undefined;
  return (
    <Modal title={t('link.confirmTitle')} onClose={connect.dismiss} initialFocus={cancel}>
      <p>{t('link.confirmBody')}</p>
      <dl className="kv">
        <dt>{t('link.desktop')}</dt>
        <dd>{desktop?.name ?? desktopId}</dd>
        <dt>{t('link.host')}</dt>
        <dd>{endpoint && desktop ? `${endpoint.host}${routeSummary(desktop.route)}` : t('link.hostUnknown')}</dd>
        {profileId && (
          <>
            <dt>{t('link.profile')}</dt>
            <dd>{profile?.name ?? profileId}</dd>
          </>
        )}
      </dl>
      <div className="modal-actions">
        <button type="button" className="btn btn-primary" onClick={() => void connect.acceptLink()}>
          {t('link.open')}
        </button>
        <button ref={cancel} type="button" className="btn" onClick={connect.dismiss}>
          {t('action.cancel')}
        </button>
      </div>
    </Modal>
  );
}
