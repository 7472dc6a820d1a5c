import type { SessionView } from '../../../preload/contract/api';
import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';
import { SessionStateBadge } from '../sessions/SessionStateBadge';
import { HideActions } from './HideActions';

/** A new session on its way: the Broker's state as it changes; it opens by itself once READY. */
export function CreatingNotice({ session }: { session: SessionView }) {
  const t = useT();
  const connect = useActions('connect');
  return (
    <Modal title={t('creating.title', { name: session.name })} onClose={connect.dismiss}>
      <p role="status" aria-live="polite">
        <SessionStateBadge session={session} /> {t('creating.body')}
      </p>
      <p className="muted">{t('creating.opensWhenReady')}</p>
      <HideActions />
    </Modal>
  );
}
