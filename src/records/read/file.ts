// A file of records to import (read.ts): its format by extension, its bounds, and what a reader yields.
import { extname } from 'node:path';

/** The longest line (JSON Lines) or record (CSV) read; records are flat, this is far beyond any. */
export const MAX_LINE_BYTES = 1 << 20;
/** How deep arrays and objects may nest in a JSON record (records are flat: any nesting is refused later). */
export const MAX_DEPTH = 32;

type RecordFileFormat = 'jsonl' | 'csv';

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
