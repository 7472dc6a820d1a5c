/**
 * Where a JSON text first goes wrong, as "line 12, column 5: trailing comma".
 * V8's JSON.parse messages do not always carry a position ("Unexpected token '}', "…" is not
 * valid JSON" has none, and quotes the whole document), so on failure we scan the text ourselves.
 */
export interface JsonSyntaxError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

class Stop {
  constructor(
    readonly message: string,
    readonly offset: number,
  ) {}
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

/** Null when the text is valid JSON; otherwise the first error with its 1-based line and column. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  let i = 0;
  const found = () => (i >= text.length ? 'the end of the file' : `'${text[i]}'`);
  const stop = (message: string, at = i): never => {
    throw new Stop(message, at);
  };
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };

  const string = () => {
    const start = i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') return void i++;
      if (c < ' ') stop('line break or control character inside a string (missing closing quote?)');
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) stop('bad \\u escape: needs 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else stop(`bad escape '\\${e ?? ''}'`);
      } else i++;
    }
    stop('unterminated string', start);
  };

  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') return container('}', true);
    if (c === '[') return container(']', false);
    if (c === '"') return string();
    for (const word of ['true', 'false', 'null']) {
      if (text.startsWith(word, i)) return void (i += word.length);
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text) && NUMBER.lastIndex > i) return void (i = NUMBER.lastIndex);
    stop(`expected a value, found ${found()}`);
  };

  const container = (close: '}' | ']', isObject: boolean) => {
    i++;
    skipSpace();
    if (text[i] === close) return void i++;
    for (;;) {
      skipSpace();
      if (isObject) {
        if (text[i] !== '"') stop(`expected a "quoted" field name, found ${found()}`);
        string();
        skipSpace();
        if (text[i] !== ':') stop(`expected ':' after the field name, found ${found()}`);
        i++;
      }
      value();
      skipSpace();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') stop(`expected ',' or '${close}', found ${found()}`);
      const comma = i++;
      skipSpace();
      if (text[i] === close) stop(`trailing comma before '${close}'`, comma);
    }
  };

  try {
    skipSpace();
    if (i >= text.length) stop('the file is empty');
    value();
    skipSpace();
    if (i < text.length) stop(`unexpected ${found()} after the end of the document`);
    return null;
  } catch (e) {
    // Absurd nesting overflows the stack: still report something useful.
    const { message, offset } = e instanceof Stop ? e : new Stop('nested too deeply', i);
    return { message, offset, ...lineAndColumn(text, offset) };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
