/**
 * The Broker simulator's model: the DCV servers it knows (the simulated agents of a test), the
 * sessions on them, their states, placement, filtering and pagination, and how all of it looks
 * on the wire (the definition's Session and Server schemas, typed from the generated file).
 *
 * State changes need no timers: a session carries the change due next (CREATING → READY after
 * creationDelayMs, DELETING → gone after deletionDelayMs) and every read settles what is due.
 * Nothing to cancel on close, and fake timers (which mock Date.now) drive it as well.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../tunnel/session-manager/api/broker-api.generated';
import { parseRequirements, requirementsMet } from './broker-requirements';

type Schemas = components['schemas'];
export type WireSession = Schemas['Session'];
export type WireServer = Schemas['Server'];

/** The states AWS's API reference lists for a session. */
export type SessionState = 'CREATING' | 'READY' | 'DELETING' | 'DELETED' | 'UNKNOWN';
/**
 * Responses carry the upper-case names: AWS's RES reads the Broker's `Type` and `State` as
 * enum member names (`VirtualDesktopSessionType[type]`, `VirtualDesktopSessionState[state]`).
 */
export type SessionType = 'VIRTUAL' | 'CONSOLE';

/** Per-item failure text for an unknown session, as in AWS's DeleteSessions example response. */
export const NO_SUCH_SESSION = 'The requested dcvSession does not exist';

export interface BrokerServerSeed {
  id: string;
  /** The simulated agent's address, a loopback one such as 127.0.0.2. */
  ip: string;
  /** Default `dcv-<id>`. */
  hostname?: string;
  /** The agent's TLS port; default 8443. */
  port?: number;
  /** Default '/'. */
  webUrlPath?: string;
  tags?: Record<string, string>;
}

export interface SimServer {
  id: string;
  ip: string;
  hostname: string;
  port: number;
  webUrlPath: string;
  tags: Record<string, string>;
  /** closeServers takes a server out of placement; openServers puts it back. */
  open: boolean;
  seq: number;
}

export interface BrokerSessionSeed {
  /** Default a random UUID, like the Broker's ids. */
  id?: string;
  /** Default `session-<n>`. */
  name?: string;
  owner: string;
  /** Virtual or Console in any casing; default Virtual. */
  type?: string;
  /** Default the first server. */
  serverId?: string;
  /** Default READY. */
  state?: SessionState;
  stateReason?: string;
  maxConcurrentClients?: number;
  numOfConnections?: number;
  creationTime?: Date;
  lastDisconnectionTime?: Date;
}

export interface SimSession {
  id: string;
  name: string;
  owner: string;
  type: SessionType;
  serverId: string;
  state: SessionState;
  substate?: string;
  stateReason?: string;
  creationTime: Date;
  lastDisconnectionTime?: Date;
  numOfConnections: number;
  maxConcurrentClients?: number;
  storageRoot?: string;
  /** The last PermissionsFile given by createSessions or updateSessionPermissions (base64). */
  permissionsFile?: string;
  /** Insertion order; pagination resumes after a sequence number, so deletions between pages are harmless. */
  seq: number;
  /** The change due next: READY (creation finished) or GONE (deletion finished). */
  pending?: { to: 'READY' | 'GONE'; at: number };
}

export interface StoreOptions {
  servers: BrokerServerSeed[];
  sessions: BrokerSessionSeed[];
  creationDelayMs: number;
  deletionDelayMs: number;
  maxSessionsPerOwner?: number;
}

export type Paged<T> = { ok: true; items: T[]; nextToken?: string } | { ok: false; error: string };
type Filter = { Key?: string; Value?: string };

function sessionType(text: string | undefined): SessionType | undefined {
  const t = (text ?? 'virtual').toLowerCase();
  return t === 'virtual' ? 'VIRTUAL' : t === 'console' ? 'CONSOLE' : undefined;
}

export class SessionStore {
  private readonly servers = new Map<string, SimServer>();
  private readonly sessions = new Map<string, SimSession>();
  /** NextToken → what it continues. Opaque and random: a client cannot forge or edit one. */
  private readonly pageTokens = new Map<string, { query: string; after: number }>();
  private seq = 0;

