/**
 * What a Broker's (or token endpoint's) answer means, as a BrokerError: one table from status
 * and body to a stable code, plus the few readings of a body every caller needs. Messages are
 * English sentences built from plain facts; a body is quoted only as its short `error` text,
 * never as a dump.
 *
 * The statuses follow test/sim/broker*.ts, whose comments say what backs each one:
 * - 400 {"error":"Invalid input"} for a request the Broker refuses (the definition's 400);
 * - 401 {"error":"No authorization header" | "Invalid access token"} (status undocumented);
 * - 403 {"error":"Access Denied"}: the client may not do that;
 * - GetSessionConnectionData: 400 "The requested dcvSession does not exist" for an unknown
 *   session, 400 "The requested dcvSession is not ready (state …)" for one not READY (the
 *   latter's text is the simulator's own guess, so the client double-checks unclear 400s).
 */
import type { MessageParam } from '../messages';
import { formatHostPort } from '../proxy-list';
import type { HttpAnswer } from './broker-http';
import { BrokerError } from './types';

export interface Where {
  host: string;
  port: number;
}

/** Only the params that have a value: BrokerError params are plain values, never undefined. */
export function params(values: Record<string, MessageParam | undefined>): Record<string, MessageParam> {
  const kept: Record<string, MessageParam> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) kept[k] = v;
  return kept;
}

/** The parsed JSON of an answer, or BROKER_BAD_RESPONSE. */
export function jsonOf(answer: HttpAnswer, where: Where, what: string): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8')) as unknown;
  } catch {
    const type = typeof answer.headers['content-type'] === 'string' ? answer.headers['content-type'] : '(none)';
    throw new BrokerError('BROKER_BAD_RESPONSE', `${formatHostPort(where.host, where.port)} answered ${what} with something that is not JSON (Content-Type ${type})`, {
      ...where,
      status: answer.status,
      contentType: type,
    });
  }
}

export function badShape(where: Where, what: string, status: number): BrokerError {
  return new BrokerError('BROKER_BAD_RESPONSE', `${formatHostPort(where.host, where.port)} answered ${what} in a shape the Broker API does not have`, { ...where, status });
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The `error` text of a failure body (`{"error":"…"}`, the OAuth2 `error_description`, or
 * Spring's `{"error":"Bad Request","message":"…"}`), else the first line of a text body; at most
 * 200 printable characters, so a proxy's HTML page or a stack trace never ends up in a message.
 */
export function errorTextOf(answer: HttpAnswer): string | undefined {
  const text = answer.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const type = String(answer.headers['content-type'] ?? '');
    return /html/i.test(type) || /^\s*</.test(text) ? undefined : clean(text.trimStart().split(/\r?\n/)[0]);
  }
  if (!isRecord(parsed)) return undefined;
  const parts = [parsed.error, parsed.error_description, parsed.message].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  return parts.length > 0 ? clean([...new Set(parts)].join(': ')) : undefined;
}

function clean(text: string): string | undefined {
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  if (flat === '') return undefined;
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

type StatusCode = 'BROKER_INVALID_REQUEST' | 'BROKER_AUTH_FAILED' | 'BROKER_FORBIDDEN' | 'BROKER_ERROR';
/** 415 is how a Spring service refuses a body of the wrong media type: our request was wrong. */
const STATUS_CODES: Record<number, StatusCode> = { 400: 'BROKER_INVALID_REQUEST', 401: 'BROKER_AUTH_FAILED', 403: 'BROKER_FORBIDDEN', 415: 'BROKER_INVALID_REQUEST' };
const REASONS: Record<StatusCode, string> = {
  BROKER_INVALID_REQUEST: 'the Broker refused the request as invalid',
  BROKER_AUTH_FAILED: "the Broker refused a fresh access token; check the API client (register-api-client) and the Broker's authorization settings",
  BROKER_FORBIDDEN: 'this API client is not allowed to do that',
  BROKER_ERROR: 'the Broker failed',
};

/** A non-200 answer of an API call (after the 401 renewal, which the client does first). */
export function apiError(answer: HttpAnswer, where: Where, operation: string, extra: Record<string, MessageParam | undefined> = {}): BrokerError {
  const code: StatusCode = STATUS_CODES[answer.status] ?? 'BROKER_ERROR';
  const error = errorTextOf(answer);
  const said = error ? ` (${error})` : '';
  const at = formatHostPort(where.host, where.port);
  const why = code === 'BROKER_ERROR' && answer.status === 404 ? "is this the Broker's client API port?" : REASONS[code];
  return new BrokerError(code, `${operation} at ${at}: HTTP ${answer.status}${said}: ${why}`, params({ ...where, status: answer.status, error, operation, ...extra }), {
    status: answer.status,
  });
}

/** Classifies the text of a GetSessionConnectionData refusal; undefined when the text says neither. */
export function sessionRefusal(error: string | undefined): { code: 'SESSION_NOT_FOUND' } | { code: 'SESSION_NOT_READY'; state?: string } | undefined {
  if (!error) return undefined;
  if (/does not exist|not found|unknown session|no such session/i.test(error)) return { code: 'SESSION_NOT_FOUND' };
  const notReady = /not ready|not in (?:a )?ready state/i.exec(error);
  if (notReady) {
    const state = /state[\s:=]+([A-Z_]+)/.exec(error)?.[1];
    return state ? { code: 'SESSION_NOT_READY', state } : { code: 'SESSION_NOT_READY' };
  }
  return undefined;
}

export function sessionNotFound(where: Where, sessionId: string, extra: Record<string, MessageParam | undefined> = {}): BrokerError {
  return new BrokerError('SESSION_NOT_FOUND', `the Broker at ${formatHostPort(where.host, where.port)} knows no session "${sessionId}"`, params({ ...where, sessionId, ...extra }), {
    status: typeof extra.status === 'number' ? extra.status : undefined,
  });
}

export function sessionNotReady(where: Where, sessionId: string, state: string | undefined, extra: Record<string, MessageParam | undefined> = {}): BrokerError {
  const reason = typeof extra.reason === 'string' && extra.reason ? ` (${extra.reason})` : '';
  return new BrokerError(
    'SESSION_NOT_READY',
    `session "${sessionId}" is not ready yet${state ? `: it is ${state}` : ''}${reason}; try again when it is READY`,
    params({ ...where, sessionId, state, ...extra }),
    { status: typeof extra.status === 'number' ? extra.status : undefined },
  );
}
