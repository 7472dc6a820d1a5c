import type { Duplex } from 'node:stream';

/**
 * Ends one reader's turn on a socket: its listeners off, the socket paused. Removing the 'data'
 * listener does not stop a flowing stream, so without the pause the next reader's bytes would
 * be dropped. (`onEnd` is the reader's listener for both 'end' and 'close'.)
 */
export function stopReading(socket: Duplex, onData: (chunk: Buffer) => void, onEnd: () => void, onError: (e: Error) => void): void {
  socket.off('data', onData);
  socket.off('end', onEnd);
  socket.off('close', onEnd);
  socket.off('error', onError);
  socket.pause();
}
