// How a query of the store port becomes SQL (store.ts): field and table names, filters, sorts,
// projections, and the statements of `find` and `findByValues`.

import { filterValue, ROW_ORDER, type Filter, type FindQuery, type Row, type SortKey, type Value } from '../port.ts';
import { Decimal } from '../../formats/decimal.ts';
import { LONE_SURROGATE } from '../../formats/well-formed.ts';
import { prefixUpperBound } from '../prefix-bound.ts';
import { DECIMALS, DECIMALS_PATH } from './documents.ts';

export type Param = string | number | null;
export interface Sql {
  sql: string;
  params: Param[];
}
/** A read's SQL, and what picks the projection from each parsed document when SQL does not. */
export type Statement = Sql & { pick?: (doc: Row) => Row };

const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;

export function checkField(field: string): string {
  if (typeof field !== 'string' || !FIELD.test(field) || field === '_id') throw new Error(`invalid field name ${JSON.stringify(field)}`);
  return field;
}

/**
 * An index's fields, checked: ROW_ORDER may end one that is neither unique nor partial (port.ts), so that
 * a sort ending with it reads the index (SQLite's indexes end with the rowid anyway: named, it is `id`).
 */
export function checkIndexFields(collection: string, fields: string[], unique: boolean, partial: boolean): string[] {
  return fields.map((field, i) => {
    if (field !== ROW_ORDER) return checkField(field);
    if (i === fields.length - 1 && !unique && !partial) return field;
    throw new Error(`ensureIndex on ${collection}: the row order may only be the last field of an index that is neither unique nor partial`);
  });
}

export function checkCollection(collection: string): string {
  if (typeof collection !== 'string' || collection.length === 0 || collection.includes('\0')) {
    throw new Error(`invalid collection name ${JSON.stringify(collection)}`);
  }
  return collection;
}

export const quoteId = (name: string): string => `"${name.replace(/"/g, '""')}"`;
export const table = (collection: string): string => quoteId(`c:${checkCollection(collection)}`);
export const indexName = (collection: string, fields: string[]): string => `ix:${fields.join(',')}@${collection}`;
/** The expression every index, filter and sort uses for a field. */
export const expr = (field: string): string => `json_extract(doc, '$.${checkField(field)}')`;
/** The same, where ROW_ORDER may be named too (a sort, a compare filter, an index's last field): the rowid. */
export const orderExpr = (field: string): string => (field === ROW_ORDER ? 'id' : expr(field));
export const param = (value: Value): Param =>
  typeof value === 'boolean' ? (value ? 1 : 0) : value instanceof Decimal ? value.orderKey : value;


const COMPARE_SQL = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;


/**
 * A parameter compared with a stored field, as SQL. A string holding a lone surrogate (a client's
 * `"\ud800"`, a record imported with one) is kept in the document as that JSON escape, which
 * json_extract decodes to the surrogate's three bytes; the driver's own conversion of the parameter comes
 * from V8 and changed with Node 24 (Node 20 and 22 write the same three bytes, Node 24 writes U+FFFD), so
 * on Node 24 such a string never equalled its stored self: filters missed the record and a page after a
 * cursor on it started again at the same record. Such a string goes through JSON as the document did.
 */
export function valueSql(value: Param): Sql {
  return typeof value === 'string' && LONE_SURROGATE.test(value)
    ? { sql: "json_extract(?, '$')", params: [JSON.stringify(value)] }
    : { sql: '?', params: [value] };
}

/**
 * A decimal field holds its order key, which is text to SQL ("C501975" for 9.75: documents.ts), so that a
 * prefix or substring of a key (`startsWith: "C"`, `contains: "5"`: every positive decimal's key holds "50")
 * matched decimals by characters no reader sees, where MongoDB's $regex matches strings only, never a
 * Decimal128 (an item retyped from decimal to text, its records not imported again: docs/workflow.md). Such a
 * filter also asks that the row hold no decimal text for the field. Only a value that can be part of a key
 * needs it (keys are "B", or "A"/"C" then digits, a negative's ending in "~"): other prefixes and
 * substrings keep the index seek without reading each row's `#decimals`.
 */
