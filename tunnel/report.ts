/**
 * A diagnosis as text to paste into a ticket, with secrets taken out.
 *
 * Two passes, because one can miss: the structure is walked (secret-named keys, URL userinfo,
 * authToken=…, Cookie/Authorization header text), and every secret seen on the way or passed in
 * is then searched for in the final text, in its raw, JSON-escaped and URL-encoded forms.
 */
import type { Diagnosis, DiagnosisStep } from './types';

export const REDACTED = '***';
/** What a token in a URL becomes where the doctor shows a request (`?authToken=[redacted]`): said where it was, not what. */
export const REDACTED_TOKEN = '[redacted]';

export interface ReportOptions {
  format: 'markdown' | 'json';
  /** Facts to include: app version, OS, endpoint settings… Redacted like the diagnosis. */
  context?: Record<string, unknown>;
  /** Strings that must never appear in the report (passwords, tokens the caller knows). */
  secrets?: string[];
}

/** Values of keys with these names are secrets as a whole. */
const SECRET_KEY = /pass(word|wd)?$|secret|token|^authorization$|^proxy-authorization$|credential/i;
const COOKIE_KEY = /^(set-?)?cookies?$/i;
/**
 * Too-short strings would shred the report if replaced everywhere ("a", "1"); they are still
 * removed wherever the walk finds them by name or shape.
 */
const MIN_SCAN_LENGTH = 4;

/**
 * "scheme://user:" up to the last "@" on the line that a host follows: a password written as it
 * is may hold "#", "/", "?", "@" and spaces, so its end is the last "@", not the first delimiter
 * (more is taken out when a line holds two URLs, never less).
 */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/?#]*):([^\r\n]*)@(?=[\w.[\]-])/gi;
