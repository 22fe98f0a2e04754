// CSV records (read.ts): a header of column names, then a record a row.
import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { MAX_LINE_BYTES, type ReadOptions, type ReadProgress, type ReadRecord } from './file.ts';
import { NotUtf8, utf8Lines } from './utf8-lines.ts';

interface CsvChunk {
  record: string[];
  info: { lines: number; empty_lines: number; error?: { code: string } };
}

/** Records a CSV run holds at most (csv-parse hands over one record at a time). */
const CSV_RUN = 512;

export async function* readCsv(file: string, progress?: ReadProgress, options: ReadOptions = {}): AsyncGenerator<ReadRecord[]> {
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
