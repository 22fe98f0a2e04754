// The port's filters and sorts as MongoDB's (store.ts): `eq: null`, `ne`, `in` with null already have the
// port's meaning in MongoDB; gt/gte/lt/lte with null and an empty `or` become a condition that matches
// nothing. Field names are GraphQL names other than `_id`, checked before they reach a query.

import type { Document, Filter as MongoFilter } from 'mongodb';
import { filterValue, ROW_ORDER, type CompareOp, type Filter, type SortKey, type Value } from '../port.ts';
import { LONE_SURROGATE } from '../../formats/well-formed.ts';
import { prefixUpperBound } from '../prefix-bound.ts';
import { toBson } from './documents.ts';
import { rowOrderFilter } from './row-order.ts';

const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;
const NEVER: MongoFilter<Document> = { _id: { $in: [] } };

export function checkField(field: string): string {
  if (typeof field !== 'string' || !FIELD.test(field) || field === '_id') {
    throw new Error(`invalid field name ${JSON.stringify(field)}`);
  }
  return field;
}

/**
 * Text as a literal regular expression (a collection name's prefix: import.ts): metacharacters escaped,
 * and NUL written `\x00` (MongoDB refuses a pattern holding a NUL byte).
 */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\0/g, '\\x00');

/**
 * A compare filter whose value is text holding a lone surrogate (formats/well-formed.ts), as SQLite
 * answers it. No stored text holds one (toDocument refuses it), and BSON would send the value with U+FFFD
 * in its place: `eq` then matched texts holding U+FFFD itself, which SQLite's never does. So `eq` matches
 * nothing and `ne` every row; in code-point order (SQLite compares UTF-8 bytes, where a lone surrogate's
 * three sit between U+D7FF's and U+E000's) a stored text is above the value exactly when it is at or above
 * the value's text before the surrogate followed by U+E000: `gt`/`gte` become `gte` of that, `lt`/`lte` `lt`.
 */
function loneSurrogateCompare(field: string, op: CompareOp, value: string): MongoFilter<Document> {
  if (op === 'eq') return NEVER;
  if (op === 'ne') return {};
  const bound = `${value.slice(0, value.search(LONE_SURROGATE))}\ue000`;
  return acrossKinds(field, op, value, op === 'gt' || op === 'gte' ? { $gte: bound } : { $lt: bound });
}

/**
 * The kinds of value rows hold, in MongoDB's order of kinds (BSON comparison order, which its sorts
 * follow): numbers (int, long, double and decimal, compared by value), then texts, then booleans.
 */
const KINDS = ['number', 'string', 'bool'] as const;
const kindOf = (value: Exclude<Value, null>): number => (typeof value === 'string' ? 1 : typeof value === 'boolean' ? 2 : 0);

/**
 * A range comparison in the order rows are sorted in, across kinds (port.ts, "A field of mixed kinds"):
 * the rows above `value` are those of its kind above it and every row of a later kind; below it, likewise.
 * MongoDB compares within the value's kind only (type bracketing), so that on a field where an older
 * version wrote numbers and a newer one texts, `gt: 5` missed every text though orderBy puts the texts
 * after the numbers: a cursor's next page (keyset.ts, `gt` the last row's value) after the last number
 * skipped every text, and a filter disagreed with SQLite's (numbers below every text, as its sort).
 * Null is below every kind and matches no range; a date (a meter's expiresAt) is no kind here and none.
 */
function acrossKinds(field: string, op: CompareOp, value: Exclude<Value, null>, sameKind: Document): MongoFilter<Document> {
  const kind = kindOf(value);
  const others = op === 'gt' || op === 'gte' ? KINDS.slice(kind + 1) : KINDS.slice(0, kind);
  if (others.length === 0) return { [field]: sameKind };
  return { $or: [{ [field]: sameKind }, { [field]: { $type: [...others] } }] };
}

// `startsWith` and `contains` were a `$regex` of the escaped value, and the server refuses a pattern past
// 32,764 bytes (RegexMatchExpression::kMaxPatternSize, "Regular expression is too long"): a value of 33 KB
// (a 1 MB body holds one) answered STORE_UNAVAILABLE and was logged as a store failure, where the embedded
// store answers it. Both are now what the embedded store does (sqlite/sql.ts), with no limit of length.

