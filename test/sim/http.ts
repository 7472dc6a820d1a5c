import { request as httpsRequest, type RequestOptions } from 'node:https';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

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
