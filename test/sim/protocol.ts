/**
 * What the simulator speaks, and a Node client for it that tests and the benchmark drive.
 *
 * The first messages of every socket are Amazon DCV's own, written and read with
 * tunnel/session-manager/dcv-messages.ts: dcv.auth on <base>auth (authenticationRequest →
 * authenticationInit, saslStart → authenticationResult with session targets) and dcv.setup on
 * <base>ws (connectionRequest → connectionConfirm for the main connection, then one socket per
 * channel: channelConnectionRequest → channelConnectionConfirm; or connectionAbort).
 *
 * Only those first messages are DCV's. After a channel is confirmed, the two simulator-only
 * test channels carry the SIMULATOR's own data messages (`SimMsg` below): 'echo' sends every
 * message back byte for byte, 'stream' sends N bytes in 64 KiB Data messages and then Done with
 * their SHA-256 (extensionData {"bytes":N}; with "hold":true it starts at the client's first
 * message instead of at once — `Channel.startStream()`). DCV's real display/input/… data phase is not simulated: those channels are
 * confirmed and then stay open, silent.
 */
import { createHash } from 'node:crypto';
import WebSocket, { type ClientOptions } from 'ws';
import {
  AuthResultValue,
  abortReasonName,
  decodeAuthServerMessage,
  decodeSetupServerMessage,
  encodeAuthClientMessage,
  encodeSetupClientMessage,
  type ChannelConnectionConfirm,
  type ConnectionConfirm,
  type PeerInfo,
  type ProtocolVersion,
  type SessionTarget,
  type SetupClientMessage,
} from '../../tunnel/session-manager/dcv-messages';
import { landingOf, type Landing } from './landings';

export type { Landing } from './landings';
export type { SessionTarget } from '../../tunnel/session-manager/dcv-messages';

export const SUBPROTOCOL = 'dcv';
export const HEADER_BYTES = 8;
/** Payload size of each downstream Data message of a 'stream' channel. */
export const STREAM_CHUNK_BYTES = 64 * 1024;

/** The data channels a DCV web client opens on its main connection. */
export const DCV_CHANNELS = ['display', 'input', 'clipboard', 'audio', 'filestorage'] as const;
/** Simulator-only channels for tests: 'echo' and 'stream'. */
export const TEST_CHANNELS = ['echo', 'stream'] as const;
export const CHANNELS = [...DCV_CHANNELS, ...TEST_CHANNELS] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** What the simulator says it is (serverInfo) and the protocol version it confirms: plausible values, not DCV's. */
export const SIM_PROTOCOL_VERSION: ProtocolVersion = { major: 1, minor: 0 };
/** What the Node client says it is in a connectionRequest. */
const CLIENT_INFO: PeerInfo = { name: 'dcv-launcher-test-client', version: { major: 1, minor: 0, revision: 0 }, os: 'linux', arch: 'x86_64', hostname: 'localhost' };

// ---------------------------------------------------------------------------------------------
// The simulator's data messages (echo and stream channels only, after their confirm)

/** Header: two little-endian uint32 (type, payload length), then the payload. The simulator's framing, not DCV's. */
export const SimMsg = {
  /** raw bytes, either way */
  Data: 5,
  /** server → client, JSON StreamDone, after the last Data of a 'stream' channel */
  Done: 6,
} as const;

export interface StreamDone {
  bytes: number;
  sha256: string;
}

export function encodeSim(type: number, payload: Buffer | Uint8Array | string | object = Buffer.alloc(0)): Buffer {
  const body =
    Buffer.isBuffer(payload) ? payload
    : payload instanceof Uint8Array ? Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(type, 0);
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body]);
}

/** Throws on a message that is too short or whose length field disagrees with its size. */
export function decodeSim(data: Buffer): { type: number; payload: Buffer } {
  if (data.length < HEADER_BYTES) throw new Error(`simulator message too short: ${data.length} bytes, header needs ${HEADER_BYTES}`);
  const type = data.readUInt32LE(0);
  const length = data.readUInt32LE(4);
  if (length !== data.length - HEADER_BYTES) throw new Error(`simulator message length field says ${length}, payload is ${data.length - HEADER_BYTES} bytes`);
  return { type, payload: data.subarray(HEADER_BYTES) };
}

