// Data import (SPEC §11): every record of a JSON Lines or CSV file validated against a resource's items,
// then upserted by the resource's key.
//
// Two streaming passes keep memory bounded whatever the file size: pass 1 reads and validates every
// record, keeping only the keys seen (to find a key that appears twice) and the lines rejected; pass 2
// reads the file again and upserts the good rows in batches. All-or-nothing therefore means: when pass 1
// finds any problem, pass 2 never runs and the store is untouched. With `skipInvalid`, pass 2 writes the
// good rows and the rejects go to a JSON Lines file with their line numbers and reasons.
// Each batch is one store transaction; should the store itself fail half-way through pass 2, the batches
// written stay, and running the same import again completes it (an upsert by key is idempotent).
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { collectionOf, type Resource } from '../model/catalogue.ts';
import { ensureResourceIndexes } from '../catalogue/indexes.ts';
import type { Row, Store } from '../store/port.ts';
import { readRecords, recordFileFormat, RecordFileError, type ReadProgress } from './read.ts';
import { show, validateRecord } from './validate.ts';

export const DEFAULT_BATCH_SIZE = 1000;
export const MAX_LISTED_PROBLEMS = 100;

export interface ImportProgress {
  phase: 'validate' | 'write';
  records: number; // records handled so far in this phase
  bytesRead: number;
  totalBytes: number;
}

export interface ImportOptions {
  skipInvalid?: boolean;
  /** Where rejects go with `skipInvalid`; default `<file>.rejects.jsonl`. */
  rejectsFile?: string;
  onProgress?: (p: ImportProgress) => void;
  batchSize?: number;
  /** How many problems the summary lists (all are counted); default 100. */
  maxListedProblems?: number;
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
  /** The rejects file, when `skipInvalid` wrote one. */
  rejectsFile?: string;
}

export function defaultRejectsFile(file: string): string {
  return `${file}.rejects.jsonl`;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

export async function importRecords(
  store: Store,
  resource: Resource,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const { skipInvalid = false, onProgress, batchSize = DEFAULT_BATCH_SIZE } = options;
  const maxListed = options.maxListedProblems ?? MAX_LISTED_PROBLEMS;
  const fromText = recordFileFormat(file) === 'csv'; // CSV cells are text; JSON values carry their type
  let totalBytes: number;
  try {
    totalBytes = (await stat(file)).size;
  } catch (err) {
    throw new RecordFileError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }

  const summary: ImportSummary = {
    resource: resource.code, file, records: 0, written: 0, inserted: 0, updated: 0,
    rejected: 0, problems: [], problemCount: 0, refused: false,
  };
  const note = (messages: string[]) => {
    for (const m of messages) {
      if (summary.problems.length < maxListed) summary.problems.push(m);
      summary.problemCount++;
    }
  };

  // Pass 1: validate everything, remember keys and rejected lines.
  const rejectedLines = new Set<number>();
  const keys = new Map<string, number>(); // key value (JSON) → line of its first occurrence
  const rejectsPath = options.rejectsFile ?? defaultRejectsFile(file);
  let rejects: WriteStream | undefined;
  let fatal = false;
  const progress: ReadProgress = { bytesRead: 0 };
  try {
    for await (const r of readRecords(file, progress)) {
      summary.records++;
      let problems: string[];
      if (r.problem !== undefined) {
        problems = [r.problem];
        fatal ||= r.fatal === true;
      } else {
        const checked = validateRecord(resource, r.record!, r.line, { fromText });
        problems = checked.problems;
        if (problems.length === 0) {
          const keyValue = r.record![resource.key];
          // The converted key, so that 7 and "007" of an int key are the same record.
          const k = JSON.stringify(checked.row![resource.key]);
          const first = keys.get(k);
          if (first !== undefined) {
            problems = [`line ${r.line}: ${resource.key}: ${show(keyValue)} appears again (first on line ${first}); keys must be unique`];
          } else {
            keys.set(k, r.line);
          }
        }
      }
      if (problems.length) {
        summary.rejected++;
        rejectedLines.add(r.line);
        note(problems);
        if (skipInvalid) {
          rejects ??= createWriteStream(rejectsPath, { encoding: 'utf8' });
          await write(rejects, JSON.stringify({ line: r.line, problems, record: r.record ?? null }) + '\n');
        }
      }
      if (onProgress && summary.records % 1000 === 0) {
        onProgress({ phase: 'validate', records: summary.records, bytesRead: progress.bytesRead, totalBytes });
      }
    }
  } finally {
    if (rejects) {
      rejects.end();
      await once(rejects, 'finish');
    }
  }
  onProgress?.({ phase: 'validate', records: summary.records, bytesRead: totalBytes, totalBytes });
  if (rejects) summary.rejectsFile = rejectsPath;

  if (fatal || (summary.problemCount > 0 && !skipInvalid)) {
    summary.refused = true;
    return summary;
  }
  if (summary.rejected === summary.records) return summary; // nothing to write

  // Pass 2: write the good rows in batches.
  await ensureResourceIndexes(store, resource);
  const collection = collectionOf(resource);
  let batch: Row[] = [];
  let handled = 0;
  const flush = async () => {
    if (!batch.length) return;
    const result = await store.upsert(collection, resource.key, batch);
    summary.inserted += result.inserted;
    summary.updated += result.updated;
    summary.written += batch.length;
    batch = [];
  };
  const progress2: ReadProgress = { bytesRead: 0 };
  for await (const r of readRecords(file, progress2)) {
    handled++;
    if (!rejectedLines.has(r.line) && r.record) {
      const { row } = validateRecord(resource, r.record, r.line, { fromText });
      if (!row) throw new RecordFileError(`${file} changed during the import (line ${r.line}); run the import again`);
      batch.push(row);
      if (batch.length >= batchSize) await flush();
    }
    if (onProgress && handled % 1000 === 0) {
      onProgress({ phase: 'write', records: handled, bytesRead: progress2.bytesRead, totalBytes });
    }
  }
  await flush();
  onProgress?.({ phase: 'write', records: handled, bytesRead: totalBytes, totalBytes });
  return summary;
}

/** The plain summary line: `imported 1000 records into 430000-GA-00001 (998 new, 2 updated)`. */
export function summaryLine(s: ImportSummary): string {
  if (s.refused) {
    return `refused ${s.file}: ${s.problemCount} problem${s.problemCount === 1 ? '' : 's'} in ${s.rejected} of ${s.records} records; nothing was written to ${s.resource}`;
  }
  let line = `imported ${s.written} record${s.written === 1 ? '' : 's'} into ${s.resource} (${s.inserted} new, ${s.updated} updated)`;
  if (s.rejected) line += `; ${s.rejected} rejected, written to ${s.rejectsFile}`;
  return line;
}
