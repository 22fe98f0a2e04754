// The embedded store (SPEC §11): SQLite through better-sqlite3, one database file in the data folder,
// in WAL mode so that several gateway processes can share the folder.
//
// Locks never stall the event loop: an operation that finds the database locked by another process is
// retried asynchronously, until `lockWaitMs` has passed (src/store/sqlite/locks.ts). `upsertAll` (data
// import) runs on a connection of its own in one transaction (src/store/sqlite/import.ts).
//
// Layout: one table per collection, named `c:<collection>`, holding each document as JSON text
// (`id INTEGER PRIMARY KEY, doc TEXT`). Indexes are expression indexes on `json_extract(doc, '$.field')`,
// and filters and sorts are written with exactly the same expressions, so that SQLite uses them.
// The indexes asked for are recorded in `_govgraph_indexes`, which `listIndexes` reads. A partial index
// (port.ts, IndexSpec.partial) is one `WHERE json_extract(doc, '$.field') IS NOT NULL` (JSON null and a
// missing field are both SQL NULL there).
// The SQL of filters, sorts and projections is written in src/store/sqlite/sql.ts.
//
// Decimals are kept as their order keys, with their texts beside them (src/store/sqlite/documents.ts).
//
// Semantics kept equal to MongoDB's (see port.ts): null and missing are one; `ne: x` matches nulls;
// `in` with null matches nulls; gt/gte/lt/lte never match null; nulls sort first in ASC.
// Differences: a unique index that is not partial accepts several rows whose field is null (MongoDB
// accepts one), so those are meant for required fields (a partial one takes any number on both); a filter compares values across types by SQLite's order
// (numbers < strings) where MongoDB compares only values of the same type: a field has one type.
// A projection returns every projected field, null when the document has none. Field names are
// GraphQL names other than `_id` (MongoDB's), checked before they reach SQL.

import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import {
  DuplicateKeyError,
  ROW_ORDER,
  StoreUnavailableError,
  uniqueIndexRefused,
  type FindQuery,
  type IndexSpec,
  type Row,
  type Store,
  type UpsertResult,
} from './port.ts';
import { announceWrites } from './changes.ts';
import { DocCache } from './doc-cache.ts';
import { LOOKUP_VALUES_MAX, walkOf } from './sqlite-read-plan.ts';
import { cachedReadsOf, valuesKey } from './sqlite/cached-reads.ts';
import { claimsOf } from './sqlite/claims.ts';
import { joinedComparison } from './sqlite/compare-joined.ts';
import { connectionOf } from './sqlite/connection.ts';
import { makeFolder, openFailureHint } from './sqlite/data-folder.ts';
import { DECIMALS, DECIMALS_PATH, keyedDocs, parseDoc, stringifyRow } from './sqlite/documents.ts';
import { importRows, upsertRows } from './sqlite/import.ts';
import { connect, translate, whenUnlocked } from './sqlite/locks.ts';
import { metersOf } from './sqlite/meters.ts';
import {
  checkCollection,
  checkField,
  compileFilter,
  expr,
  findStatement,
  indexName,
  param,
  quoteId,
  table,
  valuesStatement,
  type Param,
  type Statement,
} from './sqlite/sql.ts';
import { parseThreadRows, threadReadsOf } from './sqlite/thread-reads.ts';
import { Decimal } from '../formats/decimal.ts';

export { openFailureHint } from './sqlite/data-folder.ts';
export { SYNC_LOCK_WAIT_MS } from './sqlite/locks.ts';
export { DEFAULT_READER_THREAD_ROWS } from './sqlite/thread-reads.ts';

export const SQLITE_FILE = 'govgraph.sqlite';

/**
 * The WAL pages after which a commit of this connection checkpoints them into the database file (SQLite's
 * default is 1,000). Every request that reads data commits its audit entry (a group-committed batch
 * rewrites the last pages of the log and of its four indexes: about 13 pages for 4 entries), and the
 * checkpoint runs inside that commit, on the event loop, copying each page the WAL holds once. At 1,000
 * it ran every ~75 batches and copied the same last pages again each time: under the lookup's load the
 * audit commits held the loop 81-92 µs per request, half of it in checkpoints; at 4,000, 56-65 µs
 * (docs/benchmarks.md, 5 December). The WAL file grows to about 16 MB before it is reused.
 */
