/**
 * The doctor's websocket step: what the DCV web client does on its first socket, by hand, on a
 * connection from the same dial the tunnel uses.
 *
 * - With a token and a session id (a Connection Gateway, a Session Manager session): upgrade
 *   `<base>ws` (never a query: the token travels only inside the message), send
 *   connectionRequest, read the first server message: connectionConfirm, or connectionAbort and
 *   its reason; a socket closed with no answer is told apart too.
 * - Without one: upgrade `<base>auth`, send authenticationRequest, read authenticationInit (how
 *   the server wants the user to sign in); with authentication 'none' go on like the client
 *   (saslStart, authenticationResult): no session target is the SDK's "No session is available".
 *   Through a Gateway, the 404 the client gets there means the token is missing.
 *
 * The step says what the server said in detail and summary; the token is never written there.
 */
import type { TLSSocket } from 'node:tls';
import { dial } from './dial';
import { closeWebSocket, exchange, ExchangeError, responseDetail, upgradeHead, type ResponseHead } from './doctor-exchange';
import type { HintFacts } from './doctor-hints';
import { setSummary, summaryOf } from './doctor-summary';
import { addWarnings, failed, messageOf } from './doctor-step';
import { isTunnelError } from './errors';
import {
  AbortReason,
  abortReasonName,
  AuthResultValue,
  DcvMessageError,
  decodeAuthServerMessage,
  encodeAuthClientMessage,
  encodeSetupClientMessage,
  peekSetupServerMessage,
  type AuthServerMessage,
  type PeerInfo,
  type SetupServerMessage,
} from './session-manager/dcv-messages';
import type { DiagnosisStep, DialOptions } from './types';
import { encodeClientFrame, Opcode, WsFrameReader, WsProtocolError, type WsMessage } from './ws-frames';

const SUBPROTOCOL = 'dcv';
const USER_AGENT = 'dcv-tunnel-doctor';
const CLIENT_INFO: PeerInfo = { name: 'dcv-tunnel-doctor', version: { major: 1, minor: 0, revision: 0 }, os: process.platform, arch: process.arch, hostname: '' };

export interface WebSocketProbe {
  dialOptions: DialOptions;
  /** `<base>auth` and `<base>ws` as the upstream sees them (path prefix and web-url-path applied, no query). */
  authPath: string;
  wsPath: string;
  hostHeader: string;
  origin: string;
  timeoutMs: number;
  authToken?: string;
  sessionId?: string;
  via?: 'gateway' | 'server';
  /** The page loaded with the same Host: a 403 here is the Origin's. */
  /** The page answered with the same Host: a 403 on the socket is then the Origin's. */
  pageLoaded: boolean;
}


export async function webSocketStep(probe: WebSocketProbe, facts: HintFacts): Promise<DiagnosisStep> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const withToken = Boolean(probe.authToken && probe.sessionId);
  const path = withToken ? probe.wsPath : probe.authPath;
  facts.path = path;
  const sent: Record<string, unknown> = { path, host: probe.hostHeader, origin: probe.origin, subprotocol: SUBPROTOCOL };

  let socket: TLSSocket;
  try {
    socket = (await dial(probe.dialOptions)).socket;
  } catch (e) {
    // It dialled a moment ago: a failure now is flakiness on the path, reported as such.
    const code = isTunnelError(e) ? e.code : 'UNEXPECTED';
    facts.message = messageOf(e);
    return failed('websocket', code, elapsed(), { sent, message: facts.message }, facts, {
      text: `second connection failed: ${facts.message}`,
      message: summaryOf('summary.ws.secondDial', { code }),
    });
  }

  const { head, expectedAccept } = upgradeHead(path, { Host: probe.hostHeader, Origin: probe.origin, 'User-Agent': USER_AGENT }, SUBPROTOCOL);
  let res: ResponseHead;
  try {
    res = await exchange(socket, head, probe.timeoutMs);
  } catch (e) {
    socket.destroy();
    return noAnswer(e, elapsed(), sent, facts, path);
  }
  const detail = responseDetail(res, sent);
  facts.status = res.status;
  facts.location = res.headers.location;
  facts.hostAccepted = probe.pageLoaded;
  const upgradeLine = `upgrade ${path} → ${res.status} ${res.statusText}`;
  if (res.status !== 101) {
    socket.destroy();
    return refusedUpgrade(res, detail, upgradeLine, probe, facts, elapsed());
  }

  try {
    const problems: string[] = [];
    const acceptOk = res.headers['sec-websocket-accept'] === expectedAccept;
    const subprotocol = res.headers['sec-websocket-protocol'] ?? null;
    if (!acceptOk) problems.push('wrong Sec-WebSocket-Accept');
    if (subprotocol !== SUBPROTOCOL) problems.push(`subprotocol ${subprotocol ?? '(none)'} instead of ${SUBPROTOCOL}`);
    if (problems.length > 0) {
      facts.message = problems.join('; ');
      return failed('websocket', 'WS_STATUS', elapsed(), { ...detail, problems }, facts, {
        text: `${upgradeLine}: ${facts.message}`,
        message: summaryOf('summary.ws.badUpgrade', { path, acceptOk, subprotocol }),
      });
    }
    const upgraded = `${upgradeLine}, subprotocol ${SUBPROTOCOL}`;
    const talk = new Talk(socket, res.rest, probe.timeoutMs);
    return withToken
      ? await connectionRequest(talk, probe, path, upgraded, detail, facts, elapsed)
      : await authenticationRequest(talk, path, upgraded, detail, facts, elapsed);
  } finally {
    await closeWebSocket(socket);
  }
}

