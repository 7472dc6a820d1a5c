/**
 * Copies a readable into a writable like pipe(), with a deeper buffer before pushing back.
 *
 * pipe() pauses the source as soon as the destination holds one high-water mark (16 KiB):
 * over TLS every write is asynchronous, so each 16 KiB chunk became a pause, a resume and a
 * write syscall of its own. Letting chunks queue while a write is in flight lets Node batch
 * them into one writev, and the source keeps reading.
 *
 * How deep: a bulk stream (a desktop's display) costs about a quarter less CPU per GiB with
 * 256 KiB than with 64 KiB (fewer pause/resume cycles and larger writes), but 500 streaming
 * sockets holding 256 KiB each peaked at 550 MiB resident instead of 350. So every pump may
 * queue MAX_BUFFERED, and a few at a time (DEEP_SLOTS, process-wide) DEEP_BUFFERED: a slot is
 * taken when a pump's queue passes MAX_BUFFERED and given back once it is below again.
 */
import type { Readable, Writable } from 'node:stream';

export const MAX_BUFFERED = 64 * 1024;
export const DEEP_BUFFERED = 256 * 1024;
export const DEEP_SLOTS = 8;

let deepInUse = 0;

/** Deep slots held right now (for tests). */
export function deepSlotsInUse(): number {
  return deepInUse;
}

export function pump(src: Readable, dst: Writable, maxBuffered = MAX_BUFFERED, deepBuffered = DEEP_BUFFERED): void {
  let deep = false;
  const release = (): void => {
    if (!deep) return;
    deep = false;
    deepInUse--;
  };
  const resume = (): void => {
    release();
    src.resume();
  };
  src.on('data', (chunk: Buffer) => {
    dst.write(chunk);
    const queued = dst.writableLength;
    if (queued <= maxBuffered) return release();
    if (!deep && deepInUse < DEEP_SLOTS && deepBuffered > maxBuffered) {
      deep = true;
      deepInUse++;
    }
    if (deep && queued <= deepBuffered) return;
    src.pause();
    dst.once('drain', resume);
  });
  src.once('end', () => {
    release();
    dst.end();
  });
  // A side that goes away without draining must not keep its slot.
  src.once('close', release);
  dst.once('close', release);
  src.resume();
}
