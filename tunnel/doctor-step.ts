/**
 * Building blocks of a diagnosis step shared by every part of the doctor (the dial steps, the
 * page, the WebSocket, the Broker's steps): skipping, failing, warning. Each sets the English
 * (detail.summary, hint) and the same as data (summary, advice) together, so they cannot drift.
 */
import { adviceFor, hintFor, isInfoCode, type HintFacts } from './doctor-hints';
import { setSummary, summaryOf } from './doctor-summary';
import type { Message } from './messages';
import type { DiagnosisStep, DiagnosisStepId } from './types';

/** Why a step did not run, in English and as a summary code. */
export const SKIP = {
  earlierFailed: { text: 'an earlier step failed', message: summaryOf('summary.skip.earlierFailed') },
  pageFailed: { text: 'the page did not load', message: summaryOf('summary.skip.pageFailed') },
  notNeeded: { text: 'not needed on this route', message: summaryOf('summary.skip.notNeeded') },
  noAuthorization: { text: 'the Broker needs no token (auth: none)', message: summaryOf('summary.skip.noAuthorization') },
  notReached: { text: 'not reached: the token endpoint failed first', message: summaryOf('summary.skip.notReached') },
} as const;

export type SkipReason = { text: string; message: Message };

export function skipped(id: DiagnosisStepId, reason: SkipReason): DiagnosisStep {
  return { id, status: 'skip', code: 'SKIPPED', durationMs: 0, detail: { reason: reason.text, summary: reason.text }, summary: reason.message };
}

/** A failed step: its code's hint and advice, from the facts as they are now. */
export function failed(
  id: DiagnosisStepId,
  code: string,
  durationMs: number,
  detail: Record<string, unknown>,
  facts: HintFacts,
  line: { text: string; message: Message },
): DiagnosisStep {
  const step: DiagnosisStep = { id, status: 'fail', code, durationMs, detail: { ...detail } };
  setSummary(step, line.text, line.message);
  advise(step, facts);
  return step;
}

/** Gives a warn or fail step the hint and advice of its own code. */
export function advise(step: DiagnosisStep, facts: HintFacts): void {
  step.hint = hintFor(step.code, facts);
  step.advice = [adviceFor(step.code, facts)];
}

/** Turns a step into a warning: the first code is the step's, all are listed, their hints joined and their advice appended in the same order. */
export function addWarnings(step: DiagnosisStep, codes: string[], facts: HintFacts): void {
  if (codes.length === 0) return;
  const earlier = (step.detail.warningCodes as string[] | undefined) ?? (step.status === 'warn' || step.status === 'info' ? [step.code] : []);
  const all = [...earlier, ...codes];
  // The step's code is its first real warning; with only information it stays calm ('info').
  const real = all.filter((c) => !isInfoCode(c));
  step.detail.warningCodes = [...real, ...all.filter(isInfoCode)];
  if (step.status !== 'fail') {
    step.status = real.length > 0 ? 'warn' : 'info';
    step.code = real[0] ?? all[0];
  }
  // Real warnings first, information after: the step's code leads its advice and its hint.
  const advice = [...(step.advice ?? []), ...codes.map((c) => adviceFor(c, facts))];
  step.advice = [...advice.filter((a) => !isInfoCode(a.code)), ...advice.filter((a) => isInfoCode(a.code))];
  step.hint = step.advice.map((a) => hintFor(a.code, a.facts)).join('\n');
}

/** The English message of anything thrown. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