/** Runs that may be base64: a proxy may send back `user:password` encoded (Basic). */
const BASE64_RUN = /[A-Za-z0-9+/]{8,}={0,2}/g;
const AUTH_TOKEN = /\b(authToken=)([^&#\s"'<>]+)/gi;
const HEADER_LINE = /\b(Cookie|Set-Cookie|Authorization|Proxy-Authorization)(\s*:\s*)([^\r\n"]+)/gi;

class Redactor {
  readonly found = new Set<string>();

  constructor(secrets: readonly string[]) {
    for (const s of secrets) this.note(s);
  }

  note(secret: string): void {
    if (secret) this.found.add(secret);
  }

  value(v: unknown, key = ''): unknown {
    if (typeof v === 'string') return this.byKey(key, v);
    if (Array.isArray(v)) return v.map((x) => this.value(x, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = this.value(x, k);
      return out;
    }
    return v;
  }

  private byKey(key: string, v: string): string {
    if (SECRET_KEY.test(key) && v !== '') {
      this.note(v);
      return REDACTED;
    }
    if (COOKIE_KEY.test(key)) return this.cookie(v);
    return this.text(v);
  }

  /** "a=1; b=2" and "a=1; Path=/; Secure" keep their names and attributes, lose their values. */
  private cookie(v: string): string {
    const parts = v.split(';');
    const attributes = /^\s*(path|domain|expires|max-age|secure|httponly|samesite|partitioned)\b/i;
    return parts
      .map((p, i) => {
        const eq = p.indexOf('=');
        if (eq < 0 || (i > 0 && attributes.test(p))) return p;
        this.note(p.slice(eq + 1).trim());
        return `${p.slice(0, eq + 1)}${REDACTED}`;
      })
      .join(';');
  }

  text(v: string): string {
    return v
      .replace(USERINFO, (_m, scheme: string, user: string, pass: string) => {
        this.note(pass);
        this.note(safeDecode(pass));
        return `${scheme}${user}:${REDACTED}@`;
      })
      .replace(AUTH_TOKEN, (_m, name: string, token: string) => {
        if (token === REDACTED_TOKEN) return `${name}${token}`;
        this.note(token);
        this.note(safeDecode(token));
        return `${name}${REDACTED}`;
      })
      .replace(HEADER_LINE, (_m, name: string, sep: string, value: string) => {
        if (/cookie/i.test(name)) return `${name}${sep}${this.cookie(value)}`;
        this.note(value.trim());
        // "Basic dXNlcjpwYXNz" → keep the scheme, it helps; lose the credentials.
        const scheme = /^\s*(\w+)\s+\S/.exec(value);
        return `${name}${sep}${scheme ? `${scheme[1]} ` : ''}${REDACTED}`;
      });
  }

  /** The final pass: any known secret still in the text, in any of the forms it could be written in. */
  scrub(out: string): string {
    const forms = new Set<string>();
    for (const s of this.found) {
      if (s.length < MIN_SCAN_LENGTH || s === REDACTED) continue;
      forms.add(s);
      forms.add(JSON.stringify(s).slice(1, -1));
      forms.add(encodeURIComponent(s));
      forms.add(Buffer.from(s).toString('base64'));
      // As a Markdown table cell writes it ("|" escaped, line breaks as spaces).
      forms.add(cell(s));
    }
    // Longest first, so a secret containing another is removed whole.
    for (const f of [...forms].sort((a, b) => b.length - a.length)) {
      if (f.length >= MIN_SCAN_LENGTH) out = out.split(f).join(REDACTED);
    }
    // A secret inside something encoded ("alice:<password>" as Basic credentials).
    const secrets = [...this.found].filter((s) => s.length >= MIN_SCAN_LENGTH && s !== REDACTED);
    if (secrets.length === 0) return out;
    return out.replace(BASE64_RUN, (run) => {
      const decoded = Buffer.from(run, 'base64').toString('latin1');
      const utf8 = Buffer.from(run, 'base64').toString('utf8');
      return secrets.some((s) => decoded.includes(s) || utf8.includes(s)) ? REDACTED : run;
    });
  }
}

/**
 * A path or URL with the value of every authToken= parameter replaced by `[redacted]`, for
 * what a step shows of a request it sent: steps are streamed to the UI and kept for reports.
 */
export function redactAuthToken(text: string): string {
  return text.replace(AUTH_TOKEN, (_m, name: string) => `${name}${REDACTED_TOKEN}`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A deep copy with secrets replaced; `found` collects what was taken out. */
export function redact<T>(value: T, secrets: readonly string[] = []): { value: T; found: Set<string> } {
  const r = new Redactor(secrets);
  return { value: r.value(value) as T, found: r.found };
}

const SYMBOL: Record<DiagnosisStep['status'], string> = { ok: '✓', info: 'ℹ', warn: '⚠', fail: '✗', skip: '–' };

export function statusSymbol(status: DiagnosisStep['status']): string {
  return SYMBOL[status];
}

/** One line saying what a step saw: the engine's own summary, else a compact view of the detail. */
export function stepSummary(step: DiagnosisStep): string {
  const s = step.detail.summary;
  if (typeof s === 'string') return s;
  return Object.entries(step.detail)
    .filter(([, v]) => v !== undefined && (typeof v !== 'object' || v === null))
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

/** The step that decided the outcome: the first failure, else the first warning. */
export function decidingStep(d: Diagnosis): DiagnosisStep | undefined {
  return d.steps.find((s) => s.status === 'fail') ?? d.steps.find((s) => s.status === 'warn');
}

export function formatReport(diagnosis: Diagnosis, options: ReportOptions): string {
  const r = new Redactor(options.secrets ?? []);
  const d = r.value(diagnosis) as Diagnosis;
  const context = options.context ? (r.value(options.context) as Record<string, unknown>) : undefined;
  const out = options.format === 'json' ? JSON.stringify(context ? { ...d, context } : d) : markdown(d, context);
  return r.scrub(out);
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

function markdown(d: Diagnosis, context?: Record<string, unknown>): string {
  const first = decidingStep(d);
  const verdict = d.ok
    ? first
      ? `**OK with warnings** (${first.id}: ${first.code})`
      : '**OK**'
    : `**FAILED** at ${first?.id ?? '?'} (${first?.code ?? '?'})`;
  const lines = [`### DCV Launcher diagnosis: ${d.target}`, '', `- Result: ${verdict}`, `- Started: ${d.startedAt}`];
  for (const [k, v] of Object.entries(context ?? {})) lines.push(`- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  lines.push('', '| Step | Status | Code | Time | Detail |', '|---|---|---|---|---|');
  for (const s of d.steps) {
    lines.push(`| ${s.id} | ${SYMBOL[s.status]} ${s.status} | ${s.code} | ${Math.round(s.durationMs)} ms | ${cell(stepSummary(s))} |`);
  }
  const hinted = d.steps.filter((s) => s.hint);
  if (hinted.length > 0) {
    lines.push('', '**What to change**', '');
    for (const s of hinted) lines.push(`- **${s.id} — ${s.code}**: ${s.hint}`);
  }
  // The certificate PEM is public but long; the fingerprint in the summary identifies it.
  const compact = JSON.stringify(d, (k, v) => (k === 'pem' ? '(omitted)' : v), 2);
  lines.push('', '<details><summary>Details (JSON)</summary>', '', '```json', compact, '```', '', '</details>', '');
  return lines.join('\n');
}
