// The one streaming pass of a data import (import.ts): each record read, validated and handed in batches
// to the store's upsertAll; a problem, without skipInvalid, has the store undo the batches at once (the
// rest of the file is read after, for its problems).
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Stats } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { collectionOf, type Resource } from '../../model/catalogue.ts';
import { keySpellings, lookupValues } from '../../model/key-spellings.ts';
import { fileFailure } from '../../model/named-file.ts';
import { ensureResourceIndexes } from '../../catalogue/indexes.ts';
import { sameValue, valueKey, type Row, type Store, type Value } from '../../store/port.ts';
import { readRecordRuns } from '../read/runs.ts';
import { recordFileFormat, RecordFileError, type ReadProgress } from '../read/file.ts';
import { recordValidator } from '../validate/record.ts';
import type { LinkedResources } from '../validate/links.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import { show } from '../validate/show.ts';
import { itemTitled, titleOf } from '../validate/titles.ts';
import { DEFAULT_BATCH_SIZE, type ImportOptions, type ImportSummary, MAX_LISTED_PROBLEMS } from './options.ts';
import { checkImportFiles, defaultRejectsFile, write } from './files.ts';
import { placeRecords, placeUnplaced } from './placing.ts';

/** The resources published in `store`, by code (codes ignore case, as the workflow's lookups). */
async function publishedResources(store: Store): Promise<LinkedResources> {
  const byCode = new Map<string, Resource>();
  for (const c of await publishedCatalogues(store)) for (const r of c.resources) byCode.set(r.code.toLowerCase(), r);
  return (code) => byCode.get(code.toLowerCase());
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
    for (const c of unknown) {
      const titled = itemTitled(resource, c);
      if (titled) parts.push(`"${c}" ${titleOf(titled)}`);
    }
  }
  const missing = resource.items.filter((i) => i.required && !columns.includes(i.name)).map((i) => i.name);
  if (missing.length) parts.push(`the header lacks the required item${missing.length === 1 ? '' : 's'} ${missing.join(', ')}`);
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * Why the file read is not the one the import began with, or undefined. A file still being written (an
 * export running, a copy not finished) was imported as far as it had got, its last CSV line maybe cut in
 * the middle of a value, and said imported in full; a file rewritten meanwhile mixed two versions. The
 * reading ends at the end of the file as it then was, so its size, time and inode then tell (of a regular
 * file: a named pipe is written while it is read).
 */
