/**
 * A fake Amazon DCV Connection Gateway: HTTPS on one port, self-signed, in front of simulated
 * agents, routing by the session id in the client's first /ws message.
 *
 * What it does, and how sure we are (see /shared/SESSION-MANAGER.md, "The Connection Gateway"):
 * - `GET /` and the page's assets: the simulator's web client page, as the Gateway serves its
 *   `[web-resources]` — so `/?authToken=T#session` runs the real client flow through it.
 * - an upgrade of `/auth` answers 404: the Gateway has nothing to route before it knows the
 *   session (FACT: the field's symptom; consistent with the SDK skipping /auth with a token).
 * - an upgrade of `/ws` (subprotocol dcv) is accepted; the FIRST message (connectionRequest or
 *   channelConnectionRequest) gives the session id, and the resolver is asked
 *   `POST <resolverUrl>/resolveSession?sessionId=…&transport=HTTP&clientIpAddress=…` (FACT).
 *   200 → a WebSocket to `wss://DcvServerEndpoint:Port<WebUrlPath>ws`, the first message sent
 *   unchanged, then every message relayed both ways until either side closes.
 * - resolver 404 → NOT CONFIRMED what the real Gateway sends the client: `onUnresolved:
 *   'abort'` (default) sends connectionAbort INVALID_SESSION_ID and closes, `'close'` just
 *   closes the socket, so the doctor can be tested against both.
 * - the agent unreachable (refused, TLS failure, upgrade refused) → connectionAbort
 *   SERVER_UNREACHABLE (the reason's name says it; that the Gateway uses it is our reading).
 * - the resolver itself failing (unreachable, not 200/404, bad JSON) → connectionAbort
 *   INTERNAL_SERVER_ERROR (our choice).
 * The relay has no flow control of its own: it is for first-message and echo tests, not bulk.
 */
import { request as httpsRequest, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { listenTracked } from './http';
import WebSocket, { WebSocketServer } from 'ws';
import { AbortReason, abortReasonName, decodeSetupClientMessage, encodeSetupServerMessage } from '../../tunnel/session-manager/dcv-messages';
import { makeSelfSignedCert, peerCertificate, type PeerCertificate } from './cert';
import { ASSET_COUNT, assetBody, clientJs, pageHtml } from './page';
import { SUBPROTOCOL } from './protocol';

export interface GatewayOptions {
  /** A loopback address; default '127.0.0.1'. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** The Gateway's `[resolver] url`, e.g. the Broker simulator's resolverUrl. */
  resolverUrl: string;
  /** The resolver's CA (`[resolver] ca-file`); without it the system store decides. */
  resolverCa?: string;
  /** Shown on the page until the client has connected; default 'dcv-connection-gateway'. */
  name?: string;
  /** What the client gets when the resolver answers 404; default 'abort'. */
  onUnresolved?: 'abort' | 'close';
  cert?: { key: string; cert: string };
}

export interface ResolverCall {
  sessionId: string;
  clientIpAddress: string;
  /** The resolver's HTTP status, 0 when it could not be asked. */
  status: number;
  /** 200: where it sent the socket. */
  endpoint?: { host: string; port: number; webUrlPath: string };
  error?: string;
}

export interface GatewayStats {
  httpRequests: number;
  upgrades: number;
  /** Requests and upgrades by path, accepted or not. */
  byPath: Record<string, number>;
  /** Upgrades answered with plain HTTP (404 on /auth, …). */
  rejected: number;
  /** The last RESOLVER_CALLS_KEPT resolver calls, oldest first. */
  resolverCalls: ResolverCall[];
  /** Client sockets joined to an agent socket, ever, and right now. */
  relayed: number;
  openRelays: number;
  /** connectionAbort sent by the Gateway itself (not the ones it relayed), by reason name. */
  aborts: Record<string, number>;
  /** Client sockets closed without a message after a resolver 404 (onUnresolved 'close'). */
  closedUnresolved: number;
}

export interface Gateway extends PeerCertificate {
  /** https://host:port/ */
  url: string;
  host: string;
  port: number;
  name: string;
  stats(): GatewayStats;
  close(): Promise<void>;
}

const RESOLVER_CALLS_KEPT = 200;
const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost)$/;
const MAX_PAYLOAD = 256 * 1024 * 1024;

type Resolution = { kind: 'found'; host: string; port: number; webUrlPath: string } | { kind: 'not-found' } | { kind: 'error'; error: string };

/** Close codes a peer may send on (RFC 6455 §7.4): others (1005, 1006, 1015) only describe what happened. */
const sendableCode = (code: number) => (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);

