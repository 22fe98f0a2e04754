// Reading platform files and catalogue documents: YAML (one or several documents separated by ---) or
// JSON. A syntax error becomes a DocumentInvalidError whose problem path is `FILE:LINE:COLUMN`.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { DocumentInvalidError, type Problem } from './problems.ts';

/** Reads a file holding exactly one document. */
export function readDocument(file: string): unknown {
  const docs = readDocuments(file);
  if (docs.length !== 1) {
    throw new DocumentInvalidError(
      [{ path: file, message: docs.length === 0 ? 'holds no document' : `holds ${docs.length} documents; expected one` }],
      file,
    );
  }
  return docs[0];
}

/** Reads every document of a file: a JSON file holds one; a YAML file one or several (---). */
export function readDocuments(file: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new DocumentInvalidError([{ path: file, message: `cannot be read: ${reason}` }], file);
  }
  return parseDocuments(text, file);
}

/** Parses text as JSON when the file name ends in .json, as YAML otherwise. */
export function parseDocuments(text: string, file: string): unknown[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return /\.json$/i.test(file) ? [parseJson(text, file)] : parseYaml(text, file);
}

function parseYaml(text: string, file: string): unknown[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const [line, col] = err.linePos ? [err.linePos[0].line, err.linePos[0].col] : lineCol(text, err.pos[0]);
      problems.push({ path: `${file}:${line}:${col}`, message: `YAML syntax error: ${firstLine(err.message)}` });
    }
  }
  if (problems.length) throw new DocumentInvalidError(problems, file);
  return list.filter((d) => d.contents !== null).map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
}

function firstLine(s: string): string {
  return s.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return [line, offset - before.lastIndexOf('\n')];
}

class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** A strict JSON parser that reports where the text goes wrong and refuses duplicate keys. */
function parseJson(text: string, file: string): unknown {
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
