// Reading records to import (SPEC §11): JSON Lines or CSV, streamed, each record with the 1-based line
// on which it starts. A line that cannot be read as a record is a problem at that line; the reader goes
// on with the next one. A problem that makes the rest of the file unreadable (a bad CSV header, a quote
// never closed, a JSON array instead of JSON Lines, a line longer than MAX_LINE_BYTES) is `fatal` and
// ends the reading. Whatever the bytes, a reader yields problems and never throws: invalid UTF-8 is a
// problem at its line (never replaced by U+FFFD), and so is a value nested deeper than MAX_DEPTH.
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { markWrittenNumbers } from '../formats/written-numbers.ts';

/** The longest line (JSON Lines) or record (CSV) read; records are flat, this is far beyond any. */
export const MAX_LINE_BYTES = 1 << 20;
/** How deep arrays and objects may nest in a JSON record (records are flat: any nesting is refused later). */
export const MAX_DEPTH = 32;

export type RecordFileFormat = 'jsonl' | 'csv';

/** An error about the file as a whole, meant for the person at the terminal. */
export class RecordFileError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'RecordFileError';
  }
}

const EXTENSIONS: Record<string, RecordFileFormat> = { '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.json': 'jsonl', '.csv': 'csv' };

export function recordFileFormat(file: string): RecordFileFormat {
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (!format) {
    throw new RecordFileError(
      `${file}: unknown record file type "${extname(file)}"; use .jsonl, .ndjson or .json (JSON Lines) or .csv`,
    );
  }
  return format;
}

export interface ReadRecord {
  line: number;
  record?: Record<string, unknown>;
  problem?: string;
  fatal?: boolean;
  /** The problem is the CSV header's: the line is no record (always fatal). */
  header?: true;
}

/** Updated while reading, for progress bars. */
export interface ReadProgress {
  bytesRead: number;
}

export interface ReadOptions {
  /** Checks the column names of a CSV header; a message makes a fatal problem at the header's line. */
  checkHeader?: (columns: string[]) => string | undefined;
}

export function readRecords(file: string, progress?: ReadProgress, options: ReadOptions = {}): AsyncGenerator<ReadRecord> {
  return flatten(readRecordRuns(file, progress, options));
}

/**
 * The records of a file in runs, in file order: the records of one chunk of the file at a time, so that
 * a reader of many records (the import) pays the cost of an asynchronous step once a run, not once a
 * record. Every run holds at least one record; a fatal problem ends the last run.
 */
export function readRecordRuns(file: string, progress?: ReadProgress, options: ReadOptions = {}): AsyncGenerator<ReadRecord[]> {
  return recordFileFormat(file) === 'csv' ? readCsv(file, progress, options) : readJsonLines(file, progress);
}

async function* flatten(runs: AsyncGenerator<ReadRecord[]>): AsyncGenerator<ReadRecord> {
  for await (const run of runs) yield* run;
}

class LineTooLong extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: longer than ${MAX_LINE_BYTES} bytes; a record must fit in ${MAX_LINE_BYTES} bytes`);
  }
}

/** How deep `value` nests (0 for a scalar), counted without recursion and up to `limit + 1`. */
export function nestingDepth(value: unknown, limit = MAX_DEPTH): number {
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
async function* readJsonLines(file: string, progress?: ReadProgress): AsyncGenerator<ReadRecord[]> {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let line = 0; // lines read so far
  let run: ReadRecord[] = [];
  /** Reads the line `buf[start, end)` into the run; false when it was fatal (the reading ends). */
  const readLine = (buf: Buffer, start: number, end: number, utf8: boolean): boolean => {
    line++;
    if (end - start > MAX_LINE_BYTES) throw new LineTooLong(line);
    if (!utf8 && !isUtf8(buf.subarray(start, end))) {
      run.push({ line, problem: `line ${line}: not valid UTF-8; save the file as UTF-8` });
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
      run.push({ line, problem: `line ${line}: not valid JSON (${(err as Error).message})` });
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
  } catch (err) {
    if (!(err instanceof LineTooLong)) throw err;
    run.push({ line: err.line, problem: err.message, fatal: true });
  } finally {
    stream.destroy();
  }
  if (run.length) yield run;
}

class NotUtf8 extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: not valid UTF-8; save the file as UTF-8`);
  }
}

