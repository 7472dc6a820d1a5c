/**
 * A fake Amazon DCV server: HTTPS + WebSockets on one port, with the behaviour the field
 * reports describe (Host/Origin regex 403, HSTS, X-Frame-Options, /auth 302 behind a token
 * verifier, /auth 404 behind a Connection Gateway, keepalive pings, 4-6 sockets per client).
 * Upgraded sockets speak DCV's first messages (agent.ts); what each socket saw is recorded in
 * `stats().sockets` (landings.ts).
 */
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { listenTracked } from './http';
import { WebSocketServer } from 'ws';
import { makeSelfSignedCert, peerCertificate, type PeerCertificate } from './cert';
import { DcvAgent, type AgentStats } from './agent';
import type { Landing } from './landings';
import { ASSET_COUNT, assetBody, clientJs, pageHtml } from './page';
import { SUBPROTOCOL } from './protocol';

export { makeSelfSignedCert, fingerprintOf, fingerprintHexOf } from './cert';

export interface SimulatorOptions {
  /** Default '127.0.0.1'; agents use 127.0.0.2, 127.0.0.3 … */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Agent name shown on the page and in serverInfo.name/hostname of every connectionConfirm, e.g. 'agent-A'. */
  name?: string;
  /** Default '/'; must start and end with '/'. */
  webUrlPath?: string;
  /** allowed-http-host-regex, default '^.+$', matched against the Host header without its port. */
  hostRegex?: string;
  /** allowed-ws-origin-regex, default '^https://.+$', matched against the whole Origin header. */
  originRegex?: string;
  /**
   * verifier: <base>auth answers 302 to a broker (the field's symptom with auth-token-verifier
   * set); gateway: <base>auth answers 404. Default 'verifier' with `authTokenVerifier`, else 'normal'.
   */
  mode?: 'normal' | 'verifier' | 'gateway';
  /** Where 'verifier' mode sends the /auth upgrade; default `authTokenVerifier.url`, else like a Session Manager broker. */
  brokerUrl?: string;
  /** dcv.conf's authentication: 'none' (default) or 'system' (PLAIN against `users`). */
  authentication?: 'none' | 'system';
  /** 'system' authentication: user → password. */
  users?: Record<string, string>;
  /** The sessions on this server; default ['console']. [] = a server with no session (the field's blank desktop). */
  sessions?: string[];
  /**
   * Tokens accepted as if this agent had issued them at /auth, per session id — for tests that
   * open fixed launch URLs such as ?authToken=tok123#console.
   */
  tokens?: Record<string, string[]>;
  /** Sessions a Session Manager's Broker placed on this server after it started (new desktops). */
  hasSession?: (sessionId: string) => boolean;
  /** dcv.conf's auth-token-verifier (the Broker's agent port): tokens this agent did not issue are checked there. */
  authTokenVerifier?: { url: string; ca?: string };
  /** Live main connections at most; one more is aborted with CONNECTION_LIMIT_REACHED. Default unlimited. */
  maxConnections?: number;
  cert?: { key: string; cert: string };
  certValidity?: { notBefore: Date; notAfter: Date };
  /** WebSocket ping interval, like ws-keepalive-interval; default 10 000. */
  keepaliveMs?: number;
}

export interface SimulatorStats {
  /** Plain HTTP requests (not upgrades). */
  httpRequests: number;
  /** WebSocket upgrades accepted. */
  upgrades: number;
  openSockets: number;
  /** Requests and upgrades by path (no query), accepted or not. */
  byPath: Record<string, number>;
  lastHost?: string;
  lastOrigin?: string;
  /** The query string of the last request or upgrade, '' when none (e.g. '?authToken=T'). */
  lastQuery?: string;
  /** Requests and upgrades answered 4xx/3xx by a check (Host, Origin, subprotocol, mode). */
  rejected: number;
  /** The last SOCKETS_KEPT upgraded sockets, oldest first: where each landed and how its first exchange ended. */
  sockets: Landing[];
  /** DCV-level counts: live main connections, aborts by reason, /auth results, verifier calls. */
  dcv: AgentStats;
}

