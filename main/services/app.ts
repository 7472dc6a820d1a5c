/**
 * The one place where main's services are put together, for both shells (Electron and browser
 * mode): catalogue store → catalogue service, secret store, trust store, proxy policy,
 * connection manager, doctor. Returns a handler for every channel of the contract, the event
 * stream, and shutdown. No handler throws: every failure is a Result error.
 */
import { ensurePrivateDataDir } from '../../tunnel/private-files';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { CatalogueView, EventName, Events, Handlers, LauncherServices, Result } from '../../preload/contract/api';
import type { Endpoint } from '../../preload/contract/model';
import { createCatalogueService } from './catalogue';
import { createConnectionManager, type ConnectionManagerDeps, type DesktopLaunch, type Emit } from './connection-manager';
import { createDiagnostics, endpointUrl } from './diagnostics';
import { createProxyCredentials, proxyOrigin } from './proxy-credentials';
import { forgetRefusal } from '../../tunnel/proxy-refusals';
import { createProxyPolicy } from './proxy-policy';
import { createSessionDirectory } from './session-directory';
import { createViewerHandoff, type ViewerHandoffOptions } from './viewer-handoff';
import { createBrokerClient } from '../../tunnel/session-manager/broker-client';
import type { BrokerClient, BrokerClientOptions } from '../../tunnel/session-manager/types';
import { chooseSecretStore } from './secrets/choose';
import { loadKeytar, type KeytarLike } from './secrets/keytar';
import type { SafeStorageLike } from './secrets/safe-storage';
import { openCatalogueStore } from './store/catalogue-store';
import { openTrustStore, parseTrustKey, TRUST_FILE, type RemovedTrust } from './trust-store';
import { ok, fail, errorText } from './result';

export interface LauncherServicesOptions {
  /** Catalogue, trust pins and (with safeStorage) encrypted secrets live here. */
  dataDir: string;
  /** The tunnels' localhost certificate cache. */
  certDir: string;
  /** Proxy variables (https_proxy, no_proxy …). */
  env: Record<string, string | undefined>;
  /** Electron's session.resolveProxy; without it the environment stands in for the system. */
  resolveSystemProxy?: (url: string) => Promise<string>;
  safeStorage?: SafeStorageLike;
  /** Shows a desktop whose profile opens in a window or the browser (see ConnectionManagerDeps). */
  openDesktop?: (launch: DesktopLaunch) => void;
  /** Default: the real keytar module. Tests pass one that fails, to keep secrets in memory. */
  loadKeytar?: () => Promise<KeytarLike>;
  /** Reconnect backoff and dial timeouts (tests shorten them). */
  connections?: Pick<ConnectionManagerDeps, 'backoff' | 'timeouts'>;
  /** Whose Session Manager sessions a source without a user lists (default: the OS user). */
  osUser?: string;
  /** How often a session being created is asked for its state (tests shorten it). */
  sessionPollMs?: number;
  /** DCV Viewer's launcher and where its private files go (tests use a fake viewer). */
  viewer?: ViewerHandoffOptions;
  /** Default: the real Broker client (tests may count calls). */
  createBrokerClient?: (options: BrokerClientOptions) => BrokerClient;
  now?: () => Date;
}

export const SECRETS_FILE = 'secrets.json';

type Listener = <E extends EventName>(event: E, payload: Events[E]) => void;
type Health = CatalogueView['health'];

/** For each desktop, the most recent of: last open (recents), last diagnosis, live connection. */
function latest(...sources: Health[]): Health {
  const out: Health = {};
  for (const source of sources) {
    for (const [desktopId, h] of Object.entries(source)) if (!out[desktopId] || out[desktopId].at <= h.at) out[desktopId] = h;
  }
  return out;
}

/** Exceptions never cross to a renderer: each becomes an INTERNAL error naming the channel. */
function guarded(handlers: Handlers): Handlers {
  const out: Record<string, (request: unknown) => Promise<Result<unknown>>> = {};
  for (const [channel, handler] of Object.entries(handlers) as Array<[string, (request: unknown) => Promise<Result<unknown>>]>) {
    out[channel] = async (request) => {
      try {
        return await handler(request);
      } catch (e) {
        console.error(`[services] ${channel} threw`, e);
        return fail('INTERNAL', `${channel} failed: ${errorText(e)}`);
      }
    };
  }
  return out as Handlers;
}