async function changedWhileRead(file: string, began: Stats): Promise<string | undefined> {
  if (!began.isFile()) return undefined; // a named pipe, /dev/stdin: a stream, read as it is written
  const ended = await stat(file).catch(() => null);
  if (ended && ended.size === began.size && ended.mtimeMs === began.mtimeMs && ended.ino === began.ino && ended.dev === began.dev) return undefined;
  const now = ended ? `${ended.size} bytes when it was read to its end` : 'gone when it was read to its end';
  return `${file}: changed while it was read (${began.size} bytes when the import began, ${now}); nothing was written: import it again once it is written in full`;
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
  let began: Stats;
  try {
    began = await stat(file);
  } catch (err) {
    throw new RecordFileError(`${file}: ${fileFailure(err)}`);
  }
  const totalBytes = began.size;

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
  // By every spelling of the key (model/key-spellings.ts): an objection holds the key as stored, an ID
  // number's 'x' maybe, which this import replaces with the file's 'X' record; the value before is that of
  // the record a lookup shows.
  const spellings = (row: Row): Value[] => lookupValues(resource, row[resource.key]);
  const watchedKeys = (row: Row): string[] => spellings(row).map((v) => JSON.stringify(v)).filter((k) => watch!.has(k));
  async function noteChanges(batch: Row[]): Promise<void> {
    const watched = watch ? batch.filter((row) => watchedKeys(row).length > 0) : [];
    if (!watched.length) return;
    const items = [...new Set(watched.flatMap((row) => watchedKeys(row).flatMap((key) => watch!.get(key)!)))];
    const before = new Map<string, Row>();
    for (const row of await store.findByValues(collection, resource.key, watched.flatMap(spellings), [resource.key, ...items])) {
      before.set(JSON.stringify(row[resource.key]), row);
    }
    for (const row of watched) {
      const stored = spellings(row).map((v) => before.get(JSON.stringify(v))).find((r) => r !== undefined);
      for (const key of watchedKeys(row)) {
        for (const item of watch!.get(key)!) {
          // By value, as the store compares: a decimal whose text only gains or loses trailing zeros is unchanged.
          if (!sameValue(stored?.[item], row[item])) changed.push({ key, item });
        }
      }
    }
  }

  const keys = new Map<string | number | boolean | null, number>(); // key value → line of its first occurrence
  let fatal = false;
  let readAll = false;
  const checkHeader = (columns: string[]) => headerProblem(resource, columns);
  // A link item's values are checked as the item it links to holds its (validate/links.ts): that item is
  // the published one, also when the caller (a test, a tool) hands over the resource alone.
  const linked = options.linked ?? (resource.items.some((i) => i.link) ? await publishedResources(store) : undefined);
  const validate = recordValidator(resource, { fromText, linked });
  const reader = readRecordRuns(file, progress, { checkHeader });
  /**
   * The good rows in batches (`writing`), or none; throws Refused once the import must write nothing. A
   * problem without skipInvalid ends the batches at once, so that the store undoes its unit and gives its
   * write lock back: the rest of the file is read afterwards (writing false) to report every problem. It
   * was read inside the store's transaction, and a refused file of a million records held the lock for
   * the seconds of its reading (gateway reads failed with AUDIT_UNAVAILABLE for an import writing nothing).
   */
  async function* batches(writing: boolean): AsyncGenerator<Row[]> {
    let batch: Row[] = [];
    for (let next = await reader.next(); !next.done; next = await reader.next()) {
      const run = next.value;
      options.signal?.throwIfAborted();
      for (const r of run) {
        if (r.header || (r.fatal && summary.records === 0)) {
          // The header is no record: counted as one, "1 problem in 1 of 1 records" was said of a file of 500.
          // Nor is a problem that stops the reading before any record: a CSV saved as GBK (line 2: not valid
          // UTF-8), a JSON array, a header's quote never closed were each "1 problem in 1 of 1 records".
          note([r.problem!]);
          fatal = summary.noRecordRead = summary.stoppedReading = true;
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
          if (r.fatal === true) fatal = summary.stoppedReading = true;
        } else {
          const checked = validate(r.record!, r.line);
          problems = checked.problems;
          if (checked.key !== undefined) {
            // The converted key, so that 7 and "007" of an int key are the same record (and 0.5 and 0.50 of a
            // decimal key: the store finds them equal). A record refused for another item holds its key too:
            // a key written twice is said at once, not only once the first record is mended (and under
            // --skip-invalid which of the two is written no longer depends on which one was valid).
            const k = valueKey(checked.key);
            const first = keys.get(k);
            if (first !== undefined) {
              problems = [...problems, `line ${r.line}: ${resource.key}: ${show(r.record![resource.key])} appears again (first on line ${first}); keys must be unique`];
            } else {
              keys.set(k, r.line);
              if (problems.length === 0) row = checked.row;
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
            if (writing) await placeRecords(store, collection, resource.key, batch, keySpellings(resource));
            yield batch;
            batch = [];
          }
        }
        if (summary.records % 1000 === 0) report(progress.bytesRead);
      }
      if (writing && (fatal || (summary.problemCount > 0 && !skipInvalid))) throw new Refused();
    }
    readAll = true;
    report(totalBytes);
    const change = await changedWhileRead(file, began);
    if (change) {
      note([change]);
      fatal = summary.stoppedReading = true;
    }
    if (fatal || (summary.problemCount > 0 && !skipInvalid)) throw new Refused();
    options.signal?.throwIfAborted();
    if (batch.length) {
      await noteChanges(batch);
      if (writing) await placeRecords(store, collection, resource.key, batch, keySpellings(resource));
      yield batch;
    }
  }

  async function readRest(): Promise<void> {
    try {
      for await (const batch of batches(false)) void batch;
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
    }
  }

  let ended = false;
  try {
    await ensureResourceIndexes(store, resource);
    // A record stored under another spelling of its key (an ID number's 'x') is replaced, in the same unit.
    const result = await store.upsertAll(collection, resource.key, batches(true), { spellings: keySpellings(resource) });
    // After the unit has committed: a refused or interrupted import writes nothing, places neither. A store
    // failing here does not make the committed import a failed one: the next import places what is left,
    // and the summary says so (placingUnfinished), for the operator to know the order is not yet drawn.
    await placeUnplaced(store, collection).catch((err: unknown) => {
      summary.placingUnfinished = err instanceof Error ? err.message : String(err);
    });
    if (watch) summary.changed = changed;
    summary.inserted = result.inserted;
    summary.updated = result.updated;
    summary.written = result.inserted + result.updated;
    ended = true;
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    // Refused before the end of the file: the store has undone its unit; the rest is read for its problems.
    if (!readAll) await readRest();
    summary.refused = ended = true;
  } finally {
    // The file closed whatever ended the import (an interruption, a store failing): the batches step
    // through the reader by hand, over two passes, so no for-await closes it for them.
    await reader.return(undefined);
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
