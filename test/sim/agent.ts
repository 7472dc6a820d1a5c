/**
 * The simulated DCV server's side of DCV's first messages, once a socket is upgraded
 * (simulator.ts does HTTP, Host/Origin checks and the upgrade itself):
 *
 * - <base>auth, dcv.auth: authenticationRequest → authenticationInit {mode, mechanisms};
 *   saslStart → authenticationResult. 'system': PLAIN ("\0user\0password") against `users`,
 *   FAIL with retriesLeft 3, 2, 1, then REJECT and the socket closed. 'none': no mechanism and
 *   an OK for any saslStart — ASSUMED: the real server's exact 'none' exchange is not confirmed
 *   (we take it that the client still sends a saslStart, with an empty mechanism). An OK
 *   carries one session target per session with a fresh token this agent remembers; with no
 *   session, OK without targets (the SDK's "No session is available", the field's blank desktop).
 * - <base>ws, dcv.setup: the first message must be a ClientMessage. connectionRequest checks the
 *   session (INVALID_SESSION_ID), the token (one this agent issued for that session, else the
 *   Broker's verifier when configured, else AUTHENTICATION_FAILED) and the connection limit
 *   (CONNECTION_LIMIT_REACHED), then confirms with a new connectionId. channelConnectionRequest
 *   needs a live connectionId confirmed for that session (INVALID_CONNECTION_ID) with the same
 *   token (AUTHENTICATION_FAILED). Anything undecodable: PROTOCOL_ERROR. After an abort the
 *   socket is closed with 1008. The retry count, the protocol version and closing a
 *   connection's channels with its main socket are this simulator's choices, not known facts.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  AbortReason,
  AuthResultValue,
  abortReasonName,
  decodeAuthClientMessage,
  decodeSetupClientMessage,
  encodeAuthServerMessage,
  encodeSetupServerMessage,
  type ChannelConnectionRequest,
  type ConnectionRequest,
  type SessionTarget,
} from '../../tunnel/session-manager/dcv-messages';
import { verifyTokenWithBroker } from './broker-agent';
import { nextId, recordLanding, type Landing } from './landings';
import { CHANNELS, SIM_PROTOCOL_VERSION, STREAM_CHUNK_BYTES, SimMsg, encodeSim, type ChannelName } from './protocol';

export interface AgentOptions {
  /** serverInfo.name and .hostname. */
  name: string;
  authentication: 'none' | 'system';
  /** 'system': user → password. */
  users: Record<string, string>;
  sessions: readonly string[];
  /** Sessions placed here later (by a Session Manager's Broker), besides `sessions`. */
  hasSession?: (sessionId: string) => boolean;
  /** Tokens accepted as if this agent had issued them, per session (fixed launch URLs in tests). */
  tokens: Record<string, readonly string[]>;
  /** dcv.conf's auth-token-verifier: tokens this agent did not issue are checked there. */
  authTokenVerifier?: { url: string; ca?: string };
  /** Live main connections at most; more → CONNECTION_LIMIT_REACHED. */
  maxConnections?: number;
}

export interface AgentStats {
  /** Live main connections. */
  connections: number;
  /** connectionAbort sent, by reason name. */
  aborts: Record<string, number>;
  /** authenticationResult sent, by result. */
  authResults: Record<'OK' | 'FAIL' | 'REJECT', number>;
  /** Tokens sent to the Broker's verifier, and how many it accepted. */
  verifierCalls: number;
  verifierAccepted: number;
}

/** FAIL answers before a REJECT on one /auth socket. */
const AUTH_RETRIES = 3;
/** Tokens remembered per session (oldest forgotten first). */
const TOKENS_PER_SESSION = 1_000;

interface Connection {
  sessionId: string;
  token: string;
  channels: Set<WebSocket>;
}

