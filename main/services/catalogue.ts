/**
 * The operations behind the catalogue channels: save and delete endpoints, desktops and
 * profiles (deletes cascade and can be undone), favourites, recents, settings, import and export.
 *
 * Every input is validated against the contract's schemas before anything changes: invalid
 * input returns INVALID_INPUT with the fields named, and nothing is saved. Operations run one at
 * a time (a queue), so each sees the previous one's result. Gateway tokens go to the secret
 * store under `token:<desktopId>`, never into the catalogue.
 */
import type { z } from 'zod';
import {
  requests,
  zodToApiError,
  type ApiError,
  type ApiErrorCode,
  type CatalogueView,
  type ImportPreview,
  type Result,
} from '../../preload/contract/api';
import { Recent, type Catalogue, type Desktop, type Endpoint, type Profile, type Settings } from '../../preload/contract/model';
import { exportDcvForTunnel } from './import-export/dcv-file';
import { planDcvImport } from './import-export/dcv-import';
import { parseDcvLink } from './import-export/dcv-link';
import { parseDcvFile } from './import-export/dcv-file';
import { exportCatalogueJson, planJsonImport } from './import-export/json';
import { applyPlan, type PlanResult } from './import-export/plan';
import { planPortTableImport } from './import-export/port-table';
import { tokenSecretKey, type SecretStore } from './secrets/secret-store';
import type { CatalogueStore } from './store/catalogue-store';

export const UNDO_LIMIT = 20;
export const UNDO_TTL_MS = 10 * 60_000;
export const RECENT_LIMIT = 50;

export interface CatalogueServiceDeps {
  store: CatalogueStore;
  now: () => Date;
  newId: () => string;
  /** Where gateway tokens live. Without it, saving a token fails and imports drop tokens. */
  secrets?: Pick<SecretStore, 'get' | 'set' | 'delete'>;
  /** Called after every saved change, e.g. to send 'catalogue.changed' to the windows. */
  onChange?: (view: CatalogueView) => void;
}

type WithOptionalId<T> = Omit<T, 'id'> & { id?: string };
export type EndpointInput = WithOptionalId<z.input<typeof requests['endpoint.save']>>;
export type DesktopInput = { desktop: WithOptionalId<z.input<typeof requests['desktop.save']>['desktop']>; authToken?: string };
export type ProfileInput = WithOptionalId<z.input<typeof requests['profile.save']>>;
export type ImportInput = z.input<typeof requests['import.preview']>;

type Indexed<T> = Array<[index: number, item: T]>;
interface Removed {
  endpoints: Indexed<Endpoint>;
  desktops: Indexed<Desktop>;
  profiles: Indexed<Profile>;
  recents: Indexed<Recent>;
}
interface UndoEntry {
  at: number;
  removed: Removed;
  /** desktopId → the gateway token taken out of the secret store with it. */
  tokens: Record<string, string>;
}

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (code: ApiErrorCode, message: string, fields?: Record<string, string>): { ok: false; error: ApiError } => ({
  ok: false,
  error: { code, message, ...(fields ? { fields } : {}) },
});
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function split<T>(list: readonly T[], drop: (item: T) => boolean): { kept: T[]; removed: Indexed<T> } {
  const kept: T[] = [];
  const removed: Indexed<T> = [];
  list.forEach((item, index) => (drop(item) ? removed.push([index, item]) : kept.push(item)));
  return { kept, removed };
}

/** Puts items back where they were (as near as the list now allows). */
function reinsert<T>(list: readonly T[], removed: Indexed<T>): T[] {
  const out = [...list];
  for (const [index, item] of [...removed].sort((a, b) => a[0] - b[0])) out.splice(Math.min(index, out.length), 0, item);
  return out;
}

function withId<T>(input: T, newId: () => string): T {
  if (typeof input !== 'object' || input === null) return input;
  const id = (input as { id?: unknown }).id;
  return id === undefined || id === '' ? { ...input, id: newId() } : input;
}

