/**
 * Catalogue file versions. MIGRATIONS[n] turns a version-n document into version n+1; a file is
 * walked forward one step at a time, then validated by the current schema. A migration only
 * reshapes: it never drops fields it does not know, so the schema still reports them by path.
 *
 * Version 0: the prototype launcher's file. No `version` field, just
 *   { endpoints: [{ id, name, host, proxy?: "system" | "direct" | "env" | "http://proxy:8080" }],
 *     desktops:  [{ id, name, endpointId, port, agent?, sessionId?, path?, favourite? }] }
 * where a desktop with `sessionId` went through a Connection Gateway and one with `agent`
 * through the nginx path router.
 * Version 1: routes, profiles, recents, settings.
 * Version 2: the current model (preload/contract/model.ts): Session Manager sources and the
 *   sessions the user starred or opened (sessionMarks). Nothing of version 1 changes shape.
 */
import { CATALOGUE_VERSION } from '../../../preload/contract/model';

type Doc = Record<string, unknown>;

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

function v0ProxyToV1(proxy: unknown): unknown {
  if (proxy === undefined || proxy === 'system') return { mode: 'system' };
  if (proxy === 'direct' || proxy === 'none') return { mode: 'direct' };
  if (proxy === 'env') return { mode: 'env' };
  if (typeof proxy === 'string' && /^http:\/\//i.test(proxy)) return { mode: 'manual', url: proxy };
  return proxy; // left as it was: validation names endpoints.N.proxy
}

function v0DesktopToV1(d: unknown): unknown {
  if (!isObject(d)) return d;
  const { port, agent, sessionId, path, ...rest } = d;
  const route =
    sessionId !== undefined
      ? { kind: 'gateway', port: port ?? 8443, sessionId }
      : agent !== undefined
        ? { kind: 'prefix', port: port ?? 8443, agent }
        : { kind: 'port', port };
  return { ...rest, route, ...(path !== undefined ? { webUrlPath: path } : {}) };
}

const v0ToV1 = (doc: Doc): Doc => {
  const { endpoints, desktops, ...rest } = doc;
  return {
    version: 1,
    ...rest,
    endpoints: Array.isArray(endpoints)
      ? endpoints.map((e) => (isObject(e) ? (({ proxy, ...others }) => ({ ...others, proxy: v0ProxyToV1(proxy) }))(e) : e))
      : endpoints,
    desktops: Array.isArray(desktops) ? desktops.map(v0DesktopToV1) : desktops,
  };
};

const v1ToV2 = (doc: Doc): Doc => ({ ...doc, version: 2, sources: doc.sources ?? [], sessionMarks: doc.sessionMarks ?? [] });

export const MIGRATIONS: ReadonlyArray<(doc: Doc) => Doc> = [v0ToV1, v1ToV2];

if (MIGRATIONS.length !== CATALOGUE_VERSION) {
  throw new Error(`catalogue migrations reach version ${MIGRATIONS.length}, the model is version ${CATALOGUE_VERSION}`);
}

/** Brings a parsed document to the current version, or says why it cannot. */
export function migrate(doc: unknown): { ok: true; doc: Doc; from: number } | { ok: false; message: string } {
  if (!isObject(doc)) return { ok: false, message: 'the file must hold a JSON object { … }' };
  const version = doc.version ?? 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    return { ok: false, message: `version: must be a whole number (found ${JSON.stringify(version)})` };
  }
  if (version > CATALOGUE_VERSION) {
    return { ok: false, message: `version: ${version} was written by a newer DCV Launcher; this one reads up to version ${CATALOGUE_VERSION}` };
  }
  let current = doc;
  for (let v = version; v < CATALOGUE_VERSION; v++) current = MIGRATIONS[v](current);
  return { ok: true, doc: current, from: version };
}
