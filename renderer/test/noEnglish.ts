/**
 * `expectNoEnglishSentences(container)`: fails when the visible text holds an English phrase —
 * three or more ASCII words in a row — so a Japanese screen that shows main's English (or a
 * missing translation) fails its test. What may stay as it is, is not counted:
 *
 * - text inside <code>, <kbd>, <samp>, <pre>, <textarea>, <script>, <style>, hidden elements, and
 *   the body of a closed <details> (the 「原文（英語）」 disclosure: its <summary> still counts);
 * - tokens that are numbers ("50001", "1,000,000", "1–65535"), host names and file names (they
 *   hold a dot: "vpce-0abc.example.com", "agent2.dcv", "10.150.248.180"), paths and URLs ("/dcv/",
 *   "C:\\x", "dcv://…"), technical tokens ("proxytype=HTTP", "agent1", "sha256/…", "[connect]",
 *   "#console", ":50001") and all-capital acronyms ("NLB", "SSH", "JSON", "DCV");
 * - strings passed as `allow` (user data that happens to be English, like an endpoint named
 *   "Tokyo VPC endpoint"), removed from the text before it is read.
 *
 * Such tokens are transparent: they neither count as words nor end a run ("port 22 is SSH, not a
 * DCV desktop" still has "is not a desktop"). A run ends at a non-ASCII character (Japanese text,
 * 「」, →) and at the edge of every element that is not inline (p, li, div, button, option, …),
 * so three English button labels side by side are three runs of one word, not a sentence.
 */
import { expect } from 'vitest';

const SKIPPED = new Set(['CODE', 'KBD', 'SAMP', 'PRE', 'TEXTAREA', 'SCRIPT', 'STYLE', 'TEMPLATE']);
const INLINE = new Set(['SPAN', 'A', 'B', 'I', 'EM', 'STRONG', 'SMALL', 'ABBR', 'BDI', 'BDO', 'Q', 'MARK', 'SUB', 'SUP', 'TIME', 'LABEL', 'S', 'U', 'WBR', 'BR']);
/** A word of an English sentence: letters, maybe with an apostrophe or hyphen inside ("don't", "built-in"). */
const WORD = /^[A-Za-z]+(?:['’-][A-Za-z]+)*$/;
/** An acronym or a constant: "NLB", "SSH", "HTTP", "TLS_PIN_MISMATCH", "SHA-256". */
const ACRONYM = /^[A-Z][A-Z0-9_-]+$/;

export interface NoEnglishOptions {
  /** Texts that may appear as they are (user data in English). */
  allow?: string[];
  /** How many ASCII words in a row make a sentence; 3 unless told. */
  words?: number;
}

/** The English phrases visible in `root` (empty when there are none). */
export function findEnglishSentences(root: Element, options: NoEnglishOptions = {}): string[] {
  const limit = options.words ?? 3;
  const allow = [...(options.allow ?? [])].sort((a, b) => b.length - a.length);
  const found: string[] = [];
  let run: string[] = [];

  const end = () => {
    if (run.length >= limit) found.push(run.join(' '));
    run = [];
  };

  const readText = (raw: string) => {
    let text = raw;
    for (const a of allow) text = text.split(a).join(' \u3000 ');
    // Split at whitespace and wherever ASCII meets non-ASCII: "NLBのポート" → "NLB", "のポート".
    for (const token of text.match(/[\x21-\x7e]+|[^\s\x00-\x7f]+/g) ?? []) {
      if (/[^\x00-\x7f]/.test(token)) {
        end();
        continue;
      }
      // Quotes, parentheses and punctuation around a word; square brackets stay ("[connect]" is a token).
      const bare = token.replace(/^["'({“‘]+|["')},.;:!?”’]+$/g, '');
      if (bare === '') continue;
      if (WORD.test(bare) && !ACRONYM.test(bare)) run.push(bare);
      // Anything else (numbers, hosts, paths, code-like tokens, acronyms) is transparent.
    }
  };

  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) return readText(node.textContent ?? '');
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node as Element;
    if (SKIPPED.has(el.tagName) || el.hasAttribute('hidden') || el.getAttribute('aria-hidden') === 'true') return;
    const block = !INLINE.has(el.tagName);
    if (block) end();
    if (el.tagName === 'DETAILS' && !(el as HTMLDetailsElement).open) {
      const summary = [...el.children].find((c) => c.tagName === 'SUMMARY');
      if (summary) visit(summary);
    } else {
      for (const child of el.childNodes) visit(child);
    }
    if (block) end();
  };

  visit(root);
  end();
  return found;
}

/** Fails, listing them, when `root` shows English phrases (see the module's comment for what counts). */
export function expectNoEnglishSentences(root: Element, options: NoEnglishOptions = {}): void {
  expect(findEnglishSentences(root, options), 'English sentences visible on a Japanese screen').toEqual([]);
}
