/** Test-only: what the dial() tests ask of a dial's outcome. */
import type { TLSSocket } from 'node:tls';
import { TunnelError } from '../errors';

/** The TunnelError a dial rejects with; throws when it succeeds or rejects with anything else. */
export async function dialFailure(p: Promise<unknown>): Promise<TunnelError> {
  const e = await p.then(
    () => {
      throw new Error('expected the dial to fail');
    },
    (err: unknown) => err,
  );
  if (!(e instanceof TunnelError)) throw new Error(`expected a TunnelError, got: ${String(e)}`, { cause: e });
  return e;
}

/** One round trip over the verified socket (the peer echoes). */
export function echo(socket: TLSSocket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    socket.once('data', (d: Buffer) => resolve(d.toString()));
    socket.once('error', reject);
    socket.write(text);
  });
}
