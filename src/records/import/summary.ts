// A data import's summary for people: durations, rates, the plain line.
import type { ImportSummary } from './options.ts';

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

/**
 * What the operator is told when placing the resource's older records (stored without a place in a masked
 * key's list: placing.ts) did not finish after the import committed; undefined when it did.
 */
export function placingNote(s: ImportSummary): string | undefined {
  if (s.placingUnfinished === undefined) return undefined;
  return `the records were written, but giving ${s.resource}'s records stored without a place in its masked key's list one did not finish ` +
    `(${s.placingUnfinished}): they still come first in that list, in the order they were stored in; the next import of ${s.resource} finishes it`;
}
