/**
 * Japanese first in the shell too: every word it shows comes from texts.ts, in Japanese and
 * English; no other file of main/shell writes a user-facing English string.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellTexts, startupFailure, type ShellTexts } from './texts';

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;
/** Names that stay as they are in both languages. */
const PRODUCT_NAMES = /\b(DCV Launcher|DCV|Electron|Chromium|Node)\b/g;
/** Where a native dialog, a window or a menu takes its words. */
const USER_FACING = /\b(label|title|message|detail|buttons|checkboxLabel|buttonLabel|nameFieldLabel)\s*:\s*(\[[^\]]*\]|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`)/g;
const STRING = /'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g;

/** Every text of a table, functions called with a placeholder. */
function everyText(texts: ShellTexts): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') out.push([path, value]);
    else if (typeof value === 'function') out.push([path, (value as (x: string) => string)('x')]);
    else for (const [k, v] of Object.entries(value as object)) walk(v, path ? `${path}.${k}` : k);
  };
  walk(texts, '');
  return out;
}

function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** English words in a literal once placeholders and product names are taken out. */
function englishIn(literal: string): boolean {
  return /[A-Za-z]{2,}/.test(literal.replace(/\$\{[^}]*\}/g, '').replace(/\\./g, ' ').replace(PRODUCT_NAMES, ''));
}

describe("the shell's texts", () => {
  it('has every text in Japanese, and the same texts in English', () => {
    const ja = everyText(shellTexts('ja'));
    const en = everyText(shellTexts('en'));
    expect(ja.map(([path]) => path)).toEqual(en.map(([path]) => path));
    expect(ja.filter(([, text]) => !JAPANESE.test(text))).toEqual([]);
    expect(en.filter(([, text]) => JAPANESE.test(text))).toEqual([]);
  });

  it('is Japanese unless the catalogue says English', () => {
    expect(shellTexts(undefined)).toBe(shellTexts('ja'));
    expect(shellTexts('fr')).toBe(shellTexts('ja'));
    expect(shellTexts('en').menu.file).toBe('File');
  });

  it('the start-up error box, shown before any catalogue is read: both languages, Japanese first', () => {
    const box = startupFailure('EACCES: permission denied');
    expect(box.title.indexOf('起動できませんでした')).toBeLessThan(box.title.indexOf('could not start'));
    expect(box.title.indexOf('起動できませんでした')).toBeGreaterThanOrEqual(0);
    expect(box.content.split('\n')[0]).toMatch(JAPANESE);
    expect(box.content).toContain('DCV Launcher could not start.');
    expect(box.content).toContain('EACCES: permission denied');
  });

  it('is the only file of main/shell with user-facing English (menus, titles, dialogs)', () => {
    const dir = __dirname;
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'texts.ts');
    expect(files).toContain('main.ts');
    const found: string[] = [];
    for (const file of files) {
      const source = withoutComments(readFileSync(join(dir, file), 'utf8'));
      for (const line of source.split('\n')) {
        // An ApiError's message is English for logs; the renderer words its code.
        if (/\bcode:\s*'/.test(line)) continue;
        for (const match of line.matchAll(USER_FACING)) {
          const literals = match[2].startsWith('[') ? (match[2].match(STRING) ?? []) : [match[2]];
          for (const literal of literals) if (englishIn(literal)) found.push(`${file}: ${match[0]}`);
        }
      }
      for (const match of source.matchAll(/showErrorBox\(\s*('|"|`)/g)) found.push(`${file}: ${match[0]}`);
    }
    expect(found).toEqual([]);
  });

  it('the check would catch one', () => {
    const line = "say({ type: 'warning', message: `Could not open ${x}`, buttons: ['OK', words.cancel] })";
    const hits = [...line.matchAll(USER_FACING)].flatMap((m) => (m[2].startsWith('[') ? (m[2].match(STRING) ?? []) : [m[2]])).filter(englishIn);
    expect(hits).toEqual(['`Could not open ${x}`', "'OK'"]);
    expect(englishIn("'DCV Launcher'")).toBe(false);
    expect(englishIn('`DCV Launcher ${app.getVersion()}`')).toBe(false);
  });
});