export class DcvAgent {
  private readonly sessions: Set<string>;
  private readonly issued = new Map<string, Set<string>>();
  private readonly connections = new Map<number, Connection>();
  private readonly counts: Omit<AgentStats, 'connections'> = { aborts: {}, authResults: { OK: 0, FAIL: 0, REJECT: 0 }, verifierCalls: 0, verifierAccepted: 0 };

  constructor(private readonly opts: AgentOptions) {
    this.sessions = new Set(opts.sessions);
    for (const [sessionId, tokens] of Object.entries(opts.tokens)) for (const t of tokens) this.remember(sessionId, t);
  }

  stats(): AgentStats {
    return { connections: this.connections.size, ...this.counts, aborts: { ...this.counts.aborts }, authResults: { ...this.counts.authResults } };
  }

  // --- <base>auth ------------------------------------------------------------------------------

  serveAuth(ws: WebSocket, landing: Landing): void {
    let state: 'init' | 'sasl' | 'done' = 'init';
    let retries = AUTH_RETRIES;
    const system = this.opts.authentication === 'system';
    // dcv.auth has no abort message: a client that breaks the exchange just loses the socket.
    const protocolError = (why: string) => ws.close(1008, `auth: ${why}`.slice(0, 120));
    const result = (resultValue: number, sessionTargets: SessionTarget[], retriesLeft: number) => {
      const name = resultValue === AuthResultValue.OK ? 'OK' : resultValue === AuthResultValue.FAIL ? 'FAIL' : 'REJECT';
      this.counts.authResults[name]++;
      landing.outcome = name;
      ws.send(encodeAuthServerMessage({ kind: 'authenticationResult', resultValue, sessionTargets, retriesLeft }));
    };
    ws.on('message', (data: Buffer) => {
      if (state === 'done') return;
      let msg;
      try {
        msg = decodeAuthClientMessage(data);
      } catch (e) {
        return protocolError((e as Error).message);
      }
      if (state === 'init') {
        if (msg.kind !== 'authenticationRequest') return protocolError(`expected authenticationRequest first, got ${msg.kind}`);
        state = 'sasl';
        ws.send(encodeAuthServerMessage({ kind: 'authenticationInit', authenticationMode: this.opts.authentication, mechanisms: system ? ['PLAIN'] : [] }));
        return;
      }
      // PLAIN and 'none' are single-step: a saslStep has nothing to answer.
      if (msg.kind !== 'saslStart') return protocolError(`expected saslStart, got ${msg.kind}`);
      if (!system || this.plainOk(msg.mechanism, msg.authData)) {
        state = 'done';
        return result(AuthResultValue.OK, this.issueTargets(), 0);
      }
      if (retries > 0) return result(AuthResultValue.FAIL, [], retries--);
      state = 'done';
      result(AuthResultValue.REJECT, [], 0);
      ws.close(1008, 'authentication rejected');
    });
  }

  private plainOk(mechanism: string, authData: Uint8Array): boolean {
    if (mechanism !== 'PLAIN') return false;
    const parts = Buffer.from(authData).toString('utf8').split('\0');
    if (parts.length !== 3) return false;
    const [, user, password] = parts;
    return Object.prototype.hasOwnProperty.call(this.opts.users, user) && this.opts.users[user] === password;
  }

  private issueTargets(): SessionTarget[] {
    return [...this.sessions].map((sessionId) => {
      const authenticationToken = randomBytes(24).toString('base64url');
      this.remember(sessionId, authenticationToken);
      return { sessionId, authenticationToken };
    });
  }

  private remember(sessionId: string, token: string): void {
    let set = this.issued.get(sessionId);
    if (!set) this.issued.set(sessionId, (set = new Set()));
    set.add(token);
    if (set.size > TOKENS_PER_SESSION) set.delete(set.values().next().value as string);
  }

  // --- <base>ws --------------------------------------------------------------------------------

