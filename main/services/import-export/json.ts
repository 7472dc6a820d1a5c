/**
 * JSON export and import of the catalogue. The export is the catalogue document itself (the
 * same shape as catalogue.json), so a backup or an older launcher's file imports too: it goes
 * through the same migrations and validation as the store.
 * The catalogue holds no secrets (tokens and passwords live in the secret store), so neither does
 * the export.
 */
import type { Catalogue, Desktop, Endpoint, Profile } from '../../../preload/contract/model';
import { readCatalogueText, serializeCatalogue } from '../store/document';
import { findSameDesktop, idAllocator, sameData, type PlanResult } from './plan';

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
  if (!read.ok) return { ok: false, message: `not a DCV Launcher catalogue: ${read.message}` };
  const incoming = read.catalogue;
  const takeId = idAllocator(current, newId);
  const warnings: string[] = [];
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
      warnings.push(`endpoint "${e.name}" is already here as "${same.name}": reused`);
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
      warnings.push(`desktop "${d.name}" is already here as "${same.name}": skipped`);
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
      warnings.push(`profile "${p.name}" is already here: skipped`);
    } else {
      profiles.push({ ...mapped, id: take(p.id) });
    }
  }

  if (renamed > 0) warnings.push(`${renamed} id${renamed === 1 ? ' was' : 's were'} already in use and got new ones`);
  if (incoming.recents.length > 0) warnings.push('recent connections and settings are not imported');
  if (endpoints.length + desktops.length + profiles.length === 0) warnings.push('nothing new to import');
  return { ok: true, plan: { preview: { format: 'json', endpoints, desktops, profiles, warnings }, tokens: {} } };
}
