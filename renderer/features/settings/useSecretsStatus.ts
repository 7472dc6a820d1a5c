import { useEffect } from 'react';
import { useActions, useFeature } from '../../app/services';

/**
 * True when secrets live in memory only: a form that stores a password or token says, right
 * there, that it will be gone when the launcher quits. Loads the status once if nobody has.
 */
export function useSecretsMemoryOnly(): boolean {
  const secrets = useFeature('settings', (s) => s.secrets);
  const { load } = useActions('settings');
  useEffect(() => {
    if (!secrets) void load();
  }, [secrets, load]);
  return secrets?.persistent === false;
}
