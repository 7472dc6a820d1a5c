import { describe, expect, it } from 'vitest';
import { findJsonSyntaxError } from './json-syntax';

describe('findJsonSyntaxError', () => {
  it.each([
    ['{"a": 1}', null],
    ['[1, -2.5e3, true, false, null, "x\\u00e9\\n"]', null],
    ['  {"a": {"b": []}}\n', null],
  ])('accepts valid JSON %j', (text, expected) => {
    expect(findJsonSyntaxError(text)).toBe(expected);
    expect(() => JSON.parse(text)).not.toThrow();
  });

  it.each([
    // text, line, column, message fragment
    ['{\n  "a": 1,\n  "b": }', 3, 8, 'expected a value'],
    ['{\n  "a": 1,\n}', 2, 9, 'trailing comma'],
    ['[1, 2,]', 1, 6, 'trailing comma'],
    ['{"a" 1}', 1, 6, "expected ':'"],
    ['{\n"a": 1\n"b": 2}', 3, 1, "expected ',' or '}'"],
    ["{'a': 1}", 1, 2, 'quoted'],
    ['{"a": "x\ny"}', 1, 9, 'line break'],
    ['{"a": "\\q"}', 1, 8, 'bad escape'],
    ['{"a": 1}}', 1, 9, 'after the end'],
    ['{"a": "unterminated', 1, 7, 'unterminated string'],
    ['', 1, 1, 'empty'],
    ['{\r\n  "a": tru\r\n}', 2, 8, 'expected a value'],
  ])('finds the error in %j at line %i column %i', (text, line, column, fragment) => {
    expect(() => JSON.parse(text)).toThrow();
    const error = findJsonSyntaxError(text);
    expect(error).not.toBeNull();
    expect(error).toMatchObject({ line, column });
    expect(error!.message).toContain(fragment);
  });
});
