// Reads through the document cache (doc-cache.ts): the ids a statement found and the parsed documents,
// kept while no other connection commits (`PRAGMA data_version`).

import { StoreUnavailableError, type ReadOptions, type Row } from '../port.ts';
import type { DocCache } from '../doc-cache.ts';
import type { Connection } from './connection.ts';
import { parseDoc } from './documents.ts';
import { checkField, picker, projectedFields, table, type Param, type Statement } from './sql.ts';

/**
 * Reads of 2 to this many rows (pages, a page's links) go through the document cache. Longer ones
 * (exports, reports) go past it; so do reads of one row (a lookup by key), which the cache made slower:
 * the read transaction around `PRAGMA data_version` costs more than parsing one document (bench/doc-cache.ts).
 */
const CACHED_READ_MAX_ROWS = 1000;

/**
 * A statement and its parameters as one key of the document cache: each string with its length before
 * it, so that no two lists of parameters make one key (JSON.stringify of a link read's values, already
 * JSON text, cost 15 µs a read).
 */
function statementKey(sql: string, params: Param[]): string {
  let key = sql;
  for (const p of params) key += typeof p === 'string' ? `\ns${p.length}:${p}` : p === null ? '\nz' : `\nn${p}`;
  return key;
}

/** The document cache's key of a read's ids; with the values its key leaves out (compared one by one). */
export interface IdsKey {
  key: string;
  values?: readonly Param[];
}

/**
 * The key of the ids of `findByValues` on `field`: its count, first and last values, and the values to
 * compare. A key of the values' JSON text (statementKey) cost 10-15 µs a page's links (97 values): the
 * Set making them distinct, their JSON, then hashing a 2,000-character key; comparing them is 1 µs.
 */
export function valuesKey(field: string, params: Param[]): IdsKey {
  return { key: statementKey(`values of ${checkField(field)}, ${params.length}`, [params[0]!, params[params.length - 1]!]), values: params };
}

/** The reads of a store's documents, through `docs` when there is a cache and it helps. */
export function cachedReadsOf(conn: Connection, docs: DocCache | undefined) {
  const { db, file, prepare, read } = conn;
  /** `PRAGMA data_version`, prepared once: every cached read asks it. */
  const dataVersion = db.prepare('PRAGMA data_version').pluck();

  /** The documents of the ids `key` found, when the cache holds the ids and every one of them. */
  function cachedRows(cache: DocCache, collection: string, { key, values }: IdsKey): Row[] | undefined {
    const ids = cache.ids(collection, key, values);
    if (ids === undefined) return undefined;
    const rows: Row[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const row = cache.get(collection, ids[i]!);
      if (row === undefined) return undefined;
      rows[i] = row;
    }
    return rows;
  }

  /**
   * The rows of a statement (`statement(true)`: its ids alone), from the cache where it holds them (the
   * ids it found, the documents), else from SQLite. A read the cache answers whole needs no transaction:
   * `PRAGMA data_version` (in a read transaction of its own) unchanged says no other connection committed
   * since the cache was last checked, so the cache holds what the store holds now (a transaction's BEGIN
   * and COMMIT cost 2% of a list request's CPU). Otherwise the ids and the documents are read in one read
   * transaction, so they are one snapshot.
   */
  function readThrough(collection: string, statement: (ids: boolean) => Statement, idsKey?: IdsKey): Row[] {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    const cache = docs!;
    let ids: Statement | undefined;
    const key = idsKey ?? { key: statementKey((ids = statement(true)).sql, ids.params) };
    if (cache.isDataVersion(dataVersion.get())) {
      const rows = cachedRows(cache, collection, key);
      if (rows !== undefined) return rows;
    }
    return readThroughInTransaction(collection, statement, ids ?? statement(true), key);
  }

  /**
   * readThrough's read in one read transaction. The first read after another connection's commit reads
   * its documents at once and keeps none; the next one fills the cache.
   */
  const readThroughInTransaction = db.transaction((collection: string, statement: (ids: boolean) => Statement, { sql, params }: Statement, { key, values }: IdsKey): Row[] => {
    const cache = docs!;
    const parse = (id: number, doc: string): Row => {
      const row = parseDoc(doc);
      cache.set(collection, id, row, doc.length);
      return row;
    };
    if (!cache.checkDataVersion(dataVersion.get())) {
      // Read as without a cache, keeping nothing: with several gateways on one folder every read gets
      // here, and documents kept until the next read only to be forgotten then cost garbage collections.
      const { sql, params } = statement(false);
      return (prepare(sql).pluck().all(...params) as string[]).map(parseDoc);
    }
    let ids = cache.ids(collection, key, values);
    if (ids === undefined) {
      ids = prepare(sql).pluck().all(...params) as number[];
      cache.setIds(collection, key, ids, values);
    }
    const found = ids.map((id) => cache.get(collection, id));
    const missing = ids.filter((_, i) => found[i] === undefined);
    if (missing.length === 0) return found as Row[];
    const parsed = new Map<number, Row>();
    const byId = `SELECT id, doc FROM ${table(collection)} WHERE id IN (SELECT value FROM json_each(?))`;
    for (const [id, doc] of prepare(byId).raw().all(JSON.stringify(missing)) as [number, string][]) parsed.set(id, parse(id, doc));
    return found.map((row, i) => row ?? parsed.get(ids[i]!)!);
  });

  /** Rows are copies: a caller may change what it gets without changing the cached document. */
  const findCached = (collection: string, projection: string[] | undefined, statement: (ids: boolean) => Statement, idsKey: IdsKey | undefined, options: ReadOptions | undefined): Promise<Row[]> => {
    const pick = projection && picker(projectedFields(projection));
    return read(`find in ${collection}`, [], () =>
      readThrough(collection, statement, idsKey).map((doc) => (pick ? pick(doc) : { ...doc })),
    options);
  };

  /** The rows of a statement that may return `rows` rows (undefined: any number); through the cache when it helps. */
  const readRows = async (collection: string, projection: string[] | undefined, rows: number | undefined, statement: (ids: boolean) => Statement, idsKey?: IdsKey, options?: ReadOptions): Promise<Row[]> => {
    if (docs !== undefined && rows !== undefined && rows > 1 && rows <= CACHED_READ_MAX_ROWS) return findCached(collection, projection, statement, idsKey, options);
    const { sql, params, pick } = statement(false);
    return read(`find in ${collection}`, [], () => {
      const docs = prepare(sql).pluck().all(...params) as string[];
      return pick
        ? docs.map((doc) => pick(parseDoc(doc)))
        : docs.map(parseDoc);
    }, options);
  };

  return { readRows };
}
