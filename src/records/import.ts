// Data import (SPEC §11): every record of a JSON Lines or CSV file validated against a resource's items,
// then upserted by the resource's key.
//
// One streaming pass: each record is read, validated and handed in batches to the store's `upsertAll`,
// which writes them all as one unit (one transaction on SQLite, a staging collection renamed over the
// collection on MongoDB). All-or-nothing therefore holds also when the process is killed at any moment:
// the store shows every record of the file or none. When a record has a problem (and `skipInvalid` is
// off), no further batch is handed over, the rest of the file is still read to report every problem, and
// then the batches stop with `Refused`, so that the store undoes what it had. Memory stays bounded by a
// batch and the keys seen (to find a key that appears twice). With `skipInvalid`, the good rows are
// written and the rejects go to a JSON Lines file with their line numbers and reasons.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { collectionOf, type Resource } from '../model/catalogue.ts';
import { fileFailure, unreadableFile, unwritableFile } from '../model/named-file.ts';
import { ensureResourceIndexes } from '../catalogue/indexes.ts';
import { sameValue, valueKey, type Row, type Store } from '../store/port.ts';
import { readRecordRuns } from './read/runs.ts';
import { recordFileFormat, RecordFileError, type ReadProgress } from './read/file.ts';
import { recordValidator, show } from './validate.ts';

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_LISTED_PROBLEMS = 100;