// ---------------------------------------------------------------------------------------------
// Errors a test can tell apart

/** The upgrade was answered with plain HTTP (403, 404, 302 …) instead of 101. */
export class UpgradeRefusedError extends Error {
  constructor(
    readonly statusCode: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: string,
  ) {
    super(`WebSocket upgrade refused: HTTP ${statusCode}${body ? `: ${body.slice(0, 200)}` : ''}`);
    this.name = 'UpgradeRefusedError';
  }
}

/** The server answered a connection or channel request with connectionAbort. */
export class AbortedError extends Error {
  readonly reasonName: string;
  constructor(
    readonly reason: number,
    readonly what: string,
  ) {
    super(`${what}: connectionAbort ${abortReasonName(reason)}`);
    this.name = 'AbortedError';
    this.reasonName = abortReasonName(reason);
  }
}

/** /auth ended with FAIL or REJECT. */
export class AuthFailedError extends Error {
  constructor(readonly outcome: AuthOutcome) {
    super(`authentication ${outcome.result} (${outcome.retriesLeft} retries left)`);
    this.name = 'AuthFailedError';
  }
}

/** /auth said OK without a session target: the SDK's "No session is available" (the field's blank desktop). */
export class NoSessionError extends Error {
  constructor(readonly outcome: AuthOutcome, wanted?: string) {
    super(wanted === undefined ? 'No session is available' : `No session is available with id '${wanted}' (offered: ${outcome.sessionTargets.map((t) => t.sessionId).join(', ') || 'none'})`);
    this.name = 'NoSessionError';
  }
}

// ---------------------------------------------------------------------------------------------
// Sockets

export interface SocketOptions {
  /** Default: the URL's own https origin, as a browser on that page would send. */
  origin?: string;
  headers?: Record<string, string>;
  ca?: string | string[];
  /** Default false: the simulator's certificate is self-signed. */
  rejectUnauthorized?: boolean;
  /** Anything else ws accepts (agent, servername, lookup, …). */
  wsOptions?: ClientOptions;
  /** For opening and for each awaited message; default 15 000 ms. */
  timeoutMs?: number;
}

/**
 * The URL of a socket, as the DCV web client derives it: `url` may be the page URL (the socket
 * path is resolved against it, so a router's path prefix is kept) or a socket URL (wss://…/ws,
 * whose sibling is taken). The query and fragment are dropped: the token never rides in a socket URL.
 */
export function socketUrl(url: string, path: 'auth' | 'ws'): string {
  const u = new URL(url);
  const secure = u.protocol === 'https:' || u.protocol === 'wss:';
  if (!secure && u.protocol !== 'http:' && u.protocol !== 'ws:') throw new Error(`socketUrl: expected an https:// or wss:// URL, got ${url}`);
  const s = new URL(path, u);
  s.protocol = secure ? 'wss:' : 'ws:';
  s.search = '';
  s.hash = '';
  return s.toString();
}

/** Messages arrive into a queue so none is lost between awaits. */
class Inbox {
  private queue: Buffer[] = [];
  private waiters: { resolve: (b: Buffer) => void; reject: (e: Error) => void }[] = [];
  private ended?: Error;

