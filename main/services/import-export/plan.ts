/**
 * What every import produces before anything is saved: the new endpoints, desktops and profiles
 * (ids already free in the catalogue), warnings for the preview, and the gateway tokens that go
 * to the secret store, never into the catalogue or across to the renderer.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ImportPreview } from '../../../preload/contract/api';
import type { Catalogue, Desktop, Endpoint } from '../../../preload/contract/model';

export interface ImportPlan {
  preview: ImportPreview;
  /** desktopId → gateway token (a desktop of this plan, or an existing one the import refreshes). */
  tokens: Record<string, string>;
}

export type PlanResult = { ok: true; plan: ImportPlan } | { ok: false; message: string; fields?: Record<string, string> };

/** Hands out ids that are free in the catalogue and in this plan: the preferred one when possible. */
export function idAllocator(catalogue: Catalogue, newId: () => string): (preferred?: string) => string {
  const used = new Set([...catalogue.endpoints, ...catalogue.desktops, ...catalogue.profiles].map((x) => x.id));
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