const KEY_PREFIX = /^(?:[ABC][0-9~]*)?$/;
const KEY_PART = /^[ABC0-9~]*$/;
const notDecimal = (field: string): string => `json_type(doc, '$."${DECIMALS}".${checkField(field)}') IS NULL`;

export function compileFilter(filter: Filter | undefined): Sql {
  if (filter === undefined) return { sql: '1', params: [] };
  switch (filter.kind) {
    case 'and':
    case 'or': {
      if (filter.filters.length === 0) return { sql: filter.kind === 'and' ? '1' : '0', params: [] };
      const parts = filter.filters.map(compileFilter);
      return {
        sql: `(${parts.map((p) => p.sql).join(filter.kind === 'and' ? ' AND ' : ' OR ')})`,
        params: parts.flatMap((p) => p.params),
      };
    }
    case 'compare': {
      const e = orderExpr(filter.field);
      const { op } = filter;
      const value = filterValue(filter.field, filter.value) ?? null; // undefined: null, as MongoDB's driver writes it
      if (value === null) return { sql: op === 'eq' ? `${e} IS NULL` : op === 'ne' ? `${e} IS NOT NULL` : '0', params: [] };
      const v = valueSql(param(value));
      if (op === 'eq') return { sql: `${e} = ${v.sql}`, params: v.params };
      if (op === 'ne') return { sql: `${e} IS NOT ${v.sql}`, params: v.params };
      return { sql: `${e} ${COMPARE_SQL[op]} ${v.sql}`, params: v.params };
    }
    case 'in': {
      const e = expr(filter.field);
      const present = filter.values.map((v) => filterValue(filter.field, v)).filter((v) => v !== null && v !== undefined);
      const withNull = present.length !== filter.values.length;
      const parts: string[] = [];
      const params: Param[] = [];
      if (present.length > 0) {
        parts.push(`${e} IN (SELECT value FROM json_each(?))`);
        params.push(JSON.stringify(present.map(param)));
      }
      if (withNull) parts.push(`${e} IS NULL`);
      return parts.length === 0 ? { sql: '0', params } : { sql: `(${parts.join(' OR ')})`, params };
    }
    case 'startsWith': {
      // A range on the indexed expression, so that an index serves prefixes (LIKE and GLOB cannot use
      // an expression index, and LIKE ignores case).
      const e = expr(filter.field);
      const upper = prefixUpperBound(filterValue(filter.field, filter.value, true));
      const from = valueSql(filter.value);
      const text = KEY_PREFIX.test(filter.value) ? ` AND ${notDecimal(filter.field)}` : '';
      if (upper === undefined) return { sql: `(${e} >= ${from.sql} AND typeof(${e}) = 'text'${text})`, params: from.params };
      const to = valueSql(upper);
      return { sql: `(${e} >= ${from.sql} AND ${e} < ${to.sql}${text})`, params: [...from.params, ...to.params] };
    }
    case 'contains': {
      const e = expr(filter.field);
      const v = valueSql(filterValue(filter.field, filter.value, true));
      const text = KEY_PART.test(filter.value) ? ` AND ${notDecimal(filter.field)}` : '';
      return { sql: `(typeof(${e}) = 'text' AND instr(${e}, ${v.sql}) > 0${text})`, params: v.params };
    }
    default:
      throw new Error(`unknown filter ${JSON.stringify(filter satisfies never)}`);
  }
}

function compileSort(sort: SortKey[] | undefined): string {
  if (!sort || sort.length === 0) return 'id';
  return sort.map((s) => `${orderExpr(s.field)} ${s.direction === 'desc' ? 'DESC' : 'ASC'}`).join(', ');
}

/**
 * Small projections are built in SQL (`json_object` of `doc -> '$.f'`, which keeps booleans); past
 * this many fields, parsing the whole document once and picking in JavaScript is cheaper (measured:
 * 0.22 vs 0.28 ms for 3 fields of a 100-row page, 0.62 vs 0.38 ms for 12).
 */
const SQL_PROJECTION_MAX_FIELDS = 4;

/** The fields of a projection, each checked, each once. */
export const projectedFields = (projection: string[]): string[] => [...new Set(projection.map(checkField))];

