// JSON Lines records (read.ts): one flat JSON object a line.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { markWrittenNumbers } from '../../formats/written-numbers.ts';
import { MAX_DEPTH, MAX_LINE_BYTES, type ReadProgress, type ReadRecord } from './file.ts';
import { repeatedName } from './repeated-names.ts';
import { notUtf8Message } from '../../formats/not-utf8.ts';

class LineTooLong extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: longer than ${MAX_LINE_BYTES} bytes; a record must fit in ${MAX_LINE_BYTES} bytes`);
  }
}

/** How deep `value` nests (0 for a scalar), counted without recursion and up to `limit + 1`. */
function nestingDepth(value: unknown, limit = MAX_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

/** An object none of whose values is an object or array (every valid record): nesting depth 1. */
function isFlat(value: Record<string, unknown>): boolean {
  for (const k in value) {
    const v = value[k];
    if (v !== null && typeof v === 'object') return false;
  }
  return true;
}

/**
 * Whether `text` opens an object or array that it does not close, between its values (outside a string):
 * JSON going on on the next line, as pretty-printed. A line ending inside a string is a record broken by a
 * line break in a text, that line's own problem.
 */
function continuesPastLine(text: string): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth > 0 && !inString;
}

const PRETTY_PRINTED = 'line 1: the record goes on past the end of its line: the file is JSON written over several lines (pretty-printed); JSON Lines holds one record a line: write each JSON object on one line';

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function describeJson(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

/**
 * Bytes read at a time: about 600 records of 400 bytes. Larger runs keep more parsed records alive at
 * once, which the garbage collector then has to move.
 */
const CHUNK_BYTES = 1 << 18;

/**
 * JSON Lines, a run per chunk of whole lines. The UTF-8 check is made on the chunk at once; only a chunk
 * that fails it is checked line by line, to name the lines at fault.
 */
export async function* readJsonLines(file: string, progress?: ReadProgress): AsyncGenerator<ReadRecord[]> {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let line = 0; // lines read so far
  let run: ReadRecord[] = [];
  /**
   * Line 1's problem while line 2 is not read, when line 1 opened a record it did not close: the file is
   * pretty-printed JSON when line 2 goes on with it (a line that is no JSON value alone, `"name": ...`),
   * and refused whole; a line 2 that is a record, or blank, or none, leaves line 1 its own problem.
   */
  let heldFirst: string | undefined;
  const settleFirst = (next?: string): boolean => {
    if (heldFirst === undefined) return true;
    const problem = heldFirst;
    heldFirst = undefined;
    if (next !== undefined && next.trim() !== '' && !isJson(next)) {
      run.push({ line: 1, problem: PRETTY_PRINTED, fatal: true });
      return false;
    }
    run.push({ line: 1, problem });
    return true;
  };
  /** Reads the line `buf[start, end)` into the run; false when it was fatal (the reading ends). */
  const readLine = (buf: Buffer, start: number, end: number, utf8: boolean): boolean => {
    line++;
    if (end - start > MAX_LINE_BYTES) {
      settleFirst();
      throw new LineTooLong(line);
    }
    if (heldFirst !== undefined && !settleFirst(buf.toString('utf8', start, end))) return false;
    if (!utf8 && !isUtf8(buf.subarray(start, end))) {
      run.push({ line, problem: `line ${line}: ${notUtf8Message(buf.subarray(start, end))}` });
      return true;
    }
    let text = buf.toString('utf8', start, end);
    if (text.charCodeAt(0) !== 0x7b /* { */) {
      // Anything but the usual start of a record: a byte order mark, blanks, an array, a stray value.
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') return true;
      if (line === 1 && text.trimStart().startsWith('[')) {
        run.push({ line, problem: `line ${line}: the file is a JSON array; write one JSON object per line (JSON Lines)`, fatal: true });
        return false;
      }
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      const problem = `line ${line}: not valid JSON (${(err as Error).message})`;
      // A JSON document written over several lines (an export pretty-printed): every line of it would be
      // refused on its own as "not valid JSON", which does not tell what to change. Told by line 2 (below):
      // a first record cut short (a brace lost) before lines that are records is that line's own problem.
      if (line === 1 && continuesPastLine(text)) heldFirst = problem;
      else run.push({ line, problem });
      return true;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      run.push({ line, problem: `line ${line}: expected a JSON object, got ${describeJson(value)}` });
      return true;
    }
    const record = value as Record<string, unknown>;
    if (!isFlat(record) && nestingDepth(record) > MAX_DEPTH) {
      run.push({ line, problem: `line ${line}: values nest more than ${MAX_DEPTH} levels deep; a record is flat` });
      return true;
    }
    const repeated = repeatedName(text, record);
    if (repeated !== undefined) {
      run.push({ line, problem: `line ${line}: ${JSON.stringify(repeated)} is written twice in the record; write each item once (JSON keeps only the last value)` });
      return true;
    }
    // A record's items are its top-level values: a number rounded on the way in becomes a WrittenNumber,
    // which a decimal item refuses and other types read as the number.
    markWrittenNumbers(text, record, (path) => path.length === 1);
    run.push({ line, record });
    return true;
  };
  /** Reads the lines of `buf[from, end)`, each ended by a line break (`last`: the final one need not be). */
  const readLines = (buf: Buffer, from: number, end: number, last: boolean): boolean => {
    const utf8 = isUtf8(from === 0 && end === buf.length ? buf : buf.subarray(from, end));
    let start = from;
    for (let nl = buf.indexOf(10, start); nl !== -1 && nl < end; nl = buf.indexOf(10, start)) {
      if (!readLine(buf, start, nl, utf8)) return false;
      start = nl + 1;
    }
    if (last && start < end) return readLine(buf, start, end, utf8);
    return true;
  };
  let rest: Buffer | undefined; // the start of a line whose end is in a later chunk
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (progress) progress.bytesRead = stream.bytesRead;
      let from = 0;
      let more = true;
      if (rest && rest.length) {
        // Only the line that spans the two chunks is copied, not the chunk.
        const nl = chunk.indexOf(10);
        if (nl === -1) {
          rest = Buffer.concat([rest, chunk]);
          if (rest.length > MAX_LINE_BYTES) throw new LineTooLong(line + 1);
          continue;
        }
        const spanning = Buffer.concat([rest, chunk.subarray(0, nl + 1)]);
        more = readLines(spanning, 0, spanning.length, false);
        from = nl + 1;
      }
      const lastBreak = chunk.lastIndexOf(10);
      if (more && lastBreak >= from) more = readLines(chunk, from, lastBreak + 1, false);
      rest = chunk.subarray(Math.max(from, lastBreak + 1));
      if (!more) break;
      if (rest.length > MAX_LINE_BYTES) throw new LineTooLong(line + 1);
      if (run.length) {
        yield run;
        run = [];
      }
    }
    if (rest && rest.length && (run.length === 0 || !run[run.length - 1].fatal)) readLines(rest, 0, rest.length, true);
    settleFirst(); // a file of one line
  } catch (err) {
    if (!(err instanceof LineTooLong)) throw err;
    settleFirst(); // a line 2 too long to read: line 1 its own problem
    run.push({ line: err.line, problem: err.message, fatal: true });
  } finally {
    stream.destroy();
  }
  if (run.length) yield run;
}
