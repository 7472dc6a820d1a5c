import type { LauncherApi } from '../../preload/contract/api';

declare global {
  interface Window {
    /** Exposed by the Electron preload through contextBridge. */
    launcher?: LauncherApi;
  }
}

/** The preload's bridge, when the page runs inside the Electron shell. */
export function electronBridge(): LauncherApi | null {
  return typeof window !== 'undefined' && window.launcher ? window.launcher : null;
}
