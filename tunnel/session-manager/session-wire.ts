/**
 * The Broker's Session objects (the definition's `Session`, every field optional) read into the
 * launcher's SessionSummary. Defensive on purpose: the definition types everything optional, a
 * newer or older Broker may leave fields out or send them with another JSON type, and one odd
 * session must not cost the user the other 4,999. What cannot be read becomes a neutral value
 * ('' or undefined); only a session without an Id is dropped (nothing could open it).
 */
import type { components } from './api/broker-api.generated';
import type { SessionServer, SessionSummary } from './types';

type Schemas = components['schemas'];
/** A wire object whose fields may not have the types the definition promises. */
type Untrusted<T> = { [K in keyof T]?: unknown };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const nonNegativeInt = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined);

/** A TCP port from a number or a decimal string (Server.Port is a string on the wire, Endpoints[].Port an integer). */
export function portOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d{1,5}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** `[{Key, Value}]` → `{Key: Value}`; entries without a string Key are left out, a missing Value is ''. */
export function tagsOf(v: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!Array.isArray(v)) return tags;
  for (const pair of v as unknown[]) {
    if (!isRecord(pair)) continue;
    const { Key, Value } = pair as Untrusted<Schemas['KeyValuePair']>;
    if (typeof Key !== 'string' || Key === '') continue;
    tags[Key] = typeof Value === 'string' ? Value : '';
  }
  return tags;
}

function serverOf(v: unknown): SessionServer {
  const s: Untrusted<Schemas['Server']> = isRecord(v) ? v : {};
  const endpoints: SessionServer['endpoints'] = [];
  for (const e of Array.isArray(s.Endpoints) ? (s.Endpoints as unknown[]) : []) {
    if (!isRecord(e)) continue;
    const wire = e as Untrusted<Schemas['Endpoint']>;
    const port = portOf(wire.Port);
    const address = text(wire.IpAddress);
    if (port === undefined || !address) continue;
    endpoints.push({ address, port, protocol: text(wire.Protocol) ?? '', webUrlPath: text(wire.WebUrlPath) ?? '/' });
  }
  const server: SessionServer = {
    ip: text(s.Ip) ?? '',
    hostname: text(s.Hostname) ?? '',
    webUrlPath: text(s.WebUrlPath) || '/',
    endpoints,
    tags: tagsOf(s.Tags),
  };
  const id = text(s.Id);
  if (id) server.id = id;
  const dns = text(s.DefaultDnsName);
  if (dns) server.defaultDnsName = dns;
  const port = portOf(s.Port);
  if (port !== undefined) server.port = port;
  return server;
}

/** One wire Session, or undefined when it has no usable Id. */
export function sessionFromWire(v: unknown): SessionSummary | undefined {
  if (!isRecord(v)) return undefined;
  const s = v as Untrusted<Schemas['Session']>;
  const id = text(s.Id);
  if (!id) return undefined;
  const summary: SessionSummary = {
    id,
    name: text(s.Name) ?? '',
    owner: text(s.Owner) ?? '',
    type: text(s.Type) ?? '',
    state: text(s.State) || 'UNKNOWN',
    server: serverOf(s.Server),
  };
  const optional: Array<[keyof SessionSummary, string | number | undefined]> = [
    ['substate', text(s.Substate) || undefined],
    ['stateReason', text(s.StateReason) || undefined],
    ['creationTime', text(s.CreationTime) || undefined],
    ['lastDisconnectionTime', text(s.LastDisconnectionTime) || undefined],
    ['numOfConnections', nonNegativeInt(s.NumOfConnections)],
    ['maxConcurrentClients', nonNegativeInt(s.MaxConcurrentClients)],
  ];
  for (const [key, value] of optional) if (value !== undefined) Object.assign(summary, { [key]: value });
  return summary;
}

/** Every readable session of a list, and how many were dropped. */
export function sessionsFromWire(v: unknown): { sessions: SessionSummary[]; skipped: number } {
  const sessions: SessionSummary[] = [];
  let skipped = 0;
  for (const item of Array.isArray(v) ? (v as unknown[]) : []) {
    const s = sessionFromWire(item);
    if (s) sessions.push(s);
    else skipped++;
  }
  return { sessions, skipped };
}