/**
 * `startsWith` as the range of texts the prefix begins (prefix-bound.ts): strings compare by simple binary
 * comparison (no collation is given), UTF-8 bytes in code-point order, as SQLite's. The range holds texts
 * only (type bracketing: a number, a boolean or the Decimal128 of an item retyped to text is never in it),
 * and an index on the field serves it, as it served `^prefix`. A prefix with no upper bound (empty, or
 * ending in U+10FFFF only) is every text from it on.
 */
function prefixRange(field: string, prefix: string): MongoFilter<Document> {
  const upper = prefixUpperBound(prefix);
  return { [field]: upper === undefined ? { $gte: prefix } : { $gte: prefix, $lt: upper } };
}

/**
 * `contains` as `$indexOfCP` of the field's text, SQLite's `instr`. `$indexOfCP` fails the whole read on a
 * value that is neither text nor null (a number, a boolean, a Decimal128): any other kind is given as null,
 * whose answer, null, is below 0. The value is a `$literal`: a text starting with `$` would be a field path.
 */
function substring(field: string, text: string): MongoFilter<Document> {
  const own = `$${field}`;
  const ownText = { $cond: [{ $eq: [{ $type: own }, 'string'] }, own, null] };
  return { $expr: { $gte: [{ $indexOfCP: [ownText, { $literal: text }] }, 0] } };
}

const hasLoneSurrogate = (value: unknown): boolean => typeof value === 'string' && LONE_SURROGATE.test(value);

export function toMongoFilter(filter: Filter | undefined): MongoFilter<Document> {
  if (filter === undefined) return {};
  switch (filter.kind) {
    case 'and':
      return filter.filters.length === 0 ? {} : { $and: filter.filters.map(toMongoFilter) };
    case 'or':
      return filter.filters.length === 0 ? NEVER : { $or: filter.filters.map(toMongoFilter) };
    case 'compare': {
      if (filter.field === ROW_ORDER) {
        // A cursor's condition: the text a row carried its `_id` as (row-order.ts).
        filterValue(ROW_ORDER, filter.value);
        return rowOrderFilter(filter.op, filter.value, NEVER);
      }
      const field = checkField(filter.field);
      const value = filterValue(field, filter.value) ?? null; // undefined: null, as SQLite reads it
      if (value === null && filter.op !== 'eq' && filter.op !== 'ne') return NEVER;
      if (hasLoneSurrogate(value)) return loneSurrogateCompare(field, filter.op, value as string);
      const compared = { [`$${filter.op}`]: toBson(value) };
      return filter.op === 'eq' || filter.op === 'ne' ? { [field]: compared } : acrossKinds(field, filter.op, value!, compared); // null left above
    }
    case 'in': {
      // A text holding a lone surrogate is no stored value (loneSurrogateCompare): left out.
      const field = checkField(filter.field);
      const values = filter.values.map((v) => filterValue(field, v) ?? null).filter((v) => !hasLoneSurrogate(v));
      return { [field]: { $in: values.map(toBson) } };
    }
    // No stored text holds a lone surrogate (loneSurrogateCompare): none starts with or contains one.
    case 'startsWith':
    case 'contains': {
      const field = checkField(filter.field);
      const value = filterValue(field, filter.value, true);
      if (hasLoneSurrogate(value)) return NEVER;
      return filter.kind === 'startsWith' ? prefixRange(field, value) : substring(field, value);
    }
    default:
      throw new Error(`unknown filter ${JSON.stringify(filter satisfies never)}`);
  }
}

/**
 * A sort as MongoDB's sort document. A field named again keeps its first direction, as in SQLite's
 * ORDER BY, where a later key on it never decides anything; in a document the later one would replace
 * the direction (an orderBy of age ASC, then age DESC, sorted DESC here and ASC there, and its cursors
 * were made for ASC).
 */
export function toMongoSort(sort: SortKey[]): Document {
  const out: Document = {};
  for (const s of sort) {
    const field = s.field === ROW_ORDER ? '_id' : checkField(s.field);
    if (!(field in out)) out[field] = s.direction === 'desc' ? -1 : 1;
  }
  return out;
}

/** Refuses a limit or skip that is not a whole number of rows. */
export function checkCount(name: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new Error(`invalid ${name} ${n}`);
}