/** How many upgraded sockets stats().sockets remembers. */
export const SOCKETS_KEPT = 200;

export interface Simulator extends PeerCertificate {
  /** https://host:port<webUrlPath> */
  url: string;
  host: string;
  port: number;
  name: string;
  stats(): SimulatorStats;
  /**
   * An agent that drops its clients (a restart of dcvserver, a network blip): every socket,
   * upgraded or not, is destroyed; the port keeps listening. Returns how many were dropped.
   */
  dropConnections(): number;
  /** Closes every socket; resolves when the port is free. */
  close(): Promise<void>;
}

const SECURITY_HEADERS = {
  'Strict-Transport-Security': 'max-age=31536000',
  'X-Frame-Options': 'DENY',
};

function compile(label: string, source: string): RegExp {
  try {
    return new RegExp(source);
  } catch (e) {
    throw new Error(`startSimulator: ${label} is not a valid regular expression: ${source} (${(e as Error).message})`);
  }
}

/** The Host header without its port ('[::1]:8443' → '::1'). */
function hostnameOf(hostHeader: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader) ?? /^([^:]+)(?::\d+)?$/.exec(hostHeader);
  return m ? m[1] : hostHeader;
}

/** A plain HTTP answer written on a socket that asked to upgrade. */
function refuseUpgrade(socket: Duplex, status: number, reason: string, extra: Record<string, string> = {}, body = ''): void {
  const headers = { ...SECURITY_HEADERS, ...extra, 'Content-Type': 'text/plain', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n${body}`);
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const host = opts.host ?? '127.0.0.1';
  const name = opts.name ?? 'agent';
  const base = opts.webUrlPath ?? '/';
  if (!base.startsWith('/') || !base.endsWith('/')) throw new Error(`startSimulator: webUrlPath must start and end with '/', got '${base}'`);
  const hostRegex = compile('hostRegex', opts.hostRegex ?? '^.+$');
  const originRegex = compile('originRegex', opts.originRegex ?? '^https://.+$');
  const mode = opts.mode ?? (opts.authTokenVerifier ? 'verifier' : 'normal');
  const brokerUrl = opts.brokerUrl ?? opts.authTokenVerifier?.url ?? 'https://127.0.0.1:8445/agent/validate-authentication-token';
  const agent = new DcvAgent({
    name,
    authentication: opts.authentication ?? 'none',
    users: opts.users ?? {},
    sessions: opts.sessions ?? ['console'],
    hasSession: opts.hasSession,
    tokens: opts.tokens ?? {},
    authTokenVerifier: opts.authTokenVerifier,
    maxConnections: opts.maxConnections,
  });
  const { key, cert } = opts.cert ?? makeSelfSignedCert({ cn: 'dcv-gateway', ...opts.certValidity });

  const stats: Omit<SimulatorStats, 'dcv'> = { httpRequests: 0, upgrades: 0, openSockets: 0, byPath: {}, rejected: 0, sockets: [] };
  const see = (req: IncomingMessage): URL => {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    stats.byPath[url.pathname] = (stats.byPath[url.pathname] ?? 0) + 1;
    stats.lastHost = req.headers.host;
    if (req.headers.origin !== undefined) stats.lastOrigin = req.headers.origin;
    stats.lastQuery = url.search;
    return url;
  };
  const hostAllowed = (req: IncomingMessage) => hostRegex.test(hostnameOf(req.headers.host ?? ''));

  const server: Server = createServer({ key, cert }, (req, res) => {
    stats.httpRequests++;
    const url = see(req);
    if (!hostAllowed(req)) {
      stats.rejected++;
      return send(res, 403, 'text/plain', `Host ${req.headers.host} is not allowed\n`);
    }
    handleHttp(req, res, url);
  });

  function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
    res.end(body);
  }

  function handleHttp(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const path = url.pathname;
    if (path === '/version' && req.method === 'GET') {
      return send(res, 200, 'text/plain', `DCV Server simulator 2024.0-sim (${name})\n`);
    }
    if (!path.startsWith(base)) return send(res, 404, 'text/plain', 'Not Found\n');
    const rest = path.slice(base.length);
    if (req.method === 'POST' && rest === 'upload') return upload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    if (rest === '' || rest === 'index.html') {
      return send(res, 200, 'text/html; charset=utf-8', pageHtml(name), { 'Set-Cookie': `dcvsim=1; Path=${base}; Secure; HttpOnly`, 'Cache-Control': 'no-store' });
    }
    if (rest === 'client.js') return send(res, 200, 'application/javascript', clientJs());
    const asset = /^assets\/(\d+)\.js$/.exec(rest);
    if (asset && Number(asset[1]) < ASSET_COUNT) return send(res, 200, 'application/javascript', assetBody(Number(asset[1])));
    if (rest === 'echo-headers') return send(res, 200, 'application/json', JSON.stringify(req.headers));
    if (rest === 'login') return send(res, 302, 'text/plain', '', { Location: `https://${req.headers.host}${base}` });
    if (rest === 'auth' || rest === 'ws') return send(res, 400, 'text/plain', 'WebSocket upgrade required\n');
    send(res, 404, 'text/plain', 'Not Found\n');
  }

  function upload(req: IncomingMessage, res: ServerResponse): void {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
    });
    req.on('end', () => send(res, 200, 'application/json', JSON.stringify({ bytes, sha256: hash.digest('hex') })));
  }

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 256 * 1024 * 1024,
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = see(req);
    const rest = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
    const reject = (status: number, reason: string, extra?: Record<string, string>, body?: string) => {
      stats.rejected++;
      refuseUpgrade(socket, status, reason, extra, body);
    };
    if (!hostAllowed(req)) return reject(403, 'Forbidden', {}, `Host ${req.headers.host} is not allowed\n`);
    if (rest !== 'auth' && rest !== 'ws') return reject(404, 'Not Found');
    if (rest === 'auth' && mode === 'gateway') return reject(404, 'Not Found');
    if (!originRegex.test(req.headers.origin ?? '')) return reject(403, 'Forbidden', {}, `Origin ${req.headers.origin ?? '(none)'} is not allowed\n`);
    if (rest === 'auth' && mode === 'verifier') return reject(302, 'Found', { Location: brokerUrl });
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) return reject(400, 'Bad Request', {}, `subprotocol '${SUBPROTOCOL}' required\n`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      stats.upgrades++;
      stats.openSockets++;
      ws.on('close', () => stats.openSockets--);
      ws.on('error', () => ws.terminate());
      const landing: Landing = { agent: name, socket: rest, path: url.pathname, query: url.search, host: req.headers.host ?? '', origin: req.headers.origin ?? '' };
      stats.sockets.push(landing);
      if (stats.sockets.length > SOCKETS_KEPT) stats.sockets.shift();
      if (rest === 'auth') agent.serveAuth(ws, landing);
      else agent.serveSetup(ws, landing, req.socket.remoteAddress ?? '');
    });
  });

  const keepalive = setInterval(() => {
    for (const ws of wss.clients) if (ws.readyState === ws.OPEN) ws.ping();
  }, opts.keepaliveMs ?? 10_000);
  keepalive.unref();

  const { port, connections } = await listenTracked(server, host, opts.port, 'startSimulator');
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `https://${urlHost}:${port}${base}`,
    host,
    port,
    name,
    ...peerCertificate(cert, key),
    dropConnections: () => {
      const dropped = connections.size;
      for (const ws of wss.clients) ws.terminate();
      for (const s of connections) s.destroy();
      return dropped;
    },
    stats: () => ({ ...stats, byPath: { ...stats.byPath }, sockets: stats.sockets.map((l) => ({ ...l })), dcv: agent.stats() }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        clearInterval(keepalive);
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        for (const s of connections) s.destroy();
      })),
  };
}
