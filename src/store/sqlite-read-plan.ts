// Which reads of the embedded store may walk much of a collection (sqlite/thread-reads.ts sends those of a
// large one to the reader threads, sqlite-readers.ts): by the read's shape first, then by SQLite's own plan
// for it (`EXPLAIN QUERY PLAN`). Pure functions over the filter and the plan's lines.
import type { Filter } from './port.ts';

/** A page with no filter walks no more than its limit and skip: up to this many rows it stays on the event loop. */
const PAGE_WALK_MAX = 1000;
/** A lookup (`in`, findByValues) of more values than this may walk as long as a scan: it runs on a thread. */
export const LOOKUP_VALUES_MAX = 1000;

/**
 * How far a read may walk, by its shape: a page with no filter stops after its rows, a lookup by the values
 * of one item reads what an index finds; anything else (a `contains`, a range, several conditions, a count of
 * everything) may walk the whole collection.
 */
export type Walk = 'page' | 'lookup' | 'any';

/**
 * How many conditions a read's filter tests on each row it walks (at least 1: a walk with none still reads
 * each row). A filter of 50 `contains` in an `or` costs a walk of 45,000 records as much as one `contains`
 * over 2 million: thread-reads.ts weighs a collection's size by it.
 */
export function conditionsOf(filter: Filter | undefined): number {
  const count = (f: Filter): number => (f.kind === 'and' || f.kind === 'or' ? f.filters.reduce((n, g) => n + count(g), 0) : 1);
  return filter === undefined ? 1 : Math.max(1, count(filter));
}

export function walkOf(filter: Filter | undefined, limit?: number, skip?: number): Walk {
  if (filter?.kind === 'and' && filter.filters.length <= 1) return walkOf(filter.filters[0], limit, skip);
  if (filter === undefined) return limit !== undefined && limit + (skip ?? 0) <= PAGE_WALK_MAX ? 'page' : 'any';
  // Null is no lookup: a unique index holds any number of nulls. Nor are more values than a page's rows: a
  // request's variables may hold 100,000 keys (a 1 MB body), each found and sorted on the event loop.
  if (filter.kind === 'in') return filter.values.length > LOOKUP_VALUES_MAX || filter.values.some((v) => v === null || v === undefined) ? 'any' : 'lookup';
  return filter.kind === 'compare' && filter.op === 'eq' && filter.value !== null ? 'lookup' : 'any';
}

/**
 * True when a read of this walk and plan (EXPLAIN QUERY PLAN's lines) stays short on any collection: a page
 * with no filter that needs no sort of its own, or a lookup that finds its rows through unique indexes
 * (`unique`: their names), whose rows are no more than its values, sorted or not.
 */
export function staysShort(walk: Walk, plan: string[], unique: ReadonlySet<string>): boolean {
  if (walk === 'page') return !plan.some((line) => line.includes('TEMP B-TREE'));
  if (walk === 'any') return false;
  return plan.every((line) => {
    if (line.startsWith('SCAN')) return line.includes('VIRTUAL TABLE'); // the values of an `in` (json_each)
    if (!line.startsWith('SEARCH')) return true;
    if (line.includes('USING INTEGER PRIMARY KEY')) return true;
    const found = /USING (?:COVERING )?INDEX (.+?) \((.*)\)$/.exec(line);
    if (found === undefined || found === null || !unique.has(found[1]!)) return false;
    // A unique index finds one row only by a value for each of its fields: by the first of (id, version)
    // alone, every version of an id.
    return found[2]!.split(' AND ').filter((term) => term.endsWith('=?')).length >= indexFields(found[1]!);
  });
}

/** How many fields an index of indexName's making has (`ix:a,b@collection`: 2). */
function indexFields(index: string): number {
  const fields = /^ix:([^@]*)@/.exec(index)?.[1];
  return fields === undefined ? Number.POSITIVE_INFINITY : fields.split(',').length;
}
