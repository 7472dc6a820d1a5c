import type { SessionView } from '../../../preload/contract/api';
import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';

const STATE: Record<string, { key: MessageKey; tone: 'ok' | 'busy' | 'warn' | 'fail' }> = {
  READY: { key: 'session.state.READY', tone: 'ok' },
  CREATING: { key: 'session.state.CREATING', tone: 'busy' },
  DELETING: { key: 'session.state.DELETING', tone: 'warn' },
  DELETED: { key: 'session.state.DELETED', tone: 'fail' },
  UNKNOWN: { key: 'session.state.UNKNOWN', tone: 'fail' },
};

/** READY / CREATING (with its substate) / DELETING / UNKNOWN (with its reason), or "gone". */
export function SessionStateBadge({ session }: { session: SessionView }) {
  const t = useT();
  if (session.gone) return <span className="badge badge-fail">{t('session.gone')}</span>;
  const known = STATE[session.state.toUpperCase()];
  const substate = session.substate === 'SESSION_PLACING' ? t('session.substate.placing') : session.substate === 'PENDING_PREPARATION' ? t('session.substate.preparing') : session.substate;
  return (
    <span className={`badge badge-${known?.tone ?? 'warn'}`} title={session.stateReason || undefined}>
      {known ? t(known.key) : session.state || '?'}
      {substate && known?.tone === 'busy' ? ` · ${substate}` : ''}
    </span>
  );
}
