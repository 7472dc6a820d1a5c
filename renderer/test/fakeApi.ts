/**
 * An in-memory LauncherApi for component tests: the renderer's boundary, nothing more. It keeps
 * a catalogue, validates saves with the contract's own request schemas (so field errors look
 * like main's), records every call, and lets a test script answers and push events.
 * Never imported by the app.
 */
import {
  parseRequest,
  type CertificateSummary,
  type ConnectionInfo,
  type OpenResult,
  type SessionView,
  type SourceStatus,
  type CatalogueView,
  type Channel,
  type EventName,
  type Events,
  type LauncherApi,
  type Request,
  type Responses,
  type Result,
  type TrustInspection,
} from '../../preload/contract/api';
import type { Catalogue, Desktop, Endpoint, Profile, SessionSource, Settings } from '../../preload/contract/model';

type Handler<C extends Channel> = (request: Request<C>) => Result<Responses[C]> | Promise<Result<Responses[C]>>;

export interface FakeApi extends LauncherApi {
  calls: Array<{ channel: Channel; request: unknown }>;
  view: CatalogueView;
  /** What sessions.get and sessions.refresh answer, by source. */
  sessions: Record<string, SourceStatus>;
  /** Replace the answer of one channel. */
  handle<C extends Channel>(channel: C, handler: Handler<C>): void;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  callsTo(channel: Channel): unknown[];
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL', message: string, fields?: Record<string, string>): Result<never> => ({
  ok: false,
  error: { code, message, ...(fields ? { fields } : {}) },
});

export function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return {
    id: 'ep1',
    name: 'Tokyo VPC endpoint',
    host: 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com',
    tls: { mode: 'pin' },
    proxy: { mode: 'system' },
    ...over,
  };
}

export function desktop(over: Partial<Desktop> = {}): Desktop {
  return {
    id: 'd1',
    name: 'Agent 1',
    endpointId: 'ep1',
    route: { kind: 'port', port: 50001 },
    webUrlPath: '/',
    tags: [],
    notes: '',
    favourite: false,
    ...over,
  };
}

export function profile(over: Partial<Profile> = {}): Profile {
  return {
    id: 'p1',
    name: 'Big window',
    desktopId: 'd1',
    openIn: 'window',
    window: { width: 1920, height: 1080, fullScreen: false },
    ...over,
  };
}

export function source(over: Partial<SessionSource> = {}): SessionSource {
  return {
    id: 'sm1',
    name: 'Tokyo Session Manager',
    endpointId: 'ep1',
    brokerPort: 8448,
    auth: { kind: 'broker', clientId: 'launcher' },
    user: '',
    tagFilters: [],
    open: { via: 'gateway', port: 8443 },
    ...over,
  };
}

export function sessionView(over: Partial<SessionView> = {}): SessionView {
  return {
    key: 's-AAAAAAAAAAAAAAAAAAAAAAAAAAA',
    sourceId: 'sm1',
    id: 'session-1',
    name: 'CAD desktop',
    owner: 'alice',
    type: 'VIRTUAL',
    state: 'READY',
    server: { ip: '10.150.248.180', hostname: 'agent1.corp', port: '8443' },
    tags: { os: 'linux' },
    favourite: false,
    gone: false,
    ...over,
  };
}

export function sourceStatus(over: Partial<SourceStatus> = {}): SourceStatus {
  return { sourceId: 'sm1', user: 'alice', refreshing: false, refreshedAt: '2026-12-06T00:00:00.000Z', sessions: [], ...over };
}

/** An open connection as main reports it (desktop d1 on port 41234 unless told). */
export function connectionInfo(over: Partial<ConnectionInfo> = {}): ConnectionInfo {
  const port = over.port ?? 41234;
  return {
    desktopId: 'd1',
    port,
    origin: `https://127.0.0.1:${port}`,
    state: { kind: 'open' },
    stats: { activeSockets: 0, activeWebSockets: 0, totalSockets: 0, bytesUp: 0, bytesDown: 0, upstreamConnectMs: null, lastError: null },
    openedAt: '2025-03-01T09:00:00.000Z',
    ...over,
  };
}

/** connection.open's answer for an opened desktop, in a window. */
export function openedResult(over: Partial<Extract<OpenResult, { kind: 'opened' }>> = {}): OpenResult {
  const connection = over.connection ?? connectionInfo();
  return { kind: 'opened', connection, launchUrl: `${connection.origin}/`, openIn: 'window', ...over };
}

/** connection.open answers these in turn (the last one again after that). */
export function scriptOpens(api: FakeApi, ...answers: OpenResult[]): void {
  let i = 0;
  api.handle('connection.open', () => ok(answers[Math.min(i++, answers.length - 1)]));
}

export function certificate(over: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    subject: 'CN=dcv-gateway',
    issuer: 'CN=dcv-gateway',
    subjectAltName: [],
    validFrom: '2025-01-01T00:00:00.000Z',
    validTo: '2027-01-01T00:00:00.000Z',
    fingerprint256: 'sha256/q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJo=',
    fingerprint256Hex: 'AB:CD:EF:12:34:56:78:9A:BC:DE:F1:23:45:67:89:AB:CD:EF:12:34:56:78:9A:BC:DE:F1:23:45:67:89:AB:CD',
    serialNumber: '01',
    selfSigned: true,
    pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    ...over,
  };
}

export function inspection(over: Partial<TrustInspection> = {}): TrustInspection {
  return {
    key: 'vpce-0abc-xyz.vpce-svc-0123.ap-northeast-1.vpce.amazonaws.com:50001',
    state: 'untrusted',
    presented: certificate(),
    chain: [],
    expiresSoon: false,
    namesEndpoint: true,
    ...over,
  };
}