  serveSetup(ws: WebSocket, landing: Landing, clientAddress: string): void {
    ws.once('message', (data: Buffer) => {
      let msg;
      try {
        msg = decodeSetupClientMessage(data);
      } catch {
        return this.abort(ws, landing, AbortReason.PROTOCOL_ERROR);
      }
      landing.sessionId = msg.sessionId;
      landing.tokenPresent = msg.authenticationToken !== '';
      if (msg.kind === 'connectionRequest') {
        landing.channel = 'main';
        void this.connect(ws, landing, msg, clientAddress);
      } else {
        landing.channel = msg.channelName;
        landing.connectionId = msg.connectionId;
        this.openChannel(ws, landing, msg);
      }
    });
  }

  private async connect(ws: WebSocket, landing: Landing, msg: ConnectionRequest, clientAddress: string): Promise<void> {
    if (!this.hasSession(msg.sessionId)) return this.abort(ws, landing, AbortReason.INVALID_SESSION_ID);
    if (!(await this.tokenValid(msg.sessionId, msg.authenticationToken, clientAddress))) return this.abort(ws, landing, AbortReason.AUTHENTICATION_FAILED);
    if (ws.readyState !== ws.OPEN) return;
    if (this.opts.maxConnections !== undefined && this.connections.size >= this.opts.maxConnections) {
      return this.abort(ws, landing, AbortReason.CONNECTION_LIMIT_REACHED);
    }
    const connectionId = nextId();
    const connection: Connection = { sessionId: msg.sessionId, token: msg.authenticationToken, channels: new Set() };
    this.connections.set(connectionId, connection);
    ws.once('close', () => {
      this.connections.delete(connectionId);
      // The main socket is the connection: its channels end with it (our choice; see the header).
      for (const c of connection.channels) c.close(1000, 'main connection closed');
    });
    landing.connectionId = connectionId;
    landing.outcome = 'confirmed';
    recordLanding(connectionId, landing);
    const name = this.opts.name;
    ws.send(
      encodeSetupServerMessage({
        kind: 'connectionConfirm',
        connectionId,
        serverInfo: { name, version: { major: 2024, minor: 0, revision: 0 }, os: 'linux', arch: 'x86_64', hostname: name },
        protocolVersion: SIM_PROTOCOL_VERSION,
      }),
    );
  }

  private hasSession(sessionId: string): boolean {
    return this.sessions.has(sessionId) || this.opts.hasSession?.(sessionId) === true;
  }

  /** Issued (or preset) here, else asked of the Broker when a verifier is configured. */
  private async tokenValid(sessionId: string, token: string, clientAddress: string): Promise<boolean> {
    if (token === '') return false;
    if (this.issued.get(sessionId)?.has(token)) return true;
    const verifier = this.opts.authTokenVerifier;
    if (!verifier) return false;
    this.counts.verifierCalls++;
    const answer = await verifyTokenWithBroker(
      verifier.url,
      { sessionId, authenticationToken: token, clientAddress },
      verifier.ca ? { ca: verifier.ca } : { rejectUnauthorized: false },
    );
    if (answer.ok) this.counts.verifierAccepted++;
    return answer.ok;
  }

  private openChannel(ws: WebSocket, landing: Landing, msg: ChannelConnectionRequest): void {
    if (!this.hasSession(msg.sessionId)) return this.abort(ws, landing, AbortReason.INVALID_SESSION_ID);
    const connection = this.connections.get(msg.connectionId);
    if (!connection || connection.sessionId !== msg.sessionId) return this.abort(ws, landing, AbortReason.INVALID_CONNECTION_ID);
    if (msg.authenticationToken !== connection.token) return this.abort(ws, landing, AbortReason.AUTHENTICATION_FAILED);
    if (!CHANNELS.includes(msg.channelName as ChannelName)) return this.abort(ws, landing, AbortReason.PROTOCOL_ERROR);
    let streamAsked: StreamRequest = { bytes: 0, hold: false };
    if (msg.channelName === 'stream') {
      const asked = streamRequest(msg.extensionData);
      if (asked === undefined) return this.abort(ws, landing, AbortReason.PROTOCOL_ERROR);
      streamAsked = asked;
    }
    const channelConnectionId = nextId();
    connection.channels.add(ws);
    ws.once('close', () => connection.channels.delete(ws));
    landing.channelConnectionId = channelConnectionId;
    landing.outcome = 'confirmed';
    recordLanding(channelConnectionId, landing);
    ws.send(encodeSetupServerMessage({ kind: 'channelConnectionConfirm', channelConnectionId, protocolVersion: SIM_PROTOCOL_VERSION, encryption: false }));
    // From here on the simulator's own data messages, not DCV's (see protocol.ts).
    if (msg.channelName === 'echo') ws.on('message', (m: Buffer) => ws.send(m, { binary: true }));
    if (msg.channelName === 'stream') {
      if (streamAsked.hold) ws.once('message', () => void stream(ws, streamAsked.bytes, streamAsked.rate));
      else void stream(ws, streamAsked.bytes, streamAsked.rate);
    }
  }

