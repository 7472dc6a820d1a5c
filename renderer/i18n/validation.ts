/**
 * Field errors come from the model's zod schemas, in English: client-side from a safeParse,
 * server-side in ApiError.fields. Known messages are translated; anything else is shown as is.
 */
import type { z } from 'zod';
import type { MessageKey, T } from './translate';

const KNOWN: Record<string, MessageKey> = {
  required: 'v.required',
  'must be 1–64 letters, digits, "-" or "_"': 'v.id',
  'not a valid host name or IP address': 'v.host',
  'not an IP address': 'v.ip',
  'must be a whole number': 'v.int',
  'must be 1–65535': 'v.port',
  'must be printable ASCII without line breaks': 'v.ascii',
  'must be a plain path like /dcv/ (no "..", encoded "/" or ".", "\\", "?" or "#")': 'v.path',
  'must be a PEM certificate bundle': 'v.pem',
  'must look like http://proxy.example.com:8080 (no user or password)': 'v.proxyUrl',
  'must look like https://name[:port]': 'v.origin',
  'must be an agent address or name': 'v.agent',
  'letters, digits and . _ ~ - only': 'v.sessionId',
};

export function translateFieldMessage(t: T, message: string): string {
  const key = KNOWN[message];
  return key ? t(key) : message;
}

function issueMessage(t: T, issue: z.core.$ZodIssue): string {
  if (KNOWN[issue.message]) return t(KNOWN[issue.message]);
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'number' ? t('v.number') : t('v.required');
    case 'too_small':
      return issue.origin === 'string' && Number(issue.minimum) <= 1 ? t('v.required') : t('v.tooSmall', { min: String(issue.minimum) });
    case 'too_big':
      return t('v.tooBig', { max: String(issue.maximum) });
    default:
      return issue.message;
  }
}

/** Dotted path → translated message, first issue per field. */
export function fieldErrors(t: T, error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.') || '(root)';
    fields[key] ??= issueMessage(t, issue);
  }
  return fields;
}

export function translateServerFields(t: T, fields: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, translateFieldMessage(t, v)]));
}
