// The port's filters and sorts as MongoDB's (store.ts): `eq: null`, `ne`, `in` with null already have the
// port's meaning in MongoDB; gt/gte/lt/lte with null and an empty `or` become a condition that matches
// nothing. Field names are GraphQL names other than `_id`, checked before they reach a query.

import { ObjectId, type Document, type Filter as MongoFilter } from 'mongodb';
import { filterValue, ROW_ORDER, type Filter, type SortKey } from '../port.ts';
import { toBson } from './documents.ts';

const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;
const NEVER: MongoFilter<Document> = { _id: { $in: [] } };

export function checkField(field: string): string {
  if (typeof field !== 'string' || !FIELD.test(field) || field === '_id') {
    throw new Error(`invalid field name ${JSON.stringify(field)}`);
  }
  return field;
}

/**
 * User text as a literal regular expression: metacharacters escaped, and NUL written `\x00` (MongoDB
 * refuses a pattern holding a NUL byte, so a `contains` of one failed as "store unavailable").
 */
export const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\0/g, '\\x00');

export function toMongoFilter(filter: Filter | undefined): MongoFilter<Document> {
  if (filter === undefined) return {};
  switch (filter.kind) {
    case 'and':
      return filter.filters.length === 0 ? {} : { $and: filter.filters.map(toMongoFilter) };
    case 'or':
      return filter.filters.length === 0 ? NEVER : { $or: filter.filters.map(toMongoFilter) };
    case 'compare': {
      if (filter.field === ROW_ORDER) {
        // A cursor's condition: the hex string a row carried its ObjectId as. No row's order is anything else
        // (null, a number, other text): `ne` then matches every row, as SQLite's `id IS NOT ?` does, and
        // the other operators none.
        filterValue(ROW_ORDER, filter.value);
        if (typeof filter.value !== 'string' || !ObjectId.isValid(filter.value)) return filter.op === 'ne' ? {} : NEVER;
        return { _id: { [`$${filter.op}`]: ObjectId.createFromHexString(filter.value) } };
      }
      const field = checkField(filter.field);
      const value = filterValue(field, filter.value) ?? null; // undefined: null, as SQLite reads it
      if (value === null && filter.op !== 'eq' && filter.op !== 'ne') return NEVER;
      return { [field]: { [`$${filter.op}`]: toBson(value) } };
    }
    case 'in': {
      const field = checkField(filter.field);
      return { [field]: { $in: filter.values.map((v) => toBson(filterValue(field, v) ?? null)) } };
    }
    case 'startsWith':
      return { [checkField(filter.field)]: { $regex: `^${escapeRegex(filterValue(filter.field, filter.value, true))}` } };
    case 'contains':
      return { [checkField(filter.field)]: { $regex: escapeRegex(filterValue(filter.field, filter.value, true)) } };
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
