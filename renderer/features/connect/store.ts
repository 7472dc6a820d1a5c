/**
 * One Connect at a time, driven through every answer connection.open can give. Each user
 * decision (trust, credentials) leads to exactly one new attempt: nothing here loops.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LauncherApi, OpenResult, Result, TrustInspection } from '../../../preload/contract/api';
import type { DiagnosisStep } from '../../../tunnel/types';
import type { CatalogueState } from '../catalogue/store';

export type Opened = Extract<OpenResult, { kind: 'opened' }>;
export interface Failure {
  code: string;
  step?: string;
  message: string;
  hint?: string;
}

export type Phase =
  | { kind: 'progress' }
  | { kind: 'trust'; inspection: TrustInspection; busy: boolean }
  | { kind: 'changed'; inspection: TrustInspection; busy: boolean }
  | { kind: 'credentials'; endpointId: string; proxy: string; username?: string; rejected: boolean; busy: boolean; error?: string }
  | { kind: 'opened'; result: Opened; tabOpened: boolean }
  | { kind: 'failed'; failure: Failure };

export interface ConnectSession {
  desktopId: string;
  profileId?: string;
  phase: Phase;
  /** Steps reported by main for this attempt, by step id. */
  steps: Partial<Record<DiagnosisStep['id'], DiagnosisStep>>;
  /** The step main says it is on (connection.changed: connecting). */
  activeStep?: string;
}

export interface ConnectState {
  session: ConnectSession | null;
  start(desktopId: string, profileId?: string): Promise<void>;
  /** First-use or changed certificate: pin it, then open again. */
  trust(persist: boolean): Promise<void>;
  submitCredentials(username: string, password: string): Promise<void>;
  dismiss(): void;
  onStep(desktopId: string, step: DiagnosisStep): void;
  onConnecting(desktopId: string, step: string): void;
}

export interface ConnectDeps {
  api: LauncherApi;
  catalogue: StoreApi<CatalogueState>;
  /** Browser mode opens the desktop in a tab; returns whether the browser allowed it. */
  openTab: (url: string) => boolean;
}

export function defaultOpenTab(url: string): boolean {
  const tab = window.open(url, '_blank');
  if (!tab) return false;
  tab.opener = null;
  return true;
}

export function createConnectStore({ api, catalogue, openTab }: ConnectDeps) {
  return createStore<ConnectState>()((set, get) => {
    const setPhase = (phase: Phase) => {
      const session = get().session;
      if (session) set({ session: { ...session, phase } });
    };

    async function attempt(): Promise<Result<OpenResult>> {
      const session = get().session;
      if (!session) return { ok: false, error: { code: 'INTERNAL', message: 'no connect in progress' } };
      set({ session: { ...session, phase: { kind: 'progress' }, steps: {}, activeStep: undefined } });
      const request = session.profileId ? { desktopId: session.desktopId, profileId: session.profileId } : { desktopId: session.desktopId };
      const result = await api.invoke('connection.open', request);
      // Recents and the status dot changed either way.
      void catalogue.getState().load();
      return result;
    }

    function show(result: Result<OpenResult>, afterCredentials = false): void {
      if (!get().session) return;
      if (!result.ok) return setPhase({ kind: 'failed', failure: { code: result.error.code, message: result.error.message } });
      const r = result.value;
      switch (r.kind) {
        case 'opened': {
          const tabOpened = api.mode === 'browser' && r.openIn !== 'dcv-file' ? openTab(r.launchUrl) : false;
          return setPhase({ kind: 'opened', result: r, tabOpened });
        }
        case 'needs-trust':
          return setPhase({ kind: 'trust', inspection: r.inspection, busy: false });
        case 'certificate-changed':
          return setPhase({ kind: 'changed', inspection: r.inspection, busy: false });
        case 'needs-proxy-credentials':
          return setPhase({
            kind: 'credentials',
            endpointId: r.endpointId,
            proxy: r.proxy,
            username: r.username,
            rejected: afterCredentials || r.reason === 'rejected',
            busy: false,
          });
        case 'failed':
          return setPhase({ kind: 'failed', failure: { code: r.code, step: r.step, message: r.message, hint: r.hint } });
      }
    }

    return {
      session: null,
      start: async (desktopId, profileId) => {
        set({ session: { desktopId, profileId, phase: { kind: 'progress' }, steps: {} } });
        show(await attempt());
      },
      trust: async (persist) => {
        const phase = get().session?.phase;
        if (!phase || (phase.kind !== 'trust' && phase.kind !== 'changed') || phase.busy) return;
        setPhase({ ...phase, busy: true });
        const { key, presented } = phase.inspection;
        const accepted = await api.invoke('trust.accept', { key, fingerprint: presented.fingerprint256, persist });
        if (!accepted.ok) return show(accepted);
        show(await attempt());
      },
      submitCredentials: async (username, password) => {
        const phase = get().session?.phase;
        if (!phase || phase.kind !== 'credentials' || phase.busy) return;
        setPhase({ ...phase, username, busy: true, error: undefined });
        const saved = await api.invoke('secrets.setProxyPassword', { endpointId: phase.endpointId, username, password });
        if (!saved.ok) return setPhase({ ...phase, username, busy: false, error: saved.error.message });
        show(await attempt(), true);
      },
      dismiss: () => set({ session: null }),
      onStep: (desktopId, step) => {
        const session = get().session;
        if (!session || session.desktopId !== desktopId || session.phase.kind !== 'progress') return;
        set({ session: { ...session, steps: { ...session.steps, [step.id]: step } } });
      },
      onConnecting: (desktopId, step) => {
        const session = get().session;
        if (!session || session.desktopId !== desktopId || session.phase.kind !== 'progress') return;
        set({ session: { ...session, activeStep: step } });
      },
    };
  });
}
