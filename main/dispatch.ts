/**
 * One request from a renderer, served the same way by both shells (Electron IPC and the
 * browser-mode WebSocket): validate the payload against the contract, call the handler,
 * and turn every exception into an INTERNAL result. Stack traces stay in main's log.
 */
import { parseRequest, type ApiError, type Channel, type Handlers, type Result } from '../preload/contract/api';

export type DispatchLog = (message: string, error: unknown) => void;

const defaultLog: DispatchLog = (message, error) => console.error(message, error);

export async function dispatch(handlers: Handlers, channel: unknown, payload: unknown, log: DispatchLog = defaultLog): Promise<Result<unknown>> {
  if (typeof channel !== 'string') return failure({ code: 'INVALID_INPUT', message: 'channel must be a string' });
  const parsed = parseRequest(channel, payload);
  if (!parsed.ok) return parsed;
  const handler = handlers[channel as Channel] as (request: unknown) => Promise<Result<unknown>>;
  try {
    return await handler(parsed.value);
  } catch (e) {
    log(`[dispatch] ${channel} threw`, e);
    return failure({ code: 'INTERNAL', message: `${channel} failed inside the launcher (details are in its log)` });
  }
}

export function failure(error: ApiError): Result<never> {
  return { ok: false, error };
}
