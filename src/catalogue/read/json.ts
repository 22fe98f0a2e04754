// JSON documents (parse.ts): a strict parser that says where the text goes wrong and refuses duplicate
// and refused property names.

import { DocumentInvalidError } from '../problems.ts';
import { REFUSED_KEYS, refusedKey } from './texts.ts';
import { lineCol } from './positions.ts';

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A strict JSON parser that reports where the text goes wrong and refuses duplicate keys. */
export function parseJson(text: string, file: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    const found = i >= text.length ? 'the end of the file' : JSON.stringify(text[i]);
    throw new JsonSyntaxError(`expected ${what}, found ${found}`, i);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    const m = /^(?:-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return fail('a value');
    i += m[0].length;
    return JSON.parse(m[0]) as unknown;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail('an escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)');
      } else if (text.charCodeAt(i) < 0x20) fail('a closing quote before the end of the line');
      i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const object = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    i++;
    ws();
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('a property name in double quotes');
      const at = i;
      const key = string();
      if (REFUSED_KEYS.has(key)) throw new JsonSyntaxError(refusedKey(key), at);
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        throw new JsonSyntaxError(`duplicate property ${JSON.stringify(key)}`, at);
      }
      ws();
      if (text[i] !== ':') fail('":"');
      i++;
      out[key] = value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return out;
      }
      fail('"," or "}"');
    }
  };
  const array = (): unknown[] => {
    const out: unknown[] = [];
    i++;
    ws();
    if (text[i] === ']') {
      i++;
      return out;
    }
    for (;;) {
      out.push(value());
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return out;
      }
      fail('"," or "]"');
    }
  };
  try {
    const v = value();
    ws();
    if (i < text.length) fail('the end of the file');
    return v;
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const [line, col] = lineCol(text, err.offset);
    throw new DocumentInvalidError([{ path: `${file}:${line}:${col}`, message: `JSON syntax error: ${err.message}` }], file);
  }
}
