import type { Failure } from '../../preload/contract/api';
import { failureProse, formatFailure } from '../i18n/messages';
import { useT } from '../i18n/useT';
import { Hint } from './Hint';
import { Original } from './Original';
import { Rich } from './Rich';

/**
 * A failure in the user's language with its code, then what to change (its advice, when main
 * gave any); what the other side said in its own words only as <code>, and main's English
 * (message and hint) behind the original's disclosure.
 */
export function FailureText({ failure, showCode = true }: { failure: Pick<Failure, 'code' | 'params' | 'message' | 'hint' | 'advice'>; showCode?: boolean }) {
  const t = useT();
  const prose = failureProse(failure);
  return (
    <div className="failure-text">
      <p>
        <Rich text={formatFailure(t, failure)} />
        {showCode && <code className="muted"> {failure.code}</code>}
      </p>
      {prose.length > 0 && (
        <p className="muted">
          {t('failure.said')}
          {prose.map((x, i) => (
            <code key={i}> {x}</code>
          ))}
        </p>
      )}
      <Hint advice={failure.advice} />
      <Original lines={[failure.message, ...(failure.hint ?? '').split('\n')]} />
    </div>
  );
}