  push(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w.resolve(b);
    else this.queue.push(b);
  }
  end(err: Error): void {
    this.ended ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
  next(timeoutMs: number): Promise<Buffer> {
    const b = this.queue.shift();
    if (b) return Promise.resolve(b);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      const w = {
        resolve: (v: Buffer) => (clearTimeout(t), resolve(v)),
        reject: (e: Error) => (clearTimeout(t), reject(e)),
      };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`no dcv message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }
}

export interface DcvSocket {
  ws: WebSocket;
  /** The next message, raw. */
  next(timeoutMs?: number): Promise<Buffer>;
  send(data: Buffer | Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Opens a 'dcv' WebSocket and queues its messages. Rejects with UpgradeRefusedError on a non-101 answer. */
export function openSocket(wsUrl: string, opts: SocketOptions = {}): Promise<DcvSocket> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const origin = opts.origin ?? `https://${new URL(wsUrl).host}`;
  const ws = new WebSocket(wsUrl, SUBPROTOCOL, {
    origin,
    headers: opts.headers,
    ca: opts.ca,
    rejectUnauthorized: opts.rejectUnauthorized ?? false,
    perMessageDeflate: false,
    maxPayload: 256 * 1024 * 1024,
    handshakeTimeout: timeoutMs,
    ...opts.wsOptions,
  });
  const inbox = new Inbox();
  ws.on('message', (data: Buffer) => inbox.push(data));
  ws.on('close', (code, reason) => inbox.end(new Error(`socket closed: ${code} ${reason.toString()}`.trim())));
  const socket: DcvSocket = {
    ws,
    next: (t = timeoutMs) => inbox.next(t),
    send: (data) => new Promise((resolve, reject) => ws.send(data, { binary: true }, (err) => (err ? reject(err) : resolve()))),
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        if (ws.readyState === WebSocket.OPEN) ws.close(1000);
        else if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        // CLOSING: a close is under way (e.g. a channel's owned main connection), wait for it.
        // A peer that never answers the close frame must not hang a test.
        setTimeout(() => ws.terminate(), 2_000).unref();
      }),
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => {
      ws.removeAllListeners('error');
      ws.on('error', (e) => inbox.end(e));
      resolve(socket);
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, res.headers, body)));
      res.on('error', () => reject(new UpgradeRefusedError(res.statusCode ?? 0, res.headers, body)));
    });
    ws.once('error', reject);
  });
}

// ---------------------------------------------------------------------------------------------
// <base>auth (dcv.auth)

export type AuthResultName = 'OK' | 'FAIL' | 'REJECT';

export interface AuthAttempt {
  result: AuthResultName;
  retriesLeft: number;
  sessionTargets: SessionTarget[];
}

export interface AuthOutcome extends AuthAttempt {
  /** authenticationInit: the server's authentication mode ('none', 'system') and SASL mechanisms. */
  mode: string;
  mechanisms: string[];
}

export interface AuthOptions extends SocketOptions {
  /** For a server that offers PLAIN ('system' authentication). */
  user?: string;
  password?: string;
}

/** An open /auth socket after authenticationInit; `attempt` may be called again after a FAIL. */
export interface AuthSession extends DcvSocket {
  mode: string;
  mechanisms: string[];
  attempt(mechanism: string, authData?: Uint8Array): Promise<AuthAttempt>;
}

/** SASL PLAIN's message (RFC 4616): authzid (empty), NUL, user, NUL, password. */
export function plainAuthData(user: string, password: string): Uint8Array {
  return Buffer.from(`\0${user}\0${password}`, 'utf8');
}

const RESULT_NAMES: Record<number, AuthResultName> = { [AuthResultValue.FAIL]: 'FAIL', [AuthResultValue.OK]: 'OK', [AuthResultValue.REJECT]: 'REJECT' };

/** Opens <base>auth and sends authenticationRequest; resolves once authenticationInit arrived. */
export async function startAuth(url: string, opts: SocketOptions = {}): Promise<AuthSession> {
  const s = await openSocket(socketUrl(url, 'auth'), opts);
  try {
    await s.send(encodeAuthClientMessage({ kind: 'authenticationRequest' }));
    const init = decodeAuthServerMessage(await s.next());
    if (init.kind !== 'authenticationInit') throw new Error(`auth: expected authenticationInit, got ${init.kind}`);
    return {
      ...s,
      mode: init.authenticationMode,
      mechanisms: init.mechanisms,
      async attempt(mechanism, authData = new Uint8Array(0)) {
        await s.send(encodeAuthClientMessage({ kind: 'saslStart', mechanism, authData }));
        const reply = decodeAuthServerMessage(await s.next());
        if (reply.kind !== 'authenticationResult') throw new Error(`auth: expected authenticationResult, got ${reply.kind}`);
        const result = RESULT_NAMES[reply.resultValue];
        if (!result) throw new Error(`auth: unknown resultValue ${reply.resultValue}`);
        return { result, retriesLeft: reply.retriesLeft, sessionTargets: reply.sessionTargets };
      },
    };
  } catch (e) {
    await s.close();
    throw e;
  }
}