function validate<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : { ok: false, error: zodToApiError(parsed.error) };
}

export type CatalogueService = ReturnType<typeof createCatalogueService>;

export function createCatalogueService(deps: CatalogueServiceDeps) {
  const { store, now, newId, secrets } = deps;
  const undoLog = new Map<string, UndoEntry>();

  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job);
    queue = run.catch(() => {});
    return run;
  };

  // Which desktops have a token: asked of the secret store once, then kept up to date here.
  let withToken: Set<string> | null = null;
  const tokenDesktops = async (): Promise<Set<string>> => {
    if (withToken) return withToken;
    const found = new Set<string>();
    for (const d of store.catalogue().desktops) {
      if (d.route.kind === 'gateway' && secrets && (await secrets.get(tokenSecretKey(d.id)).catch(() => undefined)) !== undefined) found.add(d.id);
    }
    return (withToken = found);
  };
  const putToken = async (desktopId: string, token: string) => {
    if (!secrets) throw new Error('no secret store is available');
    await secrets.set(tokenSecretKey(desktopId), token);
    (await tokenDesktops()).add(desktopId);
  };
  const dropToken = async (desktopId: string) => {
    (await tokenDesktops()).delete(desktopId);
    await secrets?.delete(tokenSecretKey(desktopId)).catch(() => false);
  };

  const view = async (): Promise<CatalogueView> => {
    const catalogue = store.catalogue();
    const health: CatalogueView['health'] = {};
    for (const r of catalogue.recents) {
      health[r.desktopId] ??= { status: r.outcome === 'ok' ? 'ok' : 'fail', code: r.code ?? (r.outcome === 'ok' ? 'OK' : 'FAILED'), at: r.at };
    }
    const tokens = await tokenDesktops();
    return { catalogue, problem: store.problem(), health, desktopsWithToken: catalogue.desktops.filter((d) => tokens.has(d.id)).map((d) => d.id) };
  };

  const persist = async (next: Catalogue): Promise<Result<Catalogue>> => {
    let saved: Catalogue;
    try {
      saved = await store.save(next);
    } catch (e) {
      return fail('STORE_ERROR', `could not save the catalogue: ${errorText(e)}`);
    }
    if (deps.onChange) {
      try {
        deps.onChange(await view());
      } catch {
        // A listener's failure is not the save's.
      }
    }
    return ok(saved);
  };

  const pruneUndo = () => {
    const oldest = now().getTime() - UNDO_TTL_MS;
    for (const [id, entry] of undoLog) if (entry.at < oldest) undoLog.delete(id);
    while (undoLog.size > UNDO_LIMIT) undoLog.delete(undoLog.keys().next().value!);
  };

  /** Removes the desktops (with their profiles, recents and tokens) and optionally endpoints; keeps an undo entry. */
  const removeCascade = async (endpointIds: Set<string>, desktopIds: Set<string>, profileIds: Set<string>): Promise<Result<{ undoId: string }>> => {
    const c = store.catalogue();
    const endpoints = split(c.endpoints, (e) => endpointIds.has(e.id));
    const desktops = split(c.desktops, (d) => desktopIds.has(d.id));
    const profiles = split(c.profiles, (p) => profileIds.has(p.id) || desktopIds.has(p.desktopId));
    const recents = split(c.recents, (r) => desktopIds.has(r.desktopId));

    const tokens: Record<string, string> = {};
    for (const [, d] of desktops.removed) {
      const token = d.route.kind === 'gateway' ? await secrets?.get(tokenSecretKey(d.id)).catch(() => undefined) : undefined;
      if (token !== undefined) tokens[d.id] = token;
    }
    const saved = await persist({ ...c, endpoints: endpoints.kept, desktops: desktops.kept, profiles: profiles.kept, recents: recents.kept });
    if (!saved.ok) return saved;
    for (const [, d] of desktops.removed) await dropToken(d.id);

    const undoId = newId();
    undoLog.set(undoId, { at: now().getTime(), removed: { endpoints: endpoints.removed, desktops: desktops.removed, profiles: profiles.removed, recents: recents.removed }, tokens });
    pruneUndo();
    return ok({ undoId });
  };

  const planImport = (input: ImportInput, current: Catalogue): PlanResult => {
    if (input.format === 'json') return planJsonImport(input.text, current, newId);
    if (input.format === 'ports') return planPortTableImport(input.text, current, input.endpointId, newId);
    const link = input.text.trim();
    const read = /^dcv:\/\//i.test(link) ? parseDcvLink(link) : parseDcvFile(input.text);
    if (!read.ok) return { ok: false, message: read.errors.join('; ') };
    const name = input.fileName?.replace(/^.*[\\/]/, '').replace(/\.dcv$/i, '');
    return planDcvImport(read.connect, current, newId, { name, warnings: read.warnings });
  };

  const planOrFail = (input: unknown): Result<PlanResult & { ok: true }> => {
    const request = validate(requests['import.preview'], input);
    if (!request.ok) return request;
    const planned = planImport(request.value, store.catalogue());
    if (!planned.ok) return fail('INVALID_INPUT', planned.message, planned.fields ?? { text: planned.message });
    if (Object.keys(planned.plan.tokens).length > 0 && !secrets) {
      planned.plan.tokens = {};
      planned.plan.preview.warnings.push('no secret store is available: the auth token is not kept');
    }
    return ok(planned);
  };

  return {
    get: async (): Promise<Result<CatalogueView>> => ok(await view()),

    saveEndpoint: (input: EndpointInput): Promise<Result<Endpoint>> =>
      serial(async () => {
        const endpoint = validate(requests['endpoint.save'], withId(input, newId));
        if (!endpoint.ok) return endpoint;
        const c = store.catalogue();
        const exists = c.endpoints.some((e) => e.id === endpoint.value.id);
        const endpoints = exists ? c.endpoints.map((e) => (e.id === endpoint.value.id ? endpoint.value : e)) : [...c.endpoints, endpoint.value];
        const saved = await persist({ ...c, endpoints });
        return saved.ok ? endpoint : saved;
      }),

    /** Deletes the endpoint with its desktops, their profiles, recents and tokens; one undo restores all. */
    deleteEndpoint: (id: string): Promise<Result<{ undoId: string }>> =>
      serial(async () => {
        const c = store.catalogue();
        if (!c.endpoints.some((e) => e.id === id)) return fail('NOT_FOUND', `no endpoint "${id}"`);
        const desktops = new Set(c.desktops.filter((d) => d.endpointId === id).map((d) => d.id));
        return removeCascade(new Set([id]), desktops, new Set());
      }),

    saveDesktop: (input: DesktopInput): Promise<Result<Desktop>> =>
      serial(async () => {
        const request = validate(requests['desktop.save'], { ...input, desktop: withId(input?.desktop, newId) });
        if (!request.ok) return request;
        const { desktop, authToken } = request.value;
        const c = store.catalogue();
        if (!c.endpoints.some((e) => e.id === desktop.endpointId)) {
          const message = `no endpoint "${desktop.endpointId}"`;
          return fail('INVALID_INPUT', `desktop.endpointId: ${message}`, { 'desktop.endpointId': message });
        }
        if (authToken && desktop.route.kind !== 'gateway') {
          const message = 'only a Connection Gateway desktop (route "gateway") uses a token';
          return fail('INVALID_INPUT', `authToken: ${message}`, { authToken: message });
        }
        if (authToken && !secrets) return fail('STORE_ERROR', 'no secret store is available to keep the token', { authToken: 'cannot be stored on this machine' });
        const before = c.desktops.find((d) => d.id === desktop.id);
        const desktops = before ? c.desktops.map((d) => (d.id === desktop.id ? desktop : d)) : [...c.desktops, desktop];
        const saved = await persist({ ...c, desktops });
        if (!saved.ok) return saved;
        if (before?.route.kind === 'gateway' && desktop.route.kind !== 'gateway') await dropToken(desktop.id);
        if (authToken) {
          try {
            await putToken(desktop.id, authToken);
          } catch (e) {
            return fail('STORE_ERROR', `the desktop was saved, but its token could not be stored: ${errorText(e)}`, { authToken: 'not stored' });
          }
        }
        return ok(desktop);
      }),

    /** Deletes the desktop with its profiles, recents and token; undo restores all. */
    deleteDesktop: (id: string): Promise<Result<{ undoId: string }>> =>
      serial(async () => {
        if (!store.catalogue().desktops.some((d) => d.id === id)) return fail('NOT_FOUND', `no desktop "${id}"`);
        return removeCascade(new Set(), new Set([id]), new Set());
      }),

    setFavourite: (id: string, favourite: boolean): Promise<Result<Desktop>> =>
      serial(async () => {
        const c = store.catalogue();
        const desktop = c.desktops.find((d) => d.id === id);
        if (!desktop) return fail('NOT_FOUND', `no desktop "${id}"`);
        const updated = { ...desktop, favourite: favourite === true };
        const saved = await persist({ ...c, desktops: c.desktops.map((d) => (d.id === id ? updated : d)) });
        return saved.ok ? ok(updated) : saved;
      }),

    saveProfile: (input: ProfileInput): Promise<Result<Profile>> =>
      serial(async () => {
        const profile = validate(requests['profile.save'], withId(input, newId));
        if (!profile.ok) return profile;
        const c = store.catalogue();
        if (!c.desktops.some((d) => d.id === profile.value.desktopId)) {
          const message = `no desktop "${profile.value.desktopId}"`;
          return fail('INVALID_INPUT', `desktopId: ${message}`, { desktopId: message });
        }
        const exists = c.profiles.some((p) => p.id === profile.value.id);
        const profiles = exists ? c.profiles.map((p) => (p.id === profile.value.id ? profile.value : p)) : [...c.profiles, profile.value];
        const saved = await persist({ ...c, profiles });
        return saved.ok ? profile : saved;
      }),

    deleteProfile: (id: string): Promise<Result<{ undoId: string }>> =>
      serial(async () => {
        if (!store.catalogue().profiles.some((p) => p.id === id)) return fail('NOT_FOUND', `no profile "${id}"`);
        return removeCascade(new Set(), new Set(), new Set([id]));
      }),

    /** Puts back what one delete removed. Each undo works once, for the last 20 deletes, for 10 minutes. */
    undo: (undoId: string): Promise<Result<CatalogueView>> =>
      serial(async () => {
        pruneUndo();
        const entry = undoLog.get(undoId);
        if (!entry) return fail('NOT_FOUND', 'nothing to undo: it was undone already, or it is older than 10 minutes');
        const c = store.catalogue();
        const { removed } = entry;
        const taken = new Set([...c.endpoints, ...c.desktops, ...c.profiles].map((x) => x.id));
        const clash = [...removed.endpoints, ...removed.desktops, ...removed.profiles].find(([, x]) => taken.has(x.id));
        if (clash) return fail('CONFLICT', `cannot undo: "${clash[1].id}" exists again`);
        const endpoints = new Set([...c.endpoints, ...removed.endpoints.map(([, e]) => e)].map((e) => e.id));
        const orphan = removed.desktops.find(([, d]) => !endpoints.has(d.endpointId));
        if (orphan) return fail('CONFLICT', `cannot undo: desktop "${orphan[1].name}" needs endpoint "${orphan[1].endpointId}", which was deleted since (undo that first)`);
        const desktops = new Set([...c.desktops, ...removed.desktops.map(([, d]) => d)].map((d) => d.id));
        const lonely = removed.profiles.find(([, p]) => !desktops.has(p.desktopId));
        if (lonely) return fail('CONFLICT', `cannot undo: profile "${lonely[1].name}" needs desktop "${lonely[1].desktopId}", which was deleted since (undo that first)`);

        const recents = [...c.recents, ...removed.recents.map(([, r]) => r)].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_LIMIT);
        const saved = await persist({
          ...c,
          endpoints: reinsert(c.endpoints, removed.endpoints),
          desktops: reinsert(c.desktops, removed.desktops),
          profiles: reinsert(c.profiles, removed.profiles),
          recents,
        });
        if (!saved.ok) return saved;
        undoLog.delete(undoId);
        for (const [desktopId, token] of Object.entries(entry.tokens)) {
          try {
            await putToken(desktopId, token);
          } catch (e) {
            return fail('STORE_ERROR', `restored, but the gateway token could not be put back: ${errorText(e)}`);
          }
        }
        return ok(await view());
      }),

    /** Most recent first, one entry per desktop, at most 50. */
    recordRecent: (desktopId: string, outcome: 'ok' | 'failed', code?: string): Promise<Result<Recent>> =>
      serial(async () => {
        const c = store.catalogue();
        if (!c.desktops.some((d) => d.id === desktopId)) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
        const recent = validate(Recent, { desktopId, at: now().toISOString(), outcome, ...(code !== undefined ? { code } : {}) });
        if (!recent.ok) return recent;
        const recents = [recent.value, ...c.recents.filter((r) => r.desktopId !== desktopId)].slice(0, RECENT_LIMIT);
        const saved = await persist({ ...c, recents });
        return saved.ok ? recent : saved;
      }),

    setSettings: (input: z.input<typeof requests['settings.set']>): Promise<Result<Settings>> =>
      serial(async () => {
        const change = validate(requests['settings.set'], input);
        if (!change.ok) return change;
        const c = store.catalogue();
        const settings = { ...c.settings, ...change.value };
        const saved = await persist({ ...c, settings });
        return saved.ok ? ok(settings) : saved;
      }),

    importPreview: async (input: ImportInput): Promise<Result<ImportPreview>> => {
      const planned = planOrFail(input);
      return planned.ok ? ok(planned.value.plan.preview) : planned;
    },

    importApply: (input: ImportInput): Promise<Result<{ endpoints: number; desktops: number; profiles: number }>> =>
      serial(async () => {
        const planned = planOrFail(input);
        if (!planned.ok) return planned;
        const { preview, tokens } = planned.value.plan;
        const saved = await persist(applyPlan(store.catalogue(), planned.value.plan));
        if (!saved.ok) return saved;
        for (const [desktopId, token] of Object.entries(tokens)) {
          try {
            await putToken(desktopId, token);
          } catch (e) {
            return fail('STORE_ERROR', `imported, but the gateway token could not be stored: ${errorText(e)}`);
          }
        }
        return ok({ endpoints: preview.endpoints.length, desktops: preview.desktops.length, profiles: preview.profiles.length });
      }),

    exportJson: async (): Promise<Result<{ fileName: string; text: string }>> => ok(exportCatalogueJson(store.catalogue(), now())),

    /** A .dcv file for DCV Viewer pointing at the desktop's running tunnel, with its stored token. */
    exportDcv: async (desktopId: string, tunnel: { port: number; certificateFingerprint?: string }): Promise<Result<{ fileName: string; text: string }>> => {
      const desktop = store.catalogue().desktops.find((d) => d.id === desktopId);
      if (!desktop) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
      const authToken = desktop.route.kind === 'gateway' ? await secrets?.get(tokenSecretKey(desktopId)).catch(() => undefined) : undefined;
      return ok(exportDcvForTunnel({ desktop, tunnelPort: tunnel.port, authToken, tunnelCertificateFingerprint: tunnel.certificateFingerprint }));
    },
  };
}
