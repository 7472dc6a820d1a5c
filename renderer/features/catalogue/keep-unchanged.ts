/**
 * Structural sharing for views that come over the API as fresh JSON: every part of `next`
 * that equals the same part of `prev` is replaced by prev's object. Unchanged desktops keep
 * their identity across a reload, so memoised rows skip rendering: with 600 desktops, each
 * catalogue.changed during a Connect (the recent, the status dot) re-rendered every row while
 * the desktop's tab was loading.
 */
export function keepUnchanged<T>(prev: unknown, next: T): T {
  if (Object.is(prev, next) || typeof prev !== 'object' || typeof next !== 'object' || prev === null || next === null) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(prev)) return next;
    let same = prev.length === next.length;
    const out = next.map((v, i) => {
      const kept = keepUnchanged(prev[i], v);
      if (kept !== prev[i]) same = false;
      return kept;
    });
    return (same ? prev : out) as T;
  }
  if (Array.isArray(prev)) return next;
  const p = prev as Record<string, unknown>;
  const keys = Object.keys(next);
  let same = keys.length === Object.keys(p).length;
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const kept = keepUnchanged(p[k], (next as Record<string, unknown>)[k]);
    out[k] = kept;
    if (kept !== p[k] || !Object.prototype.hasOwnProperty.call(p, k)) same = false;
  }
  return (same ? prev : out) as T;
}