// ---------------------------------------------------------------------------------------------
// the upgrade

/** Not 101: the codes the upgrade has always had, and a Gateway's 404 without a token named for what it is. */
function refusedUpgrade(res: ResponseHead, detail: Record<string, unknown>, line: string, probe: WebSocketProbe, facts: HintFacts, durationMs: number): DiagnosisStep {
  const status = res.status;
  const tokenMissing = status === 404 && probe.via === 'gateway' && !probe.authToken;
  const code = tokenMissing
    ? 'GATEWAY_TOKEN_MISSING'
    : status === 403
      ? 'WS_FORBIDDEN'
      : status === 404
        ? 'WS_NOT_FOUND'
        : status >= 300 && status < 400
          ? 'WS_REDIRECT'
          : 'WS_STATUS';
  const extra = code === 'WS_FORBIDDEN' ? ` (Host: ${probe.hostHeader}, Origin: ${probe.origin})` : code === 'WS_REDIRECT' ? ` → ${res.headers.location ?? '(no Location)'}` : '';
  return failed('websocket', code, durationMs, detail, facts, {
    text: line + extra,
    message: summaryOf('summary.ws.upgrade', {
      path: facts.path,
      status,
      statusText: res.statusText,
      host: probe.hostHeader,
      origin: probe.origin,
      location: res.headers.location ?? null,
    }),
  });
}

function noAnswer(e: unknown, durationMs: number, sent: Record<string, unknown>, facts: HintFacts, path: string): DiagnosisStep {
  const message = messageOf(e);
  facts.message = message;
  const code = e instanceof ExchangeError && e.kind === 'timeout' ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_RESET';
  return failed('websocket', code, durationMs, { sent, message }, facts, {
    text: `${path}: ${message}`,
    message: summaryOf('summary.ws.noAnswer', { path }),
  });
}

// ---------------------------------------------------------------------------------------------
// the first messages

/** What came back: a data message, or why none did. */
type Reply =
  | { kind: 'data'; data: Buffer; binary: boolean }
  /** FIN, reset or a close frame (with its code and reason). */
  | { kind: 'closed'; code?: number; reason?: string }
  | { kind: 'timeout'; error: string }
  /** A frame no server may send. */
  | { kind: 'protocol'; error: string };

/** Requests and the server's answers, on an upgraded socket. */
class Talk {
  private readonly reader = new WsFrameReader();
  private initial: Buffer | undefined;

  constructor(
    private readonly socket: TLSSocket,
    rest: Buffer,
    private readonly timeoutMs: number,
  ) {
    this.initial = rest;
  }

  send(message: Uint8Array): void {
    this.socket.write(encodeClientFrame(Opcode.BINARY, message));
  }

  async read(): Promise<Reply> {
    const initial = this.initial;
    this.initial = undefined;
    let message: WsMessage;
    try {
      message = await this.reader.readMessage(this.socket, this.timeoutMs, initial);
    } catch (e) {
      if (e instanceof WsProtocolError) return { kind: 'protocol', error: e.message };
      // readMessage leaves a live socket open on a timeout; anything else ended it.
      const ended = this.socket.destroyed || this.socket.readableEnded || !this.socket.readable;
      return ended ? { kind: 'closed' } : { kind: 'timeout', error: messageOf(e) };
    }
    if (message.kind === 'close') return { kind: 'closed', code: message.code, reason: message.reason || undefined };
    return { kind: 'data', data: message.data, binary: message.kind === 'binary' };
  }
}

type Elapsed = () => number;
type Said = (text: string) => string;

