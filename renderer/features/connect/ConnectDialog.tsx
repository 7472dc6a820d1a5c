import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';
import { useDesktopName, useSourceName } from '../sessions/names';
import { ChangedCertDialog } from './ChangedCertDialog';
import { ClientPasswordDialog } from './ClientPasswordDialog';
import { CreatingNotice } from './CreatingNotice';
import { ConnectProgress } from './ConnectProgress';
import { FailedNotice } from './FailedNotice';
import { LinkConfirmDialog } from './LinkConfirmDialog';
import { OpenedNotice } from './OpenedNotice';
import { ProxyCredentialsDialog } from './ProxyCredentialsDialog';
import { TrustDialog } from './TrustDialog';
import { HideActions } from './HideActions';

/** The one Connect dialog: its content follows the session's phase. */
export function ConnectDialog() {
  const t = useT();
  const session = useFeature('connect', (s) => s.session);
  const desktopName = useDesktopName(session?.desktopId || undefined);
  const sourceName = useSourceName(session && session.job.kind !== 'open' ? session.job.sourceId : undefined);
  const connect = useActions('connect');
  if (!session) return null;
  const { phase, job } = session;
  // Trust and passwords asked for while listing or creating are the source's Broker's.
  const name = job.kind === 'open' ? desktopName : sourceName;
  switch (phase.kind) {
    case 'confirm-link':
      return <LinkConfirmDialog key="confirm-link" desktopId={session.desktopId} profileId={session.profileId} />;
    case 'progress':
      return (
        <Modal key="progress" title={job.kind === 'open' ? t('connect.title', { name }) : job.kind === 'refresh' ? t('sessions.listingTitle', { name }) : t('sessions.creatingTitle', { name })} onClose={connect.dismiss}>
          {job.kind === 'open' ? <ConnectProgress session={session} /> : <p role="status">{t('sessions.askingBroker')}</p>}
          <HideActions />
        </Modal>
      );
    case 'trust':
      return <TrustDialog key="trust" inspection={phase.inspection} busy={phase.busy} name={name} />;
    case 'changed':
      return <ChangedCertDialog key="changed" inspection={phase.inspection} busy={phase.busy} name={name} />;
    case 'credentials':
      return <ProxyCredentialsDialog key="credentials" phase={phase} />;
    case 'client-password':
      return <ClientPasswordDialog key="client-password" phase={phase} />;
    case 'creating':
      return <CreatingNotice key="creating" session={phase.session} />;
    case 'already-open':
      return (
        <Modal key="already-open" title={t('opened.title', { name })} onClose={connect.dismiss}>
          <p role="status">{t('opened.alreadyOpen', { name })}</p>
          <div className="modal-actions">
            <button type="button" className="btn" onClick={() => void connect.reopen()}>
              {t('opened.openAgain')}
            </button>
            <button type="button" className="btn btn-primary" onClick={connect.dismiss}>
              {t('action.close')}
            </button>
          </div>
        </Modal>
      );
    case 'opened':
      return <OpenedNotice key="opened" result={phase.result} tabOpened={phase.tabOpened} name={name} />;
    case 'failed':
      return <FailedNotice key="failed" failure={phase.failure} desktopId={session.desktopId} name={name} />;
  }
}
