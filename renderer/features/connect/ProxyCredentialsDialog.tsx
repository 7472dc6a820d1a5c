import { useState, type FormEvent } from 'react';
import { useActions } from '../../app/services';
import { useT } from '../../i18n/useT';
import { Field } from '../../ui/Field';
import { Modal } from '../../ui/Modal';
import { MemoryOnlyNote } from '../settings/MemoryOnlyNote';
import type { Phase } from './store';

type CredentialsPhase = Extract<Phase, { kind: 'credentials' }>;

/** One submit = save the password + one new attempt. A second refusal shows "rejected", never a loop. */
export function ProxyCredentialsDialog({ phase }: { phase: CredentialsPhase }) {
  const t = useT();
  const connect = useActions('connect');
  const [username, setUsername] = useState(phase.username ?? '');
  const [password, setPassword] = useState('');

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!username || phase.busy) return;
    void connect.submitCredentials(username, password).then(() => setPassword(''));
  }

  return (
    <Modal title={t('proxyAuth.title')} onClose={connect.dismiss}>
      <form onSubmit={submit} noValidate>
        <p>{t('proxyAuth.body', { proxy: phase.proxy })}</p>
        {phase.rejected && (
          <p className="callout callout-error" role="alert">
            {t('proxyAuth.rejected')}
          </p>
        )}
        {phase.error && (
          <p className="callout callout-error" role="alert">
            {t('proxyAuth.saveFailed')} <span className="muted">{phase.error}</span>
          </p>
        )}
        <Field label={t('proxyAuth.username')}>
          {(p) => <input {...p} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />}
        </Field>
        <MemoryOnlyNote />
        <Field label={t('proxyAuth.password')} hint={t('proxyAuth.passwordHint')}>
          {(p) => <input {...p} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
        </Field>
        <div className="modal-actions">
          <button type="button" className="btn" onClick={connect.dismiss}>
            {t('action.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={phase.busy || !username}>
            {phase.busy ? t('proxyAuth.connecting') : t('proxyAuth.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
