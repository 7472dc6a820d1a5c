import { createStore } from 'zustand/vanilla';
import type { DesktopFilter } from './filter';

export interface BrowseState extends DesktopFilter {
  setQuery(query: string): void;
  toggleTag(tag: string): void;
  setFavouritesOnly(on: boolean): void;
  clear(): void;
}

export function createBrowseStore() {
  return createStore<BrowseState>()((set) => ({
    query: '',
    tags: [],
    favouritesOnly: false,
    setQuery: (query) => set({ query }),
    toggleTag: (tag) => set((s) => ({ tags: s.tags.includes(tag) ? s.tags.filter((t) => t !== tag) : [...s.tags, tag] })),
    setFavouritesOnly: (favouritesOnly) => set({ favouritesOnly }),
    clear: () => set({ query: '', tags: [], favouritesOnly: false }),
  }));
}