  constructor(private readonly opts: StoreOptions) {
    for (const s of opts.servers) this.addServer(s);
    for (const s of opts.sessions) this.add(s);
  }

  addServer(seed: BrokerServerSeed): SimServer {
    if (this.servers.has(seed.id)) throw new Error(`broker: duplicate server id ${seed.id}`);
    const webUrlPath = seed.webUrlPath ?? '/';
    if (!webUrlPath.startsWith('/')) throw new Error(`broker: server ${seed.id}: webUrlPath must start with '/', got '${webUrlPath}'`);
    const server: SimServer = {
      id: seed.id,
      ip: seed.ip,
      hostname: seed.hostname ?? `dcv-${seed.id}`,
      port: seed.port ?? 8443,
      webUrlPath,
      tags: { ...seed.tags },
      open: true,
      seq: ++this.seq,
    };
    this.servers.set(server.id, server);
    return server;
  }

  server(id: string): SimServer | undefined {
    return this.servers.get(id);
  }

  allServers(): SimServer[] {
    return [...this.servers.values()];
  }

  add(seed: BrokerSessionSeed): SimSession {
    const type = sessionType(seed.type);
    if (!type) throw new Error(`broker: session type must be Virtual or Console, got '${seed.type}'`);
    const serverId = seed.serverId ?? this.servers.keys().next().value;
    if (serverId === undefined || !this.servers.has(serverId)) throw new Error(`broker: session of ${seed.owner}: no server '${serverId ?? '(none configured)'}'`);
    const id = seed.id ?? randomUUID();
    if (this.sessions.has(id)) throw new Error(`broker: duplicate session id ${id}`);
    const seq = ++this.seq;
    const session: SimSession = {
      id,
      name: seed.name ?? `session-${seq}`,
      owner: seed.owner,
      type,
      serverId,
      state: seed.state ?? 'READY',
      stateReason: seed.stateReason,
      creationTime: seed.creationTime ?? new Date(),
      lastDisconnectionTime: seed.lastDisconnectionTime,
      numOfConnections: seed.numOfConnections ?? 0,
      maxConcurrentClients: seed.maxConcurrentClients,
      seq,
    };
    this.sessions.set(id, session);
    return session;
  }

  /** Applies every state change that is due. */
  settle(now = Date.now()): void {
    for (const s of this.sessions.values()) {
      if (!s.pending || s.pending.at > now) continue;
      if (s.pending.to === 'GONE') {
        this.sessions.delete(s.id);
        continue;
      }
      s.state = s.pending.to;
      s.substate = undefined;
      s.pending = undefined;
    }
  }

  get(id: string): SimSession | undefined {
    this.settle();
    return this.sessions.get(id);
  }

  all(): SimSession[] {
    this.settle();
    return [...this.sessions.values()];
  }

  /** A test's override: the state (and reason) from now on, cancelling any change that was due. */
  setState(id: string, state: SessionState, reason?: string): void {
    const s = this.get(id);
    if (!s) throw new Error(`broker: setState: no session ${id}`);
    s.state = state;
    s.stateReason = reason;
    s.substate = undefined;
    s.pending = undefined;
  }

  /** Sessions that still count against an owner or a server (not on their way out). */
  private live(): SimSession[] {
    return this.all().filter((s) => s.state !== 'DELETING' && s.state !== 'DELETED');
  }

  // -------------------------------------------------------------------------------------------
  // describeSessions / describeServers

