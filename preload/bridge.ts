/**
 * What the preload exposes as `window.launcher`: plain functions over two IPC channels,
 * never ipcRenderer itself. Channel and event names are checked against the contract here
 * too, so a typo fails fast in the page; main validates everything again.
 */
import type { Channel, EventName, Events, LauncherApi, Request, Responses, Result } from './contract/api';
import { CHANNELS, EVENT_NAMES } from './contract/names';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from './ipc-names';

/** The slice of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

export function createPreloadApi(ipc: IpcRendererLike): LauncherApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let subscribed = false;
  const deliver = (_event: unknown, message: unknown) => {
    const { event, payload } = (message ?? {}) as { event?: EventName; payload?: unknown };
    for (const listener of event ? (listeners.get(event) ?? []) : []) listener(payload as never);
  };

  return Object.freeze({
    mode: 'electron' as const,
    invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Responses[C]>> {
      if (typeof channel !== 'string' || !(CHANNELS as readonly string[]).includes(channel)) {
        return Promise.resolve({ ok: false, error: { code: 'INVALID_INPUT', message: `unknown channel "${String(channel)}"` } });
      }
      return ipc.invoke(INVOKE_CHANNEL, channel, request) as Promise<Result<Responses[C]>>;
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown event "${String(event)}"`);
      if (typeof listener !== 'function') throw new Error('listener must be a function');
      if (!subscribed) {
        ipc.on(EVENT_CHANNEL, deliver);
        subscribed = true;
      }
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },
  });
}
