/**
 * JSON export and import of the catalogue. The export is the catalogue document itself (the
 * same shape as catalogue.json), so a backup or an older launcher's file imports too: it goes
 * through the same migrations and validation as the store.
 * The catalogue holds no secrets (tokens and passwords live in the secret store), so neither does
 * the export.
 */
import type { Catalogue, Desktop, Endpoint, Profile } from '../../../preload/contract/model';
import type { Message } from '../../../tunnel/messages';
import { readCatalogueText, serializeCatalogue } from '../store/document';
import { note } from './notes';
import { buildPlan, findSameDesktop, idAllocator, sameData, type PlanResult } from './plan';

export function exportCatalogueJson(catalogue: Catalogue, now: Date): { fileName: string; text: string } {
  return { fileName: `dcv-launcher-catalogue-${now.toISOString().slice(0, 10)}.json`, text: serializeCatalogue(catalogue) };
}

const withoutIdAndName = ({ id: _id, name: _name, ...rest }: Endpoint) => rest;

/**
 * Plans importing a JSON catalogue into `current`: an endpoint identical apart from id and name is
 * reused, a desktop that reaches the same place as an existing one is skipped, an id already in
 * use gets a new one (references follow). Recents and settings are personal: not imported.
 */
export function planJsonImport(text: string, current: Catalogue, newId: () => string): PlanResult {
  const read = readCatalogueText(text);
  if (!read.ok) {
    // The store words its reason in English; the reason here keeps its language-free facts.
    return { ok: false, message: `not a DCV Launcher catalogue: ${read.message}`, reason: unreadable(read.message) };
  }
  const incoming = read.catalogue;
  const takeId = idAllocator(current, newId);
  const notes: Message[] = [];
  let renamed = 0;
  const take = (id: string) => {
    const got = takeId(id);
    if (got !== id) renamed++;
    return got;
  };

  const endpointIds = new Map<string, string>();
  const endpoints: Endpoint[] = [];
  for (const e of incoming.endpoints) {
    const same = current.endpoints.find((x) => sameData(withoutIdAndName(x), withoutIdAndName(e)));
    if (same) {
      endpointIds.set(e.id, same.id);
      notes.push(note('import.json.endpointReused', { name: e.name, as: same.name }));
    } else {
      const id = take(e.id);
      endpointIds.set(e.id, id);
      endpoints.push({ ...e, id });
    }
  }

  const desktopIds = new Map<string, string>();
  const desktops: Desktop[] = [];
  for (const d of incoming.desktops) {
    const endpointId = endpointIds.get(d.endpointId)!;
    const same = findSameDesktop(current.desktops, { ...d, endpointId });
    if (same) {
      desktopIds.set(d.id, same.id);
      notes.push(note('import.json.desktopExists', { name: d.name, as: same.name }));
    } else {
      const id = take(d.id);
      desktopIds.set(d.id, id);
      desktops.push({ ...d, id, endpointId });
    }
  }

  const profiles: Profile[] = [];
  for (const p of incoming.profiles) {
    const desktopId = desktopIds.get(p.desktopId)!;
    const mapped = { ...p, desktopId };
    if (current.profiles.some((x) => sameData({ ...x, id: p.id }, mapped))) {
      notes.push(note('import.json.profileExists', { name: p.name }));
    } else {
      profiles.push({ ...mapped, id: take(p.id) });
    }
  }

  if (renamed > 0) notes.push(note('import.json.idsRenamed', { count: renamed }));
  if (incoming.recents.length > 0) notes.push(note('import.json.personalNotImported'));
  return { ok: true, plan: buildPlan('json', { endpoints, desktops, profiles, notes }) };
}

/**
 * Why a text is not a catalogue, as data: where the JSON breaks, a newer version, the first bad
 * field — read from the store's English (an unforeseen wording still gives `import.json.notCatalogue`).
 */
function unreadable(detail: string): Message {
  const syntax = /^line (\d+), column (\d+)/.exec(detail);
  if (syntax) return note('import.json.syntax', { line: Number(syntax[1]), column: Number(syntax[2]) });
  const newer = /^version: (\d+) was written by a newer DCV Launcher; this one reads up to version (\d+)/.exec(detail);
  if (newer) return note('import.json.newerVersion', { version: Number(newer[1]), supported: Number(newer[2]) });
  const field = /^([\w.]+|\(top level\)): /.exec(detail);
  if (field) return note('import.json.invalid', { field: field[1].slice(0, 120) });
  return note('import.json.notCatalogue');
}
