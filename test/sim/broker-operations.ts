/**
 * The Broker simulator's client API operations, one function per operationId of the
 * definition. Each gets a body the request validator already accepted and returns the status
 * and JSON to send; broker.ts does the HTTP, the OAuth check and the validation around it.
 *
 * Batch operations report per-item failures inside a 200 (SuccessfulList / UnsuccessfulList),
 * as AWS's API reference shows for CreateSessions and DeleteSessions.
 */
import { randomUUID } from 'node:crypto';
import type { components } from '../../tunnel/session-manager/api/broker-api.generated';
import { NO_SUCH_SESSION, type SessionStore } from './broker-sessions';
import type { ConnectionTokens } from './broker-tokens';

type Schemas = components['schemas'];

export interface OperationContext {
  store: SessionStore;
  connectionTokens: ConnectionTokens;
  connectionTokenTtlMs: number;
}

export interface OperationReply {
  status: number;
  body: object;
  /**
   * Set when the request is one a correct client never sends (a NextToken it did not get, an
   * unsupported filter): the broker records it with the schema-invalid ones in rejectedRequests.
   */
  clientError?: string;
}

/** A 1×1 PNG: what getSessionScreenshots returns for every READY session. */
const PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const ok = (body: object): OperationReply => ({ status: 200, body });
const badRequest = (error: string, clientError = true): OperationReply => ({ status: 400, body: { error }, clientError: clientError ? error : undefined });

/** A batch response with all three fields present (the lists may stay empty). */
type Batch<R> = { [K in 'RequestId' | 'SuccessfulList' | 'UnsuccessfulList']-?: K extends keyof R ? NonNullable<R[K]> : never };
const batch = <R>(): Batch<R> => ({ RequestId: randomUUID(), SuccessfulList: [], UnsuccessfulList: [] }) as Batch<R>;

type Handler = (ctx: OperationContext, body: unknown, params: Record<string, string>) => OperationReply;

