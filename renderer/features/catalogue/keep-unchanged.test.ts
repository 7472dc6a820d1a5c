import { describe, expect, it } from 'vitest';
import { keepUnchanged } from './keep-unchanged';

describe('keepUnchanged', () => {
  it('keeps the identity of every unchanged part and takes the changed ones', () => {
    const prev = { desktops: [{ id: 'a', tags: ['x'] }, { id: 'b', tags: [] }], health: { a: { status: 'ok' } }, n: 1 };
    const next = JSON.parse(JSON.stringify(prev)) as typeof prev;
    next.desktops[1].tags.push('new');
    const kept = keepUnchanged(prev, next);
    expect(kept).toEqual(next);
    expect(kept).not.toBe(prev);
    expect(kept.desktops[0]).toBe(prev.desktops[0]);
    expect(kept.health).toBe(prev.health);
    expect(kept.desktops[1]).not.toBe(prev.desktops[1]);
    expect(kept.desktops[1].tags).toEqual(['new']);
  });

  it('returns prev itself when nothing changed, and next when the shape did', () => {
    const prev = { a: [1, 2], b: { c: null } };
    expect(keepUnchanged(prev, JSON.parse(JSON.stringify(prev)))).toBe(prev);
    expect(keepUnchanged(prev, { a: [1, 2] })).toEqual({ a: [1, 2] });
    expect(keepUnchanged(prev, { a: [1, 2] }).a).toBe(prev.a);
    expect(keepUnchanged([1], { 0: 1 })).toEqual({ 0: 1 });
    expect(keepUnchanged({ x: 1 }, { y: undefined, x: 1 })).toEqual({ y: undefined, x: 1 });
    expect(keepUnchanged(null, { x: 1 })).toEqual({ x: 1 });
  });
});