function compileProjection(projection: string[] | undefined): { sql: string; pick?: (doc: Row) => Row } {
  if (projection === undefined) return { sql: 'doc' };
  const fields = projectedFields(projection);
  if (fields.length > SQL_PROJECTION_MAX_FIELDS) return { sql: 'doc', pick: picker(fields) };
  const pairs = [...fields.map((f) => `'${f}', doc -> '$.${f}'`), `'${DECIMALS}', doc -> ${DECIMALS_PATH}`];
  return { sql: `json_object(${pairs.join(', ')})` };
}

/** Pickers made, by their fields; the oldest dropped past PICKERS_KEPT. */
const pickers = new Map<string, (doc: Row) => Row>();
const PICKERS_KEPT = 500;

/**
 * The function copying `fields` of a parsed document (after fromDoc) into a new row, null where the
 * document has none: `{ "a": d["a"] ?? null, ... }`, made once per list of fields. A loop assigning
 * `row[f]` (a key that changes at each step) cost 0.7 µs a row of 12 fields, this 0.03 µs
 * (bench/store-reads.ts). Field names passed checkField, and are written as JSON strings.
 */
export function picker(fields: string[]): (doc: Row) => Row {
  const id = fields.join(',');
  let pick = pickers.get(id);
  if (pick === undefined) {
    const members = fields.map((f) => `${JSON.stringify(f)}: d[${JSON.stringify(f)}] ?? null`);
    pick = new Function('d', `return { ${members.join(', ')} };`) as (doc: Row) => Row;
    if (pickers.size >= PICKERS_KEPT) pickers.delete(pickers.keys().next().value!);
    pickers.set(id, pick);
  }
  return pick;
}

export function checkCount(name: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new Error(`invalid ${name} ${n}`);
}

/**
 * The query's SQL; `select` replaces the projection's columns (the ids of a cached read). A projection
 * naming ROW_ORDER selects the rowid, then the projection's columns.
 */
export function findStatement(collection: string, query: FindQuery, select?: string): Statement {
  checkCount('limit', query.limit);
  checkCount('skip', query.skip);
  const where = compileFilter(query.filter);
  const withId = query.projection?.includes(ROW_ORDER) ?? false;
  const projection = compileProjection(withId ? query.projection!.filter((f) => f !== ROW_ORDER) : query.projection);
  const order = compileSort(query.sort);
  // With firstOf, the rows each first of their value in the order: SQLite numbers them within each value
  // itself, so that no more than one row per value is read out of it.
  const from = query.firstOf === undefined
    ? `${table(collection)} WHERE ${where.sql}`
    : `(SELECT id, doc, row_number() OVER (PARTITION BY ${expr(query.firstOf)} ORDER BY ${order}) AS nth FROM ${table(collection)} WHERE ${where.sql}) WHERE nth = 1`;
  let sql = `SELECT ${select ?? (withId ? `id, ${projection.sql}` : projection.sql)} FROM ${from} ORDER BY ${order}`;
  const params = [...where.params];
  if (query.limit !== undefined || query.skip !== undefined) {
    // The limit as a literal (a checked integer): SQLite's planner reads a bound LIMIT's value, and any
    // new binding of it then prepares the statement again, every read (through the store: 70 against
    // 35 µs for a lookup by key, 197 against 135 for a page; bench/store-reads.ts). A bound OFFSET
    // costs nothing of the kind.
    sql += ` LIMIT ${query.limit ?? -1} OFFSET ?`;
    params.push(query.skip ?? 0);
  }
  return { sql, params, pick: projection.pick };
}

/**
 * The rows of `findByValues` (no value null): a join driven by the values, each looked up through the
 * field's index, in rowid order: 0.8 of the cost of `IN (SELECT value FROM json_each(?))`, which
 * first builds a temporary index of the values (bench/store-reads.ts, 97 values). The values are
 * distinct (a join returns a row once per value that matches it); `json_each` has an `id` of its own,
 * so the table's is named in full.
 */
export function valuesStatement(collection: string, field: string, values: string, projection: string[] | undefined, ids: boolean): Statement {
  const t = table(collection);
  const columns = compileProjection(projection);
  const sql = `SELECT ${ids ? `${t}.id` : columns.sql} FROM json_each(?) AS v JOIN ${t} ON ${expr(field)} = v.value ORDER BY ${t}.id`;
  return { sql, params: [values], pick: columns.pick };
}
