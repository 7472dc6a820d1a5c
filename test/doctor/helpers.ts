import { isInfoCode } from '../../tunnel/doctor-hints';
import { expect } from 'vitest';
import { diagnose as realDiagnose, type DiagnoseInput, type DiagnoseOptions } from '../../tunnel/doctor';
import type { SessionDiagnoseInput } from '../../tunnel/session-manager/doctor-session';
import type { Diagnosis, DiagnosisStep } from '../../tunnel/types';
import type { BrokerSim } from '../sim/broker';
import { checkMessagesAsData } from './messages';

export const DESKTOP_STEPS = ['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'];
export const SESSION_STEPS = ['broker-dns', 'broker-tcp', 'broker-proxy', 'broker-tls', 'broker-token', 'broker-session', 'broker-connection', ...DESKTOP_STEPS];

/** diagnose(), with every step checked for its words as data (summary, advice) and the token nowhere in it. */
export async function diagnose(input: DiagnoseInput, options?: DiagnoseOptions): Promise<Diagnosis> {
  const d = await realDiagnose(input, options);
  checkMessagesAsData(d, input.authToken ? [input.authToken, encodeURIComponent(input.authToken)] : []);
  return d;
}

export function step(d: Diagnosis, id: DiagnosisStep['id']): DiagnosisStep {
  const s = d.steps.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id} step in ${JSON.stringify(d.steps.map((x) => x.id))}`);
  return s;
}

/** The step has the status and code, a non-empty hint, and the steps after a failure are skipped. */
export function expectStep(d: Diagnosis, id: DiagnosisStep['id'], status: DiagnosisStep['status'], code: string): DiagnosisStep {
  expect(d.steps.map((s) => s.id)).toEqual(d.steps[0]?.id.startsWith('broker-') ? SESSION_STEPS : DESKTOP_STEPS);
  const s = step(d, id);
  expect({ id: s.id, status: s.status, code: s.code }, JSON.stringify(s, (k, v) => (k === 'pem' ? undefined : v))).toEqual({ id, status, code });
  if (status === 'warn' || status === 'fail') expect(s.hint?.trim().length ?? 0).toBeGreaterThan(20);
  if (status === 'fail') {
    expect(d.ok).toBe(false);
    const after = d.steps.slice(d.steps.indexOf(s) + 1);
    for (const a of after) expect(a.status, `${a.id} after the failure`).toBe('skip');
  } else {
    expect(d.ok).toBe(true);
  }
  checkMessagesAsData(d);
  return s;
}

/**
 * A warning may share its step with another; it is either the step's code or in its list. One
 * that changes nothing for the launcher (INFO_CODES) leaves the step 'info' unless a real
 * warning shares it.
 */
export function expectWarning(d: Diagnosis, id: DiagnosisStep['id'], code: string): DiagnosisStep {
  const s = step(d, id);
  const codes0 = [s.code, ...((s.detail.warningCodes as string[] | undefined) ?? [])];
  expect(s.status).toBe(codes0.every(isInfoCode) ? 'info' : 'warn');
  const codes = [s.code, ...((s.detail.warningCodes as string[] | undefined) ?? [])];
  expect(codes).toContain(code);
  expect(s.hint ?? '').not.toBe('');
  expect(d.ok).toBe(true);
  checkMessagesAsData(d);
  return s;
}

/** The Broker simulator reached directly, its certificate pinned, with its first client's credentials. */
export function directBroker(b: BrokerSim): SessionDiagnoseInput['broker'] {
  return {
    broker: { host: b.host, port: b.port },
    route: 'DIRECT',
    trust: { kind: 'pin', fingerprints: [b.fingerprint] },
    auth: { kind: 'client-credentials', clientId: b.clientId, clientPassword: b.clientPassword },
  };
}
