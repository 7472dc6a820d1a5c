import { createHash, randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEEP_SLOTS, deepSlotsInUse, pump } from './pump';

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
    pump(src, dst, 64 * 1024, 64 * 1024);
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

  it('lets a few pumps at a time queue deeper; the rest push back early; a closed destination frees its slot', async () => {
    const stalled = () => new Writable({ write: () => {} }); // never completes a write
    const pumps = Array.from({ length: DEEP_SLOTS + 2 }, () => ({ src: new PassThrough(), dst: stalled() }));
    for (const p of pumps) pump(p.src, p.dst, 64 * 1024, 256 * 1024);
    for (let i = 0; i < 20; i++) for (const p of pumps) p.src.write(Buffer.alloc(16 * 1024));
    await new Promise((r) => setImmediate(r));
    const queued = pumps.map((p) => p.dst.writableLength);
    expect(deepSlotsInUse()).toBe(DEEP_SLOTS);
    expect(queued.filter((q) => q > 64 * 1024 + 16 * 1024)).toHaveLength(DEEP_SLOTS);
    expect(queued.every((q) => q <= 256 * 1024 + 16 * 1024)).toBe(true);
    expect(pumps.every((p) => p.src.isPaused())).toBe(true);
    for (const p of pumps) p.dst.destroy();
    await new Promise((r) => setImmediate(r));
    expect(deepSlotsInUse()).toBe(0);
  });
});
