// Reading records to import (SPEC §11): JSON Lines or CSV, streamed, each record with the 1-based line
// on which it starts. A line that cannot be read as a record is a problem at that line; the reader goes
// on with the next one. A problem that makes the rest of the file unreadable (a bad CSV header, a quote
// never closed, a JSON array instead of JSON Lines, a line longer than MAX_LINE_BYTES) is `fatal` and
// ends the reading. Whatever the bytes, a reader yields problems and never throws: invalid UTF-8 is a
// problem at its line (never replaced by U+FFFD), and so is a value nested deeper than MAX_DEPTH.
//
// The parts, in read/: the record file and what a reader yields (file.ts), the records of a file in runs
// (runs.ts), JSON Lines (jsonl.ts), CSV (csv.ts) and its UTF-8 check by line (utf8-lines.ts). This path is
// kept for the tests that import it.
export { readRecords } from './read/runs.ts';
