import { useEffect } from 'react';
import { useActions, useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';
import type { Toast } from './store';

function ToastItem({ toast }: { toast: Toast }) {
  const t = useT();
  const { dismiss } = useActions('toasts');
  useEffect(() => {
    const timer = setTimeout(() => dismiss(toast.id), toast.timeoutMs);
    return () => clearTimeout(timer);
  }, [toast.id, toast.timeoutMs, dismiss]);
  return (
    <li className={`toast toast-${toast.tone}`} role={toast.tone === 'error' ? 'alert' : 'status'}>
      <div className="toast-text">
        <span>{t(toast.message.key, toast.message.params)}</span>
        {toast.detail && <span className="toast-detail">{toast.detail}</span>}
      </div>
      {toast.action && (
        <button
          type="button"
          className="btn btn-small"
          onClick={() => {
            dismiss(toast.id);
            void toast.action?.run();
          }}
        >
          {t(toast.action.label)}
        </button>
      )}
      <button type="button" className="btn-icon" aria-label={t('action.dismiss')} onClick={() => dismiss(toast.id)}>
        ×
      </button>
    </li>
  );
}

export function Toasts() {
  const toasts = useFeature('toasts', (s) => s.toasts);
  return (
    <ol className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <ToastItem key={toast.id} toast={toast} />
      ))}
    </ol>
  );
}