export const WAL_CHECKPOINT_PAGES = 4000;

/** How long an operation retries a locked database, asynchronously, before StoreUnavailableError. */
export const DEFAULT_LOCK_WAIT_MS = 5000;

export interface SqliteStoreOptions {
  /** How long an operation waits for another process's lock before failing; default 5000 ms. */
  lockWaitMs?: number;
  /** How much parsed documents reads keep (doc-cache.ts), in characters of their stored JSON; 0 for none. */
  docCacheChars?: number;
  /** Collections of more rows than this (or of more than 500 characters a row times this) read on reader threads what may walk much of them; default 50,000. */
  readerThreadRows?: number;
  /** How many reader threads at most; default 2. */
  readerThreads?: number;
}

/** 32 million characters of stored JSON: about 90,000 of the demo's records, 1,000 of a catalogue with 2,000 items. */
export const DEFAULT_DOC_CACHE_CHARS = 32_000_000;

/** The SQLite store, with what tests and tools need beyond the port. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly file: string;
  /** The `EXPLAIN QUERY PLAN` lines of the statement `find` would run. */
  explainFind(collection: string, query: FindQuery): string[];
  /** How many reads have run on reader threads (sqlite-readers.ts) since the store was opened. */
  readonly threadReads: number;
  /**
   * Why the store file is no longer at its path (deleted, moved, replaced) while this process holds it
   * open, or null: /readyz says `store-unavailable` then, since what is written now is lost at restart.
   */
  fileGone(): string | null;
  /** Reads waiting for a reader thread, and threads reading, now (the gateway's /metrics). */
  readonly readerLoad: { queued: number; running: number };
}

/**
 * Refuses a SQLite database of another program at the store's path (`--data` naming that program's folder):
 * a read command opened it, switched it to WAL and wrote govgraph's tables into it, and `catalogue import`
 * stored a platform there. Every govgraph store holds `_govgraph_indexes` (made at each open); a file with
 * tables but not that one is not a store. Checked before anything is written to it.
 */
function refuseForeignDatabase(db: Database.Database, file: string): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  if (tables.length === 0 || tables.includes('_govgraph_indexes')) return;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
  throw new StoreUnavailableError(
    `${file} is a SQLite database of another program (its tables: ${shown}), not a govgraph store; nothing was written to it: name the data folder of the store, or an empty folder to make one in`,
  );
}

/**
 * `_govgraph_indexes` of a store made before partial indexes (port.ts, IndexSpec.partial) gets their column,
 * 0 for the indexes it records. Under the write lock, checked again there: two processes opening the
 * store at once would both have added it, and the second failed with "duplicate column name". An older
 * release recording an index leaves the column out, which records one that is not partial, as its are.
 */
/** Makes an index; one refused over duplicate values is said in words (uniqueIndexRefused). */
async function writeIndex(collection: string, fields: string[], make: () => Promise<void>): Promise<void> {
  try {
    await make();
  } catch (error) {
    throw error instanceof DuplicateKeyError ? uniqueIndexRefused(collection, fields) : error;
  }
}

function indexesKeepPartial(db: Database.Database): void {
  const hasColumn = () => db.prepare("SELECT 1 FROM pragma_table_info('_govgraph_indexes') WHERE name = 'is_partial'").get() !== undefined;
  if (hasColumn()) return;
  db.transaction(() => {
    if (!hasColumn()) db.exec('ALTER TABLE _govgraph_indexes ADD COLUMN is_partial INTEGER NOT NULL DEFAULT 0');
  }).immediate();
}

