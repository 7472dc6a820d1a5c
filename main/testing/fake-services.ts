import type { EventName, Handlers, LauncherServices } from '../../preload/contract/api';

/** A test's own handlers by channel; each gets the request as dispatched. */
export type FakeHandlers = Partial<Record<keyof Handlers, (request: any) => Promise<unknown>>>;

/**
 * Test-only: LauncherServices made of plain functions (the given handlers, an in-memory set of
 * subscribers), for the shell and browser-host tests that need no real services behind them.
 */
export function fakeServices(handlers: FakeHandlers = {}) {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  const services: LauncherServices = {
    handlers: handlers as unknown as Handlers,
    subscribe(listener) {
      const l = listener as (event: EventName, payload: unknown) => void;
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close: async () => {},
  };
  /** Sends an event to every subscriber, as the services do. */
  const emit = (event: EventName, payload: unknown) => listeners.forEach((l) => l(event, payload));
  return { services, emit, listeners };
}
