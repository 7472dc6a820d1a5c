/**
 * The diagnosis of a Session Manager desktop: the Broker first, then the desktop's own path.
 *
 *   broker-dns, broker-tcp, broker-proxy, broker-tls   the first connection to the Broker, as its
 *                                                      client dials it (judged like a desktop's)
 *   broker-token        an access token (client credentials); skipped with auth none
 *   broker-session      DescribeSessions for the session: there, and READY?
 *   broker-connection   GetSessionConnectionData: a fresh connection token (never shown)
 *   dns … websocket     the Gateway's (or the server's) path as diagnose() walks it, with that
 *                       token and the session id
 *
 * A failure at a Broker step skips everything after it. Steps are streamed like diagnose()'s.
 * The caller maps the session to its path (`target`): the app by its source's rules, the CLI
 * by --gateway or the server's endpoint.
 */
import { collectAttempts, judgeDialSteps, type Attempts } from '../doctor-dial';
import { diagnose, type DiagnoseInput, type DiagnoseOptions } from '../doctor';
import type { HintFacts } from '../doctor-hints';
import { setSummary, summaryOf } from '../doctor-summary';
import { failed, messageOf, SKIP, skipped } from '../doctor-step';
import { isTunnelError } from '../errors';
import type { Message } from '../messages';
import { formatHostPort } from '../proxy-list';
import type { Diagnosis, DiagnosisStep, DiagnosisStepId } from '../types';
import { createBrokerClient } from './broker-client';
import { isBrokerError, type BrokerClient, type BrokerClientOptions, type SessionSummary } from './types';

export interface SessionDiagnoseInput {
  /** How to reach the Broker and sign in: the same options the app's and the CLI's client get (onStep is the doctor's). */
  broker: Omit<BrokerClientOptions, 'onStep'>;
  /** Why the Broker's route, in English and as data (shown in broker-proxy). */
  routeReason?: string;
  routeBecause?: Message;
  /** What a plain browser here would do with the Broker's URL (warns in broker-proxy like a desktop's). */
  plainBrowserRoute?: DiagnoseInput['plainBrowserRoute'];
  sessionId: string;
  /** Whose connection token (GetSessionConnectionData's user); default the session's owner. */
  user?: string;
  /** The session's path with its fresh token: the Gateway's or the server's (token and session id set). */
  target(session: SessionSummary, connectionToken: string): Promise<DiagnoseInput>;
}

export interface SessionDiagnoseOptions extends DiagnoseOptions {
  /** The Broker client (tests inject one); default createBrokerClient. */
  createClient?: (options: BrokerClientOptions) => BrokerClient;
}

const BROKER_DIAL_STEPS = ['broker-dns', 'broker-tcp', 'broker-proxy', 'broker-tls'] as const;
const DESKTOP_STEPS = ['dns', 'tcp', 'proxy', 'tls', 'http', 'websocket'] as const;