export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const file = path.join(dataDir, SQLITE_FILE);
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const cacheChars = options.docCacheChars ?? DEFAULT_DOC_CACHE_CHARS;
  const docs = cacheChars > 0 ? new DocCache(cacheChars) : undefined;
  let db: Database.Database;
  let tried: Database.Database | undefined;
  try {
    // The store keeps the platform's secret (it signs tokens of any department and role, keys the
    // audit log and cursors): a folder it makes is its owner's alone, and so is a store file it makes
    // (SQLite gives the write-ahead log and shared memory the store file's mode). A folder or file
    // that exists keeps the mode its operator gave it.
    makeFolder(dataDir, 0o700);
    if (!existsSync(file)) {
      try {
        closeSync(openSync(file, 'a', 0o600));
      } catch {
        // A folder this user cannot write, a read-only or full file system: SQLite's own refusal
        // below says which (openFailureHint), as it did before this file was made first.
      }
    }
    db = await whenUnlocked(`open ${file}`, lockWaitMs, () => {
      // A connection of its own each try: one that met another process's schema changes while it opened
      // (SQLITE_SCHEMA, a publication making thousands of indexes) kept meeting them at every later try.
      tried?.close();
      const db = (tried = connect(file));
      refuseForeignDatabase(db, file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
      db.exec(`CREATE TABLE IF NOT EXISTS _govgraph_indexes (
      collection TEXT NOT NULL,
      name TEXT NOT NULL,
      fields TEXT NOT NULL,
      is_unique INTEGER NOT NULL,
      is_partial INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (collection, name)
    )`);
      indexesKeepPartial(db);
      return db;
    });
  } catch (error) {
    tried?.close();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`cannot open the SQLite store ${file}: ${(error as Error).message}${openFailureHint(error, dataDir)}`, { cause: error });
  }

  // The file opened, to tell when the path no longer leads to it.
  const opened = statSync(file);
  const fileGone = (): string | null => {
    // SQLite keeps reading and writing a store file deleted or moved away under it (its descriptor stays
    // open): every read answered and every audit entry went into a file no later process would open.
    try {
      const now = statSync(file);
      return now.ino === opened.ino && now.dev === opened.dev ? null : `${file} was replaced by another file since this process opened it`;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return code === 'ENOENT' || code === 'ENOTDIR' ? `${file} was deleted or moved since this process opened it` : null;
    }
  };

  const conn = connectionOf(db, file, lockWaitMs, docs);
  const { prepare, read, write } = conn;
  const threads = threadReadsOf(conn, options);
  const { readers, sizes, shortReads, isLarge, planOf, onThread, readOnThread } = threads;
  const { readRows } = cachedReadsOf(conn, docs);

  /** A row read with its rowid, carrying it as ROW_ORDER. */
  const withRowOrder = (pick: Statement['pick']) => ([id, doc]: [number, string]): Row => {
    const row = pick ? pick(parseDoc(doc)) : parseDoc(doc);
    row[ROW_ORDER] = id;
    return row;
  };

  /** Rows carrying their rowid as ROW_ORDER (its projection names it): read past the cache. */
  const findWithRowOrder = (collection: string, query: FindQuery): Promise<Row[]> => {
    const { sql, params, pick } = findStatement(collection, query);
    return read(`find in ${collection}`, [], () => (prepare(sql).raw().all(...params) as [number, string][]).map(withRowOrder(pick)));
  };

  const find = async (collection: string, query: FindQuery, rows = query.limit): Promise<Row[]> => {
    if (query.limit === 0) return [];
    if (query.signal?.aborted) throw query.signal.reason;
    const withId = query.projection?.includes(ROW_ORDER) ?? false;
    if (isLarge(collection)) {
      const statement = findStatement(collection, query);
      if (onThread(walkOf(query.filter, query.limit, query.skip), statement)) {
        const what = `find in ${collection}`;
        return parseThreadRows(await readOnThread(what, [], statement, withId ? 'rows' : 'all', query), withId, statement.pick);
      }
    }
    if (withId) return findWithRowOrder(collection, query);
    return readRows(collection, query.projection, rows, (ids) => findStatement(collection, query, ids ? 'id' : undefined));
  };

  const meterStep = metersOf(conn);
  const claimOnce = claimsOf(conn);

  const store: Omit<SqliteStore, 'watch'> = {
    kind: 'sqlite',
    file,

    async find(collection, query) {
      return find(collection, query);
    },

    async count(collection, filter, options) {
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      const where = compileFilter(filter);
      const sql = `SELECT count(*) FROM ${table(collection)} WHERE ${where.sql}`;
      const what = `count in ${collection}`;
      if (isLarge(collection) && onThread(walkOf(filter), { sql, params: where.params })) return readOnThread(what, 0, { sql, params: where.params }, 'value', options);
      return read(what, 0, () => prepare(sql).pluck().get(...where.params) as number);
    },

    async findByValues(collection, field, values, projection, options) {
      if (values.length === 0) return [];
      const signal = options?.signal;
      if (signal?.aborted) throw signal.reason;
      // As many rows as values on a unique field, the usual case (a page's links).
      if (values.some((v) => v === null || v === undefined) || projection?.includes(ROW_ORDER)) {
        return find(collection, { filter: { kind: 'in', field, values }, projection, signal }, values.length);
      }
      // Distinct as the store compares them (a decimal by its order key, true as 1); their JSON text is
      // made only when SQLite is read: the cache finds the ids by the values themselves (valuesKey).
      const params = values.map(param);
      const statement = (ids: boolean) => valuesStatement(collection, field, JSON.stringify([...new Set(params)]), projection, ids);
      if (isLarge(collection)) {
        // Through an index that is not unique, a value may find much of the collection.
        const read = statement(false);
        if (onThread(values.length > LOOKUP_VALUES_MAX ? 'any' : 'lookup', read)) {
          return parseThreadRows(await readOnThread(`find in ${collection}`, [], read, 'all', options), false, read.pick);
        }
      }
      return readRows(collection, projection, values.length, statement, valuesKey(field, params));
    },

    async insert(collection, rows) {
      if (rows.length === 0) return;
      // An audit entry written into a store file deleted or replaced under the process is lost at its
      // next start: refused instead, so requests get AUDIT_UNAVAILABLE and the log says why.
      const gone = collection === '_audit' ? fileGone() : null;
      if (gone !== null) throw new StoreUnavailableError(`insert into ${collection}: ${gone}`);
      const docs = rows.map((row, i) => stringifyRow(row, collection, i));
      await write(`insert into ${collection}`, collection, () => {
        const insert = prepare(`INSERT INTO ${table(collection)} (doc) VALUES (?)`);
        for (const doc of docs) insert.run(doc);
      });
    },

    async upsert(collection, key, rows): Promise<UpsertResult> {
      checkField(key);
      const docs = keyedDocs(collection, key, rows);
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      return write(`upsert into ${collection}`, collection, () => upsertRows(db, collection, key, rows, docs, new Map(), true));
    },

    async upsertAll(collection, key, batches) {
      checkField(key);
      checkCollection(collection);
      if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
      return importRows(file, lockWaitMs, collection, key, batches);
    },

    async update(collection, filter, set) {
      const fields = Object.keys(set);
      if (fields.length === 0) return store.count(collection, filter);
      const where = compileFilter(filter);
      // Decimal fields set their keys here and their texts in `#decimals`; other fields drop any text they had.
      const params: Param[] = fields.map((f) => {
        const value = set[f] ?? null;
        return JSON.stringify(value instanceof Decimal ? value.orderKey : value);
      });
      let assigned = `json_set(doc, ${fields.map((f) => `'$.${checkField(f)}', json(?)`).join(', ')})`;
      if (fields.some((f) => set[f] instanceof Decimal)) {
        assigned = `json_set(${assigned}, ${DECIMALS_PATH}, json_patch(coalesce(doc -> ${DECIMALS_PATH}, '{}'), json(?)))`;
        params.push(JSON.stringify(Object.fromEntries(fields.map((f) => [f, set[f] instanceof Decimal ? set[f].text : null]))));
      } else {
        assigned = `json_remove(${assigned}, ${fields.map((f) => `'$."${DECIMALS}".${f}'`).join(', ')})`;
      }
      const sql = `UPDATE ${table(collection)} SET doc = ${assigned} WHERE ${where.sql}`;
      params.push(...where.params);
      return read(`update in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },

    async delete(collection, filter) {
      const where = compileFilter(filter);
      const sql = `DELETE FROM ${table(collection)} WHERE ${where.sql}`;
      return read(`delete in ${collection}`, 0, () => {
        try {
          return prepare(sql).run(...where.params).changes;
        } finally {
          docs?.forget(collection);
        }
      });
    },

    async compareJoined(left, right, sample, options) {
      return joinedComparison(conn, threads, left, right, sample, options);
    },

    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const fields = index.fields.map(checkField);
      const unique = index.unique === true;
      const partial = index.partial === true;
      const name = indexName(collection, fields);
      const recorded = 'SELECT is_unique, is_partial FROM _govgraph_indexes WHERE collection = ? AND name = ?';
      type Recorded = { is_unique: number; is_partial: number } | undefined;
      const existing = (await read(`ensureIndex on ${collection}`, undefined, () => prepare(recorded).get(collection, name))) as Recorded;
      if (existing !== undefined && (existing.is_unique === 1) !== unique) {
        throw new Error(`ensureIndex on ${collection}: an index on ${fields.join(', ')} exists with unique=${existing.is_unique === 1}`);
      }
      if (existing?.is_partial === 1 && !partial) {
        throw new Error(`ensureIndex on ${collection}: an index on ${fields.join(', ')} exists with partial=true`);
      }
      // Recorded in the same write as it was made (and forgotten with its table): made. Without the write
      // lock, so that a process started while another holds it (a long import) finds its workflow lists'
      // indexes made, rather than waiting lockWaitMs at each list for nothing.
      if (existing !== undefined && (existing.is_partial === 1) === partial) return;
      shortReads.clear(); // a read's plan may change with the index
      await writeIndex(collection, fields, () => write(`ensureIndex on ${collection}`, collection, () => {
        // Made meanwhile by another process, as asked: nothing to do. An index an older release made over
        // every row (not partial) is dropped and made partial in this one transaction: no moment without it.
        const now = prepare(recorded).get(collection, name) as Recorded;
        if (now !== undefined && (now.is_partial === 1) === partial) return;
        if (partial) db.exec(`DROP INDEX IF EXISTS ${quoteId(name)}`);
        const where = partial ? ` WHERE ${fields.map((f) => `${expr(f)} IS NOT NULL`).join(' AND ')}` : '';
        db.exec(
          `CREATE ${unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${quoteId(name)} ON ${table(collection)} (${fields.map(expr).join(', ')})${where}`,
        );
        prepare(
          `INSERT INTO _govgraph_indexes (collection, name, fields, is_unique, is_partial) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collection, name) DO UPDATE SET is_partial = excluded.is_partial`,
        ).run(collection, name, JSON.stringify(fields), unique ? 1 : 0, partial ? 1 : 0);
      }));
    },

    async listIndexes(collection) {
      const rows = (await read(`listIndexes on ${collection}`, [], () =>
        prepare('SELECT fields, is_unique, is_partial FROM _govgraph_indexes WHERE collection = ? ORDER BY rowid').all(collection),
      )) as { fields: string; is_unique: number; is_partial: number }[];
      return rows.map((r): IndexSpec => ({
        fields: JSON.parse(r.fields) as string[],
        unique: r.is_unique === 1,
        ...(r.is_partial === 1 ? { partial: true } : {}),
      }));
    },

    async dropCollection(collection) {
      try {
        await whenUnlocked(`dropCollection ${collection}`, lockWaitMs, () =>
          db.transaction(() => {
            docs?.forget(collection);
            shortReads.clear();
            sizes.delete(collection);
            db.exec(`DROP TABLE IF EXISTS ${table(collection)}`);
            prepare('DELETE FROM _govgraph_indexes WHERE collection = ?').run(collection);
          }).immediate(),
        );
      } catch (error) {
        throw translate(error, `dropCollection ${collection}`);
      }
    },

    async meter(collection, step, options) {
      return meterStep(collection, step, options);
    },

    claimOnce,

    fileGone,

    async close() {
      await readers.close();
      conn.clear();
      if (db.open) db.close();
    },

    get threadReads() {
      return threads.count;
    },

    get readerLoad() {
      return readers.load;
    },

    explainFind(collection, query) {
      return planOf(findStatement(collection, query));
    },
  };
  return announceWrites(store);
}
