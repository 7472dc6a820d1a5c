import type { LauncherApi } from '../../preload/contract/api';
import { createBrowserBridge } from './browser';
import { electronBridge } from './electron';

/** Electron's preload bridge when present, otherwise the browser-mode WebSocket bridge. */
export function pickBridge(): LauncherApi {
  return electronBridge() ?? createBrowserBridge();
}
