import { createStore } from 'zustand/vanilla';
import type { Events } from '../../../preload/contract/api';

export type ImportFormat = 'json' | 'dcv' | 'ports';
/** A file the app's File ▸ Import… picked and main read (one over the limit comes without its text). */
export type ImportFile = Events['import.file'];

/** Which editor is open; the form's own fields live in the editor component. */
export type OpenEditor =
  | { kind: 'endpoint'; id?: string }
  | { kind: 'desktop'; id?: string; endpointId?: string }
  | { kind: 'profile'; id?: string; desktopId?: string }
  | { kind: 'source'; id?: string }
  | { kind: 'import'; format?: ImportFormat; file?: ImportFile };

export interface EditorsState {
  open: OpenEditor | null;
  show(editor: OpenEditor): void;
  close(): void;
}

export function createEditorsStore() {
  return createStore<EditorsState>()((set) => ({
    open: null,
    show: (open) => set({ open }),
    close: () => set({ open: null }),
  }));
}
