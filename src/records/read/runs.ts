// The records of a file, JSON Lines or CSV by its extension, in runs or one by one.
import { type ReadOptions, type ReadProgress, type ReadRecord, recordFileFormat } from './file.ts';
import { readCsv } from './csv.ts';
import { readJsonLines } from './jsonl.ts';

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