/**
 * The web client's sign-in on <base>auth: no mechanism offered ('none' authentication) → an
 * empty saslStart; PLAIN offered ('system') → PLAIN with opts.user and opts.password.
 */
export async function openAuth(url: string, opts: AuthOptions = {}): Promise<AuthOutcome> {
  const s = await startAuth(url, opts);
  try {
    let attempt: AuthAttempt;
    if (s.mechanisms.length === 0) attempt = await s.attempt('');
    else if (s.mechanisms.includes('PLAIN')) {
      if (opts.user === undefined) throw new Error(`auth: the server authenticates '${s.mode}' with PLAIN; pass user and password`);
      attempt = await s.attempt('PLAIN', plainAuthData(opts.user, opts.password ?? ''));
    } else throw new Error(`auth: no mechanism this client knows among ${s.mechanisms.join(', ')}`);
    return { mode: s.mode, mechanisms: s.mechanisms, ...attempt };
  } finally {
    await s.close();
  }
}

// ---------------------------------------------------------------------------------------------
// <base>ws (dcv.setup)

export interface MainOptions extends AuthOptions {
  /** The session to connect to; without a token, the /auth target with this id (default the first). */
  sessionId?: string;
  /** With a token, /auth is skipped (like the web client given ?authToken=…#session). */
  authToken?: string;
}

export interface MainConnection extends DcvSocket {
  confirm: ConnectionConfirm;
  /** serverInfo.name of the confirm: the agent's name on the simulator. */
  agent: string;
  sessionId: string;
  authToken: string;
  /** What the agent saw (in-process simulators only; see landings.ts). */
  landed?: Landing;
}

async function firstAnswer<K extends 'connectionConfirm' | 'channelConnectionConfirm'>(
  s: DcvSocket,
  request: SetupClientMessage,
  want: K,
  what: string,
): Promise<Extract<ReturnType<typeof decodeSetupServerMessage>, { kind: K }>> {
  await s.send(encodeSetupClientMessage(request));
  const reply = decodeSetupServerMessage(await s.next());
  if (reply.kind === 'connectionAbort') throw new AbortedError(reply.reason, what);
  if (reply.kind !== want) throw new Error(`${what}: expected ${want}, got ${reply.kind}`);
  return reply as Extract<typeof reply, { kind: K }>;
}

/**
 * The main connection: without `authToken`, first the /auth exchange (its first session target,
 * or the one named `sessionId`), like the web client; then <base>ws with a connectionRequest.
 * Rejects with AbortedError (.reason, .reasonName), AuthFailedError, NoSessionError or UpgradeRefusedError.
 */
export async function openMain(url: string, opts: MainOptions = {}): Promise<MainConnection> {
  let sessionId = opts.sessionId ?? '';
  let authToken = opts.authToken;
  if (authToken === undefined) {
    const auth = await openAuth(url, opts);
    if (auth.result !== 'OK') throw new AuthFailedError(auth);
    const target = opts.sessionId === undefined ? auth.sessionTargets[0] : auth.sessionTargets.find((t) => t.sessionId === opts.sessionId);
    if (!target) throw new NoSessionError(auth, opts.sessionId);
    sessionId = target.sessionId;
    authToken = target.authenticationToken;
  }
  const s = await openSocket(socketUrl(url, 'ws'), opts);
  try {
    const request = { kind: 'connectionRequest', sessionId, authenticationToken: authToken, clientInfo: CLIENT_INFO, maxProtocolVersion: SIM_PROTOCOL_VERSION } as const;
    const confirm = await firstAnswer(s, request, 'connectionConfirm', 'main connection');
    return { ...s, confirm, agent: confirm.serverInfo?.name ?? '', sessionId, authToken, landed: landingOf(confirm.connectionId) };
  } catch (e) {
    await s.close();
    throw e;
  }
}

