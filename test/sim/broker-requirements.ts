/**
 * The `Requirements` of a CreateSessions item, as far as the Broker simulator needs them:
 * `key = 'value'` terms joined by `and`, matched against the server's tags.
 *
 * Documented (definition, CreateSessionRequestData.Requirements): "The required tags for the
 * session. Example: ram_gb = '4' and software='my software'. The escape char is ', example
 * irish_name='o''neil'". AWS's RES writes the key with a `tag:` prefix
 * (`tag:idea_session_id='…'`), so both spellings name a tag. The real grammar is larger
 * (other operators, `or`, parentheses, `server:` properties); anything beyond equality terms
 * is refused with a reason, so a test never believes an unsupported expression matched.
 */

export interface RequirementTerm {
  /** The tag key, without a `tag:` prefix. */
  key: string;
  value: string;
}

export type ParsedRequirements = { ok: true; terms: RequirementTerm[] } | { ok: false; error: string };

const TERM = /^\s*([A-Za-z_][\w.:-]*)\s*=\s*'((?:[^']|'')*)'\s*/;
const AND = /^and\b\s*/i;

export function parseRequirements(text: string): ParsedRequirements {
  const terms: RequirementTerm[] = [];
  let rest = text;
  for (;;) {
    const m = TERM.exec(rest);
    if (!m) return { ok: false, error: `cannot parse requirements at '${rest.trim() || '(end)'}' (expected key = 'value')` };
    const rawKey = m[1];
    if (/^server:/i.test(rawKey)) return { ok: false, error: `unsupported requirement key '${rawKey}' (the simulator matches tags only)` };
    terms.push({ key: rawKey.replace(/^tag:/i, ''), value: m[2].replace(/''/g, "'") });
    rest = rest.slice(m[0].length);
    if (rest.trim() === '') return { ok: true, terms };
    const and = AND.exec(rest);
    if (!and) return { ok: false, error: `cannot parse requirements at '${rest.trim()}' (expected 'and')` };
    rest = rest.slice(and[0].length);
  }
}

/** Every term names a tag the server has, with exactly that value (keys and values case-sensitive). */
export function requirementsMet(terms: readonly RequirementTerm[], tags: Readonly<Record<string, string>>): boolean {
  return terms.every((t) => Object.prototype.hasOwnProperty.call(tags, t.key) && tags[t.key] === t.value);
}
