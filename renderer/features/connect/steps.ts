import type { DiagnosisStep } from '../../../tunnel/types';
import type { MessageKey } from '../../i18n/translate';

export type StepId = DiagnosisStep['id'];
export const STEPS: StepId[] = ['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'];

export function stepLabel(id: string): MessageKey | null {
  return (STEPS as string[]).includes(id) ? (`step.${id}` as MessageKey) : null;
}

export const STATUS_ICON: Record<DiagnosisStep['status'] | 'active' | 'pending', string> = {
  ok: '✓',
  warn: '!',
  fail: '✕',
  skip: '–',
  active: '…',
  pending: '○',
};
