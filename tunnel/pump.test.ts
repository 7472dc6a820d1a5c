import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pump } from './pump';

describe('pump', () => {
  it('copies everything in order and ends the destination', async () => {
    const chunks = Array.from({ length: 200 }, () => randomBytes(1 + Math.floor(Math.random() * 40_000)));
    const src = Readable.from(chunks, { objectMode: false });
    const dst = new PassThrough();
    const got: Buffer[] = [];
    dst.on('data', (c: Buffer) => got.push(c));
    const ended = new Promise((r) => dst.once('end', r));
    pump(src, dst);
    await ended;
    const hash = (b: Buffer[]) => createHash('sha256').update(Buffer.concat(b)).digest('hex');
    expect(hash(got)).toBe(hash(chunks));
  });

  it('pauses the source once the destination holds more than the limit, resumes on drain', async () => {
    const src = new PassThrough();
    let release: (() => void) | undefined;
    const written: number[] = [];
    const dst = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk.length);
        release = cb; // a slow peer: completes only when we say so
      },
    });
    pump(src, dst, 64 * 1024);
    for (let i = 0; i < 10; i++) src.write(Buffer.alloc(16 * 1024));
    await new Promise((r) => setImmediate(r));
    expect(src.isPaused()).toBe(true);
    expect(dst.writableLength).toBeGreaterThan(64 * 1024);
    expect(dst.writableLength).toBeLessThanOrEqual(64 * 1024 + 16 * 1024);
    while (src.isPaused() && release) {
      const r = release;
      release = undefined;
      r();
      await new Promise((res) => setImmediate(res));
    }
    expect(src.isPaused()).toBe(false);
  });
});
