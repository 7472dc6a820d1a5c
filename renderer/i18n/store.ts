import { createStore } from 'zustand/vanilla';
import type { Lang } from './translate';

export interface I18nState {
  lang: Lang;
  setLang(lang: Lang): void;
}

/** Japanese first: the first users read Japanese. */
export function createI18nStore(initial: Lang = 'ja') {
  return createStore<I18nState>()((set) => ({
    lang: initial,
    setLang: (lang) => {
      if (typeof document !== 'undefined') document.documentElement.lang = lang;
      set({ lang });
    },
  }));
}
