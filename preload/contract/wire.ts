/**
 * Browser mode's wire format: the page and the Node host speak JSON over one WebSocket at
 * WIRE_PATH (the host checks the session cookie on the upgrade). Each call carries an id;
 * the answer carries the same id. Events are pushed without an id.
 */
import { z } from 'zod';
import type { Channel, EventName, Events, Result } from './api';

export const WIRE_PATH = '/api';

/** client → server */
export interface WireRequest {
  id: number;
  channel: Channel;
  request: unknown;
}
/** server → client: the answer to one call. */
export interface WireResponse {
  id: number;
  result: Result<unknown>;
}
/** server → client: a pushed event. */
export interface WireEvent<E extends EventName = EventName> {
  event: E;
  payload: Events[E];
}
export type WireServerMessage = WireResponse | WireEvent;

/** The host's first check of a frame; the channel and request are validated by parseRequest. */
export const WireRequestSchema = z
  .object({ id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), channel: z.string().min(1).max(64), request: z.unknown() })
  .strict();

/** What a pending call gets when the socket drops before its answer arrives. */
export const LOST_CONNECTION = { code: 'INTERNAL', message: 'lost connection to the launcher' } as const;
