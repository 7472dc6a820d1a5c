import type { DiagnosisStep } from '../../../preload/contract/api';
import type { MessageKey } from '../../i18n/translate';

export type StepId = DiagnosisStep['id'];
/** The path to a desktop, as Connect shows its progress. */
export const STEPS: StepId[] = ['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'];
/** A Session Manager desktop's diagnosis starts at its Broker: reach it, sign in, find the session, get a token. */
export const BROKER_STEPS: StepId[] = ['broker-dns', 'broker-tcp', 'broker-proxy', 'broker-tls', 'broker-token', 'broker-session', 'broker-connection'];
/** Every step in the order a diagnosis walks them. */
export const TIMELINE_ORDER: StepId[] = [...BROKER_STEPS, ...STEPS];

/** Other places a failure can name (Failure.step): the Broker as a whole, the tunnel's local port. */
const OTHER_STEPS = ['broker', 'listen'];

export function stepLabel(id: string): MessageKey | null {
  return (TIMELINE_ORDER as string[]).includes(id) || OTHER_STEPS.includes(id) ? (`step.${id}` as MessageKey) : null;
}

export const STATUS_ICON: Record<DiagnosisStep['status'] | 'active' | 'pending', string> = {
  ok: '✓',
  info: 'i',
  warn: '!',
  fail: '✕',
  skip: '–',
  active: '…',
  pending: '○',
};