export const OPERATIONS: Record<string, Handler> = {
  describeSessions(ctx, body) {
    const page = ctx.store.describe((body ?? {}) as Schemas['DescribeSessionsRequestData']);
    if (!page.ok) return badRequest(page.error);
    const reply: Schemas['DescribeSessionsResponse'] = { RequestId: randomUUID(), Sessions: ctx.store.toWire(page.items) };
    // The last page has no NextToken at all (the schema's NextToken is a string, not nullable).
    if (page.nextToken !== undefined) reply.NextToken = page.nextToken;
    return ok(reply);
  },

  describeServers(ctx, body) {
    const page = ctx.store.describeServers((body ?? {}) as Schemas['DescribeServersRequestData']);
    if (!page.ok) return badRequest(page.error);
    const wire = ctx.store.serversToWire(new Set(page.items.map((s) => s.id)));
    const reply: Schemas['DescribeServersResponse'] = { RequestId: randomUUID(), Servers: page.items.map((s) => wire.get(s.id)).filter((s) => s !== undefined) };
    if (page.nextToken !== undefined) reply.NextToken = page.nextToken;
    return ok(reply);
  },

  createSessions(ctx, body) {
    const reply = batch<Schemas['CreateSessionsResponse']>();
    for (const item of body as Schemas['CreateSessionRequestData'][]) {
      const created = ctx.store.create(item);
      if (created.ok) reply.SuccessfulList.push(...ctx.store.toWire([created.session]));
      else reply.UnsuccessfulList.push({ CreateSessionRequestData: item, FailureReason: created.reason });
    }
    return ok(reply);
  },

  deleteSessions(ctx, body) {
    const reply = batch<Schemas['DeleteSessionsResponse']>();
    for (const item of body as Schemas['DeleteSessionRequestData'][]) {
      const deleted = ctx.store.delete(item);
      if (deleted.ok) reply.SuccessfulList.push({ SessionId: deleted.session.id, State: deleted.session.state });
      else reply.UnsuccessfulList.push({ SessionId: item.SessionId, FailureReason: deleted.reason });
    }
    return ok(reply);
  },

  /**
   * Status choices (the definition declares only 200 and 400 "Invalid input" here, and AWS's
   * Access Console maps only a 400 from this call to a "bad request"):
   * - unknown session → 400 {"error":"The requested dcvSession does not exist"} (the Broker's
   *   wording for an unknown session in DeleteSessions);
   * - session not READY → 400 {"error":"The requested dcvSession is not ready (state …)"} (ours);
   * - a user who is not the owner → 200 with a token for that user: AWS's Access Console
   *   end-to-end tests connect an admin to a session another user created
   *   (testAdmin1CanConnectToSession02), so the Broker hands out the token and leaves the
   *   decision to the DCV server's permissions. The verifier then names that user.
   */
  GetSessionConnectionData(ctx, _body, params) {
    const session = ctx.store.get(params.sessionId);
    if (!session) return badRequest(NO_SUCH_SESSION, false);
    if (session.state !== 'READY') return badRequest(`The requested dcvSession is not ready (state ${session.state})`, false);
    const reply: Schemas['GetSessionConnectionDataResponse'] = {
      Session: ctx.store.toWire([session])[0],
      ConnectionToken: ctx.connectionTokens.issue(session.id, params.user, ctx.connectionTokenTtlMs),
    };
    return ok(reply);
  },

  updateSessionPermissions(ctx, body) {
    const reply = batch<Schemas['UpdateSessionPermissionsResponse']>();
    for (const item of body as Schemas['UpdateSessionPermissionsRequestData'][]) {
      const session = item.SessionId === undefined ? undefined : ctx.store.get(item.SessionId);
      if (!session || session.owner !== item.Owner) {
        reply.UnsuccessfulList.push({ SessionId: item.SessionId, FailureReason: NO_SUCH_SESSION });
        continue;
      }
      session.permissionsFile = item.PermissionsFile;
      reply.SuccessfulList.push({ SessionId: session.id });
    }
    return ok(reply);
  },

  getSessionScreenshots(ctx, body) {
    const reply = batch<Schemas['GetSessionScreenshotsResponse']>();
    for (const item of body as Schemas['GetSessionScreenshotRequestData'][]) {
      const session = item.SessionId === undefined ? undefined : ctx.store.get(item.SessionId);
      if (!session || session.state !== 'READY') {
        reply.UnsuccessfulList.push({ GetSessionScreenshotRequestData: item, FailureReason: session ? `The requested dcvSession is not ready (state ${session.state})` : NO_SUCH_SESSION });
        continue;
      }
      reply.SuccessfulList.push({
        SessionScreenshot: { SessionId: session.id, Images: [{ Format: 'png', Data: PIXEL_PNG, CreationTime: new Date().toISOString(), Primary: true }] },
      });
    }
    return ok(reply);
  },

  openServers(ctx, body) {
    const reply = batch<Schemas['OpenServersResponse']>();
    for (const item of body as Schemas['OpenServerRequestData'][]) {
      const server = item.ServerId === undefined ? undefined : ctx.store.server(item.ServerId);
      if (!server) {
        reply.UnsuccessfulList.push({ OpenServerRequestData: item, FailureCode: 'DCV_SERVER_NOT_FOUND', FailureReason: 'The requested server does not exist' });
        continue;
      }
      server.open = true;
      reply.SuccessfulList.push({ ServerId: server.id });
    }
    return ok(reply);
  },

  /** "if force is false the server is close only if no sessions are running on it" (definition). */
  closeServers(ctx, body) {
    const reply = batch<Schemas['CloseServersResponse']>();
    for (const item of body as Schemas['CloseServerRequestData'][]) {
      const server = item.ServerId === undefined ? undefined : ctx.store.server(item.ServerId);
      if (!server) {
        reply.UnsuccessfulList.push({ CloseServerRequestData: item, FailureCode: 'DCV_SERVER_NOT_FOUND', FailureReason: 'The requested server does not exist' });
        continue;
      }
      const busy = ctx.store.all().some((s) => s.serverId === server.id && s.state !== 'DELETING' && s.state !== 'DELETED');
      if (busy && item.Force !== true) {
        reply.UnsuccessfulList.push({ CloseServerRequestData: item, FailureCode: 'DCV_SERVER_HAS_SESSIONS', FailureReason: 'The server has running sessions; use Force to close it' });
        continue;
      }
      server.open = false;
      reply.SuccessfulList.push({ ServerId: server.id });
    }
    return ok(reply);
  },
};
