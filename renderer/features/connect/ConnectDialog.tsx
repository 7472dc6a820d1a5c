import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';
import { ChangedCertDialog } from './ChangedCertDialog';
import { ConnectProgress } from './ConnectProgress';
import { FailedNotice } from './FailedNotice';
import { OpenedNotice } from './OpenedNotice';
import { ProxyCredentialsDialog } from './ProxyCredentialsDialog';
import { TrustDialog } from './TrustDialog';

/** The one Connect dialog: its content follows the session's phase. */
export function ConnectDialog() {
  const t = useT();
  const session = useFeature('connect', (s) => s.session);
  const name = useFeature('catalogue', (s) => s.view?.catalogue.desktops.find((d) => d.id === session?.desktopId)?.name ?? session?.desktopId ?? '');
  const connect = useActions('connect');
  if (!session) return null;
  const { phase } = session;
  switch (phase.kind) {
    case 'progress':
      return (
        <Modal key="progress" title={t('connect.title', { name })} onClose={connect.dismiss}>
          <ConnectProgress session={session} />
          <div className="modal-actions">
            <button type="button" className="btn" onClick={connect.dismiss}>
              {t('connect.hide')}
            </button>
          </div>
        </Modal>
      );
    case 'trust':
      return <TrustDialog key="trust" inspection={phase.inspection} busy={phase.busy} name={name} />;
    case 'changed':
      return <ChangedCertDialog key="changed" inspection={phase.inspection} busy={phase.busy} name={name} />;
    case 'credentials':
      return <ProxyCredentialsDialog key="credentials" phase={phase} />;
    case 'opened':
      return <OpenedNotice key="opened" result={phase.result} tabOpened={phase.tabOpened} name={name} />;
    case 'failed':
      return <FailedNotice key="failed" failure={phase.failure} desktopId={session.desktopId} name={name} />;
  }
}