export interface ChannelOptions extends MainOptions {
  /** The main connection to open the channel on; without it one is opened and closed with the channel. */
  main?: MainConnection;
  /** 'stream': bytes to ask for (extensionData {"bytes":N}). */
  bytes?: number;
  /** 'stream': wait for `startStream()` instead of streaming at once (extensionData "hold":true). */
  hold?: boolean;
  /** 'stream': at most this many bytes per second (extensionData "rate"). */
  rate?: number;
  /** Sent as is instead of the default ('stream': {"bytes":N}, else none). */
  extensionData?: string;
  /** Instead of the main connection's (to test a wrong one). */
  connectionId?: number;
}

export interface Channel extends DcvSocket {
  channel: string;
  confirm: ChannelConnectionConfirm;
  main: MainConnection;
  /** The main connection's agent (a channel confirm names none; a channel is only confirmed on the agent that confirmed its main). */
  agent: string;
  landed?: Landing;
  /** 'echo': sends one Data message and resolves with the payload that comes back. */
  echo(payload: Buffer): Promise<Buffer>;
  /** 'stream' opened with `hold`: tells the simulator to start (any message does). */
  startStream(): Promise<void>;
  /** 'stream': receives every Data message up to Done; the local hash is computed over what arrived. */
  receiveStream(): Promise<{ bytes: number; messages: number; sha256: string; serverSha256: string; serverBytes: number }>;
}

/**
 * Opens a channel socket on a main connection: `opts.main`, or one opened here (then kept open
 * for as long as the channel socket lives). With `opts.main`, `sessionId` and `authToken`
 * override what the channel request carries; without it they are the main connection's.
 * `channel` is a ChannelName, or any other name to see the server refuse it.
 */
export async function openChannel(url: string, channel: ChannelName | (string & Record<never, never>), opts: ChannelOptions = {}): Promise<Channel> {
  const owned = opts.main === undefined;
  const main = opts.main ?? (await openMain(url, opts));
  let s: DcvSocket | undefined;
  try {
    s = await openSocket(socketUrl(url, 'ws'), opts);
    const sock = s;
    const extensionData = opts.extensionData ?? (channel === 'stream' ? JSON.stringify({ bytes: opts.bytes ?? 0, ...(opts.hold && { hold: true }), ...(opts.rate !== undefined && { rate: opts.rate }) }) : undefined);
    const confirm = await firstAnswer(
      s,
      {
        kind: 'channelConnectionRequest',
        sessionId: owned ? main.sessionId : (opts.sessionId ?? main.sessionId),
        connectionId: opts.connectionId ?? main.confirm.connectionId,
        channelName: channel,
        authenticationToken: owned ? main.authToken : (opts.authToken ?? main.authToken),
        maxProtocolVersion: SIM_PROTOCOL_VERSION,
        ...(extensionData !== undefined && { extensionData }),
      },
      'channelConnectionConfirm',
      `channel ${channel}`,
    );
    if (owned) sock.ws.once('close', () => void main.close());
    return {
      ...sock,
      channel,
      confirm,
      main,
      agent: main.agent,
      landed: landingOf(confirm.channelConnectionId),
      async close() {
        await sock.close();
        if (owned) await main.close();
      },
      async echo(payload) {
        await sock.send(encodeSim(SimMsg.Data, payload));
        const msg = decodeSim(await sock.next());
        if (msg.type !== SimMsg.Data) throw new Error(`echo: expected Data, got type ${msg.type}`);
        return msg.payload;
      },
      startStream: () => sock.send(encodeSim(SimMsg.Data)),
      async receiveStream() {
        const hash = createHash('sha256');
        let bytes = 0;
        let messages = 0;
        for (;;) {
          const msg = decodeSim(await sock.next());
          if (msg.type === SimMsg.Data) {
            hash.update(msg.payload);
            bytes += msg.payload.length;
            messages++;
          } else if (msg.type === SimMsg.Done) {
            const done = JSON.parse(msg.payload.toString()) as StreamDone;
            return { bytes, messages, sha256: hash.digest('hex'), serverSha256: done.sha256, serverBytes: done.bytes };
          } else {
            throw new Error(`stream: unexpected message type ${msg.type}: ${msg.payload.toString().slice(0, 200)}`);
          }
        }
      },
    };
  } catch (e) {
    await s?.close();
    if (owned) await main.close();
    throw e;
  }
}
