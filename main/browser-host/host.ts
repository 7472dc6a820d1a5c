/**
 * Browser mode: the renderer and its typed API served to a local browser, protected like a
 * tunnel. HTTPS on 127.0.0.1 with the launcher's localhost certificate; a one-time launch URL
 * trades its token for an HttpOnly session cookie; every request needs the cookie and our own
 * Host (against DNS rebinding); the API WebSocket also needs our own Origin (a cookie rides
 * along on a cross-site WebSocket upgrade), and other origins (the tunnels' pages share our
 * cookie jar) may only navigate here.
 */
import { X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { zodToApiError, type ApiError, type LauncherServices } from '../../preload/contract/api';
import { WIRE_PATH, WireRequestSchema, type WireResponse } from '../../preload/contract/wire';
import { AccessGate, LAUNCH_PATH_PREFIX } from '../../tunnel/access';
import { launchedCrossSite, launchLanding } from '../../tunnel/launch-landing';
import { loadOrCreateLocalCertificate } from '../../tunnel/local-cert';
import { dispatch, type DispatchLog } from '../dispatch';
import { rendererCsp, rendererHeaders, resolveRendererFile } from '../renderer-files';

export const LISTEN_HOST = '127.0.0.1';
/** An import may carry up to 5 MB of text; JSON escaping can double it. */
export const MAX_MESSAGE_BYTES = 12 * 1024 * 1024;
/**
 * Long enough to copy the printed URL into another browser, short enough that a URL seen by
 * someone else goes stale soon (Enter in the terminal prints a fresh one). The browser the
 * launcher opens itself gets its URL through a private file (launch-file.ts), never argv.
 */
export const LAUNCH_TOKEN_TTL_MS = 2 * 60_000;

export interface BrowserHostOptions {
  services: LauncherServices;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  /** Where the localhost certificate is cached (shared with the tunnels). */
  certDir: string;
  /** Default 0: a free port. */
  port?: number;
  launchTokenTtlMs?: number;
  /** Clock of the launch tokens (tests). */
  now?: () => number;
  log?: DispatchLog;
}

export interface BrowserHost {
  /** One-time launch URL: https://127.0.0.1:<port>/__launch/<token> */
  url: string;
  origin: string;
  port: number;
  /** The host certificate's SHA-256, "AB:CD:…" (what a browser's certificate viewer shows). */
  fingerprintHex: string;
  /** Base64 SHA-256 of its SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiHash: string;
  /** Another one-time launch URL (for a second browser, or when the first expired). */
  newLaunchUrl(): string;
  close(): Promise<void>;
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const { services, rendererDir } = options;
  const log = options.log ?? ((message, error) => console.error(message, error));
  const cert = await loadOrCreateLocalCertificate(options.certDir);
  let gate: AccessGate | undefined;
  let csp = rendererCsp();

  const server: Server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
    if (!gate) return plain(res, 503, 'starting\n');
    serveHttp(gate, req, res);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refusal = gate ? upgradeRefusal(gate, req) : 'starting';
    if (refusal) {
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(refusal) + 1}\r\n\r\n${refusal}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveApi(ws));
  });
  // A client that drops mid-handshake must not take the host down.
  server.on('tlsClientError', () => {});
  server.on('clientError', (_e, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LISTEN_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  gate = new AccessGate({ listenHost: LISTEN_HOST, port, launchTokenTtlMs: options.launchTokenTtlMs ?? LAUNCH_TOKEN_TTL_MS, now: options.now });
  csp = rendererCsp([`wss://${LISTEN_HOST}:${port}`, `wss://localhost:${port}`]);
  const origin = `https://${LISTEN_HOST}:${port}`;

  const unsubscribe = services.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of wss.clients) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
  });

  function serveHttp(gate: AccessGate, req: IncomingMessage, res: ServerResponse): void {
    if (!gate.hostAllowed(req.headers.host)) return plain(res, 403, `Host "${req.headers.host ?? ''}" is not this launcher.\n`);
    // The tunnels' pages share our cookie jar (127.0.0.1, any port): they may link here, nothing more.
    const elsewhere = gate.crossOriginRefusal(req.method, req.headers);
    if (elsewhere) return plain(res, 403, `${elsewhere}\n`);
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname.startsWith(LAUNCH_PATH_PREFIX)) {
      const redeemed = (req.method === 'GET' || req.method === 'HEAD') && gate.redeemLaunchToken(pathname.slice(LAUNCH_PATH_PREFIX.length));
      if (!redeemed) {
        return page(
          res,
          403,
          ['この起動リンクは使用済みか、有効期限が切れています', 'ランチャーを起動したターミナルに表示された最新の URL を開いてください（ターミナルで Enter を押すと新しい URL が表示されます）。'],
          ['This launch link was already used or has expired', 'Open the newest URL printed in the terminal where the launcher runs (press Enter there for a fresh one).'],
        );
      }
      if (launchedCrossSite(req.headers)) {
        const landing = launchLanding('/', gate.sessionSetCookie());
        res.writeHead(landing.status, landing.headers);
        return void res.end(req.method === 'HEAD' ? undefined : landing.body);
      }
      res.writeHead(302, { Location: '/', 'Set-Cookie': gate.sessionSetCookie(), 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
      return void res.end();
    }
    if (!gate.hasSession(req.headers.cookie)) {
      return page(
        res,
        403,
        ['ターミナルに表示された URL を開いてください', 'このランチャーは起動 URL を開いたブラウザーにだけ応答します。ランチャーを起動したターミナルに表示された URL を開いてください。'],
        ['Open the URL printed in the terminal', 'This launcher only answers the browser that opened its launch URL. Open the URL printed in the terminal where the launcher runs.'],
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed\n');
    }
    const file = resolveRendererFile(rendererDir, pathname);
    if (!file) return plain(res, 404, 'not found\n');
    res.writeHead(200, rendererHeaders(file, csp));
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file.path)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  function serveApi(ws: WebSocket): void {
    ws.on('error', (e) => log('[browser-host] API socket error', e));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      void answer(ws, data, isBinary);
    });
  }

  async function answer(ws: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    const reply = (response: WireResponse) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(response));
    };
    const refuse = (id: number, error: ApiError) => reply({ id, result: { ok: false, error } });
    if (isBinary) return refuse(0, { code: 'INVALID_INPUT', message: 'send JSON text frames' });
    let json: unknown;
    try {
      json = JSON.parse(rawText(data));
    } catch (e) {
      return refuse(0, { code: 'INVALID_INPUT', message: `not JSON: ${(e as Error).message}` });
    }
    const frame = WireRequestSchema.safeParse(json);
    if (!frame.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : 0;
      return refuse(Number.isSafeInteger(id) ? id : 0, { ...zodToApiError(frame.error), message: `not a request frame {id, channel, request}: ${zodToApiError(frame.error).message}` });
    }
    const { id, channel, request } = frame.data;
    reply({ id, result: await dispatch(services.handlers, channel, request, log) });
  }

  const fingerprintHex = new X509Certificate(cert.certPem).fingerprint256;
  const newLaunchUrl = () => `${origin}${LAUNCH_PATH_PREFIX}${gate!.createLaunchToken()}`;

  return {
    url: newLaunchUrl(),
    origin,
    port,
    fingerprintHex,
    spkiHash: cert.spkiHash,
    newLaunchUrl,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Why an upgrade is refused, or undefined to accept it. */
function upgradeRefusal(gate: AccessGate, req: IncomingMessage): string | undefined {
  if (!gate.hostAllowed(req.headers.host)) return 'foreign Host';
  if ((req.url ?? '').split('?')[0] !== WIRE_PATH) return 'no WebSocket here';
  if (!gate.hasSession(req.headers.cookie)) return 'no session: open the launch URL first';
  if (!gate.originAllowed(req.headers.origin)) return 'foreign Origin';
  return undefined;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

function plain(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(body);
}

/** A page the user reads: Japanese first ([title, text]), then English. */
function page(res: ServerResponse, status: number, [titleJa, textJa]: [string, string], [title, text]: [string, string]): void {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  });
  res.end(
    `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>DCV Launcher</title>` +
      `<style>body{font:16px system-ui,sans-serif;margin:4em auto;max-width:36em;color:#222}</style></head>` +
      `<body><h1>${titleJa}</h1><p>${textJa}</p><h2 lang="en">${title}</h2><p lang="en">${text}</p></body></html>`,
  );
}
