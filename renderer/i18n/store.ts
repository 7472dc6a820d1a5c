import { createStore } from 'zustand/vanilla';
import type { Lang } from './translate';

export interface I18nState {
  lang: Lang;
  setLang(lang: Lang): void;
}

/** Japanese first: the first users read Japanese. */
export function createI18nStore(initial: Lang = 'ja') {
  // <html lang> picks the CJK font and tells screen readers how to speak the page.
  const mark = (lang: Lang) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lang;
  };
  mark(initial);
  return createStore<I18nState>()((set) => ({
    lang: initial,
    setLang: (lang) => {
      mark(lang);
      set({ lang });
    },
  }));
}
