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
  type CatalogueView,
  type ImportPreview,
  type Result,
} from '../../preload/contract/api';
import { Recent, SessionMark, type Catalogue, type Desktop, type Endpoint, type Profile, type SessionSource, type Settings } from '../../preload/contract/model';
import { exportCatalogueJson } from './import-export/json';
import { applyPlan, withoutTokens, type PlanResult } from './import-export/plan';
import { planImportText } from './import-export/plan-import';
import { brokerSecretKey, tokenSecretKey, type SecretStore } from './secrets/secret-store';
import type { CatalogueStore } from './store/catalogue-store';
import { ok, fail, errorText } from './result';

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
export type SourceInput = { source: WithOptionalId<z.input<typeof requests['source.save']>['source']>; clientPassword?: string };
export type ImportInput = z.input<typeof requests['import.preview']>;

type Indexed<T> = Array<[index: number, item: T]>;
interface Removed {
  endpoints: Indexed<Endpoint>;
  desktops: Indexed<Desktop>;
  profiles: Indexed<Profile>;
  sources: Indexed<SessionSource>;
  sessionMarks: Indexed<SessionMark>;
  recents: Indexed<Recent>;
}
interface UndoEntry {
  at: number;
  removed: Removed;
  /** Secret key → the gateway token or Broker client password taken out of the secret store with it. */
  secrets: Record<string, string>;
}


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

  /**
   * Removes the desktops (with their profiles, recents and tokens), sources (with their marked
   * sessions, those sessions' recents and the client password) and optionally endpoints; keeps
   * an undo entry that puts all of it back.
   */
  const removeCascade = async (what: { endpoints?: Set<string>; desktops?: Set<string>; profiles?: Set<string>; sources?: Set<string> }): Promise<Result<{ undoId: string }>> => {
    const c = store.catalogue();
    const endpointIds = what.endpoints ?? new Set<string>();
    const desktopIds = what.desktops ?? new Set<string>();
    const sourceIds = new Set([...(what.sources ?? []), ...c.sources.filter((x) => endpointIds.has(x.endpointId)).map((x) => x.id)]);
    const endpoints = split(c.endpoints, (e) => endpointIds.has(e.id));
    const desktops = split(c.desktops, (d) => desktopIds.has(d.id));
    const profiles = split(c.profiles, (p) => (what.profiles?.has(p.id) ?? false) || desktopIds.has(p.desktopId));
    const sources = split(c.sources, (x) => sourceIds.has(x.id));
    const sessionMarks = split(c.sessionMarks, (m) => sourceIds.has(m.sourceId));
    const markKeys = new Set(sessionMarks.removed.map(([, m]) => m.key));
    const recents = split(c.recents, (r) => desktopIds.has(r.desktopId) || markKeys.has(r.desktopId));

    const taken: Record<string, string> = {};
    const keep = async (key: string) => {
      const value = await secrets?.get(key).catch(() => undefined);
      if (value !== undefined) taken[key] = value;
    };
    for (const [, d] of desktops.removed) if (d.route.kind === 'gateway') await keep(tokenSecretKey(d.id));
    for (const [, x] of sources.removed) if (x.auth.kind !== 'none') await keep(brokerSecretKey(x.id));
    const saved = await persist({
      ...c,
      endpoints: endpoints.kept,
      desktops: desktops.kept,
      profiles: profiles.kept,
      sources: sources.kept,
      sessionMarks: sessionMarks.kept,
      recents: recents.kept,
    });
    if (!saved.ok) return saved;
    for (const [, d] of desktops.removed) await dropToken(d.id);
    for (const [, x] of sources.removed) await secrets?.delete(brokerSecretKey(x.id)).catch(() => false);

    const undoId = newId();
    undoLog.set(undoId, {
      at: now().getTime(),
      removed: {
        endpoints: endpoints.removed,
        desktops: desktops.removed,
        profiles: profiles.removed,
        sources: sources.removed,
        sessionMarks: sessionMarks.removed,
        recents: recents.removed,
      },
      secrets: taken,
    });
    pruneUndo();
    return ok({ undoId });
  };

  const planImport = (input: ImportInput, current: Catalogue): PlanResult => planImportText(input, current, newId);

  const planOrFail = (input: unknown): Result<PlanResult & { ok: true }> => {
    const request = validate(requests['import.preview'], input);
    if (!request.ok) return request;
    const planned = planImport(request.value, store.catalogue());
    if (!planned.ok) return { ok: false, error: { code: 'INVALID_INPUT', message: planned.message, reason: planned.reason, fields: planned.fields ?? { text: planned.message } } };
    return ok(secrets ? planned : { ok: true, plan: withoutTokens(planned.plan) });
  };

  return {
    // Behind the writes already asked for: a Connect answers before its recent is on disk, and
    // the next read still sees it.
    get: (): Promise<Result<CatalogueView>> => serial(async () => ok(await view())),

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
        return removeCascade({ endpoints: new Set([id]), desktops });
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
        return removeCascade({ desktops: new Set([id]) });
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
        return removeCascade({ profiles: new Set([id]) });
      }),

    /** Puts back what one delete removed. Each undo works once, for the last 20 deletes, for 10 minutes. */
    undo: (undoId: string): Promise<Result<CatalogueView>> =>
      serial(async () => {
        pruneUndo();
        const entry = undoLog.get(undoId);
        if (!entry) return fail('NOT_FOUND', 'nothing to undo: it was undone already, or it is older than 10 minutes');
        const c = store.catalogue();
        const { removed } = entry;
        const taken = new Set([...c.endpoints, ...c.desktops, ...c.profiles, ...c.sources].map((x) => x.id));
        const clash = [...removed.endpoints, ...removed.desktops, ...removed.profiles, ...removed.sources].find(([, x]) => taken.has(x.id));
        if (clash) return fail('CONFLICT', `cannot undo: "${clash[1].id}" exists again`);
        const endpoints = new Set([...c.endpoints, ...removed.endpoints.map(([, e]) => e)].map((e) => e.id));
        const orphan = [...removed.desktops, ...removed.sources].find(([, d]) => !endpoints.has(d.endpointId));
        if (orphan) return fail('CONFLICT', `cannot undo: "${orphan[1].name}" needs endpoint "${orphan[1].endpointId}", which was deleted since (undo that first)`);
        const desktops = new Set([...c.desktops, ...removed.desktops.map(([, d]) => d)].map((d) => d.id));
        const lonely = removed.profiles.find(([, p]) => !desktops.has(p.desktopId));
        if (lonely) return fail('CONFLICT', `cannot undo: profile "${lonely[1].name}" needs desktop "${lonely[1].desktopId}", which was deleted since (undo that first)`);

        const recents = [...c.recents, ...removed.recents.map(([, r]) => r)].sort((a, b) => b.at.localeCompare(a.at)).slice(0, RECENT_LIMIT);
        const saved = await persist({
          ...c,
          endpoints: reinsert(c.endpoints, removed.endpoints),
          desktops: reinsert(c.desktops, removed.desktops),
          profiles: reinsert(c.profiles, removed.profiles),
          sources: reinsert(c.sources, removed.sources),
          sessionMarks: reinsert(c.sessionMarks, removed.sessionMarks),
          recents,
        });
        if (!saved.ok) return saved;
        undoLog.delete(undoId);
        for (const [key, value] of Object.entries(entry.secrets)) {
          try {
            if (key.startsWith('token:')) await putToken(key.slice('token:'.length), value);
            else await secrets?.set(key, value);
          } catch (e) {
            return fail('STORE_ERROR', `restored, but a token or password could not be put back: ${errorText(e)}`);
          }
        }
        return ok(await view());
      }),

    /** Most recent first, one entry per desktop, at most 50. */
    recordRecent: (desktopId: string, outcome: 'ok' | 'failed', code?: string): Promise<Result<Recent>> =>
      serial(async () => {
        const c = store.catalogue();
        // A Broker session is recorded by its mark (the session directory marks every session it opens).
        if (!c.desktops.some((d) => d.id === desktopId) && !c.sessionMarks.some((m) => m.key === desktopId)) return fail('NOT_FOUND', `no desktop "${desktopId}"`);
        const recent = validate(Recent, { desktopId, at: now().toISOString(), outcome, ...(code !== undefined ? { code } : {}) });
        if (!recent.ok) return recent;
        const recents = [recent.value, ...c.recents.filter((r) => r.desktopId !== desktopId)].slice(0, RECENT_LIMIT);
        const saved = await persist({ ...c, recents });
        return saved.ok ? recent : saved;
      }),

    /** Saves a Session Manager source; its Broker client password (when given) goes to the secret store. */
    saveSource: (input: SourceInput): Promise<Result<SessionSource>> =>
      serial(async () => {
        const request = validate(requests['source.save'], { ...input, source: withId(input?.source, newId) });
        if (!request.ok) return request;
        const { source, clientPassword } = request.value;
        const c = store.catalogue();
        if (!c.endpoints.some((e) => e.id === source.endpointId)) {
          const message = `no endpoint "${source.endpointId}"`;
          return fail('INVALID_INPUT', `source.endpointId: ${message}`, { 'source.endpointId': message });
        }
        if (clientPassword !== undefined && source.auth.kind === 'none') {
          const message = 'a source with authorization off has no client password';
          return fail('INVALID_INPUT', `clientPassword: ${message}`, { clientPassword: message });
        }
        if (clientPassword !== undefined && !secrets) return fail('STORE_ERROR', 'no secret store is available to keep the client password', { clientPassword: 'cannot be stored on this machine' });
        const before = c.sources.find((x) => x.id === source.id);
        const sources = before ? c.sources.map((x) => (x.id === source.id ? source : x)) : [...c.sources, source];
        const saved = await persist({ ...c, sources });
        if (!saved.ok) return saved;
        if (source.auth.kind === 'none') await secrets?.delete(brokerSecretKey(source.id)).catch(() => false);
        if (clientPassword !== undefined) {
          try {
            await secrets!.set(brokerSecretKey(source.id), clientPassword);
          } catch (e) {
            return fail('STORE_ERROR', `the source was saved, but its client password could not be stored: ${errorText(e)}`, { clientPassword: 'not stored' });
          }
        }
        return ok(source);
      }),

    /** Deletes the source with its marked sessions, their recents and the client password; undo restores all. */
    deleteSource: (id: string): Promise<Result<{ undoId: string }>> =>
      serial(async () => {
        if (!store.catalogue().sources.some((x) => x.id === id)) return fail('NOT_FOUND', `no Session Manager source "${id}"`);
        return removeCascade({ sources: new Set([id]) });
      }),

    /** Stores a Broker client password after the Broker refused the old one (or none was stored). */
    setClientPassword: async (sourceId: string, password: string): Promise<Result<true>> => {
      const source = store.catalogue().sources.find((x) => x.id === sourceId);
      if (!source) return fail('NOT_FOUND', `no Session Manager source "${sourceId}"`);
      if (source.auth.kind === 'none') return fail('INVALID_INPUT', 'a source with authorization off has no client password');
      if (!secrets) return fail('STORE_ERROR', 'no secret store is available to keep the client password');
      try {
        await secrets.set(brokerSecretKey(sourceId), password);
      } catch (e) {
        return fail('STORE_ERROR', `the client password could not be stored: ${errorText(e)}`);
      }
      return ok(true);
    },

    /** The marks of Broker sessions (favourites, opened ones), replaced whole by the session directory. */
    saveMarks: (marks: SessionMark[]): Promise<Result<Catalogue>> =>
      serial(async () => {
        const parsed = validate(SessionMark.array(), marks);
        if (!parsed.ok) return parsed;
        const c = store.catalogue();
        const keys = new Set(parsed.value.map((m) => m.key));
        // A mark that goes takes its recents along (nothing else can name them).
        const recents = c.recents.filter((r) => keys.has(r.desktopId) || c.desktops.some((d) => d.id === r.desktopId));
        return persist({ ...c, sessionMarks: parsed.value, recents });
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
  };
}
