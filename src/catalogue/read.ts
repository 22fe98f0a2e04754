// Reading platform files and catalogue documents: YAML (one or several documents separated by ---) or
// JSON. A syntax error becomes a DocumentInvalidError whose problem path is `FILE:LINE:COLUMN`.
//
// Whatever the bytes, reading ends in documents or problems, never in an exception: text that is not
// UTF-8 is refused at its line (never read with U+FFFD in place of the bad bytes), nesting deeper than
// MAX_NESTING is refused before a parser recurses into it, YAML aliases that would expand past
// MAX_ALIAS_COUNT (an alias bomb), or more than MAX_ALIASES of them in all, are refused while the document
// is built, and so is an alias inside the node it names (`&a [*a]`: a value that contains itself, which every later walk would follow forever).
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Composer, isAlias, Parser, visit, type CST, type Document } from 'yaml';
import { MAX_CATALOGUE_RESOURCES, MAX_RESOURCE_ITEMS } from './limits.ts';
import { fileFailure, FOLDER_NOT_FILE, unreadableFile } from '../model/named-file.ts';
import { DocumentInvalidError, type Problem } from './problems.ts';

/** How deep mappings and sequences may nest (a catalogue needs about six levels). */
export const MAX_NESTING = 64;
/** How many alias uses a YAML document may resolve. */
export const MAX_ALIAS_COUNT = 100;
/**
 * Property names refused anywhere in a document: JavaScript gives them a meaning (`__proto__` would set
 * an object's prototype, so that validation sees inherited fields the stored document lacks), and no
 * catalogue or platform field has these names.
 */
export const REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const refusedKey = (key: string) => `the property name ${JSON.stringify(key)} is refused: it is not a field of any document and JavaScript gives it a meaning`;

/** Problems for refused property names at any depth of a parsed value, with their paths. */
export function refusedKeyProblems(value: unknown, path = ''): Problem[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refusedKeyProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    const at = path ? `${path}.${key}` : key;
    return REFUSED_KEYS.has(key) ? [{ path: at, message: refusedKey(key) }] : refusedKeyProblems((value as Record<string, unknown>)[key], at);
  });
}

/**
 * Problems for text that is not well-formed Unicode, at any depth of a parsed value (keys too): half of a
 * surrogate pair, which a JSON escape (`"\ud800"`) or a YAML one gives. It is no character: UTF-8 cannot
 * hold it (the stores would keep U+FFFD instead of what was validated), and GraphQL refuses it in the
 * descriptions the schema takes from a catalogue or the platform file, so that the gateway did not start.
 */
export function illFormedTextProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? [{ path, message: `holds ${illFormed(value)}` }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => illFormedTextProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    if (!LONE_SURROGATE.test(key)) return illFormedTextProblems((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    return [{ path: `${path}[${JSON.stringify(key)}]`, message: `the property name holds ${illFormed(key)}` }]; // escaped, as JSON escapes it
  });
}

/**
 * Characters that change how a text reads without showing themselves: the bidirectional embeddings,
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069), the zero-width space and word joiner, the
 * invisible operators, U+FEFF within a text, and the tag characters. In a resource's name or an item's
 * title they reached the generated schema raw: `schema print`, GraphiQL's docs and the typed clients
 * showed `sgnidliub` as "buildings", or a share's basis in another order than written (Trojan Source).
 * A compiler means none of them. Left alone: the direction marks (U+200E, U+200F, U+061C), which
 * Uyghur, Arabic or Hebrew text beside digits and Latin letters needs and which reorder nothing but the
 * neutral characters beside them; ZWJ and ZWNJ (emoji, Indic and Persian words); the variation
 * selectors (CJK and emoji forms).
 */
const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF\u{E0000}-\u{E007F}]/u;

/**
 * An emoji tag sequence (Unicode TS #51): the black flag, a subdivision code in tag letters and digits (a
 * region's two letters and one to four more) and a cancel tag, which show as one flag (England, Scotland,
 * Wales: 🏴 + gbsct + U+E007F). Its tag characters are the emoji's, not hidden text: they are left alone;
 * any other tag character (text smuggled past the eye, also after a black flag) is HIDDEN.
 */
const EMOJI_TAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{3,6}\u{E007F}/gu;

