/**
 * The launcher window's one IPC entry point. Every call is checked before it reaches a
 * handler: it must come from the launcher window's main frame showing app://launcher/,
 * its payload must pass the contract's schema, and no exception crosses back.
 * Events go to the launcher window only.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { LauncherServices, Result } from '../../preload/contract/api';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../preload/ipc-names';
import { dispatch, failure, type DispatchLog } from '../dispatch';
import { isLauncherUrl } from './security';

export function registerIpc(
  services: LauncherServices,
  launcher: () => WebContents | undefined,
  log?: DispatchLog,
  /** Told of every call that passed the sender check (shell-events.ts learns the page listens). */
  onCall?: (channel: unknown) => void,
): () => void {
  ipcMain.handle(INVOKE_CHANNEL, async (event: IpcMainInvokeEvent, channel: unknown, request: unknown): Promise<Result<unknown>> => {
    if (!fromLauncher(event, launcher())) {
      return failure({ code: 'FORBIDDEN', message: 'calls are only accepted from the launcher window' });
    }
    onCall?.(channel);
    return dispatch(services.handlers, channel, request, log);
  });
  const unsubscribe = services.subscribe((event, payload) => {
    const contents = launcher();
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, { event, payload });
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}

/** The launcher's webContents, its main frame, on the launcher's own page. */
export function fromLauncher(event: IpcMainInvokeEvent, launcher: WebContents | undefined): boolean {
  if (!launcher || launcher.isDestroyed() || event.sender !== launcher) return false;
  try {
    const frame = event.senderFrame;
    return frame !== null && frame.parent === null && isLauncherUrl(frame.url);
  } catch {
    // The frame went away (navigated or destroyed) while the call was in flight.
    return false;
  }
}
