/** The two Electron IPC channel names the preload and main/shell/ipc.ts share. */
export const INVOKE_CHANNEL = 'launcher:invoke';
export const EVENT_CHANNEL = 'launcher:event';
