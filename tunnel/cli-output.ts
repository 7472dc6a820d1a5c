/**
 * What dcv-tunnel writes: with --json one object per line on stdout, else readable lines; errors
 * also go to stderr as one sentence. Secrets the process holds (a Session Manager connection
 * token, the Broker client's password) are scrubbed from every line as a last guard: nothing
 * should print them, and if a message ever quoted one, it still would not reach a log.
 */
import { isTunnelError } from './errors';
import { isBrokerError } from './session-manager/types';
import type { ProxyCredentials } from './types';

export interface Output {
  json: boolean;
  line(obj: Record<string, unknown>, text: string): void;
  error(code: string, message: string, extra?: Record<string, unknown>): void;
  /** Scrub this value (and its URL-encoded form) from everything written from now on. */
  secret(value: string | undefined): void;
}

export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Shorter values are not scrubbed: replacing "a" everywhere would mangle the output and hide nothing. */
const MIN_SECRET_LENGTH = 8;

export function output(json: boolean, streams: Streams = process): Output {
  const secrets = new Set<string>();
  const scrub = (text: string): string => {
    let out = text;
    for (const s of secrets) out = out.split(s).join('[redacted]');
    return out;
  };
  return {
    json,
    line: (obj, text) => void streams.stdout.write(scrub(json ? JSON.stringify(obj) : text) + '\n'),
    error: (code, message, extra = {}) => {
      if (json) streams.stdout.write(scrub(JSON.stringify({ event: 'error', code, message, ...extra })) + '\n');
      streams.stderr.write(scrub(`dcv-tunnel: ${code === 'USAGE' ? '' : `${code}: `}${message}`) + '\n');
    },
    secret: (value) => {
      if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
      secrets.add(value);
      secrets.add(encodeURIComponent(value));
      // JSON.stringify would escape some characters: scrub that form as well.
      secrets.add(JSON.stringify(value).slice(1, -1));
    },
  };
}

/** A proxy password, and the Basic credentials it travels in, are scrubbed like the other secrets. */
export function keepProxySecret(out: Output, credentials: ProxyCredentials | undefined): void {
  if (!credentials) return;
  out.secret(credentials.password);
  out.secret(Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64'));
}

/**
 * A failure as its stable code and English message: a BrokerError's code (with the dial's code as
 * `cause` when the Broker could not be reached, so a pin mismatch or a 407 can be told apart), a
 * TunnelError's code, or `fallback` for anything else.
 */
export function failureOf(e: unknown, fallback: string): { code: string; message: string; extra: Record<string, unknown> } {
  if (isBrokerError(e)) {
    const cause = isTunnelError(e.cause) ? { cause: e.cause.code } : {};
    return { code: e.code, message: e.message, extra: cause };
  }
  if (isTunnelError(e)) return { code: e.code, message: e.message, extra: {} };
  return { code: fallback, message: e instanceof Error ? e.message : String(e), extra: {} };
}
