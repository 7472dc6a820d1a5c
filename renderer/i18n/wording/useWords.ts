import { useMemo } from 'react';
import { useLang, useT } from '../useT';
import { createWords } from './index';
import type { Words } from './words';

/** The wording helpers in the user's language (for advice, summaries, reasons). */
export function useWords(): Words {
  const t = useT();
  const lang = useLang();
  return useMemo(() => createWords(lang, t), [lang, t]);
}