/** `text` with each emoji tag sequence's tag characters as as many visible ones, so that positions stay. */
const withoutEmojiTags = (text: string): string => text.replace(EMOJI_TAG_SEQUENCE, (seq) => '\u{1F3F4}'.concat('x'.repeat([...seq].length - 1)));

const holdsHidden = (text: string): boolean => HIDDEN.test(withoutEmojiTags(text));

/** Problems for texts holding a HIDDEN character, at any depth of a parsed value (keys too), each shown as \\uXXXX. */
export function hiddenTextProblems(value: unknown, path = ''): Problem[] {
  if (typeof value === 'string') return holdsHidden(value) ? [{ path, message: hiddenIn(value) }] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => hiddenTextProblems(v, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.keys(value).flatMap((key) => {
    if (!holdsHidden(key)) return hiddenTextProblems((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
    return [{ path: `${path}[${JSON.stringify(unseen(key))}]`, message: `the property name ${hiddenIn(key)}` }];
  });
}

/** A text with each HIDDEN character, and each other that shows nothing, written as \\uXXXX (as the look-alike check writes them). */
const unseen = (text: string): string =>
  text.replace(/[\p{Default_Ignorable_Code_Point}\p{Bidi_Control}\u{E0000}-\u{E007F}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`);

function hiddenIn(text: string): string {
  const chars = [...text];
  const at = [...withoutEmojiTags(text)].findIndex((c) => HIDDEN.test(c));
  const code = chars[at]!.codePointAt(0)!.toString(16).padStart(4, '0');
  return `"${unseen(text)}" holds \\u${code} (character ${at + 1}), which changes how the text reads without showing itself (a bidirectional control or an invisible character); remove it`;
}

/** In Unicode mode a pair is one code point, so the range matches only a half that stands alone. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function illFormed(text: string): string {
  const chars = [...text];
  const at = chars.findIndex((c) => LONE_SURROGATE.test(c));
  return `half of a surrogate pair (\\u${chars[at]!.charCodeAt(0).toString(16)}, character ${at + 1}), which is no character and cannot be stored as UTF-8; write the character itself, or both halves of its pair`;
}

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
  // A folder given for its documents (`catalogue validate catalogues/`) is said to be one, with what to do.
  const unreadable = unreadableFile(file);
  if (unreadable) throw new DocumentInvalidError([{ path: file, message: unreadable === FOLDER_NOT_FILE ? `${unreadable}; name the documents in it (such as ${join(file, '*.yaml')})` : unreadable }], file);
  return parseDocuments(readUtf8(file), file);
}

/** The text of a file, refused (DocumentInvalidError) when it cannot be read or is not UTF-8, at the line. */
export function readUtf8(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DocumentInvalidError([{ path: file, message: fileFailure(err) }], file);
  }
  if (!isUtf8(bytes)) {
    throw new DocumentInvalidError([{ path: `${file}:${firstNonUtf8Line(bytes)}`, message: 'not valid UTF-8; save the file as UTF-8' }], file);
  }
  return bytes.toString('utf8');
}

/** The 1-based line holding the first byte sequence that is not UTF-8. */
function firstNonUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
    if (!isUtf8(bytes.subarray(start, nl))) return line;
    line++;
    start = nl + 1;
  }
  return line;
}

/**
 * Where brackets (flow collections, JSON) first nest deeper than MAX_NESTING, or a line is indented deeper
 * than a block nesting of MAX_NESTING levels could need: one linear scan, so that no parser recurses into
 * a hostile depth. Brackets inside quotes and comments do not count.
 */
function tooDeep(text: string, yaml: boolean): { line: number; col: number } | undefined {
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let quote = '';
  /** Columns of indentation at `at`, counting block markers (`- `, `? `, `: `) as indentation. */
  const indentAt = (at: number): number => {
    let n = 0;
    for (;;) {
      const c = text[at + n];
      if (c === ' ') n++;
      else if ((c === '-' || c === '?' || c === ':') && text[at + n + 1] === ' ') n += 2;
      else return n;
    }
  };
  if (yaml && indentAt(0) > MAX_NESTING * 4) return { line, col: 1 };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      if (yaml) {
        if (quote === '#') quote = '';
        if (indentAt(lineStart) > MAX_NESTING * 4) return { line, col: 1 };
      }
      continue;
    }
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || (yaml && c === "'")) quote = c;
    else if (yaml && c === '#' && (i === lineStart || /\s/.test(text[i - 1]))) quote = '#';
    else if (c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return { line, col: i - lineStart + 1 };
    } else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** Parses text as JSON when the file name ends in .json, as YAML otherwise. */
export function parseDocuments(text: string, file: string): unknown[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const json = /\.json$/i.test(file);
  const deep = tooDeep(text, !json);
  if (deep) {
    throw new DocumentInvalidError([{ path: `${file}:${deep.line}:${deep.col}`, message: `nests more than ${MAX_NESTING} levels deep` }], file);
  }
  return json ? [parseJson(text, file)] : parseYaml(text, file);
}

function parseYaml(text: string, file: string): unknown[] {
  // Merge keys (`<<: *common`) as YAML 1.1 and most tools read them, so that a compiler may write a share or
  // an item's settings once: without them `<<` was a key of its own, refused as no field of a catalogue.
  // Their aliases count towards MAX_ALIAS_COUNT as every other alias does.
  // Parsed in two steps (what parseAllDocuments does), so that the syntax tree's sizes are checked before
  // the documents are built from it (oversized): building checks each mapping's keys against the ones
  // before (quadratic), and is most of the time a catalogue of 10,000 resources took to be refused.
  const tokens = [...new Parser().parse(text)];
  const tooBig = tokens.filter((t): t is CST.Document => t.type === 'document').flatMap((doc, i, docs) =>
    oversized(doc).map((p) => ({ path: `${file}${docs.length > 1 ? ` (document ${i + 1})` : ''}: ${p.path}`, message: p.message })),
  );
  if (tooBig.length) throw new DocumentInvalidError(tooBig, file);
  const list = [...new Composer({ prettyErrors: false, uniqueKeys: true, merge: true }).compose(tokens)];
  const problems: Problem[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const [line, col] = err.linePos ? [err.linePos[0].line, err.linePos[0].col] : lineCol(text, err.pos[0]);
      problems.push({ path: `${file}:${line}:${col}`, message: `YAML syntax error: ${firstLine(err.message)}` });
    }
  }
  for (const [i, doc] of list.entries()) {
    const alias = recursiveAlias(doc);
    if (alias && 'aliases' in alias) {
      const where = list.length > 1 ? ` (document ${i + 1})` : '';
      problems.push({ path: `${file}${where}`, message: `YAML aliases: the document uses ${alias.aliases}; at most ${MAX_ALIASES} allowed (write the values out, or use fewer anchors)` });
    } else if (alias) {
      const [line, col] = lineCol(text, alias.offset);
      problems.push({
        path: `${file}:${line}:${col}`,
        message: `YAML alias *${alias.name} stands inside the node it names, so the value would contain itself; write the value out instead`,
      });
    }
  }
  if (problems.length) throw new DocumentInvalidError(problems, file);
  const docs = list
    .filter((d) => d.contents !== null)
    .map((d, i) => {
      try {
        return d.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown;
      } catch (err) {
        // The yaml library's only refusal here: aliases that expand past the count (an alias bomb).
        const where = list.length > 1 ? ` (document ${i + 1})` : '';
        const message = `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} uses of an alias): ${(err as Error).message}`;
        throw new DocumentInvalidError([{ path: `${file}${where}`, message }], file);
      }
    });
  const refused = docs.flatMap((doc, i) =>
    [...refusedKeyProblems(doc), ...illFormedTextProblems(doc)].map((p) => ({ path: `${file}${docs.length > 1 ? ` (document ${i + 1})` : ''}: ${p.path}`, message: p.message })),
  );
  if (refused.length) throw new DocumentInvalidError(refused, file);
  return docs;
}

/** How many keys one mapping may hold: a catalogue's or platform file's mappings hold a few dozen at most. */
export const MAX_MAPPING_KEYS = 1000;

/** The entries of a collection of the syntax tree (an entry is an item with a key or a value), or null for a scalar. */
function entriesOf(token: CST.Token | undefined): CST.CollectionItem[] | null {
  if (!token || (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')) return null;
  return (token.items as CST.CollectionItem[]).filter((it) => it.key || it.value || it.sep);
}

/** The text of a plain or quoted scalar key of the syntax tree, quotes left off. */
function keyText(token: CST.Token | null | undefined): string | undefined {
  if (!token || !('source' in token)) return undefined;
  if (token.type === 'scalar') return token.source;
  if (token.type === 'double-quoted-scalar' || token.type === 'single-quoted-scalar') return token.source.slice(1, -1);
  return undefined;
}

const lists = (n: number, max: number) => `lists ${n} entries; at most ${max} allowed`;

/**
 * The sizes of a document's syntax tree beyond the bounds, found before the document is built: a mapping
 * of more than MAX_MAPPING_KEYS keys (building it was quadratic: 40,000 keys, 400 kB, took 10 s), and a
 * catalogue's resources and their items beyond MAX_CATALOGUE_RESOURCES and MAX_RESOURCE_ITEMS, said as the
 * JSON Schema says them. A platform file has no top-level `resources`.
 */
function oversized(doc: CST.Document): Problem[] {
  const out: Problem[] = [];
  const walk = (token: CST.Token | undefined, path: string): void => {
    const entries = entriesOf(token);
    if (!entries) return;
    const map = token!.type === 'block-map' || (token!.type === 'flow-collection' && token!.start.source === '{');
    if (map && entries.length > MAX_MAPPING_KEYS) {
      out.push({ path: path || '(the document)', message: `a mapping of ${entries.length} keys; at most ${MAX_MAPPING_KEYS} allowed` });
      return;
    }
    entries.forEach((e, i) => {
      const key = map ? keyText(e.key as CST.Token | null | undefined) : undefined;
      walk(e.value, map ? (key === undefined ? path : path ? `${path}.${key}` : key) : `${path}[${i}]`);
    });
  };
  const top = entriesOf(doc.value);
  const resources = top?.find((e) => keyText(e.key as CST.Token | null | undefined) === 'resources');
  const listed = entriesOf(resources?.value);
  if (doc.value?.type === 'block-map' || doc.value?.type === 'flow-collection') {
    if (listed && listed.length > MAX_CATALOGUE_RESOURCES) return [{ path: 'resources', message: lists(listed.length, MAX_CATALOGUE_RESOURCES) }];
    listed?.forEach((r, i) => {
      const items = entriesOf(entriesOf(r.value)?.find((e) => keyText(e.key as CST.Token | null | undefined) === 'items')?.value);
      if (items && items.length > MAX_RESOURCE_ITEMS) out.push({ path: `resources[${i}].items`, message: lists(items.length, MAX_RESOURCE_ITEMS) });
    });
    if (out.length) return out;
  }
  walk(doc.value, '');
  return out;
}

/**
 * How many alias uses (`*name`) a document may hold in all. The yaml library's MAX_ALIAS_COUNT counts the
 * uses of each anchor apart, and finds each alias's anchor by a walk of the nodes before it: a document of
 * many anchors each used once passed its count, and resolving it was quadratic in the aliases (200,000 of
 * them, 600 kB, held the worker for minutes). A catalogue that writes a share or an item's settings once
 * and merges it (`<<: *share`) uses a few per resource.
 */
export const MAX_ALIASES = 2000;

/**
 * The first alias of a document that stands inside the node its anchor names, with its offset; or, when
 * the document holds more than MAX_ALIASES aliases, their count. One walk: an alias names the last anchor
 * of its name before it, in document order (as the yaml library resolves it), kept in a map as the walk
 * goes; resolving each alias on its own walked the document again at each (quadratic).
 */
function recursiveAlias(doc: Document): { name: string; offset: number } | { aliases: number } | undefined {
  let found: { name: string; offset: number } | undefined;
  let aliases = 0;
  const anchored = new Map<string, { range?: [number, number, number] | null }>();
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        aliases++;
        const target = anchored.get(node.source);
        const [start] = node.range ?? [];
        if (!found && target?.range && start !== undefined && target.range[0] <= start && start < target.range[2]) found = { name: node.source, offset: start };
      } else if (node.anchor) anchored.set(node.anchor, node);
      return undefined;
    },
  });
  if (aliases > MAX_ALIASES) return { aliases };
  return found;
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
