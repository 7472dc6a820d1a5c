/**
 * Connect progress: what dial reports as each step ends, in the shape the doctor streams
 * ('doctor.step'), so the Connect dialog and the troubleshooting view read the same events.
 */
import { STEP_OF } from '../../tunnel/errors';
import type { DiagnosisStep, DialStep } from '../../tunnel/types';

/** The steps an open walks, in order (it sends no page request: http and websocket are the doctor's). */
export const OPEN_STEPS = ['dns', 'tcp', 'proxy', 'tls'] as const satisfies ReadonlyArray<DialStep['step']>;

/**
 * A dial step as a progress step. A failure is shown where its code belongs, as the doctor
 * does (PROXY_UNREACHABLE is reported on the tcp step but is the proxy's), so a code names
 * the same step in the Connect dialog, the doctor and the failed result.
 */
export function progressStep(s: DialStep): DiagnosisStep {
  const home = s.status === 'fail' && s.code ? STEP_OF[s.code] : s.step;
  const id = (OPEN_STEPS as readonly string[]).includes(home) ? (home as DialStep['step']) : s.step;
  const code = s.code ?? (s.status === 'skip' ? 'SKIPPED' : 'OK');
  return { id, status: s.status, code, durationMs: s.durationMs, detail: s.detail };
}

/** The step under way once `s` ended: the next one, or undefined after the last or a failure. */
export function stepAfter(s: DialStep): DialStep['step'] | undefined {
  if (s.status === 'fail') return undefined;
  return OPEN_STEPS[OPEN_STEPS.indexOf(s.step) + 1];
}
