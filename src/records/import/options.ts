// What a data import (import.ts) is asked (ImportOptions), reports as it goes and answers (ImportSummary).
import type { Resource } from '../../model/catalogue.ts';
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
  /** The embedded store's data folder, where no rejects file may go (it would replace the store's files). */
  dataFolder?: string;
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
  /** The resources a link may name, by code; default the resources published in the store. */
  linked?: (code: string) => Resource | undefined;
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
  /**
   * True when a problem stopped the reading (a header, a quote never closed, a line over its bound): the
   * file is refused with --skip-invalid too. Otherwise the refusal was for records alone.
   */
  stoppedReading?: boolean;
  /** The rejects file, when `skipInvalid` wrote one. */
  rejectsFile?: string;
  /** Wall time of the whole import (reading, validating, writing). */
  elapsedMs: number;
  /**
   * Set when giving the resource's records stored without a place (placing.ts, placeUnplaced) failed after
   * the import committed: the store's message. The import's records are written; the next import places
   * the rest, and the command says so (placingNote).
   */
  placingUnfinished?: string;
  /** Watched records (`options.watch`) whose watched item the import changed: key JSON and item. */
  changed?: { key: string; item: string }[];
}
