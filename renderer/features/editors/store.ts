import { createStore } from 'zustand/vanilla';

export type ImportFormat = 'json' | 'dcv' | 'ports';

/** Which editor is open; the form's own fields live in the editor component. */
export type OpenEditor =
  | { kind: 'endpoint'; id?: string }
  | { kind: 'desktop'; id?: string; endpointId?: string }
  | { kind: 'profile'; id?: string; desktopId?: string }
  | { kind: 'import'; format?: ImportFormat };

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
