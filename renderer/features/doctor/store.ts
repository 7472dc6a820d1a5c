import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiError, LauncherApi, ProxyExplanation, Result } from '../../../preload/contract/api';
import type { Diagnosis, DiagnosisStep } from '../../../preload/contract/api';
import type { CatalogueState } from '../catalogue/store';
import { findSession, type SessionsState } from '../sessions/store';

export interface DoctorState {
  desktopId: string | null;
  running: boolean;
  /** Live while running (doctor.step events), then the diagnosis' own steps. */
  steps: DiagnosisStep[];
  diagnosis: Diagnosis | null;
  error: ApiError | null;
  proxy: ProxyExplanation | null;
  proxyError: ApiError | null;
  select(desktopId: string | null): void;
  run(desktopId?: string): Promise<void>;
  report(format: 'markdown' | 'json'): Promise<Result<{ fileName: string; text: string }>>;
  onStep(desktopId: string, step: DiagnosisStep): void;
}

const EMPTY = { running: false, steps: [], diagnosis: null, error: null, proxy: null, proxyError: null };

/** The endpoint a desktop or a Broker session is reached through (for the proxy explainer). */
function endpointOf(id: string, catalogue: CatalogueState, sessions: SessionsState): string | undefined {
  const c = catalogue.view?.catalogue;
  const desktop = c?.desktops.find((d) => d.id === id);
  if (desktop) return desktop.endpointId;
  const sourceId = findSession(sessions.bySource, id)?.sourceId ?? c?.sessionMarks.find((m) => m.key === id)?.sourceId;
  return c?.sources.find((x) => x.id === sourceId)?.endpointId;
}

export function createDoctorStore(api: LauncherApi, catalogue: StoreApi<CatalogueState>, sessions: StoreApi<SessionsState>) {
  return createStore<DoctorState>()((set, get) => ({
    desktopId: null,
    ...EMPTY,
    select: (desktopId) => {
      if (desktopId !== get().desktopId) set({ desktopId, ...EMPTY });
    },
    run: async (id) => {
      const desktopId = id ?? get().desktopId;
      if (!desktopId) return;
      set({ desktopId, ...EMPTY, running: true });
      const endpointId = endpointOf(desktopId, catalogue.getState(), sessions.getState());
      const [diagnosis, proxy] = await Promise.all([
        api.invoke('doctor.run', { desktopId }),
        endpointId ? api.invoke('doctor.explainProxy', { endpointId }) : Promise.resolve(null),
      ]);
      if (get().desktopId !== desktopId) return;
      set({
        running: false,
        diagnosis: diagnosis.ok ? diagnosis.value : null,
        steps: diagnosis.ok ? diagnosis.value.steps : get().steps,
        error: diagnosis.ok ? null : diagnosis.error,
        proxy: proxy?.ok ? proxy.value : null,
        proxyError: proxy && !proxy.ok ? proxy.error : null,
      });
      // The status dot follows the latest diagnosis.
      void catalogue.getState().load();
    },
    report: async (format) => {
      const desktopId = get().desktopId;
      if (!desktopId) return { ok: false, error: { code: 'INVALID_INPUT', message: 'no desktop selected' } };
      return api.invoke('doctor.report', { desktopId, format });
    },
    onStep: (desktopId, step) => {
      const s = get();
      if (!s.running || s.desktopId !== desktopId) return;
      set({ steps: [...s.steps.filter((x) => x.id !== step.id), step] });
    },
  }));
}
