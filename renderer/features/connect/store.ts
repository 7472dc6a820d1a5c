/**
 * One Connect at a time, driven through every answer main can give. Each user decision
 * (trust, credentials, a client password) leads to exactly one new attempt: nothing here loops.
 *
 * A job is what the attempt asks of main: open a desktop or session; list a Session Manager
 * source's sessions (its Broker may first need trust or a password); or create a new session,
 * follow it until READY, then open it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { DiagnosisStep, Failure, LauncherApi, NeedsUser, OpenResult, Result, SessionView, SourceStatus, TrustInspection } from '../../../preload/contract/api';
import type { CatalogueState } from '../catalogue/store';
import { isLive, type ConnectionsState } from '../connections/store';
import type { SessionsState } from '../sessions/store';
import type { DesktopTabs } from './tabs';

export type Opened = Extract<OpenResult, { kind: 'opened' }>;
export type { Failure };

export type Job =
  | { kind: 'open'; desktopId: string; profileId?: string; viewer?: boolean }
  | { kind: 'refresh'; sourceId: string }
  | { kind: 'create'; sourceId: string; name?: string };

export type Phase =
  /** A deep link asked to open a desktop: nothing happens until the user confirms (any program or page can send a link). */
  | { kind: 'confirm-link' }
  | { kind: 'progress' }
  | { kind: 'trust'; inspection: TrustInspection; busy: boolean }
  | { kind: 'changed'; inspection: TrustInspection; busy: boolean }
  | { kind: 'credentials'; endpointId: string; proxy: string; username?: string; rejected: boolean; busy: boolean; error?: string }
  | { kind: 'client-password'; sourceId: string; clientId: string; rejected: boolean; busy: boolean; error?: string }
  /** A new session the Broker is creating: followed until READY, then opened. */
  | { kind: 'creating'; session: SessionView }
  | { kind: 'opened'; result: Opened; tabOpened: boolean }
  /** Browser mode: the desktop is open in a tab already; it was brought forward. */
  | { kind: 'already-open' }
  | { kind: 'failed'; failure: Failure };

export interface ConnectSession {
  job: Job;
  /** The desktop (or session key) whose steps this attempt shows; '' while no desktop is involved. */
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
  /** A deep link (the shell's connect.request): shows what it would open and waits for acceptLink. */
  confirmLink(desktopId: string, profileId?: string): void;
  /** The user confirmed the link: its Connect runs. */
  acceptLink(): Promise<void>;
  /** Open it in DCV Viewer: a tunnel the native client may use, and the .dcv file handed to it. */
  openInViewer(desktopId: string): Promise<void>;
  /** List a source's sessions, going through whatever its Broker needs first (trust, a password). */
  refreshSource(sourceId: string): Promise<void>;
  /** Create a session from the source's template, follow it to READY, open it. */
  createSession(sourceId: string, name?: string): Promise<void>;
  /** First-use or changed certificate: pin it, then try again. */
  trust(persist: boolean): Promise<void>;
  submitCredentials(username: string, password: string): Promise<void>;
  submitClientPassword(password: string): Promise<void>;
  dismiss(): void;
  onStep(desktopId: string, step: DiagnosisStep): void;
  onConnecting(desktopId: string, step: string): void;
  /** A source's list changed: a session being created may be READY now (or gone). */
  onSessions(status: SourceStatus): void;
  /** Browser mode: open the desktop again in its tab (a new launch), though it is open. */
  reopen(): Promise<void>;
  /** Main renewed a session's token: its tab goes to the new launch URL. */
  onRelaunch(desktopId: string, launchUrl: string): void;
  /** Browser mode: which desktops have a tab open (looked at every few seconds). */
  openTabs: Record<string, true>;
  refreshTabs(): void;
}

export interface ConnectDeps {
  api: LauncherApi;
  catalogue: StoreApi<CatalogueState>;
  sessions: StoreApi<SessionsState>;
  connections: StoreApi<ConnectionsState>;
  /** Browser mode's desktop tabs. */
  tabs: DesktopTabs;
}

