import { describe, expect, it } from 'vitest';
import { refusalAnswer, upstreamErrorAnswer, type RefusalReason } from './error-page';
import { STEP_OF, TunnelError, type TunnelErrorCode } from './errors';

/** The page's paragraphs as [lang, text], tags stripped, in order. */
function paragraphs(html: string): [string, string][] {
  return [...html.matchAll(/<(h1|p|pre)( lang="(\w+)")?>([\s\S]*?)<\/\1>/g)].map((m) => [m[3] ?? 'ja', m[4].replace(/<[^>]+>/g, '')]);
}
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

// Users read Japanese first: the pages a desktop window shows when the tunnel refuses or cannot
// reach the desktop are the only text there, so they must not be English only.
describe('the tunnel’s own pages: Japanese first, English after', () => {
  const codes = Object.keys(STEP_OF) as TunnelErrorCode[];

  it.each(codes)('%s: the heading and the first paragraph are Japanese, the English and the detail are marked English', (code) => {
    const answer = upstreamErrorAnswer(new TunnelError(code, 'detail from the dial'), 'text/html');
    expect(answer.body).toMatch(/^<!doctype html>\n<html lang="ja">/);
    const [[, title], [, first], [lang2, second], [lang3, detail]] = paragraphs(answer.body);
    expect(title).toMatch(JAPANESE);
    expect(first).toMatch(JAPANESE);
    expect(first).toContain(code);
    expect([lang2, lang3]).toEqual(['en', 'en']);
    expect(second).toContain('The tunnel could not reach the desktop');
    expect(detail).toBe('detail from the dial');
  });

  it.each<RefusalReason>(['host', 'elsewhere', 'signed-out', 'link-used', 'target', 'websocket'])('refusal "%s": a Japanese sentence first', (reason) => {
    const answer = refusalAnswer(403, reason, 'English detail');
    const [[, title], [, first], [lang2]] = paragraphs(answer.body);
    expect(title).toMatch(JAPANESE);
    expect(first).toMatch(JAPANESE);
    expect(lang2).toBe('en');
  });

  it('JSON answers keep the code for the launcher to word', () => {
    const answer = upstreamErrorAnswer(new TunnelError('TCP_REFUSED', 'refused'), 'application/json');
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'TCP_REFUSED', step: 'tcp', message: 'refused' } });
  });
});
