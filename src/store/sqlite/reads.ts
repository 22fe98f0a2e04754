// Reads of the embedded store (store.ts): from the document cache, on the event loop, or on a reader
// thread when they may walk much of a large collection (thread-reads.ts).

import { filterValue, ROW_ORDER, type FindQuery, type Row, type Store } from '../port.ts';
import { conditionsOf, LOOKUP_VALUES_MAX, walkOf } from '../sqlite-read-plan.ts';
import { valuesKey, type cachedReadsOf } from './cached-reads.ts';
import type { Connection } from './connection.ts';
import { parseDoc } from './documents.ts';
import { compileFilter, findStatement, param, table, valuesStatement, type Statement } from './sql.ts';
import { parseThreadRows, type ThreadReads } from './thread-reads.ts';

/** The reads of a store on `conn`. */
export function readsOf(conn: Connection, threads: ThreadReads, { readRows }: ReturnType<typeof cachedReadsOf>): Pick<Store, 'find' | 'count' | 'findByValues'> {
  const { prepare, read } = conn;
  const { isLarge, onThread, readOnThread } = threads;

  /** A row read with its rowid, carrying it as ROW_ORDER. */
  const withRowOrder = (pick: Statement['pick']) => ([id, doc]: [number, string]): Row => {
    const row = pick ? pick(parseDoc(doc)) : parseDoc(doc);
    row[ROW_ORDER] = id;
    return row;
  };

  /** Rows carrying their rowid as ROW_ORDER (its projection names it): read past the cache. */
  const findWithRowOrder = (collection: string, query: FindQuery): Promise<Row[]> => {
    const { sql, params, pick } = findStatement(collection, query);
    return read(`find in ${collection}`, [], () => (prepare(sql).raw().all(...params) as [number, string][]).map(withRowOrder(pick)), query);
  };

  const find = async (collection: string, query: FindQuery, rows = query.limit): Promise<Row[]> => {
    if (query.limit === 0) return [];
    if (query.signal?.aborted) throw query.signal.reason;
    const withId = query.projection?.includes(ROW_ORDER) ?? false;
    if (isLarge(collection, conditionsOf(query.filter))) {
      const statement = findStatement(collection, query);
      if (onThread(walkOf(query.filter, query.limit, query.skip), statement)) {
        const what = `find in ${collection}`;
        return parseThreadRows(await readOnThread(what, [], statement, withId ? 'rows' : 'all', query), withId, statement.pick);
      }
    }
    if (withId) return findWithRowOrder(collection, query);
    return readRows(collection, query.projection, rows, (ids) => findStatement(collection, query, ids ? 'id' : undefined), undefined, query);
  };

  return {
    async find(collection, query) {
      return find(collection, query);
    },

    async count(collection, filter, options) {
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      const where = compileFilter(filter);
      const sql = `SELECT count(*) FROM ${table(collection)} WHERE ${where.sql}`;
      const what = `count in ${collection}`;
      if (isLarge(collection, conditionsOf(filter)) && onThread(walkOf(filter), { sql, params: where.params })) return readOnThread(what, 0, { sql, params: where.params }, 'value', options);
      return read(what, 0, () => prepare(sql).pluck().get(...where.params) as number, options);
    },

    async findByValues(collection, field, values, projection, options) {
      if (values.length === 0) return [];
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      // As many rows as values on a unique field, the usual case (a page's links).
      if (values.some((v) => v === null || v === undefined) || projection?.includes(ROW_ORDER)) {
        return find(collection, { filter: { kind: 'in', field, values }, projection, signal, owner: options?.owner }, values.length);
      }
      // Distinct as the store compares them (a decimal by its order key, true as 1); their JSON text is
      // made only when SQLite is read: the cache finds the ids by the values themselves (valuesKey). Each
      // checked as a filter's (port.ts, filterValue): an object or array went into the JSON as one and
      // matched nothing, where MongoDB's `$in` refuses it (toMongoFilter).
      const params = values.map((v) => param(filterValue(field, v)));
      const statement = (ids: boolean) => valuesStatement(collection, field, JSON.stringify([...new Set(params)]), projection, ids);
      if (isLarge(collection)) {
        // Through an index that is not unique, a value may find much of the collection.
        const read = statement(false);
        if (onThread(values.length > LOOKUP_VALUES_MAX ? 'any' : 'lookup', read)) {
          return parseThreadRows(await readOnThread(`find in ${collection}`, [], read, 'all', options), false, read.pick);
        }
      }
      return readRows(collection, projection, values.length, statement, valuesKey(field, params), options);
    },
  };
}