/** What one attempt came back with, whatever the job. */
type Answer = OpenResult | { kind: 'listed' } | { kind: 'creating'; session: SessionView };

export function createConnectStore({ api, catalogue, sessions, connections, tabs }: ConnectDeps) {
  return createStore<ConnectState>()((set, get) => {
    const setPhase = (phase: Phase) => {
      const session = get().session;
      if (session) set({ session: { ...session, phase } });
    };

    async function ask(job: Job): Promise<Result<Answer>> {
      switch (job.kind) {
        case 'open': {
          const request = { desktopId: job.desktopId, ...(job.profileId ? { profileId: job.profileId } : {}), ...(job.viewer ? { viewer: true } : {}) };
          // Recents and the status dot arrive as catalogue.changed once the recent is saved: no
          // reload of the whole list here, while the desktop's tab starts.
          return api.invoke('connection.open', request);
        }
        case 'refresh': {
          const result = await api.invoke('sessions.refresh', { sourceId: job.sourceId });
          if (!result.ok) return result;
          sessions.getState().onChanged(result.value);
          return { ok: true, value: result.value.problem ?? { kind: 'listed' } };
        }
        case 'create':
          return api.invoke('sessions.create', { sourceId: job.sourceId, ...(job.name ? { name: job.name } : {}) });
      }
    }

    async function attempt(): Promise<Result<Answer>> {
      const session = get().session;
      if (!session) return { ok: false, error: { code: 'INTERNAL', message: 'no connect in progress' } };
      set({ session: { ...session, phase: { kind: 'progress' }, steps: {}, activeStep: undefined } });
      return ask(session.job);
    }

    function needs(r: NeedsUser, afterCredentials: boolean): Phase {
      switch (r.kind) {
        case 'needs-trust':
          return { kind: 'trust', inspection: r.inspection, busy: false };
        case 'certificate-changed':
          return { kind: 'changed', inspection: r.inspection, busy: false };
        case 'needs-proxy-credentials':
          return { kind: 'credentials', endpointId: r.endpointId, proxy: r.proxy, username: r.username, rejected: afterCredentials || r.reason === 'rejected', busy: false };
        case 'needs-client-password':
          return { kind: 'client-password', sourceId: r.sourceId, clientId: r.clientId, rejected: afterCredentials || r.reason === 'rejected', busy: false };
      }
    }

    function show(result: Result<Answer>, afterCredentials = false): void {
      if (!get().session) return;
      if (!result.ok) return setPhase({ kind: 'failed', failure: { code: result.error.code, step: 'open', message: result.error.message } });
      const r = result.value;
      switch (r.kind) {
        case 'opened': {
          const session = get().session;
          if (!session) return;
          // An open tab for the desktop goes to the new launch; otherwise a new tab.
          const tabOpened =
            api.mode === 'browser' && r.openIn !== 'dcv-file' ? tabs.navigate(session.desktopId, r.launchUrl) || tabs.open(session.desktopId, r.launchUrl) : false;
          // Either way a new tab took the launch and came forward by itself (no focus() here: it
          // costs the launcher's page a synchronous layout while the desktop starts).
          get().refreshTabs();
          return setPhase({ kind: 'opened', result: r, tabOpened });
        }
        case 'listed':
          return set({ session: null });
        case 'creating': {
          const session = get().session;
          if (session) set({ session: { ...session, desktopId: r.session.key, phase: { kind: 'creating', session: r.session } } });
          return;
        }
        case 'failed': {
          const { kind: _kind, ...failure } = r;
          return setPhase({ kind: 'failed', failure });
        }
        default:
          return setPhase(needs(r, afterCredentials));
      }
    }

    async function begin(job: Job, desktopId = '', profileId?: string): Promise<void> {
      set({ session: { job, desktopId, ...(profileId ? { profileId } : {}), phase: { kind: 'progress' }, steps: {} } });
      show(await attempt());
    }

    /** The new session is READY: the same dialog goes on to open it. */
    async function openCreated(key: string): Promise<void> {
      const session = get().session;
      if (!session) return;
      set({ session: { ...session, job: { kind: 'open', desktopId: key }, desktopId: key } });
      show(await attempt());
    }

    return {
      session: null,
      start: async (desktopId, profileId) => {
        // Browser mode: a live desktop already in a tab comes forward instead of opening twice
        // (a tab left over from a closed connection gets a new launch instead).
        if (api.mode === 'browser' && !profileId && isLive(connections.getState().list, desktopId) && tabs.isOpen(desktopId) && tabs.focus(desktopId)) {
          return set({ session: { job: { kind: 'open', desktopId }, desktopId, phase: { kind: 'already-open' }, steps: {} } });
        }
        return begin({ kind: 'open', desktopId, ...(profileId ? { profileId } : {}) }, desktopId, profileId);
      },
      confirmLink: (desktopId, profileId) =>
        set({ session: { job: { kind: 'open', desktopId, ...(profileId ? { profileId } : {}) }, desktopId, ...(profileId ? { profileId } : {}), phase: { kind: 'confirm-link' }, steps: {} } }),
      acceptLink: async () => {
        const session = get().session;
        if (!session || session.phase.kind !== 'confirm-link') return;
        show(await attempt());
      },
      reopen: async () => {
        const session = get().session;
        if (!session || session.phase.kind !== 'already-open') return;
        show(await attempt());
      },
      onRelaunch: (desktopId, launchUrl) => {
        if (api.mode === 'browser') tabs.navigate(desktopId, launchUrl);
      },
      openTabs: {},
      refreshTabs: () => {
        const open: Record<string, true> = {};
        for (const c of Object.keys(get().openTabs)) if (tabs.isOpen(c)) open[c] = true;
        const session = get().session;
        if (session && tabs.isOpen(session.desktopId)) open[session.desktopId] = true;
        if (JSON.stringify(open) !== JSON.stringify(get().openTabs)) set({ openTabs: open });
      },
      openInViewer: (desktopId) => begin({ kind: 'open', desktopId, viewer: true }, desktopId),
      refreshSource: (sourceId) => begin({ kind: 'refresh', sourceId }),
      createSession: (sourceId, name) => begin({ kind: 'create', sourceId, ...(name ? { name } : {}) }),
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
        const saved = await api.invoke('secrets.setProxyPassword', { endpointId: phase.endpointId, username, password, proxy: phase.proxy });
        if (!saved.ok) return setPhase({ ...phase, username, busy: false, error: saved.error.message });
        show(await attempt(), true);
      },
      submitClientPassword: async (password) => {
        const phase = get().session?.phase;
        if (!phase || phase.kind !== 'client-password' || phase.busy) return;
        setPhase({ ...phase, busy: true, error: undefined });
        const saved = await api.invoke('source.setClientPassword', { sourceId: phase.sourceId, password });
        if (!saved.ok) return setPhase({ ...phase, busy: false, error: saved.error.message });
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
      onSessions: (status) => {
        const session = get().session;
        if (!session || session.phase.kind !== 'creating' || session.phase.session.sourceId !== status.sourceId) return;
        const now = status.sessions.find((s) => s.key === session.desktopId);
        if (!now) return;
        const state = now.state.toUpperCase();
        if (state === 'READY') return void openCreated(now.key);
        if (state === 'DELETED' || state === 'UNKNOWN' || now.gone) {
          return setPhase({
            kind: 'failed',
            failure: { code: 'SESSION_CREATE_FAILED', step: 'broker', message: now.stateReason ?? state, params: { name: now.name, reason: now.stateReason ?? state } },
          });
        }
        set({ session: { ...session, phase: { kind: 'creating', session: now } } });
      },
    };
  });
}
