import { createStore } from 'zustand/vanilla';

export type ViewName = 'desktops' | 'connections' | 'troubleshoot' | 'settings';
export const VIEWS: ViewName[] = ['desktops', 'connections', 'troubleshoot', 'settings'];

export interface NavState {
  view: ViewName;
  go(view: ViewName): void;
}

export function createNavStore() {
  return createStore<NavState>()((set) => ({ view: 'desktops', go: (view) => set({ view }) }));
}
