/**
 * What a search matches, the way users mean it: each word must start a word of the text
 * ("agent b" does not match "NLB"), Japanese (no spaces between words) matches anywhere, and
 * full-width input counts as its half-width form. Words found in the item's own name, tags or
 * notes rank before words found only in where it is (endpoint, server, owner).
 */

/** The query's words, normalised (NFKC, lower case). */
export function queryWords(query: string): string[] {
  return query.normalize('NFKC').toLowerCase().split(/\s+/).filter(Boolean);
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]/u;

/** Does `word` start a word of `text` (a CJK word: appear anywhere)? */
function startsAWord(text: string, word: string): boolean {
  if (CJK.test(word)) return text.includes(word);
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if (i === 0 || !/[\p{L}\p{N}]/u.test(text[i - 1])) return true;
  }
  return false;
}

function found(word: string, texts: readonly string[]): boolean {
  return texts.some((text) => startsAWord(text.normalize('NFKC').toLowerCase(), word));
}

/** 0: every word in the item's own words; 1: some only in where it is; null: no match. */
export function searchRank(words: readonly string[], own: readonly string[], where: readonly string[]): 0 | 1 | null {
  let rank: 0 | 1 = 0;
  for (const w of words) {
    if (found(w, own)) continue;
    if (!found(w, where)) return null;
    rank = 1;
  }
  return rank;
}
