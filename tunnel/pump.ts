/**
 * Copies a readable into a writable like pipe(), with a deeper buffer before pushing back.
 *
 * pipe() pauses the source as soon as the destination holds one high-water mark (16 KiB):
 * over TLS every write is asynchronous, so each 16 KiB chunk became a pause, a resume and a
 * write syscall of its own. Letting up to MAX_BUFFERED queue while a write is in flight lets
 * Node batch the queued chunks into one writev, and the source keeps reading.
 */
import type { Readable, Writable } from 'node:stream';

export const MAX_BUFFERED = 256 * 1024;

export function pump(src: Readable, dst: Writable, maxBuffered = MAX_BUFFERED): void {
  const resume = (): void => {
    src.resume();
  };
  src.on('data', (chunk: Buffer) => {
    dst.write(chunk);
    if (dst.writableLength > maxBuffered) {
      src.pause();
      dst.once('drain', resume);
    }
  });
  src.once('end', () => dst.end());
  src.resume();
}
