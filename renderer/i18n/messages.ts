/**
 * Main's messages as data, worded here: a Message's code names `m.<code>`, a failure's code
 * `err.<code>`, in the user's language with the message's parameters. Main's English stays
 * available as the original, never as the main text. (Advice, summaries and route reasons are
 * worded by functions, in ./wording.)
 */
import type { Failure, Message, MessageParam } from '../../preload/contract/api';
import { isMessageKey, type MessageKey, type Params, type T } from './translate';

/** Parameters as the dictionaries take them: lists joined, nothing undefined. */
export function paramsOf(params: Record<string, MessageParam> | undefined): Params {
  const out: Params = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    out[k] = Array.isArray(v) ? v.join(', ') : v === null ? '' : typeof v === 'boolean' ? String(v) : v;
  }
  return out;
}

/** A message in the user's language; an unknown code still says something true (and which code). */
export function formatMessage(t: T, message: Message): string {
  const key = `m.${message.code}`;
  if (!isMessageKey(key)) return t('m.unknown', { code: message.code });
  const params = paramsOf(message.params);
  // The keychain is a code (`secret-service`): named in the user's language.
  const keychain = `keychain.${String(message.params?.keychain)}`;
  if (isMessageKey(keychain)) params.keychain = t(keychain);
  return t(key, params);
}

type Raw = Readonly<Record<string, MessageParam>>;

/**
 * Which wording of a code the params call for (`err.<CODE>.<variant>`): a 407 after credentials
 * were sent is a refusal, a proxy error with a status names it, a timeout says so.
 */
const VARIANTS: Partial<Record<string, (p: Raw) => string | undefined>> = {
  DNS_NOT_FOUND: (p) => (p.timeout === true ? 'timeout' : undefined),
  TCP_TIMEOUT: (p) => (p.timeout !== true && typeof p.errno === 'string' ? 'unreachable' : undefined),
  PROXY_AUTH_REQUIRED: (p) => (p.credentialsSent === true ? 'rejected' : undefined),
  PROXY_ERROR: (p) => (!p.proxy ? 'noRoute' : typeof p.proxyStatus === 'number' ? 'status' : p.timeout === true ? 'timeout' : undefined),
  TLS_HANDSHAKE_FAILED: (p) => (p.timeout === true ? 'timeout' : undefined),
  LISTEN_FAILED: (p) => (p.errno === 'EADDRINUSE' ? 'inUse' : undefined),
};

/** Params that are codes themselves, worded before they are placed: a Broker call, a session state, a server. */
function worded(t: T, p: Raw): Params {
  const out = paramsOf(p);
  const key = (k: string) => (isMessageKey(k) ? k : undefined);
  if (typeof p.operation === 'string' || p.operation === undefined) out.operation = t(key(`broker.op.${p.operation ?? ''}`) ?? 'broker.op.unknown');
  if (typeof p.state === 'string') {
    const state = key(`session.state.${p.state.toUpperCase()}`);
    out.state = state ? t(state) : p.state;
  }
  if (typeof p.ip === 'string' || typeof p.hostname === 'string') {
    const ip = typeof p.ip === 'string' ? p.ip : '';
    const name = typeof p.hostname === 'string' ? p.hostname : '';
    out.server = ip && name ? `${ip} (${name})` : ip || name;
  }
  return out;
}

/** A backtick inside a value must not end the <code> it is placed in. */
const safe = (v: string | number) => String(v).replace(/`/g, 'ˋ');

/**
 * Fills a failure's text: "`{x}`" becomes the value as code, "{x}" the value as it is, and a
 * missing value the noun that stands in for it (`err.param.<name>`) as plain words — with a
 * space next to it only where English words meet, never between Japanese ones.
 */
function fill(t: T, template: string, params: Params): string {
  const noun = (name: string) => t((isMessageKey(`err.param.${name}`) ? `err.param.${name}` : 'err.param.unknown') as MessageKey);
  const ascii = (ch: string | undefined) => ch !== undefined && /[\x21-\x7e]/.test(ch);
  const filled = template.replace(
    /( ?)(?:`\{(\w+)\}`|\{(\w+)\})( ?)/g,
    (whole: string, before: string, inCode: string | undefined, plain: string | undefined, after: string, offset: number, all: string) => {
      const name = (inCode ?? plain)!;
      const value = params[name];
      if (value !== undefined && value !== '') return `${before}${inCode ? `\`${safe(value)}\`` : safe(value)}${after}`;
      const prev = all[offset - 1];
      const next = all[offset + whole.length];
      const words = noun(name);
      if (words === '') return (before || after) && ascii(prev) && ascii(next) ? ' ' : '';
      const left = before && (ascii(prev) || ascii(words[0])) ? ' ' : '';
      const right = after && (ascii(next) || ascii(words[words.length - 1])) ? ' ' : '';
      return `${left}${words}${right}`;
    },
  );
  // A stand-in at the start of an English sentence; brackets and quotes left empty by a missing value.
  return filled
    .replace(/^[a-z]/, (c) => c.toUpperCase())
    .replace(/（）|\(\)| ?“”|「」/g, '');
}

/** What failed, in the user's language (technical tokens in backticks, for <Rich>). */
export function formatFailure(t: T, failure: Pick<Failure, 'code' | 'params'>): string {
  const base = `err.${failure.code}`;
  if (!isMessageKey(base)) return t('err.unknown', { code: failure.code });
  const params = failure.params ?? {};
  const variant = VARIANTS[failure.code]?.(params);
  const key = variant && isMessageKey(`${base}.${variant}`) ? `${base}.${variant}` : base;
  return fill(t, t(key as MessageKey), worded(t, params));
}

/**
 * English a failure carries as a param — a Broker's `error` text, a `reason` (the Broker's
 * FailureReason or StateReason, or a cause's code) — for showing as <code>, never in a sentence.
 */
export function failureProse(failure: Pick<Failure, 'params'>): string[] {
  const out: string[] = [];
  for (const name of ['error', 'reason']) {
    const v = failure.params?.[name];
    if (typeof v === 'string' && v !== '') out.push(v);
  }
  return out;
}
