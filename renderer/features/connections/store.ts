import { createStore } from 'zustand/vanilla';
import type { ConnectionInfo, Events, LauncherApi } from '../../../preload/contract/api';

export const SAMPLE_LIMIT = 60;

export interface Sample {
  at: number;
  rttMs: number | null;
  /** Bytes per second since the previous sample; null for the first. */
  upBps: number | null;
  downBps: number | null;
  bytesUp: number;
  bytesDown: number;
}

export interface ConnectionsState {
  list: ConnectionInfo[];
  samples: Record<string, Sample[]>;
  refresh(): Promise<void>;
  close(desktopId: string): Promise<void>;
  onChanged(info: ConnectionInfo): void;
  onStats(event: Events['connection.stats']): void;
}

/** Is this desktop's tunnel up (open, or getting back up)? */
export function isLive(list: readonly ConnectionInfo[], desktopId: string): boolean {
  return list.some((c) => c.desktopId === desktopId && (c.state.kind === 'open' || c.state.kind === 'reconnecting'));
}

export function nextSample(previous: Sample | undefined, event: Events['connection.stats']): Sample {
  const { bytesUp, bytesDown } = event.stats;
  const seconds = previous ? (event.at - previous.at) / 1000 : 0;
  // A counter going backwards means the tunnel restarted: no rate for that interval.
  const rate = (now: number, before: number | undefined) =>
    previous && seconds > 0 && before !== undefined && now >= before ? (now - before) / seconds : null;
  return {
    at: event.at,
    rttMs: event.rttMs,
    upBps: rate(bytesUp, previous?.bytesUp),
    downBps: rate(bytesDown, previous?.bytesDown),
    bytesUp,
    bytesDown,
  };
}

export function createConnectionsStore(api: LauncherApi) {
  return createStore<ConnectionsState>()((set, get) => ({
    list: [],
    samples: {},
    refresh: async () => {
      const result = await api.invoke('connection.list', {});
      if (result.ok) set({ list: result.value.filter((c) => c.state.kind !== 'closed') });
    },
    close: async (desktopId) => {
      const result = await api.invoke('connection.close', { desktopId });
      if (result.ok) await get().refresh();
    },
    onChanged: (info) => {
      const others = get().list.filter((c) => c.desktopId !== info.desktopId);
      if (info.state.kind === 'closed') {
        const { [info.desktopId]: _dropped, ...samples } = get().samples;
        set({ list: others, samples });
      } else {
        const at = get().list.findIndex((c) => c.desktopId === info.desktopId);
        set({ list: at < 0 ? [...others, info] : get().list.map((c, i) => (i === at ? info : c)) });
      }
    },
    onStats: (event) => {
      const { samples, list } = get();
      const history = samples[event.desktopId] ?? [];
      const sample = nextSample(history[history.length - 1], event);
      set({
        samples: { ...samples, [event.desktopId]: [...history, sample].slice(-SAMPLE_LIMIT) },
        list: list.map((c) => (c.desktopId === event.desktopId ? { ...c, stats: event.stats } : c)),
      });
    },
  }));
}
