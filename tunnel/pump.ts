/**
 * Copies a readable into a writable like pipe(), with a deeper buffer before pushing back.
 *
 * pipe() pauses the source as soon as the destination holds one high-water mark (16 KiB):
 * over TLS every write is asynchronous, so each 16 KiB chunk became a pause, a resume and a
 * write syscall of its own. Letting up to MAX_BUFFERED queue while a write is in flight lets
 * Node batch the queued chunks into one writev, and the source keeps reading.
 *
 * 64 KiB, not more: a few 16 KiB records already make one writev, and every open socket may
 * hold this much per direction (500 streaming sockets: peak RSS 550 → 350 MiB vs 256 KiB,
 * same CPU per GiB).
 */
import type { Readable, Writable } from 'node:stream';

export const MAX_BUFFERED = 64 * 1024;

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