/** Passes bytes through as text, line by line checked as UTF-8; fails with NotUtf8 naming the line. */
function utf8Lines(): Transform {
  let line = 0; // lines passed on so far
  let rest: Buffer = Buffer.alloc(0);
  const pass = (self: Transform, bytes: Buffer): boolean => {
    if (!isUtf8(bytes)) {
      let start = 0;
      for (let nl = bytes.indexOf(10); ; nl = bytes.indexOf(10, start)) {
        const end = nl === -1 ? bytes.length : nl;
        line++;
        if (!isUtf8(bytes.subarray(start, end))) break;
        start = end + 1;
      }
      self.destroy(new NotUtf8(line));
      return false;
    }
    for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, nl + 1)) line++;
    self.push(bytes.toString('utf8'));
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const last = buf.lastIndexOf(10);
      if (last === -1) {
        rest = buf; // csv-parse bounds the record size; this bounds what waits for a line break
        if (rest.length > MAX_LINE_BYTES * 4) return done(new NotUtf8(line + 1)); // unreachable for text
        return done();
      }
      rest = buf.subarray(last + 1);
      if (pass(this, buf.subarray(0, last + 1))) done();
    },
    flush(done: TransformCallback) {
      if (rest.length === 0 || pass(this, rest)) done();
    },
  });
}

interface CsvChunk {
  record: string[];
  info: { lines: number; empty_lines: number; error?: { code: string } };
}

/** Records a CSV run holds at most (csv-parse hands over one record at a time). */
const CSV_RUN = 512;

async function* readCsv(file: string, progress?: ReadProgress, options: ReadOptions = {}): AsyncGenerator<ReadRecord[]> {
  const stream = createReadStream(file);
  const text = utf8Lines();
  const parser = parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_LINE_BYTES });
  let failed: NotUtf8 | undefined;
  stream.on('error', (err) => parser.destroy(err));
  text.on('error', (err) => {
    failed = err as NotUtf8;
    parser.destroy(err);
  });
  stream.pipe(text).pipe(parser);
  let header: string[] | undefined;
  let lastLine = 0; // line on which the previous record ended
  let lastEmpty = 0; // empty lines skipped before it
  let run: ReadRecord[] = [];
  try {
    reading: for await (const chunk of parser as AsyncIterable<CsvChunk>) {
      const { record, info } = chunk;
      const line = lastLine + 1 + (info.empty_lines - lastEmpty);
      lastLine = info.lines;
      lastEmpty = info.empty_lines;
      if (progress) progress.bytesRead = stream.bytesRead;
      if (!header) {
        const names = record.map((c) => c.trim());
        const seen = new Set<string>();
        for (const [i, name] of names.entries()) {
          const problem = name === ''
            ? `line ${line}: column ${i + 1} of the header has no name`
            : seen.has(name) ? `line ${line}: column "${name}" appears twice in the header` : undefined;
          if (problem) {
            run.push({ line, problem, fatal: true, header: true });
            break reading;
          }
          seen.add(name);
        }
        const problem = options.checkHeader?.(names);
        if (problem) {
          run.push({ line, problem: `line ${line}: ${problem}`, fatal: true, header: true });
          break;
        }
        header = names;
        continue;
      }
      if (record.length !== header.length) {
        run.push({ line, problem: `line ${line}: expected ${header.length} fields as in the header, got ${record.length}` });
      } else {
        const out: Record<string, unknown> = {};
        for (let i = 0; i < header.length; i++) out[header[i]] = record[i] === '' ? null : record[i];
        run.push({ line, record: out });
      }
      if (run.length >= CSV_RUN) {
        yield run;
        run = [];
      }
    }
  } catch (err) {
    if (failed !== undefined || err instanceof NotUtf8) {
      const e = (failed ?? err) as NotUtf8;
      run.push({ line: e.line, problem: e.message, fatal: true });
    } else if (err instanceof CsvError) {
      const e = err as CsvError & { lines?: number; empty_lines?: number };
      if (e.code === 'CSV_QUOTE_NOT_CLOSED') {
        // csv-parse names the file's last line; the quote opened in the record after the last one read.
        const line = lastLine + 1 + ((e.empty_lines ?? lastEmpty) - lastEmpty);
        run.push({ line, problem: `line ${line}: a quoted field opened on this line is never closed (the file ends inside it); close it, and write a quote inside a quoted field as ""`, fatal: true });
      } else {
        const line = e.lines ?? lastLine + 1;
        run.push({ line, problem: `line ${line}: ${e.message}`, fatal: true });
      }
    } else {
      throw err;
    }
  } finally {
    stream.destroy();
    text.destroy();
  }
  if (run.length) yield run;
}
