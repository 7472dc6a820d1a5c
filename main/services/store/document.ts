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
  const valid = Catalogue.safeParse(migrated.doc);
  if (!valid.success) return { ok: false, message: describeIssues(valid.error) };
  return { ok: true, catalogue: valid.data, migratedFrom: migrated.from };
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
