import { useCallback } from 'react';
import { useServices } from '../../app/services';

/** Opens the troubleshooting view for a desktop and starts a diagnosis. */
export function useTroubleshoot(): (desktopId: string) => void {
  const { stores } = useServices();
  return useCallback(
    (desktopId: string) => {
      stores.nav.getState().go('troubleshoot');
      void stores.doctor.getState().run(desktopId);
    },
    [stores],
  );
}
