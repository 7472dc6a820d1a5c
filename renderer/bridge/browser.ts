/**
 * Browser mode: the page was served by the launcher's host on 127.0.0.1, which already set the
 * session cookie; every call and event travels over one WebSocket at /api. The socket comes
 * back with backoff when it drops; calls in flight at that moment fail rather than hang.
 */
import type { Channel, EventName, Events, LauncherApi, Request, Responses, Result } from '../../preload/contract/api';
import { LOST_CONNECTION, WIRE_PATH, type WireRequest, type WireServerMessage } from '../../preload/contract/wire';

export interface BrowserBridgeOptions {
  url?: string;
  WebSocketImpl?: typeof WebSocket;
  /** Delay before reconnect attempt n (1, 2, …). */
  backoffMs?: (attempt: number) => number;
}

export interface BrowserBridge extends LauncherApi {
  /** Stops reconnecting and closes the socket (tests, page unload). */
  dispose(): void;
}

type Settle = (result: Result<unknown>) => void;

export function apiUrl(href: string): string {
  const url = new URL(WIRE_PATH, href);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  return url.toString();
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 250 * 2 ** Math.min(attempt, 7));

export function createBrowserBridge(options: BrowserBridgeOptions = {}): BrowserBridge {
  const url = options.url ?? apiUrl(location.href);
  const WS = options.WebSocketImpl ?? WebSocket;
  const backoff = options.backoffMs ?? defaultBackoff;

  let socket: WebSocket | null = null;
  let opened = false;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  let nextId = 1;
  /** Sent, waiting for an answer. */
  const pending = new Map<number, Settle>();
  /** Not sent yet: the socket was connecting. */
  let queue: Array<{ message: WireRequest; settle: Settle }> = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();

  const lost = (): Result<never> => ({ ok: false, error: { ...LOST_CONNECTION } });

  function connect(): void {
    if (disposed || socket) return;
    retryTimer = null;
    opened = false;
    const ws = new WS(url);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      const waiting = queue;
      queue = [];
      for (const { message, settle } of waiting) send(message, settle);
    };
    ws.onmessage = (e: MessageEvent) => receive(e.data);
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      for (const settle of pending.values()) settle(lost());
      pending.clear();
      // A connect that never opened: the host is gone, so calls waiting for it fail now.
      if (!opened) {
        const waiting = queue;
        queue = [];
        for (const { settle } of waiting) settle(lost());
      }
      if (!disposed) {
        attempt += 1;
        retryTimer = setTimeout(connect, backoff(attempt));
      }
    };
  }

  function send(message: WireRequest, settle: Settle): void {
    if (!socket || socket.readyState !== WS.OPEN) {
      queue.push({ message, settle });
      if (!socket) {
        if (retryTimer) clearTimeout(retryTimer);
        connect();
      }
      return;
    }
    pending.set(message.id, settle);
    try {
      socket.send(JSON.stringify(message));
    } catch {
      pending.delete(message.id);
      settle(lost());
    }
  }

  function receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let message: WireServerMessage;
    try {
      message = JSON.parse(data) as WireServerMessage;
    } catch {
      return;
    }
    if ('id' in message && typeof message.id === 'number') {
      const settle = pending.get(message.id);
      pending.delete(message.id);
      settle?.(message.result);
    } else if ('event' in message) {
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload as never);
    }
  }

  connect();

  return {
    mode: 'browser',
    invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Responses[C]>> {
      if (disposed) return Promise.resolve(lost());
      const message: WireRequest = { id: nextId++, channel, request };
      return new Promise((resolve) => send(message, resolve as Settle));
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    dispose(): void {
      disposed = true;
      if (retryTimer) clearTimeout(retryTimer);
      const ws = socket;
      socket = null;
      for (const settle of pending.values()) settle(lost());
      pending.clear();
      for (const { settle } of queue) settle(lost());
      queue = [];
      ws?.close();
    },
  };
}
