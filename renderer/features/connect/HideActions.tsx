import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';

/** The one button of a dialog that waits (progress, a session being created): hide it, the work goes on. */
export function HideActions() {
  const t = useT();
  const connect = useActions('connect');
  return (
    <div className="modal-actions">
      <button type="button" className="btn" onClick={connect.dismiss}>
        {t('connect.hide')}
      </button>
    </div>
  );
}