export async function diagnoseSession(input: SessionDiagnoseInput, options: SessionDiagnoseOptions = {}): Promise<Diagnosis> {
  const { broker: where, auth } = input.broker;
  const startedAt = new Date().toISOString();
  const steps: DiagnosisStep[] = [];
  const emit = (s: DiagnosisStep) => {
    steps.push(s);
    options.onStep?.(s);
  };
  const skipRest = () => {
    const done = new Set(steps.map((s) => s.id));
    for (const id of [...BROKER_DIAL_STEPS, 'broker-token', 'broker-session', 'broker-connection', ...DESKTOP_STEPS] as const) if (!done.has(id)) emit(skipped(id, SKIP.earlierFailed));
  };
  const finish = (): Diagnosis => ({
    ok: steps.every((s) => s.status !== 'fail'),
    target: `https://${formatHostPort(where.host, where.port)}/ session ${input.sessionId}`,
    startedAt,
    steps,
  });

  const withToken = auth.kind === 'client-credentials';
  const facts: HintFacts = {
    host: where.host,
    port: where.port,
    pathPrefix: '/',
    webUrlPath: '/',
    atBroker: true,
    address: where.resolve?.find((r) => r.host.toLowerCase() === where.host.toLowerCase() && r.port === where.port)?.address,
    routeReason: input.routeReason,
    routeBecause: input.routeBecause,
    plainBrowserRoute: input.plainBrowserRoute,
    hasProxyCredentials: Boolean(input.broker.proxyCredentials),
    pins: input.broker.trust.kind === 'pin' ? input.broker.trust.fingerprints : undefined,
    clientId: withToken ? auth.clientId : undefined,
    sessionId: input.sessionId,
  };
  // With an external token URL the first dial is to that host: the Broker's is the second.
  const brokerDial = withToken && auth.tokenUrl !== undefined ? 2 : 1;
  const attempts = collectAttempts({ dial: brokerDial });
  const client = (options.createClient ?? createBrokerClient)({ ...input.broker, onStep: attempts.onStep });
  const started = performance.now();

  // 1. The first call: the token (when one is needed), then DescribeSessions for the session.
  let listed: SessionSummary[] | undefined;
  let failure: unknown;
  try {
    listed = await client.describeSessions({ sessionIds: [input.sessionId], pageSize: 1, signal: options.signal });
  } catch (e) {
    failure = e;
  }
  // The token call ends where the next dial begins.
  const tokenEnded = withToken ? (attempts.dialStarts[1] ?? performance.now()) : started;
  const failedCall = failure === undefined ? undefined : callOf(failure, attempts, withToken);

  // broker-dns … broker-tls
  const dialFailure = failure !== undefined && isBrokerError(failure) && failure.code === 'BROKER_UNREACHABLE' && failedCall === 'dial' ? tunnelCause(failure) : undefined;
  const dialCtx = { host: where.host, port: where.port, route: input.broker.route, routeReason: input.routeReason, routeBecause: input.routeBecause, plainBrowserRoute: input.plainBrowserRoute, trust: input.broker.trust };
  const dialSteps = attempts.seen.size > 0 || dialFailure !== undefined ? judgeDialSteps(attempts, dialFailure, dialCtx, facts) : [];
  if (dialSteps.length === 0) {
    // The Broker was never dialled: the token URL's host failed first (broker-token says why).
    for (const id of BROKER_DIAL_STEPS) emit(skipped(id, SKIP.notReached));
  } else {
    for (const s of dialSteps) emit({ ...s, id: `broker-${s.id}` as DiagnosisStepId });
  }
  if (steps.some((s) => s.status === 'fail')) {
    skipRest();
    return finish();
  }

  // broker-token
  if (failedCall === 'token') {
    emit(brokerFailure('broker-token', failure, 'token', tokenEnded - started, facts));
    skipRest();
    return finish();
  } else if (!withToken) {
    emit(skipped('broker-token', SKIP.noAuthorization));
  } else {
    const step: DiagnosisStep = { id: 'broker-token', status: 'ok', code: 'OK', durationMs: tokenEnded - started, detail: { clientId: auth.clientId, tokenUrl: auth.tokenUrl ?? null } };
    setSummary(step, `access token for client ${auth.clientId}`, summaryOf('summary.broker.token', { clientId: auth.clientId }));
    emit(step);
  }

  // broker-session
  const sessionMs = performance.now() - tokenEnded;
  if (!listed) {
    emit(brokerFailure('broker-session', failure, 'describeSessions', sessionMs, facts));
    skipRest();
    return finish();
  }
  const session = listed.find((s) => s.id === input.sessionId);
  const sessionStep = describedStep(session, input.sessionId, sessionMs, facts);
  emit(sessionStep);
  if (sessionStep.status === 'fail' || !session) {
    skipRest();
    return finish();
  }

  // broker-connection
  const user = input.user || session.owner;
  const connectionStarted = performance.now();
  let connection: { session: SessionSummary; connectionToken: string };
  try {
    connection = await client.getSessionConnectionData(input.sessionId, user);
  } catch (e) {
    emit(brokerFailure('broker-connection', e, 'getSessionConnectionData', performance.now() - connectionStarted, facts));
    skipRest();
    return finish();
  }
  const token = connection.connectionToken;
  const connectionStep: DiagnosisStep = {
    id: 'broker-connection',
    status: 'ok',
    code: 'OK',
    durationMs: performance.now() - connectionStarted,
    // That a token came, and its length: never the token.
    detail: { sessionId: input.sessionId, user, tokenReceived: true, tokenLength: token.length },
  };
  setSummary(
    connectionStep,
    `connection token for ${user} (${token.length} characters)`,
    summaryOf('summary.broker.connection', { sessionId: input.sessionId, user, tokenLength: token.length }),
  );
  emit(connectionStep);

  // dns … websocket: the session's path, as diagnose() walks any desktop's.
  // The connection data's copy of the session is the freshest, when it names a server.
  const current = connection.session.server.ip || connection.session.server.hostname ? connection.session : session;
  const server = serverOf(current);
  let target: DiagnoseInput;
  try {
    target = await input.target(current, token);
  } catch (e) {
    const noRoute: HintFacts = { ...facts, atBroker: undefined, sessionServer: server, message: messageOf(e) };
    emit(
      failed('dns', 'SESSION_NO_ROUTE', 0, { message: noRoute.message, server }, noRoute, {
        text: `no route to the session's server ${server.ip}${server.hostname ? ` (${server.hostname})` : ''}: ${noRoute.message}`,
        message: summaryOf('summary.session.noRoute', { serverIp: server.ip, serverHostname: server.hostname }),
      }),
    );
    skipRest();
    return finish();
  }
  await diagnose(
    {
      ...target,
      session: target.session ?? {
        brokerHost: where.host,
        brokerPort: where.port,
        server,
        maxConcurrentClients: current.maxConcurrentClients,
        numOfConnections: current.numOfConnections,
      },
    },
    { onStep: emit, signal: options.signal },
  );
  return finish();
}

