import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';
import { FailureText } from '../../ui/FailureText';
import { Modal } from '../../ui/Modal';
import { useTroubleshoot } from '../doctor/useTroubleshoot';
import type { Failure } from './store';
import { stepLabel } from './steps';

/** A connection that could not open: what failed and what to change, worded; main's English one click away. */
export function FailedNotice({ failure, desktopId, name }: { failure: Failure; desktopId: string; name: string }) {
  const t = useT();
  const connect = useActions('connect');
  const troubleshoot = useTroubleshoot();
  const step = failure.step ? stepLabel(failure.step) : null;
  return (
    <Modal title={t('failed.title', { name })} onClose={connect.dismiss}>
      <p className="failure-code">
        <code className="badge badge-fail">{failure.code}</code>
        {step && <span className="muted"> {t('failed.atStep', { step: t(step) })}</span>}
      </p>
      {/* The code is in the badge above. */}
      <FailureText failure={failure} showCode={false} />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={connect.dismiss}>
          {t('action.close')}
        </button>
        <button
          type="button"
          className="btn btn-primary"
          onClick={() => {
            connect.dismiss();
            troubleshoot(desktopId);
          }}
        >
          {t('action.troubleshoot')}
        </button>
      </div>
    </Modal>
  );
}
