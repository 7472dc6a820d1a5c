import { useFeature, useServices } from '../../app/services';
import type { MessageKey } from '../../i18n/translate';
import { isLive } from '../connections/store';

/**
 * What the Connect button of a desktop says: 接続 (Connect) when it is closed; 表示 (Show) when
 * it is open in a window or tab (it comes forward); 再表示 (Show again) in browser mode when its
 * tab was closed but its tunnel is still open (a new launch in a new tab).
 */
export function useShowLabel(desktopId: string): { label: MessageKey; aria: MessageKey } {
  const { api } = useServices();
  const open = useFeature('connections', (s) => isLive(s.list, desktopId));
  const tabOpen = useFeature('connect', (s) => s.openTabs[desktopId] === true);
  if (!open) return { label: 'action.connect', aria: 'desktops.connectTo' };
  if (api.mode === 'browser' && !tabOpen) return { label: 'action.showAgain', aria: 'desktops.showAgain' };
  return { label: 'action.show', aria: 'desktops.show' };
}