/** Where DescribeSessions says the session runs, as the hints' facts take it. */
function serverOf(session: SessionSummary): NonNullable<HintFacts['sessionServer']> {
  const { ip, hostname, port } = session.server;
  return { ip, hostname, ...(port ? { port } : {}) };
}

type Call = 'dial' | 'token' | 'describeSessions';

/**
 * Which part of the first call failed: the Broker's dial (its steps show it), the token, or
 * DescribeSessions. The client does not say which request failed, so the dials tell: with a
 * token, the first dial is the token's (to the Broker, or to the token URL's host).
 */
function callOf(e: unknown, attempts: Attempts, withToken: boolean): Call {
  if ([...attempts.seen.values()].some((s) => s.status === 'fail')) return 'dial';
  if (isBrokerError(e) && (e.params.step === 'token' || e.code === 'BROKER_AUTH_FAILED')) return 'token';
  const dials = attempts.dialStarts.length;
  // Nothing dialled at all (a target or route dial refused before its first step): the dial's too.
  if (isBrokerError(e) && e.code === 'BROKER_UNREACHABLE' && dials === 0) return 'dial';
  return withToken && dials <= 1 ? 'token' : 'describeSessions';
}

/** The dial's own error behind a BROKER_UNREACHABLE, for placing it at its step. */
function tunnelCause(e: unknown): unknown {
  const cause = e instanceof Error ? e.cause : undefined;
  return isTunnelError(cause) ? cause : e;
}

/** DescribeSessions' answer for the session: OK when it is READY, else why not. */
function describedStep(session: SessionSummary | undefined, sessionId: string, durationMs: number, facts: HintFacts): DiagnosisStep {
  if (!session) {
    return failed('broker-session', 'SESSION_NOT_FOUND', durationMs, { sessionId }, facts, {
      text: `DescribeSessions: no session ${sessionId}`,
      message: summaryOf('summary.broker.sessionNotFound', { sessionId }),
    });
  }
  const detail = {
    sessionId,
    name: session.name,
    owner: session.owner,
    type: session.type,
    state: session.state,
    ...(session.substate ? { substate: session.substate } : {}),
    ...(session.stateReason ? { stateReason: session.stateReason } : {}),
    server: { ip: session.server.ip, hostname: session.server.hostname, port: session.server.port ?? null },
    numOfConnections: session.numOfConnections ?? null,
    maxConcurrentClients: session.maxConcurrentClients ?? null,
  };
  const line = {
    text: `${session.name || sessionId} of ${session.owner || '?'}: ${session.state}${session.stateReason ? ` (${session.stateReason})` : ''} on ${session.server.ip || '?'}${session.server.hostname ? ` (${session.server.hostname})` : ''}`,
    message: summaryOf('summary.broker.session', {
      sessionId,
      name: session.name,
      owner: session.owner,
      type: session.type,
      state: session.state,
      stateReason: session.stateReason ?? null,
      serverIp: session.server.ip,
      serverHostname: session.server.hostname,
    }),
  };
  if (session.state.toUpperCase() !== 'READY') {
    facts.sessionState = session.state;
    facts.stateReason = session.stateReason;
    return failed('broker-session', 'SESSION_NOT_READY', durationMs, detail, facts, line);
  }
  const step: DiagnosisStep = { id: 'broker-session', status: 'ok', code: 'OK', durationMs, detail };
  setSummary(step, line.text, line.message);
  return step;
}

/** A Broker call that failed, at its step: its BrokerError code (or the dial's, for a later call's connection). */
function brokerFailure(id: DiagnosisStepId, e: unknown, operation: string, durationMs: number, facts: HintFacts): DiagnosisStep {
  const f: HintFacts = { ...facts, operation, message: messageOf(e) };
  // A token URL's host is not the Broker: the hint must name what failed.
  if (isBrokerError(e) && typeof e.params.host === 'string' && typeof e.params.port === 'number' && (e.params.host !== facts.host || e.params.port !== facts.port)) {
    f.host = e.params.host;
    f.port = e.params.port;
    f.atBroker = undefined;
    f.address = undefined;
  }
  let code = 'UNEXPECTED';
  let status: number | null = null;
  if (isBrokerError(e)) {
    code = e.code;
    status = e.status ?? (typeof e.params.status === 'number' ? e.params.status : null);
    if (status !== null) f.brokerStatus = status;
    if (e.code === 'SESSION_NOT_READY') {
      f.sessionState = typeof e.params.state === 'string' ? e.params.state : undefined;
      f.stateReason = typeof e.params.reason === 'string' ? e.params.reason : undefined;
    }
    // A dial that failed now, after working a moment ago: the dial's own code and hint.
    if (e.code === 'BROKER_UNREACHABLE') {
      const cause = tunnelCause(e);
      code = isTunnelError(cause) ? cause.code : 'UPSTREAM_RESET';
    }
  }
  return failed(id, code, durationMs, { operation, message: f.message, ...(status !== null ? { status } : {}) }, f, {
    text: `${operation}: ${f.message}`,
    message: summaryOf('summary.broker.error', { operation, status }),
  });
}
