/**
 * The Session Manager sources' sessions: listed by each Broker (every page, with progress),
 * kept as the last good list when a refresh fails, starred and opened sessions remembered
 * (marks) so a session that disappeared shows as gone. New desktops are created from the
 * source's template and followed until READY; the user's own sessions can be deleted.
 *
 * Every Broker call goes through the endpoint's route (proxy rule, CONNECT credentials,
 * address override) and the Broker's pin, checked before any byte: a Broker not trusted yet
 * answers 'needs-trust' with its certificate, read without sending anything.
 */
import { userInfo } from 'node:os';
import type { Failure, NeedsUser, Result, SessionView, SourceStatus, TrustInspection } from '../../preload/contract/api';
import type { Catalogue, Endpoint, SessionMark, SessionSource } from '../../preload/contract/model';
import { inspectCertificate } from '../../tunnel/dial';
import { isTunnelError } from '../../tunnel/errors';
import { plainParams, type MessageParam } from '../../tunnel/messages';
import { isBrokerError, type BrokerClient, type BrokerClientOptions, type SessionSummary } from '../../tunnel/session-manager/types';
import type { ProxyCredentials } from '../../tunnel/types';
import type { Emit } from './connection-manager';
import type { DesktopTarget } from './desktop-target';
import type { ProxyDecision, ProxyPolicy } from './proxy-policy';
import { brokerSecretKey, type SecretStore } from './secrets/secret-store';
import { brokerUrl, newSessionName, sessionKey, sessionTarget } from './session-target';
import { trustKey, type TrustStore } from './trust-store';
import { ok, fail, errorText } from './result';

export interface SessionDirectoryDeps {
  catalogue: {
    current(): Catalogue;
    /** Replaces the marks (the catalogue service validates and saves). */
    saveMarks(marks: SessionMark[]): Promise<unknown>;
  };
  secrets: Pick<SecretStore, 'get'>;
  trust: TrustStore;
  proxy: Pick<ProxyPolicy, 'decide'>;
  proxyCredentials(endpoint: Endpoint, decision: ProxyDecision): Promise<ProxyCredentials | undefined>;
  createClient(options: BrokerClientOptions): BrokerClient;
  emit: Emit;
  /** Whose sessions a source lists when it names no user. Default: the OS user. */
  osUser?: string;
  timeouts?: { connectMs?: number; handshakeMs?: number; requestMs?: number };
  /** How often a new session's state is asked for while it is being created. Default 2 s. */
  pollMs?: number;
  now?: () => Date;
}

/** What an open needs from the Broker: where the session is, with a fresh token on the entry page. */
export interface PreparedSession {
  kind: 'ready';
  endpoint: Endpoint;
  source: SessionSource;
  session: SessionSummary;
  target: DesktopTarget;
  /** The name in the desktop list. */
  name: string;
}

type FailedAnswer = { kind: 'failed' } & Failure;
type Answer = NeedsUser | FailedAnswer;

interface SourceState {
  sessions: SessionSummary[];
  /** Set once a listing succeeded: until then nothing can be "gone". */
  listed: boolean;
  refreshing?: Promise<SourceStatus>;
  progress?: { pages: number; sessions: number };
  refreshedAt?: string;
  problem?: Answer;
}

/** A Broker reached through the endpoint, and the facts a failure's answer needs. */
interface Reached {
  client: BrokerClient;
  endpoint: Endpoint;
  source: SessionSource;
  key: string;
  decision: ProxyDecision;
  credentials?: ProxyCredentials;
}


const MAX_MARKS = 500;
const CREATE_FOLLOW_MS = 15 * 60_000;

export type SessionDirectory = ReturnType<typeof createSessionDirectory>;

