import { useCallback } from 'react';
import { useFeature } from '../app/services';
import { translate, type Lang, type MessageKey, type Params, type T } from './translate';

export function useT(): T {
  const lang = useFeature('i18n', (s) => s.lang);
  return useCallback((key: MessageKey, params?: Params) => translate(lang, key, params), [lang]);
}

export function useLang(): Lang {
  return useFeature('i18n', (s) => s.lang);
}