async function connectionRequest(talk: Talk, probe: WebSocketProbe, path: string, upgraded: string, detail: Record<string, unknown>, facts: HintFacts, elapsed: Elapsed): Promise<DiagnosisStep> {
  const sessionId = probe.sessionId ?? '';
  // The token rides only here, inside the message: never in detail, summary or facts.
  talk.send(encodeSetupClientMessage({ kind: 'connectionRequest', sessionId, authenticationToken: probe.authToken ?? '', clientInfo: CLIENT_INFO }));
  detail.dcv = { sent: 'connectionRequest', sessionId };
  const said: Said = (text) => `${upgraded}; connectionRequest → ${text}`;
  const reply = await talk.read();
  // What a Gateway sends when its resolver answers 404 is not confirmed (SESSION-MANAGER.md):
  // a close with no message there is read as that too, so the hint points at the resolver.
  if (reply.kind !== 'data') return noReply(reply, probe.via === 'gateway' ? 'GATEWAY_SESSION_UNRESOLVED' : 'WS_CLOSED', detail, facts, path, said, elapsed());
  const answer = reply.binary ? peekSetupServerMessage(reply.data) : undefined;
  if (!answer) return unexpected(`not a dcv.setup message (${reply.binary ? 'binary' : 'text'}, ${reply.data.length} bytes)`, 'not-dcv', detail, facts, path, said('not a DCV message'), elapsed());
  detail.dcv = { sent: 'connectionRequest', sessionId, received: describeSetup(answer) };

  if (answer.kind === 'connectionConfirm') {
    const server = answer.serverInfo;
    const serverVersion = server?.version ? `${server.version.major}.${server.version.minor}.${server.version.revision}` : null;
    const step: DiagnosisStep = { id: 'websocket', status: 'ok', code: 'OK', durationMs: elapsed(), detail };
    setSummary(
      step,
      said(`connectionConfirm (connection ${answer.connectionId}${server?.name ? `, ${server.name}${serverVersion ? ` ${serverVersion}` : ''}` : ''})`),
      summaryOf('summary.ws.confirm', { path, connectionId: answer.connectionId, serverName: server?.name || null, serverVersion }),
    );
    return step;
  }
  if (answer.kind === 'connectionAbort') {
    const reason = abortReasonName(answer.reason);
    facts.abortReason = reason;
    return failed('websocket', abortCode(answer.reason, probe.via), elapsed(), detail, facts, {
      text: said(`connectionAbort ${reason}`),
      message: summaryOf('summary.ws.abort', { path, reason }),
    });
  }
  return unexpected(`${answer.kind} instead of connectionConfirm or connectionAbort`, answer.kind, detail, facts, path, said(answer.kind), elapsed());
}

/** Why the server refused, as the code whose hint says what to change. */
function abortCode(reason: number, via: WebSocketProbe['via']): string {
  switch (reason) {
    case AbortReason.INVALID_SESSION_ID:
      // Through a Gateway, its resolver did not know the session; at a server, the server does not have it.
      return via === 'gateway' ? 'GATEWAY_SESSION_UNRESOLVED' : 'SESSION_NOT_FOUND';
    case AbortReason.SERVER_UNREACHABLE:
      return 'GATEWAY_SERVER_UNREACHABLE';
    case AbortReason.AUTHENTICATION_FAILED:
      return 'TOKEN_REJECTED';
    case AbortReason.CONNECTION_LIMIT_REACHED:
      return 'CONNECTION_LIMIT_REACHED';
    default:
      return 'WS_ABORTED';
  }
}

