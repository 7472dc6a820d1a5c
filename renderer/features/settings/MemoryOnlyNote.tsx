import { useT } from '../../i18n/useT';
import { useSecretsMemoryOnly } from './useSecretsStatus';

/** Shown where a password or token is typed, when this machine can only keep it until the launcher quits. */
export function MemoryOnlyNote({ when = true }: { when?: boolean }) {
  const t = useT();
  const memoryOnly = useSecretsMemoryOnly();
  if (!memoryOnly || !when) return null;
  return (
    <p className="callout callout-warn" role="note">
      {t('secrets.memoryOnlyNow')}
    </p>
  );
}