  /**
   * Filters (definition: "Filters supported: owner, tag:key", the tag being the server's):
   * several filters with the same key match any of their values, different keys must all
   * match — our assumption, the reference does not say. Unknown SessionIds are left out.
   */
  describe(body: { SessionIds?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }): Paged<SimSession> {
    const byKey = new Map<string, string[]>();
    for (const f of body.Filters ?? []) {
      if (f.Key === undefined || f.Value === undefined) return { ok: false, error: 'A filter needs a Key and a Value' };
      if (f.Key !== 'owner' && !/^tag:.+/.test(f.Key)) return { ok: false, error: `Unsupported filter '${f.Key}' (supported: owner, tag:<key>)` };
      byKey.set(f.Key, [...(byKey.get(f.Key) ?? []), f.Value]);
    }
    const ids = body.SessionIds ? new Set(body.SessionIds) : undefined;
    const matches = (s: SimSession): boolean => {
      if (ids && !ids.has(s.id)) return false;
      const tags = this.servers.get(s.serverId)?.tags ?? {};
      for (const [key, values] of byKey) {
        const actual = key === 'owner' ? s.owner : tags[key.slice('tag:'.length)];
        if (actual === undefined || !values.includes(actual)) return false;
      }
      return true;
    };
    const query = JSON.stringify({ what: 'sessions', ids: body.SessionIds ? [...body.SessionIds].sort() : null, filters: [...byKey].map(([k, v]) => [k, [...v].sort()]).sort() });
    return this.page(query, this.all().filter(matches), body.MaxResults, body.NextToken);
  }

  describeServers(body: { ServerIds?: string[]; MaxResults?: number; NextToken?: string }): Paged<SimServer> {
    const ids = body.ServerIds ? new Set(body.ServerIds) : undefined;
    const query = JSON.stringify({ what: 'servers', ids: body.ServerIds ? [...body.ServerIds].sort() : null });
    return this.page(query, this.allServers().filter((s) => !ids || ids.has(s.id)), body.MaxResults, body.NextToken);
  }

  /**
   * MaxResults defaults to 50 when absent (our assumption); the request validator already
   * refused values outside 1..1000. A NextToken is only good for the query that produced it.
   */
  private page<T extends { seq: number }>(query: string, matching: T[], maxResults: number | undefined, token: string | undefined): Paged<T> {
    let after = 0;
    if (token !== undefined) {
      const known = this.pageTokens.get(token);
      if (!known) return { ok: false, error: 'Invalid NextToken' };
      if (known.query !== query) return { ok: false, error: 'The NextToken was issued for a different query' };
      after = known.after;
    }
    const rest = matching.filter((item) => item.seq > after);
    const items = rest.slice(0, maxResults ?? 50);
    if (items.length === rest.length) return { ok: true, items };
    const nextToken = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
    this.pageTokens.set(nextToken, { query, after: items[items.length - 1].seq });
    return { ok: true, items, nextToken };
  }

  // -------------------------------------------------------------------------------------------
  // createSessions / deleteSessions

  /**
   * One item. Placement: the open server meeting the Requirements that has the fewest live
   * sessions, and for a Console session none yet (a DCV server has one console). EnqueueRequest
   * is not simulated: what cannot be placed now fails now. Failure texts are ours.
   */
  create(item: Schemas['CreateSessionRequestData']): { ok: true; session: SimSession } | { ok: false; reason: string } {
    const { maxSessionsPerOwner } = this.opts;
    const type = sessionType(item.Type);
    if (!type) return { ok: false, reason: `Invalid session type '${item.Type}': expected Virtual or Console` };
    const owner = item.Owner ?? '';
    const live = this.live();
    if (maxSessionsPerOwner !== undefined && live.filter((s) => s.owner === owner).length >= maxSessionsPerOwner) {
      return { ok: false, reason: `The owner ${owner} already has the maximum number of sessions (${maxSessionsPerOwner})` };
    }
    const parsed = item.Requirements === undefined ? { ok: true as const, terms: [] } : parseRequirements(item.Requirements);
    if (!parsed.ok) return { ok: false, reason: `Invalid Requirements: ${parsed.error}` };
    const load = (server: SimServer) => live.filter((s) => s.serverId === server.id).length;
    const candidates = this.allServers()
      .filter((server) => server.open && requirementsMet(parsed.terms, server.tags))
      .filter((server) => type !== 'CONSOLE' || !live.some((s) => s.serverId === server.id && s.type === 'CONSOLE'))
      .sort((a, b) => load(a) - load(b));
    if (candidates.length === 0) return { ok: false, reason: 'No DCV server available that satisfies the session requirements' };
    const session = this.add({ name: item.Name, owner, type, serverId: candidates[0].id, state: 'CREATING', maxConcurrentClients: item.MaxConcurrentClients });
    session.substate = 'SESSION_PLACING';
    session.storageRoot = item.StorageRoot;
    session.permissionsFile = item.PermissionsFile;
    session.pending = { to: 'READY', at: Date.now() + this.opts.creationDelayMs };
    return { ok: true, session };
  }

