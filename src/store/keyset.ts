// Cursor (keyset) pagination, done once above the store port for every adapter.
//
// A cursor is the opaque base64url form of the sort values of the last row of a page, together with
// the sort it was made for (a decimal as `{ d: text }`, compared by value again on the next page). The next page is `find({ filter: and(userFilter, afterFilter(sort, cursor)),
// sort, limit })`: the condition (f1 > v1) OR (f1 = v1 AND f2 > v2) OR ... with each "greater" read in
// the key's direction and the port's null order (nulls first in ASC, last in DESC). The last sort key
// must be unique and never null: the resource key, or the store's ROW_ORDER where the key may not decide
// the order; `withKeyTieBreak` puts it last. The rows of a page must carry every sort field, which
// `withSortFields` guarantees for a projection.
//
// Fields known never to be null (the key always; required items when the caller says so) get simpler
// conditions: "before v" in DESC is then `lt v` rather than `lt v OR eq null`, a plain range that an
// SQLite index can seek to, so later DESC pages cost what the first does instead of a scan from the end.

import { and, eq, or, type Filter, type Row, type SortKey, type Value } from './port.ts';
import { Decimal } from '../formats/decimal.ts';

/** A sort value as a cursor holds it: a decimal as `{ d: text }`, so that it comes back as a decimal. */
const cursorValue = (value: Value): unknown => (value instanceof Decimal ? { d: value.text } : value);

/** A cursor's value back as a sort value, or undefined when it is not one a cursor can hold. */
function sortValue(value: unknown): Value | undefined {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as Value;
  if (typeof value === 'object' && Object.keys(value).length === 1 && typeof (value as { d?: unknown }).d === 'string') {
    return Decimal.parse((value as { d: string }).d);
  }
  return undefined;
}

/** Raised by `decodeCursor` and `afterFilter` on a cursor that is malformed or made for another sort. */
export class InvalidCursorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidCursorError';
  }
}

/**
 * Makes the order total and the key last: appends the key, ascending, when the sort lacks it, and drops
 * the keys after it when it is there (the key is unique, so they never decide anything). `key`: the
 * resource key, or ROW_ORDER (port.ts).
 */
export function withKeyTieBreak(sort: readonly SortKey[], key: string): SortKey[] {
  const at = sort.findIndex((s) => s.field === key);
  return at >= 0 ? sort.slice(0, at + 1) : [...sort, { field: key, direction: 'asc' }];
}

/** The projection plus every sort field (undefined, meaning every field, stays undefined). */
export function withSortFields(projection: string[] | undefined, sort: readonly SortKey[]): string[] | undefined {
  if (projection === undefined) return undefined;
  const fields = [...projection];
  for (const s of sort) if (!fields.includes(s.field)) fields.push(s.field);
  return fields;
}

const signature = (sort: readonly SortKey[]): string =>
  sort.map((s) => `${s.field}:${s.direction === 'asc' ? 'a' : 'd'}`).join(',');

/** The cursor of `row` in `sort` (a missing sort field counts as null). */
export function encodeCursor(sort: readonly SortKey[], row: Row): string {
  const values = sort.map((s) => cursorValue(row[s.field] ?? null));
  return Buffer.from(JSON.stringify({ s: signature(sort), v: values }), 'utf8').toString('base64url');
}

/** The sort values a cursor holds; InvalidCursorError when malformed or made for another sort. */
export function decodeCursor(sort: readonly SortKey[], cursor: string): Value[] {
  if (typeof cursor !== 'string' || cursor.length === 0 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new InvalidCursorError('invalid cursor: not a cursor returned by this service');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('invalid cursor: not a cursor returned by this service');
  }
  if (
    typeof decoded !== 'object' ||
    decoded === null ||
    typeof (decoded as { s?: unknown }).s !== 'string' ||
    !Array.isArray((decoded as { v?: unknown }).v)
  ) {
    throw new InvalidCursorError('invalid cursor: not a cursor returned by this service');
  }
  const { s, v } = decoded as { s: string; v: unknown[] };
  if (s !== signature(sort) || v.length !== sort.length) {
    throw new InvalidCursorError('invalid cursor: it was made for a different orderBy');
  }
  return v.map((value) => {
    const sortable = sortValue(value);
    if (sortable === undefined) throw new InvalidCursorError('invalid cursor: not a cursor returned by this service');
    return sortable;
  });
}

const never: Filter = or();

/** Rows strictly after `value` in the direction of `key`, with nulls first in ASC and last in DESC. */
function after(key: SortKey, value: Value, nonNull: boolean): Filter {
  if (key.direction === 'asc') {
    return value === null ? { kind: 'compare', field: key.field, op: 'ne', value: null } : cmp(key.field, 'gt', value);
  }
  if (value === null) return never;
  return nonNull ? cmp(key.field, 'lt', value) : or(cmp(key.field, 'lt', value), eq(key.field, null));
}

/** Rows at or after `value` in the direction of `key`: a redundant bound that lets an index range scan. */
function atOrAfter(key: SortKey, value: Value, nonNull: boolean): Filter | undefined {
  if (key.direction === 'asc') return value === null ? undefined : cmp(key.field, 'gte', value);
  if (value === null) return eq(key.field, null);
  return nonNull ? cmp(key.field, 'lte', value) : or(cmp(key.field, 'lte', value), eq(key.field, null));
}

const cmp = (field: string, op: 'gt' | 'gte' | 'lt' | 'lte', value: Value): Filter => ({
  kind: 'compare',
  field,
  op,
  value,
});

/**
 * The keyset condition selecting the rows after the cursor's row in `sort`. The last sort key is the
 * resource key, never null; `nonNull` names further fields that are never null (required items).
 */
export function afterFilter(sort: readonly SortKey[], cursor: string, nonNull: Iterable<string> = []): Filter {
  if (sort.length === 0) throw new InvalidCursorError('invalid cursor: a cursor needs a sort order');
  const values = decodeCursor(sort, cursor);
  const required = new Set(nonNull);
  required.add(sort[sort.length - 1].field);
  const branches: Filter[] = [];
  for (let i = 0; i < sort.length; i++) {
    const branch = after(sort[i], values[i], required.has(sort[i].field));
    if (branch === never) continue;
    const equalities = sort.slice(0, i).map((s, j) => eq(s.field, values[j]));
    branches.push(equalities.length === 0 ? branch : and(...equalities, branch));
  }
  const keyset = or(...branches);
  const bound = atOrAfter(sort[0], values[0], required.has(sort[0].field));
  return bound === undefined || sort.length === 1 ? keyset : and(bound, keyset);
}