/** Closes `ws` the way its peer closed: same code and reason, or a drop when there was no close frame. */
function closeLike(ws: WebSocket, code: number, reason: Buffer): void {
  if (ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING) return;
  if (code === 1006) ws.terminate();
  else if (sendableCode(code)) ws.close(code, reason);
  else ws.close();
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.test(host)) throw new Error(`startGateway: host must be a loopback address, got '${host}'`);
  const name = opts.name ?? 'dcv-connection-gateway';
  const onUnresolved = opts.onUnresolved ?? 'abort';
  const resolverUrl = new URL(opts.resolverUrl);
  if (resolverUrl.protocol !== 'https:') throw new Error(`startGateway: resolverUrl must be https://, got ${opts.resolverUrl}`);
  const { key, cert } = opts.cert ?? makeSelfSignedCert({ cn: 'dcv-connection-gateway' });

  const stats: GatewayStats = { httpRequests: 0, upgrades: 0, byPath: {}, rejected: 0, resolverCalls: [], relayed: 0, openRelays: 0, aborts: {}, closedUnresolved: 0 };
  const see = (req: IncomingMessage): URL => {
    const url = new URL(req.url ?? '/', 'https://gateway.invalid');
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;
    return url;
  };

  // --- [web-resources]: the simulator's page ----------------------------------------------

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store' });
    res.end(body);
  };
  const server: Server = createServer({ key, cert }, (req, res) => {
    stats.httpRequests++;
    const path = see(req).pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method Not Allowed\n');
    if (path === '/' || path === '/index.html') return send(res, 200, 'text/html; charset=utf-8', pageHtml(name));
    if (path === '/client.js') return send(res, 200, 'application/javascript', clientJs());
    const asset = /^\/assets\/(\d+)\.js$/.exec(path);
    if (asset && Number(asset[1]) < ASSET_COUNT) return send(res, 200, 'application/javascript', assetBody(Number(asset[1])));
    send(res, 404, 'text/plain', 'Not Found\n');
  });

  // --- upgrades ------------------------------------------------------------------------------

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });
  const agentSockets = new Set<WebSocket>();

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = see(req).pathname;
    const refuse = (status: number, reason: string) => {
      stats.rejected++;
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\nConnection: close\r\n\r\n${reason}\n`);
    };
    // /auth included: nothing can be routed before the first /ws message names a session.
    if (path !== '/ws') return refuse(404, 'Not Found');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return refuse(400, 'Bad Request');
    wss.handleUpgrade(req, socket, head, (ws) => {
      stats.upgrades++;
      ws.on('error', () => ws.terminate());
      serve(ws, req);
    });
  });

  /** Reads the first message, resolves its session, then joins the socket to the agent's. */
  function serve(client: WebSocket, req: IncomingMessage): void {
    const early: Buffer[] = [];
    let agent: WebSocket | undefined;
    let routing = false;
    client.on('message', (data: Buffer) => {
      if (agent?.readyState === WebSocket.OPEN) return void agent.send(data, { binary: true });
      early.push(data);
      if (routing) return;
      routing = true;
      void route(early[0]).then((a) => (agent = a));
    });

    const abort = (reason: number) => {
      const reasonName = abortReasonName(reason);
      stats.aborts[reasonName] = (stats.aborts[reasonName] ?? 0) + 1;
      if (client.readyState !== WebSocket.OPEN) return;
      client.send(encodeSetupServerMessage({ kind: 'connectionAbort', reason }));
      client.close(1008, reasonName);
    };

    const route = async (first: Buffer): Promise<WebSocket | undefined> => {
      let sessionId: string;
      try {
        sessionId = decodeSetupClientMessage(first).sessionId;
      } catch {
        abort(AbortReason.PROTOCOL_ERROR);
        return undefined;
      }
      const where = await resolve(sessionId, req.socket.remoteAddress ?? '');
      if (client.readyState !== WebSocket.OPEN) return undefined;
      if (where.kind === 'not-found') {
        if (onUnresolved === 'abort') abort(AbortReason.INVALID_SESSION_ID);
        else {
          stats.closedUnresolved++;
          client.close(1008);
        }
        return undefined;
      }
      if (where.kind === 'error') {
        abort(AbortReason.INTERNAL_SERVER_ERROR);
        return undefined;
      }
      return connectAgent(where, req);
    };

    const connectAgent = (where: Extract<Resolution, { kind: 'found' }>, upgrade: IncomingMessage): WebSocket | undefined => {
      // A simulator never leaves the machine, whatever the resolver says.
      if (!LOOPBACK.test(where.host)) {
        abort(AbortReason.SERVER_UNREACHABLE);
        return undefined;
      }
      const base = where.webUrlPath.endsWith('/') ? where.webUrlPath : `${where.webUrlPath}/`;
      const hostPart = where.host.includes(':') ? `[${where.host}]` : where.host;
      // The agent's certificate is self-signed and accepted as it is here; the real Gateway checks
      // it against its CA. The browser's Origin is passed on, so the agent's origin regex applies
      // (assumed: what Origin the real Gateway sends to an agent is not documented).
      const agent = new WebSocket(`wss://${hostPart}:${where.port}${base}ws`, SUBPROTOCOL, {
        rejectUnauthorized: false,
        perMessageDeflate: false,
        maxPayload: MAX_PAYLOAD,
        handshakeTimeout: 10_000,
        ...(upgrade.headers.origin ? { origin: upgrade.headers.origin } : {}),
      });
      agentSockets.add(agent);
      let opened = false;
      let failed = false;
      // Called for an unexpected response and again for the error terminate() raises: one abort.
      const unreachable = () => {
        if (failed || opened) return;
        failed = true;
        agent.terminate();
        abort(AbortReason.SERVER_UNREACHABLE);
      };
      agent.once('unexpected-response', (_req, res) => {
        res.resume();
        unreachable();
      });
      agent.on('error', () => (opened ? client.terminate() : unreachable()));
      agent.once('open', () => {
        opened = true;
        stats.relayed++;
        stats.openRelays++;
        // The first message unchanged, then whatever the client sent while we were connecting.
        for (const m of early.splice(0)) agent.send(m, { binary: true });
        agent.on('message', (data: Buffer, isBinary: boolean) => {
          if (client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
        });
        agent.once('close', (code, reason) => closeLike(client, code, reason));
        client.once('close', (code, reason) => closeLike(agent, code, reason));
      });
      agent.once('close', () => {
        agentSockets.delete(agent);
        if (opened) stats.openRelays--;
      });
      client.once('close', () => {
        if (!opened) agent.terminate();
      });
      return agent;
    };
  }

  /** POST <resolverUrl>/resolveSession?sessionId=…&transport=HTTP&clientIpAddress=… */
  function resolve(sessionId: string, clientIpAddress: string): Promise<Resolution> {
    const call: ResolverCall = { sessionId, clientIpAddress, status: 0 };
    stats.resolverCalls.push(call);
    if (stats.resolverCalls.length > RESOLVER_CALLS_KEPT) stats.resolverCalls.shift();
    const url = new URL('resolveSession', resolverUrl.href.endsWith('/') ? resolverUrl : `${resolverUrl.href}/`);
    url.search = new URLSearchParams({ sessionId, transport: 'HTTP', clientIpAddress }).toString();
    const failed = (error: string): Resolution => {
      call.error = error;
      return { kind: 'error', error };
    };
    return new Promise((done) => {
      const req = httpsRequest(
        url,
        {
          method: 'POST',
          headers: { 'Content-Length': '0' },
          agent: false,
          timeout: 10_000,
          // Like the Broker's own clients: its certificate names the broker, not the address dialled.
          ...(opts.resolverCa ? { ca: opts.resolverCa, checkServerIdentity: () => undefined } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => done(failed(e.message)));
          res.on('end', () => {
            call.status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (call.status === 404) return done({ kind: 'not-found' });
            if (call.status !== 200) return done(failed(`resolver answered ${call.status}: ${text.slice(0, 200)}`));
            try {
              const body = JSON.parse(text) as { DcvServerEndpoint?: unknown; Port?: unknown; WebUrlPath?: unknown };
              const port = Number(body.Port);
              if (typeof body.DcvServerEndpoint !== 'string' || !body.DcvServerEndpoint || !Number.isInteger(port) || port < 1 || port > 65535) {
                return done(failed(`resolver answer without a usable endpoint: ${text.slice(0, 200)}`));
              }
              const webUrlPath = typeof body.WebUrlPath === 'string' && body.WebUrlPath.startsWith('/') ? body.WebUrlPath : '/';
              call.endpoint = { host: body.DcvServerEndpoint, port, webUrlPath };
              done({ kind: 'found', ...call.endpoint });
            } catch (e) {
              done(failed(`resolver answer is not JSON: ${(e as Error).message}`));
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => done(failed(`resolver ${url.origin}: ${e.message}`)));
      req.end();
    });
  }

  // --- lifecycle -----------------------------------------------------------------------------

  const { port, connections } = await listenTracked(server, host, opts.port, 'startGateway');
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${port}/`,
    host,
    port,
    name,
    ...peerCertificate(cert, key),
    stats: () => ({ ...stats, byPath: { ...stats.byPath }, aborts: { ...stats.aborts }, resolverCalls: stats.resolverCalls.map((c) => ({ ...c })) }),
    close: () =>
      (closing ??= new Promise<void>((resolveClose) => {
        for (const ws of wss.clients) ws.terminate();
        for (const ws of agentSockets) ws.terminate();
        wss.close();
        server.close(() => resolveClose());
        for (const s of connections) s.destroy();
      })),
  };
}
