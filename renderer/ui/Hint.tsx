import type { Advice } from '../../preload/contract/api';
import { wordAdvice } from '../i18n/wording';
import { useWords } from '../i18n/wording/useWords';
import { Rich } from './Rich';

/**
 * What to change, worded in the user's language from main's advice (one per warning or failure
 * code, in the order of main's English hint, which the caller keeps behind <Original>).
 */
export function Hint({ advice }: { advice?: readonly Advice[] }) {
  const w = useWords();
  if (!advice || advice.length === 0) return null;
  return (
    <div className="hint">
      {advice.map((a, i) => (
        <p key={`${a.code}-${i}`} data-advice={a.code}>
          <Rich text={wordAdvice(w, a)} />
        </p>
      ))}
    </div>
  );
}
