import { useState, type FormEvent } from 'react';
import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { Modal } from '../../ui/Modal';
import { MemoryOnlyNote } from '../settings/MemoryOnlyNote';
import type { Phase } from './store';

type ClientPasswordPhase = Extract<Phase, { kind: 'client-password' }>;

/** The Broker's API client password: one submit = store it + one new attempt; a refusal says so, never a loop. */
export function ClientPasswordDialog({ phase }: { phase: ClientPasswordPhase }) {
  const t = useT();
  const connect = useActions('connect');
  const [password, setPassword] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!password || phase.busy) return;
    void connect.submitClientPassword(password).then(() => setPassword(''));
  }

  return (
    <Modal title={t('clientPassword.title')} onClose={connect.dismiss}>
      <form onSubmit={submit} noValidate>
        <p>{t('clientPassword.body', { clientId: phase.clientId })}</p>
        {phase.rejected && (
          <p className="callout callout-error" role="alert">
            {t('clientPassword.rejected')}
          </p>
        )}
        {phase.error && (
          <p className="callout callout-error" role="alert">
            {t('proxyAuth.saveFailed')} <span className="muted">{phase.error}</span>
          </p>
        )}
        <MemoryOnlyNote />
        <Field label={t('clientPassword.password')} hint={t('clientPassword.hint')}>
          {(p) => <input {...p} type="password" autoComplete="off" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={connect.dismiss}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={phase.busy || !password}>
            {phase.busy ? t('proxyAuth.connecting') : t('clientPassword.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
