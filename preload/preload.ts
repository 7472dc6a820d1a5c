/**
 * The launcher window's preload (dist/preload.cjs, sandboxed): exposes the typed API as
 * `window.launcher` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './bridge';

contextBridge.exposeInMainWorld('launcher', createPreloadApi(ipcRenderer));