/** A catalogue for a test: anything not given is empty; settings are the defaults with the test's over them. */
export type CatalogueOver = Partial<Omit<Catalogue, 'settings'>> & { settings?: Partial<Settings> };

export function catalogueOf(over: CatalogueOver = {}): Catalogue {
  const { settings, ...rest } = over;
  return {
    version: 2,
    sources: [],
    sessionMarks: [],
    endpoints: [],
    desktops: [],
    profiles: [],
    recents: [],
    ...rest,
    settings: { language: 'en', view: 'list', idleCloseMinutes: 30, ...settings },
  };
}

export function createFakeApi(catalogue: CatalogueOver = {}, mode: 'electron' | 'browser' = 'electron'): FakeApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const handlers = new Map<Channel, Handler<Channel>>();
  const undo = new Map<string, Catalogue>();
  let undoCount = 0;

  const fake: FakeApi = {
    mode,
    calls: [],
    view: { catalogue: catalogueOf(catalogue), problem: null, health: {}, desktopsWithToken: [] },
    sessions: {},
    async invoke<C extends Channel>(channel: C, request: Request<C>): Promise<Result<Responses[C]>> {
      fake.calls.push({ channel, request: structuredClone(request) });
      const custom = handlers.get(channel) as Handler<C> | undefined;
      if (custom) return custom(request);
      return builtIn(channel, request) as Result<Responses[C]>;
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    handle(channel, handler) {
      handlers.set(channel, handler as unknown as Handler<Channel>);
    },
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) listener(payload as never);
    },
    callsTo(channel) {
      return fake.calls.filter((c) => c.channel === channel).map((c) => c.request);
    },
  };

  const cat = () => fake.view.catalogue;
  function snapshot(): string {
    const id = `u${++undoCount}`;
    undo.set(id, structuredClone(cat()));
    return id;
  }
  function upsert<T extends { id: string }>(list: T[], item: T): T[] {
    return list.some((x) => x.id === item.id) ? list.map((x) => (x.id === item.id ? item : x)) : [...list, item];
  }

  function builtIn(channel: Channel, request: unknown): Result<unknown> {
    const parsed = parseRequest(channel, request);
    if (!parsed.ok) return parsed;
    const r = parsed.value as never as Record<string, unknown>;
    switch (channel) {
      case 'catalogue.get':
        return ok(structuredClone(fake.view));
      case 'endpoint.save':
        fake.view.catalogue = { ...cat(), endpoints: upsert(cat().endpoints, r as unknown as Endpoint) };
        return ok(r);
      case 'desktop.save': {
        const d = r.desktop as Desktop;
        fake.view.catalogue = { ...cat(), desktops: upsert(cat().desktops, d) };
        if (r.authToken) fake.view.desktopsWithToken = [...new Set([...fake.view.desktopsWithToken, d.id])];
        return ok(d);
      }
      case 'profile.save':
        fake.view.catalogue = { ...cat(), profiles: upsert(cat().profiles, r as unknown as Profile) };
        return ok(r);
      case 'endpoint.delete':
      case 'desktop.delete':
      case 'profile.delete': {
        const key = channel === 'endpoint.delete' ? 'endpoints' : channel === 'desktop.delete' ? 'desktops' : 'profiles';
        const list = cat()[key] as Array<{ id: string }>;
        if (!list.some((x) => x.id === r.id)) return fail('NOT_FOUND', `no ${key} "${String(r.id)}"`);
        const undoId = snapshot();
        fake.view.catalogue = { ...cat(), [key]: list.filter((x) => x.id !== r.id) };
        return ok({ undoId });
      }
      case 'catalogue.undo': {
        const saved = undo.get(r.undoId as string);
        if (!saved) return fail('NOT_FOUND', 'nothing to undo');
        undo.delete(r.undoId as string);
        fake.view.catalogue = saved;
        return ok(structuredClone(fake.view));
      }
      case 'desktop.setFavourite': {
        const d = cat().desktops.find((x) => x.id === r.id);
        if (!d) return fail('NOT_FOUND', 'no desktop');
        const next = { ...d, favourite: r.favourite as boolean };
        fake.view.catalogue = { ...cat(), desktops: upsert(cat().desktops, next) };
        return ok(next);
      }
      case 'settings.set':
        fake.view.catalogue = { ...cat(), settings: { ...cat().settings, ...r } };
        return ok(cat().settings);
      case 'secrets.status':
        return ok({ backend: 'keychain', persistent: true, detail: 'keytar loaded; Secret Service answered' });
      case 'secrets.setProxyPassword':
        return ok({ backend: 'keychain', persistent: true, detail: 'keytar loaded' });
      case 'trust.list':
        return ok([]);
      case 'trust.accept':
        return ok({ key: r.key, fingerprints: [r.fingerprint], certificate: certificate(), trustedAt: new Date().toISOString() });
      case 'trust.forget':
        return ok({ removed: true });
      case 'connection.list':
        return ok([]);
      case 'sessions.get':
        return ok(Object.values(fake.sessions));
      case 'sessions.refresh': {
        const status = fake.sessions[r.sourceId as string];
        return status ? ok(status) : fail('NOT_FOUND', `no source "${String(r.sourceId)}"`);
      }
      case 'source.save': {
        const saved = r.source as SessionSource;
        fake.view.catalogue = { ...cat(), sources: upsert(cat().sources, saved) };
        return ok(saved);
      }
      case 'connection.close':
        return ok({ closed: true });
      default:
        return fail('INTERNAL', `the fake has no answer for ${channel}: the test must handle() it`);
    }
  }

  return fake;
}
