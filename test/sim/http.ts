import { request as httpsRequest, type RequestOptions, type Server as HttpsServer } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * Listens on host:port (0: any free port) and tracks every TCP connection, upgraded ones too
 * (the HTTP server forgets those), so a close can destroy them all. Clients that refuse the
 * self-signed certificate are expected: they must not crash anything. `what` names the
 * listener in the error when the port is taken.
 */
export async function listenTracked(server: HttpsServer, host: string, port: number | undefined, what: string, connections = new Set<Duplex>()): Promise<{ port: number; connections: Set<Duplex> }> {
  server.on('connection', (s: Duplex) => {
    connections.add(s);
    s.on('close', () => connections.delete(s));
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`${what}: cannot listen on ${host}:${port ?? 0}: ${e.message}`)));
    server.listen(port ?? 0, host, () => resolve());
  });
  server.on('error', () => {});
  return { port: (server.address() as { port: number }).port, connections };
}

export interface SimpleResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** One HTTP(S) request for tests, no redirects followed, self-signed accepted unless `ca` is given. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; ca?: string; timeoutMs?: number; extra?: RequestOptions } = {},
): Promise<SimpleResponse> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: opts.method ?? 'GET',
        headers: opts.headers,
        ca: opts.ca,
        rejectUnauthorized: opts.ca !== undefined,
        agent: false,
        timeout: opts.timeoutMs ?? 15_000,
        ...opts.extra,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
