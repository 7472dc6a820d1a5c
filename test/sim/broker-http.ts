/** Small HTTP helpers shared by the Broker simulator's three listeners. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Far above any real Broker request; a bigger body is refused rather than buffered. */
const MAX_BODY = 1024 * 1024;

export type Body = { ok: true; text: string } | { ok: false };
export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** A request a correct client never sends: recorded so a test can assert there were none. */
export interface RejectedRequest {
  listener: 'client' | 'resolver' | 'verifier';
  method: string;
  path: string;
  operationId?: string;
  status: number;
  errors: string[];
  body?: unknown;
}

export function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_BODY ? { ok: false } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => resolve({ ok: false }));
  });
}

export function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendXml(res: ServerResponse, status: number, xml: string): void {
  res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(Buffer.byteLength(xml)) });
  res.end(xml);
}

/** The media type of the request body, lower-case, without parameters ('' when none). */
export const mediaType = (req: IncomingMessage): string => (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
