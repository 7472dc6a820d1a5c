/**
 * Where a socket landed and how: what a simulated agent saw on each upgraded socket, kept out
 * of the wire on purpose — DCV's messages carry only DCV's fields.
 *
 * Every simulator records its sockets in `stats().sockets`. Sockets that got a confirm are also
 * registered here by the id the confirm carried (connectionId of a main connection,
 * channelConnectionId of a channel), and ids come from one process-wide counter, so the Node
 * client helpers (protocol.ts) can hand a test the landing of the socket they just opened.
 * This only works when the simulator runs in the same process as the test (it does wherever a
 * test asserts on landings); for a simulator in a child process (the benchmark's) `landingOf`
 * finds nothing.
 */
import { randomInt } from 'node:crypto';

export interface Landing {
  /** The agent's name (the simulator's `name`). */
  agent: string;
  /** Which socket: <base>auth or <base>ws. */
  socket: 'auth' | 'ws';
  /** What the agent saw on the upgrade: the path (no query), the query ('' when none), Host and Origin. */
  path: string;
  query: string;
  host: string;
  origin: string;
  /** /ws: what the first message asked for — 'main' for a connectionRequest, else its channelName. */
  channel?: string;
  sessionId?: string;
  /** /ws: whether the first message carried a non-empty authenticationToken. */
  tokenPresent?: boolean;
  /** The main connection's id: the one confirmed (main), or the one a channel request named. */
  connectionId?: number;
  /** A confirmed channel's id. */
  channelConnectionId?: number;
  /**
   * How the first exchange ended: 'confirmed' or an abort reason name (e.g. 'INVALID_SESSION_ID')
   * on /ws; 'OK', 'FAIL' or 'REJECT' (the last result) on /auth; absent while pending.
   */
  outcome?: string;
}

// Random start: ids of simulators in other processes (the benchmark's) are unlikely to meet ours.
let last = randomInt(1, 2 ** 30);

/** A fresh id for a connection or channel, unique in this process (a uint32, never 0). */
export function nextId(): number {
  last = last >= 0xffff_fff0 ? 1 : last + 1;
  return last;
}

const LIMIT = 10_000;
const registry = new Map<number, Landing>();

export function recordLanding(id: number, landing: Landing): void {
  registry.set(id, landing);
  if (registry.size > LIMIT) registry.delete(registry.keys().next().value as number);
}

/** A copy of the landing registered under a confirm's id, when that simulator runs in this process. */
export function landingOf(id: number): Landing | undefined {
  const l = registry.get(id);
  return l && { ...l };
}
