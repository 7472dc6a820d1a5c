/**
 * What every wording table gets: the language's small helpers (a control's place, a choice's
 * label, a reason, a route, a date) and readers for a message's params. The tables are plain
 * functions (a code → a sentence), because the right sentence depends on the facts: a 407 with
 * or without credentials, a route that is DIRECT or a proxy, a session CREATING or DELETING.
 *
 * Text they return may mark technical tokens (hosts, dcv.conf lines, commands, codes) with
 * backticks: <Rich> shows those as <code>, so they are never read as sentences of the UI.
 */
import type { Message, MessageParam } from '../../../preload/contract/api';
import type { Place } from '../places';
import type { Lang, MessageKey, T } from '../translate';

export type P = Readonly<Record<string, MessageParam>>;
export type StepStatus = 'ok' | 'info' | 'warn' | 'fail' | 'skip';

export interface Words {
  readonly lang: Lang;
  t: T;
  /** A control by its place: the labels on the way to it, quoted as the language quotes them. */
  ui(place: Place): string;
  /** A choice's own label (an option, a button), quoted. */
  label(key: MessageKey): string;
  /** A reason message (route.*, says.*, …) as one or more sentences; '' for none. */
  reason(m: Message | null | undefined): string;
  /** The reason flattened into params under `key` (`because` = its code, `because.<name>` = its params). */
  nested(p: P, key: string): string;
  /** A route as PAC writes it ("PROXY proxy:8080; DIRECT"), as a phrase that follows "go". */
  route(route: string): string;
  /** A Broker call (token, describeSessions, …) in words. */
  op(operation: string | undefined): string;
  /** A diagnosis step's label ("Proxy"). */
  step(id: string): string;
  /** A Session Manager state (READY, CREATING, …) in words. */
  state(state: string | undefined): string;
  date(iso: string | undefined): string;
}

/** Technical text, shown as <code>: a backtick inside cannot end it early. */
export function code(value: string | number): string {
  return `\`${String(value).replace(/`/g, 'ˋ')}\``;
}

/** A param as text; undefined when absent, null or empty. */
export function str(p: P, key: string): string | undefined {
  const v = p[key];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? v.join(', ') : undefined;
  return undefined;
}

export function num(p: P, key: string): number | undefined {
  const v = p[key];
  return typeof v === 'number' ? v : undefined;
}

export function flag(p: P, key: string): boolean {
  return p[key] === true;
}

export function list(p: P, key: string): string[] {
  const v = p[key];
  return Array.isArray(v) ? v : typeof v === 'string' && v !== '' ? [v] : [];
}

/**
 * The reason carried flat under `key`: `{ because: 'route.env.proxy', 'because.variable': … }`
 * is the message `route.env.proxy {variable, …}`. Deeper reasons stay flat inside it
 * (`because.because` becomes its own `because`), so wording them is the same step again.
 */
export function unflatten(p: P, key: string): Message | undefined {
  const c = p[key];
  if (typeof c !== 'string' || c === '') return undefined;
  const prefix = `${key}.`;
  const params: Record<string, MessageParam> = {};
  for (const [k, v] of Object.entries(p)) if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
  return { code: c, params };
}

/** A host:port, with brackets for an IPv6 address. */
export function hostPort(host: string, port: number | string): string {
  return `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`;
}
