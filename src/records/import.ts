// Data import (SPEC §11): every record of a JSON Lines or CSV file validated against a resource's items,
// then upserted by the resource's key.
//
// One streaming pass: each record is read, validated and handed in batches to the store's `upsertAll`,
// which writes them all as one unit (one transaction on SQLite, a staging collection renamed over the
// collection on MongoDB). All-or-nothing therefore holds also when the process is killed at any moment:
// the store shows every record of the file or none. When a record has a problem (and `skipInvalid` is
// off), the batches stop at once with `Refused`, so that the store undoes what it had and gives its write
// lock back, and then the rest of the file is still read to report every problem. Memory stays bounded by a
// batch and the keys seen (to find a key that appears twice). With `skipInvalid`, the good rows are
// written and the rejects go to a JSON Lines file with their line numbers and reasons.
//
// The parts, in import/: what an import is asked and answers (options.ts), its files checked first
// (files.ts), the pass itself (records.ts) and the summary for people (summary.ts). This path is kept for
// the tests and benchmarks that import it.
export type { ImportProgress, ImportSummary } from './import/options.ts';
export { importRecords } from './import/records.ts';
export { placingNote, summaryLine } from './import/summary.ts';
