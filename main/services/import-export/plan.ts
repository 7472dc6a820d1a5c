/**
 * What every import produces before anything is saved: the new endpoints, desktops and profiles
 * (ids already free in the catalogue), notes for the preview (as Messages, with their English for
 * logs), the lines that were skipped (counted, with a few examples), and the gateway tokens that
 * go to the secret store, never into the catalogue or across to the renderer.
 */
import { isDeepStrictEqual } from 'node:util';
import { IMPORT_TEXT_LIMIT, type ImportPreview } from '../../../preload/contract/api';
import type { Catalogue, Desktop, Endpoint, Profile } from '../../../preload/contract/model';
import type { Message } from '../../../tunnel/messages';
import { english, englishSkipped, firstOf, note } from './notes';

export interface ImportPlan {
  preview: ImportPreview;
  /** desktopId → gateway token (a desktop of this plan, or an existing one the import refreshes). */
  tokens: Record<string, string>;
}

/** A failure: English for logs (`message`), the same as data (`reason`), and the field it concerns. */
export type PlanResult = { ok: true; plan: ImportPlan } | { ok: false; message: string; reason: Message; fields?: Record<string, string> };

/** A failure from one or more problems: the first is the reason (with how many more), the English lists all. */
export function failed(problems: readonly Message[], fields?: Record<string, string>): PlanResult & { ok: false } {
  return { ok: false, message: problems.map(english).join('; '), reason: firstOf(problems), ...(fields ? { fields } : {}) };
}

/** How many skipped lines a preview shows as examples: enough to see what went wrong, never thousands. */
export const SKIPPED_EXAMPLES = 5;
/** How many notes of one kind a preview shows before "… and N more like this". */
export const NOTES_PER_KIND = 5;

/** Counts skipped lines and keeps the first few (by line) as examples. */
export class SkippedLines {
  count = 0;
  readonly examples: Array<{ line: number; note: Message }> = [];

  constructor(private readonly keep = SKIPPED_EXAMPLES) {}

  add(line: number, problem: Message): void {
    this.count++;
    const at = this.examples.findIndex((e) => e.line > line);
    if (at === -1 && this.examples.length >= this.keep) return;
    const note = { code: 'import.ports.skipped', params: { ...problem.params, problem: problem.code, line } };
    this.examples.splice(at === -1 ? this.examples.length : at, 0, { line, note });
    if (this.examples.length > this.keep) this.examples.pop();
  }

  get summary(): ImportPreview['skipped'] {
    return { count: this.count, examples: this.examples.map((e) => e.note) };
  }
}

/** At most NOTES_PER_KIND notes of each code, then one "… and N more like this" for the rest. */
export function capNotes(notes: readonly Message[], perKind = NOTES_PER_KIND): Message[] {
  const total = new Map<string, number>();
  for (const n of notes) total.set(n.code, (total.get(n.code) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: Message[] = [];
  for (const n of notes) {
    const k = (seen.get(n.code) ?? 0) + 1;
    seen.set(n.code, k);
    if (n.code === 'import.more' || k <= perKind) out.push(n);
    if (n.code !== 'import.more' && k === perKind && total.get(n.code)! > perKind) out.push(note('import.more', { count: total.get(n.code)! - perKind }));
  }
  return out;
}

export interface PlanParts {
  endpoints?: Endpoint[];
  desktops?: Desktop[];
  profiles?: Profile[];
  notes?: Message[];
  skipped?: ImportPreview['skipped'];
  tokens?: Record<string, string>;
}

/**
 * The plan and its preview: notes capped per kind, "nothing new to import" when nothing would
 * change, and the English of it all for logs and main's own dialogs.
 */
export function buildPlan(format: ImportPreview['format'], parts: PlanParts): ImportPlan {
  const { endpoints = [], desktops = [], profiles = [], skipped = { count: 0, examples: [] }, tokens = {} } = parts;
  const notes = capNotes((parts.notes ?? []).filter((n) => n.code !== 'import.nothingToImport'));
  const tokenCount = Object.keys(tokens).length;
  if (endpoints.length + desktops.length + profiles.length + tokenCount === 0) notes.push(note('import.nothingToImport'));
  const warnings = [
    ...notes.map(english),
    ...(skipped.count > 0 ? [englishSkipped(skipped.count, skipped.examples.length), ...skipped.examples.map(english)] : []),
  ];
  return { preview: { format, endpoints, desktops, profiles, notes, skipped, tokens: tokenCount, warnings }, tokens };
}

/** The same plan without its tokens (no secret store to keep them), saying so instead of promising to keep them. */
export function withoutTokens(plan: ImportPlan): ImportPlan {
  if (Object.keys(plan.tokens).length === 0) return plan;
  const { format, endpoints, desktops, profiles, notes, skipped } = plan.preview;
  const promises = new Set(['import.dcv.tokenToSecretStore', 'import.dcv.tokenReplaced']);
  return buildPlan(format, { endpoints, desktops, profiles, skipped, notes: [...notes.filter((n) => !promises.has(n.code)), note('import.tokenNotKept')] });
}

/** An import's text over IMPORT_TEXT_LIMIT is refused before it is read: a clear answer, and nobody waits. */
export function refuseTooLarge(text: string): (PlanResult & { ok: false }) | null {
  if (text.length <= IMPORT_TEXT_LIMIT) return null;
  const problem = note('import.tooLarge', { chars: text.length, limit: IMPORT_TEXT_LIMIT });
  return failed([problem], { text: english(problem) });
}

/** Hands out ids that are free in the catalogue and in this plan: the preferred one when possible. */
export function idAllocator(catalogue: Catalogue, newId: () => string): (preferred?: string) => string {
  const used = new Set([...catalogue.endpoints, ...catalogue.desktops, ...catalogue.profiles, ...catalogue.sources].map((x) => x.id));
  return (preferred) => {
    let id = preferred && !used.has(preferred) ? preferred : newId();
    for (let tries = 0; used.has(id); tries++) {
      if (tries > 100) throw new Error('the id generator keeps returning ids already in use');
      id = newId();
    }
    used.add(id);
    return id;
  };
}

/** Host names compare without case and without a trailing dot. */
export function sameHost(a: string, b: string): boolean {
  return a.toLowerCase().replace(/\.$/, '') === b.toLowerCase().replace(/\.$/, '');
}

export function findEndpointByHost(catalogue: Catalogue, host: string): Endpoint | undefined {
  return catalogue.endpoints.find((e) => sameHost(e.host, host));
}

/** Equal as they would be saved: a key holding undefined counts as absent. */
export function sameData(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a) ?? 'null'), JSON.parse(JSON.stringify(b) ?? 'null'));
}

/** Two desktops that reach the same place: same endpoint, route and web URL path. */
export function findSameDesktop(desktops: readonly Desktop[], d: Pick<Desktop, 'endpointId' | 'route' | 'webUrlPath'>): Desktop | undefined {
  return desktops.find((x) => x.endpointId === d.endpointId && x.webUrlPath === d.webUrlPath && sameData(x.route, d.route));
}

/** The catalogue with the plan's items appended. The caller saves it (the store validates). */
export function applyPlan(catalogue: Catalogue, plan: ImportPlan): Catalogue {
  return {
    ...catalogue,
    endpoints: [...catalogue.endpoints, ...plan.preview.endpoints],
    desktops: [...catalogue.desktops, ...plan.preview.desktops],
    profiles: [...catalogue.profiles, ...plan.preview.profiles],
  };
}