  /**
   * A wrong owner fails exactly like an unknown id: AWS's only example of a failed deletion
   * (id 'SessionIdabc', owner 'user99') says "The requested dcvSession does not exist", which
   * fits a Broker that looks sessions up by id and owner together. Force changes nothing here.
   */
  delete(item: Schemas['DeleteSessionRequestData']): { ok: true; session: SimSession } | { ok: false; reason: string } {
    const s = item.SessionId === undefined ? undefined : this.get(item.SessionId);
    if (!s || s.owner !== item.Owner || s.state === 'DELETED') return { ok: false, reason: NO_SUCH_SESSION };
    if (s.state !== 'DELETING') {
      s.state = 'DELETING';
      s.substate = undefined;
      s.pending = { to: 'GONE', at: Date.now() + this.opts.deletionDelayMs };
    }
    return { ok: true, session: s };
  }

  // -------------------------------------------------------------------------------------------
  // On the wire

  /** Sessions as the definition's Session objects; server counts are computed once per call. */
  toWire(sessions: readonly SimSession[]): WireSession[] {
    const servers = this.serversToWire(new Set(sessions.map((s) => s.serverId)));
    return sessions.map((s) => {
      const wire: WireSession = {
        Id: s.id,
        Name: s.name,
        Owner: s.owner,
        Server: servers.get(s.serverId),
        Type: s.type,
        State: s.state,
        CreationTime: s.creationTime.toISOString(),
        NumOfConnections: s.numOfConnections,
      };
      if (s.substate !== undefined) wire.Substate = s.substate;
      if (s.stateReason !== undefined) wire.StateReason = s.stateReason;
      if (s.lastDisconnectionTime !== undefined) wire.LastDisconnectionTime = s.lastDisconnectionTime.toISOString();
      if (s.maxConcurrentClients !== undefined) wire.MaxConcurrentClients = s.maxConcurrentClients;
      if (s.storageRoot !== undefined) wire.StorageRoot = s.storageRoot;
      return wire;
    });
  }

  /**
   * Port is a string and Endpoints[].Port an integer, as the definition has them (Port is
   * "deprecated and replaced by" the endpoints). The agents serve HTTP (WebSocket) only, so
   * there is no QUIC endpoint.
   */
  serversToWire(ids: ReadonlySet<string>): Map<string, WireServer> {
    const counts = new Map<string, { CONSOLE: number; VIRTUAL: number }>();
    for (const s of this.live()) {
      if (!ids.has(s.serverId)) continue;
      const c = counts.get(s.serverId) ?? { CONSOLE: 0, VIRTUAL: 0 };
      c[s.type]++;
      counts.set(s.serverId, c);
    }
    const out = new Map<string, WireServer>();
    for (const id of ids) {
      const server = this.servers.get(id);
      if (!server) continue;
      const c = counts.get(id) ?? { CONSOLE: 0, VIRTUAL: 0 };
      const wire: WireServer = {
        Id: server.id,
        Ip: server.ip,
        Hostname: server.hostname,
        DefaultDnsName: server.hostname,
        Port: String(server.port),
        Endpoints: [{ IpAddress: server.ip, Port: server.port, Protocol: 'HTTP', WebUrlPath: server.webUrlPath }],
        WebUrlPath: server.webUrlPath,
        Version: '2024.0-sim',
        SessionManagerAgentVersion: '2024.0-sim',
        Availability: server.open ? 'AVAILABLE' : 'UNAVAILABLE',
        ConsoleSessionCount: c.CONSOLE,
        VirtualSessionCount: c.VIRTUAL,
        Tags: Object.entries(server.tags).map(([Key, Value]) => ({ Key, Value })),
      };
      if (!server.open) wire.UnavailabilityReason = 'SERVER_CLOSED';
      out.set(id, wire);
    }
    return out;
  }
}