  private abort(ws: WebSocket, landing: Landing, reason: number): void {
    const name = abortReasonName(reason);
    landing.outcome = name;
    this.counts.aborts[name] = (this.counts.aborts[name] ?? 0) + 1;
    if (ws.readyState !== ws.OPEN) return;
    ws.send(encodeSetupServerMessage({ kind: 'connectionAbort', reason }));
    ws.close(1008, name);
  }
}

interface StreamRequest {
  bytes: number;
  /** Start at the client's first message after the confirm (so many streams can start together), not at once. */
  hold: boolean;
  /** Bytes per second at most (a desktop's display at a steady rate); undefined: as fast as the socket takes them. */
  rate?: number;
}

/** 'stream' extensionData: {"bytes":N} with N a non-negative safe integer, optionally "hold":true and "rate":BYTES_PER_SECOND. */
function streamRequest(extensionData: string | undefined): StreamRequest | undefined {
  try {
    const { bytes, hold, rate } = JSON.parse(extensionData ?? '') as { bytes?: unknown; hold?: unknown; rate?: unknown };
    if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes < 0) return undefined;
    if (hold !== undefined && typeof hold !== 'boolean') return undefined;
    if (rate !== undefined && (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0)) return undefined;
    return { bytes, hold: hold ?? false, ...(rate !== undefined && { rate }) };
  } catch {
    return undefined;
  }
}

/** Sends `total` bytes in 64 KiB Data messages, at most a few in flight (and at most `rate` bytes/s), then Done with their SHA-256. */
async function stream(ws: WebSocket, total: number, rate?: number): Promise<void> {
  const started = performance.now();
  const hash = createHash('sha256');
  const block = Buffer.alloc(STREAM_CHUNK_BYTES);
  for (let i = 0; i < block.length; i++) block[i] = (i * 31 + 7) & 0xff;
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  for (let index = 0; sent < total; index++) {
    if (ws.readyState !== ws.OPEN) return;
    const size = Math.min(STREAM_CHUNK_BYTES, total - sent);
    // The chunk index at the front makes every chunk distinct, so a lost or reordered one changes the hash.
    const payload = Buffer.from(block.subarray(0, size));
    if (size >= 4) payload.writeUInt32LE(index, 0);
    hash.update(payload);
    sent += size;
    const p: Promise<void> = new Promise<void>((resolve) => ws.send(encodeSim(SimMsg.Data, payload), () => resolve())).finally(() => inFlight.delete(p));
    inFlight.add(p);
    // The send callback fires once the socket took the bytes: waiting on it is backpressure.
    if (inFlight.size >= 8) await Promise.race(inFlight);
    if (rate !== undefined) {
      const due = started + (sent / rate) * 1000 - performance.now();
      if (due > 1) await new Promise((resolve) => setTimeout(resolve, due));
    }
  }
  await Promise.all(inFlight);
  if (ws.readyState === ws.OPEN) ws.send(encodeSim(SimMsg.Done, { bytes: sent, sha256: hash.digest('hex') }));
}