export async function createLauncherServices(opts: LauncherServicesOptions): Promise<LauncherServices> {
  const now = opts.now ?? (() => new Date());
  const listeners = new Set<Listener>();
  const emit: Emit = (event, payload) => {
    for (const listener of listeners) {
      try {
        listener(event, payload);
      } catch (e) {
        console.error(`[services] a listener of ${event} threw`, e);
      }
    }
  };

  // This user's only, whatever the umask or an older version left: the catalogue, pins and secrets are in it.
  await ensurePrivateDataDir(opts.dataDir);
  const store = await openCatalogueStore({ dir: opts.dataDir, now });
  const secrets = await chooseSecretStore({ loadKeytar: opts.loadKeytar ?? loadKeytar, safeStorage: opts.safeStorage, filePath: join(opts.dataDir, SECRETS_FILE) });
  const trust = await openTrustStore({ filePath: join(opts.dataDir, TRUST_FILE), now });
  const proxy = createProxyPolicy({ env: opts.env, resolveSystemProxy: opts.resolveSystemProxy });
  const credentials = createProxyCredentials(secrets);
  const proxyCredentials = (endpoint: Endpoint, decision: Parameters<typeof credentials.forEndpoint>[1]) => credentials.forEndpoint(endpoint, decision);

  // The status dots need the manager and the doctor, which are made below.
  let withHealth = (view: CatalogueView): CatalogueView => view;
  const catalogue = createCatalogueService({ store, now, newId: () => randomUUID(), secrets, onChange: (view) => emit('catalogue.changed', withHealth(view)) });
  const viewNow = async (): Promise<CatalogueView | undefined> => {
    const view = await catalogue.get();
    return view.ok ? withHealth(view.value) : undefined;
  };

  const viewer = createViewerHandoff(opts.viewer);
  const sessions = createSessionDirectory({
    catalogue: { current: () => store.catalogue(), saveMarks: catalogue.saveMarks },
    secrets,
    trust,
    proxy,
    proxyCredentials,
    createClient: opts.createBrokerClient ?? createBrokerClient,
    emit,
    osUser: opts.osUser,
    timeouts: opts.connections?.timeouts,
    pollMs: opts.sessionPollMs,
    now,
  });

  const connections = createConnectionManager({
    catalogue: { current: () => store.catalogue(), recordRecent: catalogue.recordRecent },
    viewer,
    secrets,
    trust,
    proxy,
    proxyCredentials,
    sessions,
    certDir: opts.certDir,
    openDesktop: opts.openDesktop,
    emit: (event, payload) => {
      emit(event, payload);
      // A connection that starts reconnecting or fails changes its desktop's status dot.
      const kind = event === 'connection.changed' ? (payload as Events['connection.changed']).state.kind : undefined;
      if (kind === 'reconnecting' || kind === 'failed') void viewNow().then((view) => view && emit('catalogue.changed', view));
    },
    now,
    ...opts.connections,
  });
  const doctor = createDiagnostics({
    catalogue: () => store.catalogue(),
    secrets,
    trust,
    proxy,
    proxyCredentials,
    emit,
    reportContext: { app: 'DCV Launcher', platform: `${process.platform} ${process.arch}`, node: process.versions.node },
    timeouts: opts.connections?.timeouts,
    sessions,
    ...(opts.createBrokerClient ? { createBrokerClient: opts.createBrokerClient } : {}),
  });
  withHealth = (view) => ({ ...view, health: latest(view.health, doctor.health(), connections.health()) });

  /** After a delete: the desktops' tunnels close and their diagnoses are forgotten. */
  const closeDesktops = async (desktopIds: string[]) => {
    for (const id of desktopIds) doctor.forget(id);
    await Promise.all(desktopIds.map((id) => connections.close(id)));
  };

  const forgottenTrust = new Map<string, { removed: RemovedTrust; at: number }>();
  const handlers: Handlers = {
    'catalogue.get': async () => {
      const view = await catalogue.get();
      return view.ok ? ok(withHealth(view.value)) : view;
    },
    'endpoint.save': (endpoint) => catalogue.saveEndpoint(endpoint),
    'endpoint.delete': async ({ id }) => {
      const desktops = store.catalogue().desktops.filter((d) => d.endpointId === id).map((d) => d.id);
      const deleted = await catalogue.deleteEndpoint(id);
      if (deleted.ok) await closeDesktops(desktops);
      return deleted;
    },
    'desktop.save': (request) => catalogue.saveDesktop(request),
    'desktop.delete': async ({ id }) => {
      const deleted = await catalogue.deleteDesktop(id);
      if (deleted.ok) await closeDesktops([id]);
      return deleted;
    },
    'desktop.setFavourite': ({ id, favourite }) => catalogue.setFavourite(id, favourite),
    'profile.save': (profile) => catalogue.saveProfile(profile),
    'profile.delete': ({ id }) => catalogue.deleteProfile(id),
    'catalogue.undo': async ({ undoId }) => {
      const view = await catalogue.undo(undoId);
      return view.ok ? ok(withHealth(view.value)) : view;
    },
    'import.preview': (request) => catalogue.importPreview(request),
    'import.apply': (request) => catalogue.importApply(request),
    'export.json': () => catalogue.exportJson(),
    'trust.inspect': ({ desktopId }) => connections.inspect(desktopId),
    'trust.accept': ({ key, fingerprint, persist }) => connections.acceptTrust(key, fingerprint, persist),
    'trust.forget': async ({ key }) => {
      let k: string;
      try {
        k = parseTrustKey(key).key;
      } catch (e) {
        return fail('INVALID_INPUT', errorText(e));
      }
      const removed = await trust.untrust(k);
      if (!removed) return ok({ removed: false });
      // Like a deleted desktop: one Undo puts the pin back, for 10 minutes.
      const undoId = randomUUID();
      forgottenTrust.set(undoId, { removed, at: now().getTime() });
      for (const [id, entry] of forgottenTrust) if (now().getTime() - entry.at > 10 * 60_000) forgottenTrust.delete(id);
      return ok({ removed: true, undoId });
    },
    'trust.undoForget': async ({ undoId }) => {
      const entry = forgottenTrust.get(undoId);
      if (!entry) return fail('NOT_FOUND', 'nothing to undo: it was undone already, or it is older than 10 minutes');
      forgottenTrust.delete(undoId);
      await trust.restore(entry.removed);
      return ok(trust.list());
    },
    'trust.list': async () => ok(trust.list()),
    'secrets.status': async () => ok(secrets.status()),
    'secrets.setProxyPassword': async ({ endpointId, username, password, proxy: askedBy }) => {
      const endpoint = store.catalogue().endpoints.find((e) => e.id === endpointId);
      if (!endpoint) return fail('NOT_FOUND', `no endpoint "${endpointId}"`);
      // The password is for the proxy that asked (named in needs-proxy-credentials), else the one the endpoint's route takes now.
      let forProxy: string | undefined;
      try {
        forProxy =
          askedBy ??
          (endpoint.proxy.mode === 'manual' ? endpoint.proxy.url : (await proxy.decide(endpoint, endpointUrl(store.catalogue(), endpoint))).proxyUrl);
      } catch (e) {
        return fail('INVALID_INPUT', `no proxy to keep the password for: ${errorText(e)}`);
      }
      if (!forProxy || !proxyOrigin(forProxy)) return fail('INVALID_INPUT', 'this endpoint reaches its desktops without a proxy: there is no proxy to keep a password for');
      if (endpoint.proxy.mode === 'manual' && (endpoint.proxy.username ?? '') !== username) {
        // The user name of a proxy the endpoint names is part of the endpoint, not a secret.
        const { username: _previous, ...rest } = endpoint.proxy;
        const saved = await catalogue.saveEndpoint({ ...endpoint, proxy: username ? { ...rest, username } : rest });
        if (!saved.ok) return saved;
      }
      try {
        await credentials.save(endpoint, forProxy, username, password);
      } catch (e) {
        return fail('STORE_ERROR', `the proxy password could not be stored: ${errorText(e)}`);
      }
      // Typed again: a pair the proxy refused earlier may be tried once more.
      forgetRefusal({ username, password });
      return ok(secrets.status());
    },
    'connection.open': (request) => connections.open(request),
    'connection.close': async ({ desktopId }) => ok({ closed: await connections.close(desktopId) }),
    'connection.list': async () => ok(connections.list()),
    'doctor.run': async ({ desktopId }) => {
      const diagnosis = await doctor.run(desktopId);
      if (diagnosis.ok) {
        const view = await viewNow();
        if (view) emit('catalogue.changed', view);
      }
      return diagnosis;
    },
    'doctor.explainProxy': ({ endpointId }) => doctor.explainProxy(endpointId),
    'doctor.report': ({ desktopId, format }) => doctor.report(desktopId, format),
    'settings.set': (settings) => catalogue.setSettings(settings),
    'source.save': async (request) => {
      const saved = await catalogue.saveSource(request);
      if (saved.ok) sessions.forget(saved.value.id);
      return saved;
    },
    'source.delete': async ({ id }) => {
      const keys = store.catalogue().sessionMarks.filter((m) => m.sourceId === id).map((m) => m.key);
      const listed = sessions.statuses().find((st) => st.sourceId === id)?.sessions.map((x) => x.key) ?? [];
      const deleted = await catalogue.deleteSource(id);
      if (deleted.ok) {
        sessions.forget(id);
        await closeDesktops([...new Set([...keys, ...listed])]);
      }
      return deleted;
    },
    'source.setClientPassword': async ({ sourceId, password }) => {
      const stored = await catalogue.setClientPassword(sourceId, password);
      if (!stored.ok) return stored;
      sessions.forget(sourceId);
      return ok(secrets.status());
    },
    'sessions.get': async () => ok(sessions.statuses()),
    'sessions.refresh': ({ sourceId }) => sessions.refresh(sourceId),
    'sessions.create': ({ sourceId, name }) => sessions.create(sourceId, name),
    'sessions.delete': async ({ key }) => {
      const deleted = await sessions.remove(key);
      if (deleted.ok && deleted.value.kind === 'deleting') await closeDesktops([key]);
      return deleted;
    },
    'sessions.setFavourite': ({ key, favourite }) => sessions.setFavourite(key, favourite),
  };

  let closing: Promise<void> | undefined;
  return {
    handlers: guarded(handlers),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () =>
      (closing ??= (async () => {
        sessions.close();
        await connections.closeAll();
        await viewer.close();
        await store.idle();
      })()),
  };
}