async function authenticationRequest(talk: Talk, path: string, upgraded: string, detail: Record<string, unknown>, facts: HintFacts, elapsed: Elapsed): Promise<DiagnosisStep> {
  talk.send(encodeAuthClientMessage({ kind: 'authenticationRequest' }));
  detail.dcv = { sent: 'authenticationRequest' };
  const said: Said = (text) => `${upgraded}; authenticationRequest → ${text}`;
  const first = await talk.read();
  if (first.kind !== 'data') return noReply(first, 'WS_CLOSED', detail, facts, path, said, elapsed());
  const init = decodeAuth(first);
  if (typeof init === 'string') return unexpected(init, 'not-dcv', detail, facts, path, said('not a DCV message'), elapsed());
  if (init.kind !== 'authenticationInit') return unexpected(`${init.kind} instead of authenticationInit`, init.kind, detail, facts, path, said(init.kind), elapsed());

  const { authenticationMode: mode, mechanisms } = init;
  facts.authMode = mode;
  facts.mechanisms = mechanisms;
  const received = { kind: 'authenticationInit', authenticationMode: mode, mechanisms };
  detail.dcv = { sent: 'authenticationRequest', received };
  const initText = `authenticationInit: ${authModeText(mode, mechanisms)}`;
  if (mode !== 'none') {
    // Going on would need the user's password: what the server asks for is the finding.
    const step: DiagnosisStep = { id: 'websocket', status: 'ok', code: 'OK', durationMs: elapsed(), detail };
    setSummary(step, said(initText), summaryOf('summary.ws.authInit', { path, mode, mechanisms }));
    return step;
  }

  // authentication "none": the client starts SASL with no mechanism and gets its sessions.
  talk.send(encodeAuthClientMessage({ kind: 'saslStart', mechanism: '', authData: new Uint8Array(0) }));
  detail.dcv = { sent: ['authenticationRequest', 'saslStart'], received };
  const saidMore: Said = (text) => said(`${initText}; saslStart → ${text}`);
  const second = await talk.read();
  if (second.kind !== 'data') return noReply(second, 'WS_CLOSED', detail, facts, path, saidMore, elapsed());
  const result = decodeAuth(second);
  if (typeof result === 'string') return unexpected(result, 'not-dcv', detail, facts, path, saidMore('not a DCV message'), elapsed());
  if (result.kind !== 'authenticationResult' || result.resultValue !== AuthResultValue.OK) {
    const what = result.kind === 'authenticationResult' ? `authenticationResult ${resultName(result.resultValue)}` : result.kind;
    return unexpected(`${what} with authentication "none"`, result.kind, detail, facts, path, saidMore(what), elapsed());
  }
  const sessions = result.sessionTargets.length;
  // Only the ids: each target carries a token.
  detail.dcv = { sent: ['authenticationRequest', 'saslStart'], received, sessionTargets: result.sessionTargets.map((t) => t.sessionId) };
  const step: DiagnosisStep = { id: 'websocket', status: 'ok', code: 'OK', durationMs: elapsed(), detail };
  setSummary(
    step,
    saidMore(`authenticationResult OK, ${sessions === 0 ? 'no session' : sessions === 1 ? '1 session' : `${sessions} sessions`}`),
    summaryOf('summary.ws.authResult', { path, mode, sessions }),
  );
  if (sessions === 0) addWarnings(step, ['NO_SESSION'], facts);
  return step;
}

/** A dcv.auth server message, or why the reply is not one. */
function decodeAuth(reply: Extract<Reply, { kind: 'data' }>): AuthServerMessage | string {
  if (!reply.binary) return `a text message (${reply.data.length} bytes), not a dcv.auth message`;
  try {
    return decodeAuthServerMessage(reply.data);
  } catch (e) {
    if (e instanceof DcvMessageError) return `not a dcv.auth message: ${e.message}`;
    throw e;
  }
}

/** No message came: the socket closed (as `closedCode`), the wait ran out, or a frame broke the protocol. */
function noReply(
  reply: Exclude<Reply, { kind: 'data' }>,
  closedCode: 'GATEWAY_SESSION_UNRESOLVED' | 'WS_CLOSED',
  detail: Record<string, unknown>,
  facts: HintFacts,
  path: string,
  said: Said,
  durationMs: number,
): DiagnosisStep {
  if (reply.kind === 'timeout') {
    facts.message = reply.error;
    return failed('websocket', 'UPSTREAM_TIMEOUT', durationMs, { ...detail, message: reply.error }, facts, { text: said('no answer'), message: summaryOf('summary.ws.noAnswer', { path }) });
  }
  if (reply.kind === 'protocol') return unexpected(reply.error, 'protocol', detail, facts, path, said(reply.error), durationMs);
  facts.closeCode = reply.code;
  facts.closeReason = reply.reason;
  facts.abortReason = undefined;
  const closeText = reply.code !== undefined ? ` (close ${reply.code}${reply.reason ? ` "${reply.reason}"` : ''})` : '';
  return failed('websocket', closedCode, durationMs, detail, facts, {
    text: said(`closed without an answer${closeText}`),
    message: summaryOf('summary.ws.closed', { path, closeCode: reply.code ?? null, closeReason: reply.reason ?? null }),
  });
}

function unexpected(why: string, kind: string, detail: Record<string, unknown>, facts: HintFacts, path: string, text: string, durationMs: number): DiagnosisStep {
  facts.message = why;
  return failed('websocket', 'WS_UNEXPECTED', durationMs, { ...detail, message: why }, facts, { text, message: summaryOf('summary.ws.unexpected', { path, kind }) });
}

function describeSetup(m: SetupServerMessage): Record<string, unknown> {
  if (m.kind === 'connectionAbort') return { kind: m.kind, reason: m.reason, reasonName: abortReasonName(m.reason) };
  return { ...m };
}

function resultName(v: number): string {
  return Object.entries(AuthResultValue).find(([, n]) => n === v)?.[0] ?? String(v);
}

/** "authentication none", "asks for a user name and password (PLAIN)". */
export function authModeText(mode: string, mechanisms: string[]): string {
  if (mode === 'none') return 'authentication none';
  if (mechanisms.some((m) => m.toUpperCase() === 'PLAIN')) return `asks for a user name and password (${mechanisms.join(', ')})`;
  return `authentication ${mode || '(unnamed)'}${mechanisms.length ? ` (${mechanisms.join(', ')})` : ''}`;
}