export function createSessionDirectory(deps: SessionDirectoryDeps) {
  const now = deps.now ?? (() => new Date());
  const osUser = deps.osUser ?? safeOsUser();
  const states = new Map<string, SourceState>();
  /** Broker clients by source, rebuilt when anything they were made from changes (their token cache lives inside). */
  const clients = new Map<string, { signature: string; client: BrokerClient }>();
  const following = new Map<string, NodeJS.Timeout>();

  const stateOf = (sourceId: string): SourceState => {
    let s = states.get(sourceId);
    if (!s) states.set(sourceId, (s = { sessions: [], listed: false }));
    return s;
  };
  const userOf = (source: SessionSource) => source.user || osUser;
  const findSource = (sourceId: string) => deps.catalogue.current().sources.find((s) => s.id === sourceId);
  const endpointOf = (source: SessionSource) => deps.catalogue.current().endpoints.find((e) => e.id === source.endpointId);

  // ---- views --------------------------------------------------------------------------------

  function view(source: SessionSource, s: SessionSummary, marks: Map<string, SessionMark>): SessionView {
    const key = sessionKey(source.id, s.id);
    return {
      key,
      sourceId: source.id,
      id: s.id,
      name: s.name || s.id,
      owner: s.owner,
      type: s.type,
      state: s.state,
      ...(s.substate ? { substate: s.substate } : {}),
      ...(s.stateReason ? { stateReason: s.stateReason } : {}),
      server: { ip: s.server.ip, hostname: s.server.hostname, port: s.server.port === undefined ? '' : String(s.server.port) },
      tags: s.server.tags,
      ...(s.numOfConnections !== undefined ? { connections: s.numOfConnections } : {}),
      ...(s.lastDisconnectionTime ? { lastDisconnectionTime: s.lastDisconnectionTime } : {}),
      ...(s.creationTime ? { creationTime: s.creationTime } : {}),
      favourite: marks.get(key)?.favourite ?? false,
      gone: false,
    };
  }

  function status(source: SessionSource): SourceStatus {
    const s = stateOf(source.id);
    const marks = new Map(deps.catalogue.current().sessionMarks.filter((m) => m.sourceId === source.id).map((m) => [m.key, m]));
    const sessions = s.sessions.map((x) => view(source, x, marks));
    if (s.listed) {
      const listed = new Set(sessions.map((x) => x.key));
      for (const m of marks.values()) {
        if (listed.has(m.key)) continue;
        sessions.push({ key: m.key, sourceId: source.id, id: m.sessionId, name: m.name || m.sessionId, owner: m.owner, type: '', state: '', server: { ip: '', hostname: '', port: '' }, tags: {}, favourite: m.favourite, gone: true });
      }
    }
    return {
      sourceId: source.id,
      user: userOf(source),
      refreshing: s.refreshing !== undefined,
      ...(s.progress ? { progress: s.progress } : {}),
      ...(s.refreshedAt ? { refreshedAt: s.refreshedAt } : {}),
      sessions,
      ...(s.problem ? { problem: s.problem } : {}),
    };
  }

  const changed = (source: SessionSource) => deps.emit('sessions.changed', status(source));

  // ---- reaching the Broker ------------------------------------------------------------------

  /**
   * How the source's Broker is reached and signed in to, whatever is still undecided: the
   * route and credentials for its URL, its pin (or none yet), the client password (or none
   * stored). reach() turns the undecided parts into questions; the doctor walks on without them.
   */
  async function brokerSetup(source: SessionSource) {
    const endpoint = endpointOf(source);
    if (!endpoint) return failed('SOURCE_ENDPOINT_MISSING', 'broker', `source "${source.name}" names endpoint "${source.endpointId}", which does not exist`, { endpointId: source.endpointId });
    const key = trustKey(endpoint.host, source.brokerPort);
    let decision: ProxyDecision;
    try {
      decision = await deps.proxy.decide(endpoint, brokerUrl(endpoint, source));
    } catch (e) {
      return failed('PROXY_ERROR', 'broker-proxy', `no route to the Broker: ${errorText(e)}`, {});
    }
    const credentials = await deps.proxyCredentials(endpoint, decision);
    const broker = { host: endpoint.host, port: source.brokerPort, ...(endpoint.addressOverride ? { resolve: [{ host: endpoint.host, port: source.brokerPort, address: endpoint.addressOverride }] } : {}) };
    const password = source.auth.kind === 'none' ? undefined : await deps.secrets.get(brokerSecretKey(source.id)).catch(() => undefined);
    const auth: BrokerClientOptions['auth'] =
      source.auth.kind === 'none'
        ? { kind: 'none' }
        : { kind: 'client-credentials', clientId: source.auth.clientId, clientPassword: password ?? '', ...(source.auth.kind === 'token-url' ? { tokenUrl: source.auth.tokenUrl } : {}) };
    return { endpoint, source, key, decision, credentials, broker, policy: deps.trust.policyFor(endpoint, source.brokerPort), auth, passwordStored: password !== undefined };
  }

  /** A client for the source's Broker, or what the user must decide first (trust, a password, proxy credentials). */
  async function reach(source: SessionSource): Promise<Reached | Answer> {
    const setup = await brokerSetup(source);
    if ('kind' in setup) return setup;
    const { endpoint, key, decision, credentials, broker, policy, auth } = setup;
    const reached = { endpoint, source, key, decision, credentials };
    if ('needs' in policy) {
      try {
        const seen = await inspectCertificate({ target: broker, route: decision.route, proxyCredentials: credentials, timeouts: { connectMs: deps.timeouts?.connectMs, handshakeMs: deps.timeouts?.handshakeMs } });
        const inspection = deps.trust.inspect(key, seen.certificate, seen.chain);
        return inspection.state === 'changed' ? { kind: 'certificate-changed', inspection } : { kind: 'needs-trust', inspection };
      } catch (e) {
        return answerFor(e, reached);
      }
    }
    if (source.auth.kind !== 'none' && !setup.passwordStored) return { kind: 'needs-client-password', sourceId: source.id, clientId: source.auth.clientId, reason: 'missing' };
    const signature = JSON.stringify([broker, decision.route, credentials ?? null, policy, auth]);
    let cached = clients.get(source.id);
    if (!cached || cached.signature !== signature) {
      cached = {
        signature,
        client: deps.createClient({ broker, route: decision.route, proxyCredentials: credentials, trust: policy, auth, timeouts: deps.timeouts }),
      };
      clients.set(source.id, cached);
    }
    return { ...reached, client: cached.client };
  }

  function failed(code: string, step: string, message: string, params: Record<string, MessageParam>): FailedAnswer {
    return { kind: 'failed', code, step, message, params };
  }

  /** A Broker failure as an answer: what the user decides (a changed pin, a 407, a refused password) or a failure to word. */
  function answerFor(e: unknown, r: Omit<Reached, 'client'>): Answer {
    const cause = isBrokerError(e) && e.code === 'BROKER_UNREACHABLE' && isTunnelError(e.cause) ? e.cause : isTunnelError(e) ? e : undefined;
    if (cause) {
      if (cause.code === 'TLS_PIN_MISMATCH' && cause.details.presented) {
        return { kind: 'certificate-changed', inspection: deps.trust.inspect(r.key, cause.details.presented) };
      }
      // PROXY_CREDENTIALS_REFUSED: refused before, not sent again; the user enters them anew.
      if (cause.code === 'PROXY_AUTH_REQUIRED' || cause.code === 'PROXY_CREDENTIALS_REFUSED') {
        const username = r.credentials?.username ?? r.decision.username;
        return {
          kind: 'needs-proxy-credentials',
          endpointId: r.endpoint.id,
          proxy: r.decision.proxyUrl ?? String(cause.details.proxy ?? 'the proxy'),
          ...(username ? { username } : {}),
          reason: r.credentials ? 'rejected' : 'missing',
        };
      }
      return failed(cause.code, `broker-${cause.step}`, cause.message, { ...plainParams(cause.details), broker: r.key });
    }
    if (isBrokerError(e)) {
      if (e.code === 'BROKER_AUTH_FAILED' && r.source.auth.kind !== 'none') {
        return { kind: 'needs-client-password', sourceId: r.source.id, clientId: r.source.auth.clientId, reason: 'rejected' };
      }
      return failed(e.code, 'broker', e.message, { ...e.params, broker: r.key });
    }
    return failed('INTERNAL', 'broker', errorText(e), {});
  }

  async function withBroker<T>(source: SessionSource, work: (r: Reached) => Promise<T>): Promise<{ ok: true; value: T; reached: Reached } | { ok: false; answer: Answer }> {
    const r = await reach(source);
    if ('kind' in r) return { ok: false, answer: r };
    try {
      return { ok: true, value: await work(r), reached: r };
    } catch (e) {
      return { ok: false, answer: answerFor(e, r) };
    }
  }

  // ---- marks --------------------------------------------------------------------------------

  /** Keeps a mark's name and owner current, adds or changes one; at most MAX_MARKS, favourites kept first. */
  async function updateMarks(update: (marks: SessionMark[]) => SessionMark[]): Promise<void> {
    const before = deps.catalogue.current().sessionMarks;
    let next = update(before.map((m) => ({ ...m })));
    if (next.length > MAX_MARKS) {
      const recent = new Set(deps.catalogue.current().recents.map((r) => r.desktopId));
      const keep = (m: SessionMark) => m.favourite || recent.has(m.key);
      next = [...next.filter(keep), ...next.filter((m) => !keep(m))].slice(0, MAX_MARKS);
    }
    if (JSON.stringify(next) !== JSON.stringify(before)) await deps.catalogue.saveMarks(next);
  }

  function markFor(source: SessionSource, s: SessionSummary, favourite?: boolean): (marks: SessionMark[]) => SessionMark[] {
    const key = sessionKey(source.id, s.id);
    return (marks) => {
      const existing = marks.find((m) => m.key === key);
      if (existing) {
        existing.name = s.name;
        existing.owner = s.owner;
        if (favourite !== undefined) existing.favourite = favourite;
        return marks;
      }
      return [...marks, { key, sourceId: source.id, sessionId: s.id, name: s.name, owner: s.owner, favourite: favourite ?? false }];
    };
  }

  /** Where a key points: a listed session, or a mark of one (which may be gone). */
  function locate(key: string): { source: SessionSource; sessionId: string; name: string; listed?: SessionSummary } | undefined {
    const c = deps.catalogue.current();
    for (const source of c.sources) {
      const listed = stateOf(source.id).sessions.find((s) => sessionKey(source.id, s.id) === key);
      if (listed) return { source, sessionId: listed.id, name: listed.name || listed.id, listed };
    }
    const mark = c.sessionMarks.find((m) => m.key === key);
    const source = mark && c.sources.find((s) => s.id === mark.sourceId);
    return mark && source ? { source, sessionId: mark.sessionId, name: mark.name || mark.sessionId } : undefined;
  }

  // ---- refresh ------------------------------------------------------------------------------

  async function listNow(source: SessionSource): Promise<SourceStatus> {
    const s = stateOf(source.id);
    s.progress = { pages: 0, sessions: 0 };
    changed(source);
    const got = await withBroker(source, (r) =>
      r.client.describeSessions({
        owner: userOf(source),
        tags: source.tagFilters,
        onPage: (progress) => {
          s.progress = progress;
          changed(source);
        },
      }),
    );
    s.progress = undefined;
    if (got.ok) {
      // A DELETED session cannot be opened any more: like one the Broker no longer lists, it is gone.
      s.sessions = got.value.filter((x) => x.state.toUpperCase() !== 'DELETED');
      s.listed = true;
      s.refreshedAt = now().toISOString();
      s.problem = undefined;
      // Marks follow renamed sessions.
      const byKey = new Map(got.value.map((x) => [sessionKey(source.id, x.id), x]));
      await updateMarks((marks) => {
        for (const m of marks) {
          const x = byKey.get(m.key);
          if (x) {
            m.name = x.name;
            m.owner = x.owner;
          }
        }
        return marks;
      }).catch(() => {});
    } else {
      s.problem = got.answer;
    }
    return status(source);
  }

  function refresh(sourceId: string): Promise<Result<SourceStatus>> {
    const source = findSource(sourceId);
    if (!source) return Promise.resolve(fail('NOT_FOUND', `no Session Manager source "${sourceId}"`));
    const s = stateOf(sourceId);
    // One listing at a time per source: a second caller shares it.
    s.refreshing ??= listNow(source).finally(() => {
      s.refreshing = undefined;
      const current = findSource(sourceId);
      if (current) changed(current);
    });
    return s.refreshing.then((st) => ok({ ...st, refreshing: false }));
  }

  // ---- create and delete ----------------------------------------------------------------------

  /** Asks for the session's state until READY (or it is gone); each change is a 'sessions.changed'. */
  function follow(source: SessionSource, sessionId: string): void {
    const key = sessionKey(source.id, sessionId);
    clearTimeout(following.get(key));
    const until = Date.now() + CREATE_FOLLOW_MS;
    const tick = async () => {
      following.delete(key);
      const current = findSource(source.id);
      if (!current) return;
      const got = await withBroker(current, (r) => r.client.describeSessions({ sessionIds: [sessionId] }));
      const s = stateOf(current.id);
      if (got.ok) {
        const found = got.value.find((x) => x.id === sessionId);
        if (found) s.sessions = [...s.sessions.filter((x) => x.id !== sessionId), found];
        else s.sessions = s.sessions.map((x) => (x.id === sessionId ? { ...x, state: 'DELETED', stateReason: x.stateReason ?? '' } : x));
        changed(current);
        const state = found?.state.toUpperCase();
        if (state === 'READY' || !found || state === 'DELETED' || state === 'UNKNOWN') return;
      }
      if (Date.now() < until) following.set(key, setTimeout(() => void tick(), deps.pollMs ?? 2_000).unref());
    };
    following.set(key, setTimeout(() => void tick(), deps.pollMs ?? 2_000).unref());
  }

  async function create(sourceId: string, name?: string) {
    const source = findSource(sourceId);
    if (!source) return fail('NOT_FOUND', `no Session Manager source "${sourceId}"`);
    const template = source.template ?? { namePattern: '{user}-{n}', requirements: '' };
    const user = userOf(source);
    const s = stateOf(sourceId);
    const sessionName = name ?? newSessionName(template.namePattern, user, s.sessions.map((x) => x.name));
    const got = await withBroker(source, (r) =>
      r.client.createSessions([
        {
          name: sessionName,
          owner: user,
          type: 'Virtual',
          ...(template.requirements ? { requirements: template.requirements } : {}),
          ...(template.maxConcurrentClients ? { maxConcurrentClients: template.maxConcurrentClients } : {}),
        },
      ]),
    );
    if (!got.ok) return ok(got.answer);
    const [created] = got.value.created;
    if (!created) {
      const reason = got.value.failed[0]?.reason ?? 'no reason given';
      return ok(failed('SESSION_CREATE_FAILED', 'broker', `the Broker did not create "${sessionName}": ${reason}`, { name: sessionName, reason }));
    }
    s.sessions = [...s.sessions.filter((x) => x.id !== created.id), created];
    await updateMarks(markFor(source, created)).catch(() => {});
    const marks = new Map(deps.catalogue.current().sessionMarks.map((m) => [m.key, m]));
    changed(source);
    follow(source, created.id);
    return ok({ kind: 'creating' as const, session: view(source, created, marks) });
  }

  async function remove(key: string) {
    const found = locate(key);
    if (!found) return fail('NOT_FOUND', `no session "${key}"`);
    const { source, sessionId } = found;
    const user = userOf(source);
    const owner = found.listed?.owner ?? user;
    if (owner.toLowerCase() !== user.toLowerCase()) {
      return ok(failed('SESSION_NOT_OWN', 'broker', `"${found.name}" belongs to ${owner}: only your own sessions can be deleted here`, { name: found.name, owner }));
    }
    const got = await withBroker(source, (r) => r.client.deleteSessions([{ sessionId, owner }]));
    if (!got.ok) return ok(got.answer);
    const refused = got.value.failed[0];
    if (refused) return ok(failed('SESSION_DELETE_FAILED', 'broker', `the Broker did not delete "${found.name}": ${refused.reason}`, { name: found.name, reason: refused.reason }));
    const s = stateOf(source.id);
    s.sessions = s.sessions.map((x) => (x.id === sessionId ? { ...x, state: got.value.deleted[0]?.state || 'DELETING' } : x));
    await updateMarks((marks) => marks.filter((m) => m.key !== key)).catch(() => {});
    changed(source);
    const listed = s.sessions.find((x) => x.id === sessionId);
    const summary: SessionSummary = listed ?? { id: sessionId, name: found.name, owner, type: '', state: 'DELETING', server: { ip: '', hostname: '', webUrlPath: '/', endpoints: [], tags: {} } };
    return ok({ kind: 'deleting' as const, session: view(source, summary, new Map()) });
  }

  // ---- open -----------------------------------------------------------------------------------

  /** A fresh ConnectionToken and where the session is, right before an open (never stored). */
  async function prepareOpen(key: string): Promise<PreparedSession | Answer | undefined> {
    const found = locate(key);
    if (!found) return undefined;
    const { source, sessionId } = found;
    const got = await withBroker(source, (r) => r.client.getSessionConnectionData(sessionId, userOf(source)));
    if (!got.ok) return got.answer;
    const { session, connectionToken } = got.value;
    const endpoint = got.reached.endpoint;
    const target = sessionTarget(endpoint, source, session, connectionToken);
    if (!target) {
      return failed('SESSION_NO_ROUTE', 'open', `no rule of source "${source.name}" maps server ${session.server.ip || session.server.hostname}`, {
        ip: session.server.ip,
        hostname: session.server.hostname,
        source: source.name,
      });
    }
    await updateMarks(markFor(source, session)).catch(() => {});
    return { kind: 'ready', endpoint, source, session, target, name: session.name || session.id };
  }

  return {
    statuses: (): SourceStatus[] => deps.catalogue.current().sources.map(status),
    refresh,
    create,
    remove,
    prepareOpen,

    /** How the doctor reaches the source's Broker: as an open would, with nothing decided for the user. */
    brokerSetup: (source: SessionSource) => brokerSetup(source),
    userOf,

    /** Does this id name a session (listed or marked)? */
    knows: (key: string): boolean => locate(key) !== undefined,
    nameOf: (key: string): string | undefined => locate(key)?.name,
    locate,

    /** Star or unstar a session: kept as a mark, so it survives refreshes and shows as gone when it goes. */
    async setFavourite(key: string, favourite: boolean): Promise<Result<SessionView>> {
      const found = locate(key);
      if (!found) return fail('NOT_FOUND', `no session "${key}"`);
      const summary: SessionSummary = found.listed ?? { id: found.sessionId, name: found.name, owner: '', type: '', state: '', server: { ip: '', hostname: '', webUrlPath: '/', endpoints: [], tags: {} } };
      try {
        await updateMarks(markFor(found.source, summary, favourite));
      } catch (e) {
        return fail('STORE_ERROR', `could not save the favourite: ${errorText(e)}`);
      }
      changed(found.source);
      const marks = new Map(deps.catalogue.current().sessionMarks.map((m) => [m.key, m]));
      return ok({ ...view(found.source, summary, marks), gone: !found.listed && stateOf(found.source.id).listed });
    },

    /** A Broker's certificate, read again (trust.accept for a key nothing showed since start). */
    async inspectAt(key: string): Promise<TrustInspection | undefined> {
      const c = deps.catalogue.current();
      for (const source of c.sources) {
        const endpoint = c.endpoints.find((e) => e.id === source.endpointId);
        if (!endpoint || trustKey(endpoint.host, source.brokerPort) !== key) continue;
        const decision = await deps.proxy.decide(endpoint, brokerUrl(endpoint, source));
        const credentials = await deps.proxyCredentials(endpoint, decision);
        const seen = await inspectCertificate({
          target: { host: endpoint.host, port: source.brokerPort, ...(endpoint.addressOverride ? { resolve: [{ host: endpoint.host, port: source.brokerPort, address: endpoint.addressOverride }] } : {}) },
          route: decision.route,
          proxyCredentials: credentials,
        });
        return deps.trust.inspect(key, seen.certificate, seen.chain);
      }
      return undefined;
    },

    /** After a source was deleted or changed: its client (and cached token) and list are dropped. */
    forget(sourceId: string): void {
      clients.delete(sourceId);
      states.delete(sourceId);
      for (const [key, timer] of following) if (locate(key)?.source.id === sourceId) clearTimeout(timer);
    },

    close(): void {
      for (const timer of following.values()) clearTimeout(timer);
      following.clear();
    },
  };
}

function safeOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? '';
  }
}

