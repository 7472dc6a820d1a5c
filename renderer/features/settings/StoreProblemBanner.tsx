import { useState } from 'react';
import type { StoreProblem } from '../../../preload/contract/api';
import { useFeature } from '../../app/services';
import { useT } from '../../i18n/useT';

export function StoreProblemText({ problem }: { problem: StoreProblem }) {
  const t = useT();
  return (
    <p>
      {t(problem.restoredFrom === 'backup' ? 'store.problem.backup' : 'store.problem.empty', {
        file: problem.file,
        message: problem.message,
        movedTo: problem.movedTo,
      })}
    </p>
  );
}

/** Shown at start when the catalogue file was broken: what happened, where the file went. */
export function StoreProblemBanner() {
  const t = useT();
  const problem = useFeature('catalogue', (s) => s.view?.problem ?? null);
  const [dismissed, setDismissed] = useState(false);
  if (!problem || dismissed) return null;
  return (
    <div className="banner callout-warn" role="alert">
      <StoreProblemText problem={problem} />
      <button type="button" className="btn btn-small" onClick={() => setDismissed(true)}>
        {t('action.dismiss')}
      </button>
    </div>
  );
}
