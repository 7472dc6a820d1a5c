import type { FormEvent, ReactNode } from 'react';
import type { Result } from '../../../preload/contract/api';
import { useActions } from '../../app/services';
import type { ItemKind } from '../catalogue/store';
import { useT } from '../../i18n/useT';
import { Modal } from '../../ui/Modal';
import type { Form } from './useForm';

export interface EditorFrameProps<Out> {
  kind: ItemKind;
  /** The item being edited; a new one has none, and no Delete button. */
  existing?: { id: string; name: string };
  form: Pick<Form<Out>, 'submit' | 'serverError' | 'busy' | 'serverMessage' | 'unplaced'>;
  /** Stores the checked value; the editor closes once it succeeds. */
  save(value: Out): Promise<Result<unknown>>;
  children: ReactNode;
}

/** Title, errors, and Save / Cancel / Delete of a catalogue item's editor. */
export function EditorFrame<Out>({ kind, existing, form, save, children }: EditorFrameProps<Out>) {
  const t = useT();
  const catalogue = useActions('catalogue');
  const editors = useActions('editors');
  const { busy, serverMessage, unplaced } = form;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await form.submit(save)) editors.close();
  }

  async function remove(item: { id: string; name: string }) {
    const result = await catalogue.remove(kind, item.id, item.name);
    if (result.ok) editors.close();
    else form.serverError(result.error);
  }

  const title = existing ? t(`${kind}.editTitle`, { name: existing.name }) : t(`${kind}.newTitle`);
  const onDelete = existing ? () => void remove(existing) : undefined;
  return (
    <Modal title={title} onClose={editors.close} size="wide">
      <form className="editor" onSubmit={(e) => void submit(e)} noValidate>
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
          <button type="button" className="btn" onClick={editors.close}>
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