export interface ImportProgress {
  records: number; // records read so far
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

export interface ImportOptions {
  skipInvalid?: boolean;
  /** Where rejects go with `skipInvalid`; default `<file>.rejects.jsonl`. */
  rejectsFile?: string;
  onProgress?: (p: ImportProgress) => void;
  batchSize?: number;
  /**
   * Records to watch, by the JSON text of their key, with the items watched: the summary's `changed`
   * says which of them the import changed (objections waiting for a correction, SPEC §14). Costs one
   * extra read per batch that holds a watched key, made before the batch is handed to the store.
   */
  watch?: ReadonlyMap<string, readonly string[]>;
  /**
   * Aborted (Ctrl-C, SIGTERM on `data import`), the batches stop with its reason before the next is
   * handed over, so that the store undoes the unit: nothing written, rejects file as it was.
   */
  signal?: AbortSignal;
}

export interface ImportSummary {
  resource: string;
  file: string;
  /** Records in the file (non-blank lines of JSON Lines, rows of CSV). */
  records: number;
  /** Rows written (inserted + updated). */
  written: number;
  inserted: number;
  updated: number;
  /** Records with at least one problem. */
  rejected: number;
  /** The first problems found, one message each, in file order. */
  problems: string[];
  problemCount: number;
  /** True when nothing was written because of problems (all-or-nothing, or a fatal file problem). */
  refused: boolean;
  /** True when the CSV header refused the file: its problems are the header's, and no record was read. */
  headerRefused?: boolean;
  /** True when a problem stopped the reading before any record (the header's, or the file's: not UTF-8, a JSON array). */
  noRecordRead?: boolean;
  /** The rejects file, when `skipInvalid` wrote one. */
  rejectsFile?: string;
  /** Wall time of the whole import (reading, validating, writing). */
  elapsedMs: number;
  /** Watched records (`options.watch`) whose watched item the import changed: key JSON and item. */
  changed?: { key: string; item: string }[];
}

export function defaultRejectsFile(file: string): string {
  return `${file}.rejects.jsonl`;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Ends the batches handed to the store, so that it writes nothing. */
class Refused extends Error {}

/**
 * Checks a CSV header against the items once, so that a wrong column is one problem, not one a row. The
 * problem says all that is wrong with the header (a misspelled required column is both a column that is
 * not an item and a required item missing), so that one correction makes the header right.
 */
function headerProblem(resource: Resource, columns: string[]): string | undefined {
  const items = resource.items.map((i) => i.name);
  const parts: string[] = [];
  const unknown = columns.filter((c) => !items.includes(c));
  if (unknown.length) {
    const list = unknown.map((c) => `"${c}"`).join(', ');
    parts.push(`${unknown.length === 1 ? 'column' : 'columns'} ${list} of the header ${unknown.length === 1 ? 'is not an item' : 'are not items'} of ${resource.code} (items: ${items.join(', ')})`);
  }
  const missing = resource.items.filter((i) => i.required && !columns.includes(i.name)).map((i) => i.name);
  if (missing.length) parts.push(`the header lacks the required item${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * The files of an import checked before anything is read or written (RecordFileError): a folder reached
 * the stream as an unhandled EISDIR with its stack, and with --skip-invalid a rejects file that cannot be
 * made only after the batches before the first reject were written. Also before the import's audit entry
 * (src/workflow/data-import.ts): a mistyped path, or a file of no record type, is no import.
 */
export function checkImportFiles(file: string, options: Pick<ImportOptions, 'skipInvalid' | 'rejectsFile'> = {}): void {
  const unreadable = unreadableFile(file);
  if (unreadable) throw new RecordFileError(`${file}: ${unreadable}`);
  recordFileFormat(file); // a file of no record type (a.txt) is no import either
  const rejectsPath = options.rejectsFile ?? defaultRejectsFile(file);
  const unwritable = options.skipInvalid ? unwritableFile(rejectsPath) : null;
  if (unwritable) throw new RecordFileError(`rejects file ${rejectsPath}: ${unwritable}`);
}

export async function importRecords(
  store: Store,
  resource: Resource,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const { skipInvalid = false, onProgress, batchSize = DEFAULT_BATCH_SIZE } = options;
  checkImportFiles(file, options);
  const rejectsPath = options.rejectsFile ?? defaultRejectsFile(file);
  // The rejects are written beside the file they go to and take its name once the import has ended
  // (committed, or refused: the rejects then list what was read): an import killed midway, or failing
  // in the store, leaves the rejects file of the last import that ended as it was, not rejects of
  // records that were never written (nor kept) in its place.
  const partPath = `${rejectsPath}.part`;
  const fromText = recordFileFormat(file) === 'csv'; // CSV cells are text; JSON values carry their type
  let totalBytes: number;
  try {
    totalBytes = (await stat(file)).size;
  } catch (err) {
    throw new RecordFileError(`${file}: ${fileFailure(err)}`);
  }

  const summary: ImportSummary = {
    resource: resource.code, file, records: 0, written: 0, inserted: 0, updated: 0,
    rejected: 0, problems: [], problemCount: 0, refused: false, elapsedMs: 0,
  };
  const note = (messages: string[]) => {
    for (const m of messages) {
      if (summary.problems.length < MAX_LISTED_PROBLEMS) summary.problems.push(m);
      summary.problemCount++;
    }
  };
  let rejects: WriteStream | undefined;
  const progress: ReadProgress = { bytesRead: 0 };
  const report = (bytesRead: number) =>
    onProgress?.({ records: summary.records, bytesRead, totalBytes, elapsedMs: performance.now() - started });

  // Watched records whose item a batch changes, found by reading their stored values before the batch is
  // handed over (keys are unique in a file, so no earlier batch of this import has written them).
  const watch = options.watch?.size ? options.watch : undefined;
  const changed: { key: string; item: string }[] = [];
  const collection = collectionOf(resource);
  async function noteChanges(batch: Row[]): Promise<void> {
    const watched = watch ? batch.filter((row) => watch.has(JSON.stringify(row[resource.key]))) : [];
    if (!watched.length) return;
    const items = [...new Set(watched.flatMap((row) => watch!.get(JSON.stringify(row[resource.key]))!))];
    const before = new Map<string, Row>();
    for (const row of await store.findByValues(collection, resource.key, watched.map((row) => row[resource.key]), [resource.key, ...items])) {
      before.set(JSON.stringify(row[resource.key]), row);
    }
    for (const row of watched) {
      const key = JSON.stringify(row[resource.key]);
      for (const item of watch!.get(key)!) {
        // By value, as the store compares: a decimal whose text only gains or loses trailing zeros is unchanged.
        if (!sameValue(before.get(key)?.[item], row[item])) changed.push({ key, item });
      }
    }
  }

  /** The good rows in batches; throws Refused at the end when the import must write nothing. */
  async function* batches(): AsyncGenerator<Row[]> {
    const keys = new Map<string | number | boolean | null, number>(); // key value → line of its first occurrence
    let fatal = false;
    let batch: Row[] = [];
    const checkHeader = (columns: string[]) => headerProblem(resource, columns);
    const validate = recordValidator(resource, { fromText });
    for await (const run of readRecordRuns(file, progress, { checkHeader })) {
      options.signal?.throwIfAborted();
      for (const r of run) {
        if (r.header || (r.fatal && summary.records === 0)) {
          // The header is no record: counted as one, "1 problem in 1 of 1 records" was said of a file of 500.
          // Nor is a problem that stops the reading before any record: a CSV saved as GBK (line 2: not valid
          // UTF-8), a JSON array, a header's quote never closed were each "1 problem in 1 of 1 records".
          note([r.problem!]);
          fatal = summary.noRecordRead = true;
          if (r.header) summary.headerRefused = true;
          if (skipInvalid) {
            // The rejects file says why nothing was read, rather than a former import's rejects standing.
            rejects ??= createWriteStream(partPath, { encoding: 'utf8' });
            await write(rejects, JSON.stringify({ line: r.line, problems: [r.problem], record: null }) + '\n');
          }
          continue;
        }
        summary.records++;
        let problems: string[];
        let row: Row | undefined;
        if (r.problem !== undefined) {
          problems = [r.problem];
          fatal ||= r.fatal === true;
        } else {
          const checked = validate(r.record!, r.line);
          problems = checked.problems;
          if (problems.length === 0) {
            // The converted key, so that 7 and "007" of an int key are the same record (and 0.5 and 0.50 of a
            // decimal key: the store finds them equal).
            const k = valueKey(checked.row![resource.key]);
            const first = keys.get(k);
            if (first !== undefined) {
              problems = [`line ${r.line}: ${resource.key}: ${show(r.record![resource.key])} appears again (first on line ${first}); keys must be unique`];
            } else {
              keys.set(k, r.line);
              row = checked.row;
            }
          }
        }
        if (problems.length) {
          summary.rejected++;
          note(problems);
          if (skipInvalid) {
            rejects ??= createWriteStream(partPath, { encoding: 'utf8' });
            await write(rejects, JSON.stringify({ line: r.line, problems, record: r.record ?? null }) + '\n');
          }
        } else if (row && (skipInvalid || summary.problemCount === 0)) {
          batch.push(row);
          if (batch.length >= batchSize) {
            await noteChanges(batch);
            yield batch;
            batch = [];
          }
        }
        if (summary.records % 1000 === 0) report(progress.bytesRead);
      }
    }
    report(totalBytes);
    if (fatal || (summary.problemCount > 0 && !skipInvalid)) throw new Refused();
    options.signal?.throwIfAborted();
    if (batch.length) {
      await noteChanges(batch);
      yield batch;
    }
  }

  let ended = false;
  try {
    await ensureResourceIndexes(store, resource);
    const result = await store.upsertAll(collection, resource.key, batches());
    if (watch) summary.changed = changed;
    summary.inserted = result.inserted;
    summary.updated = result.updated;
    summary.written = result.inserted + result.updated;
    ended = true;
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    summary.refused = ended = true;
  } finally {
    if (rejects) {
      rejects.end();
      await once(rejects, 'finish');
      if (ended) {
        await rename(partPath, rejectsPath);
        summary.rejectsFile = rejectsPath;
      } else {
        await rm(partPath, { force: true });
      }
    }
    summary.elapsedMs = performance.now() - started;
  }
  return summary;
}

/** `1.2 s`, `3 min 5 s`. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** Records a second, rounded for people: `23,400 records/s`. */
export function formatRate(records: number, ms: number): string {
  const rate = ms > 0 ? records / (ms / 1000) : 0;
  const rounded = rate >= 1000 ? Math.round(rate / 100) * 100 : Math.round(rate);
  return `${rounded.toLocaleString('en-US')} records/s`;
}

/**
 * The plain summary line:
 * `imported 1000 records into 430000-GA-00001 (998 new, 2 updated) in 0.4 s, 2,500 records/s`.
 */
export function summaryLine(s: ImportSummary): string {
  const timing = `in ${formatDuration(s.elapsedMs)}, ${formatRate(s.records, s.elapsedMs)}`;
  if (s.noRecordRead) {
    const where = s.headerRefused ? ' in its header' : '';
    return `refused ${s.file}: ${s.problemCount} problem${s.problemCount === 1 ? '' : 's'}${where}; no record was read, and nothing was written to ${s.resource} (in ${formatDuration(s.elapsedMs)})`;
  }
  if (s.refused) {
    return `refused ${s.file}: ${s.problemCount} problem${s.problemCount === 1 ? '' : 's'} in ${s.rejected} of ${s.records} records; nothing was written to ${s.resource} (read ${timing})`;
  }
  let line = `imported ${s.written} record${s.written === 1 ? '' : 's'} into ${s.resource} (${s.inserted} new, ${s.updated} updated) ${timing}`;
  if (s.rejected) line += `; ${s.rejected} rejected, written to ${s.rejectsFile}`;
  return line;
}
