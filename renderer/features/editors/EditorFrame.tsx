import type { FormEvent, ReactNode } from 'react';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';

export interface EditorFrameProps {
  title: string;
  busy: boolean;
  serverMessage?: string;
  unplaced: string[];
  onSubmit(): void;
  onCancel(): void;
  onDelete?: () => void;
  children: ReactNode;
}

export function EditorFrame({ title, busy, serverMessage, unplaced, onSubmit, onCancel, onDelete, children }: EditorFrameProps) {
  const t = useT();
  function submit(e: FormEvent) {
    e.preventDefault();
    onSubmit();
  }
  return (
    <Modal title={title} onClose={onCancel} size="wide">
      <form className="editor" onSubmit={submit} noValidate>
        {serverMessage && (
          <div className="callout callout-error" role="alert">
            {t('form.saveFailed')} <span className="muted">{serverMessage}</span>
          </div>
        )}
        {unplaced.length > 0 && (
          <ul className="callout callout-error" role="alert">
            {unplaced.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {children}
        <div className="modal-actions">
          {onDelete && (
            <button type="button" className="btn btn-danger-quiet actions-left" onClick={onDelete} disabled={busy}>
              {t('action.delete')}
            </button>
          )}
          <button type="button" className="btn" onClick={onCancel}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('form.saving') : t('action.save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
