/**
 * Text ⇄ Catalogue: the one way a catalogue document is read, whether it comes from the store
 * file, its backup or a JSON import. Failures say where: a line and column for broken JSON,
 * a field path for a schema error.
 */
import type { z } from 'zod';
import { Catalogue } from '../../../preload/contract/model';
import { findJsonSyntaxError } from './json-syntax';
import { migrate } from './migrations';

export type ReadResult = { ok: true; catalogue: Catalogue; migratedFrom: number } | { ok: false; message: string };

export function serializeCatalogue(catalogue: Catalogue): string {
  return JSON.stringify(catalogue, null, 2) + '\n';
}

export function readCatalogueText(text: string): ReadResult {
  // Editors on Windows like to add a byte-order mark; it is not part of the document.
  const body = text.replace(/^\uFEFF/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (e) {
    const where = findJsonSyntaxError(body);
    return { ok: false, message: where ? `line ${where.line}, column ${where.column}: ${where.message}` : `not valid JSON: ${(e as Error).message.slice(0, 200)}` };
  }
  const migrated = migrate(parsed);
  if (!migrated.ok) return migrated;
  const valid = validateCatalogue(migrated.doc);
  return valid.ok ? { ...valid, migratedFrom: migrated.from } : valid;
}

/** The schema plus what a schema cannot see: ids are unique and every reference points at something. */
export function validateCatalogue(doc: unknown): { ok: true; catalogue: Catalogue } | { ok: false; message: string } {
  const valid = Catalogue.safeParse(doc);
  if (!valid.success) return { ok: false, message: describeIssues(valid.error) };
  const c = valid.data;
  const problems: string[] = [];
  const unique = (kind: 'endpoints' | 'desktops' | 'profiles' | 'sources') => {
    const seen = new Set<string>();
    c[kind].forEach((item, i) => {
      if (seen.has(item.id)) problems.push(`${kind}.${i}.id: "${item.id}" is used twice`);
      seen.add(item.id);
    });
    return seen;
  };
  const endpoints = unique('endpoints');
  const desktops = unique('desktops');
  unique('profiles');
  const sources = unique('sources');
  c.desktops.forEach((d, i) => endpoints.has(d.endpointId) || problems.push(`desktops.${i}.endpointId: no endpoint "${d.endpointId}"`));
  c.profiles.forEach((p, i) => desktops.has(p.desktopId) || problems.push(`profiles.${i}.desktopId: no desktop "${p.desktopId}"`));
  c.sources.forEach((s, i) => endpoints.has(s.endpointId) || problems.push(`sources.${i}.endpointId: no endpoint "${s.endpointId}"`));
  const marks = new Set<string>();
  c.sessionMarks.forEach((m, i) => {
    if (marks.has(m.key) || desktops.has(m.key)) problems.push(`sessionMarks.${i}.key: "${m.key}" is used twice`);
    if (!sources.has(m.sourceId)) problems.push(`sessionMarks.${i}.sourceId: no source "${m.sourceId}"`);
    marks.add(m.key);
  });
  // A recent is a desktop's or a Broker session's (by its mark).
  c.recents.forEach((r, i) => desktops.has(r.desktopId) || marks.has(r.desktopId) || problems.push(`recents.${i}.desktopId: no desktop "${r.desktopId}"`));
  if (problems.length > 0) return { ok: false, message: problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (and ${problems.length - 3} more)` : '') };
  return { ok: true, catalogue: c };
}

/** "desktops.3.route.port: must be 1–65535", "endpoints.0.colour: unknown field" (+ how many more). */
export function describeIssues(error: z.ZodError, limit = 3): string {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`${[...issue.path, key].join('.')}: unknown field`);
    } else {
      lines.push(`${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    }
  }
  const more = lines.length - limit;
  return lines.slice(0, limit).join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}
