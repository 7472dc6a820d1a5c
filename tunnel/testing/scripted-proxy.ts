/**
 * A proxy for tests that records every request head it is sent and answers each with the same
 * bytes (optionally in pieces, to test reassembly) — no forwarding.
 */
import { createServer } from 'node:net';

export interface ScriptedProxy {
  port: number;
  /** Every request head received, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function scriptedProxy(answer: Buffer | string, pieces = 1): Promise<ScriptedProxy> {
  const requests: string[] = [];
  const server = createServer((s) => {
    let head = '';
    s.on('error', () => {});
    s.on('data', (d) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      requests.push(head);
      const bytes = Buffer.from(answer);
      const size = Math.ceil(bytes.length / pieces);
      for (let i = 0; i < bytes.length; i += size) s.write(bytes.subarray(i, i + size));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
