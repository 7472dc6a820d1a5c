import type { MessageKey } from '../../i18n/translate';
import { useT } from '../../i18n/useT';
import { formatMs } from '../../ui/format';
import type { ConnectSession } from './store';
import { STATUS_ICON, STEPS, type StepId } from './steps';

type Shown = keyof typeof STATUS_ICON;

export function ConnectProgress({ session }: { session: ConnectSession }) {
  const t = useT();
  // Steps after the last reported one are still to come; the one main says it is on is active.
  const reported = STEPS.filter((id) => session.steps[id]);
  const lastReported = reported.length ? STEPS.indexOf(reported[reported.length - 1]) : -1;
  const active = (STEPS as string[]).includes(session.activeStep ?? '') ? (session.activeStep as StepId) : STEPS[lastReported + 1];

  return (
    <ol className="progress" aria-label={t('connect.progress')}>
      {STEPS.map((id) => {
        const step = session.steps[id];
        const shown: Shown = step ? step.status : id === active ? 'active' : 'pending';
        return (
          <li key={id} className={`progress-step status-${shown}`} aria-current={shown === 'active' ? 'step' : undefined}>
            <span className="status-icon" aria-hidden="true">
              {STATUS_ICON[shown]}
            </span>
            <span className="progress-name">{t(`step.${id}` as MessageKey)}</span>
            <span className="visually-hidden">{t(`status.${shown}` as MessageKey)}</span>
            {step && <span className="muted">{formatMs(step.durationMs)}</span>}
          </li>
        );
      })}
    </ol>
  );
}
