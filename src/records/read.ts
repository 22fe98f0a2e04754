// Reading records to import (SPEC §11): JSON Lines or CSV, streamed, each record with the 1-based line
// on which it starts. A line that cannot be read as a record is a problem at that line; the reader goes
// on with the next one. A problem that makes the rest of the file unreadable (a bad CSV header, a quote
// never closed, a JSON array instead of JSON Lines) is `fatal` and ends the reading.
import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';

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
}

/** Updated while reading, for progress bars. */
export interface ReadProgress {
  bytesRead: number;
}

export function readRecords(file: string, progress?: ReadProgress): AsyncGenerator<ReadRecord> {
  return recordFileFormat(file) === 'csv' ? readCsv(file, progress) : readJsonLines(file, progress);
}

function describeJson(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}

async function* readJsonLines(file: string, progress?: ReadProgress): AsyncGenerator<ReadRecord> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (let text of lines) {
      line++;
      if (progress) progress.bytesRead = stream.bytesRead;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.trim() === '') continue;
      if (line === 1 && text.trimStart().startsWith('[')) {
        yield {
          line,
          problem: `line ${line}: the file is a JSON array; write one JSON object per line (JSON Lines)`,
          fatal: true,
        };
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield { line, problem: `line ${line}: not valid JSON (${(err as Error).message})` };
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        yield { line, problem: `line ${line}: expected a JSON object, got ${describeJson(value)}` };
        continue;
      }
      yield { line, record: value as Record<string, unknown> };
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}

interface CsvChunk {
  record: string[];
  info: { lines: number; empty_lines: number; error?: { code: string } };
}

async function* readCsv(file: string, progress?: ReadProgress): AsyncGenerator<ReadRecord> {
  const stream = createReadStream(file);
  const parser = stream.pipe(
    parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }),
  );
  let header: string[] | undefined;
  let lastLine = 0; // line on which the previous record ended
  let lastEmpty = 0; // empty lines skipped before it
  try {
    for await (const chunk of parser as AsyncIterable<CsvChunk>) {
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
            yield { line, problem, fatal: true };
            return;
          }
          seen.add(name);
        }
        header = names;
        continue;
      }
      if (record.length !== header.length) {
        yield { line, problem: `line ${line}: expected ${header.length} fields as in the header, got ${record.length}` };
        continue;
      }
      const out: Record<string, unknown> = {};
      for (let i = 0; i < header.length; i++) out[header[i]] = record[i] === '' ? null : record[i];
      yield { line, record: out };
    }
  } catch (err) {
    const e = err as Error & { lines?: number; code?: string };
    if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
      const line = e.lines ?? lastLine + 1;
      yield { line, problem: `line ${line}: ${e.message}`, fatal: true };
      return;
    }
    throw err;
  } finally {
    stream.destroy();
  }
}
