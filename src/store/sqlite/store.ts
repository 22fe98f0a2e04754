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

import path from 'node:path';
import type Database from 'better-sqlite3';
import { StoreUnavailableError, type FindQuery, type Store } from '../port.ts';
import { announceWrites } from '../changes.ts';
import { DocCache } from '../doc-cache.ts';
import { cachedReadsOf } from './cached-reads.ts';
import { claimsOf } from './claims.ts';
import { caseOnlyKeys, joinedComparison } from './compare-joined.ts';
import { connectionOf } from './connection.ts';
import { openDatabase, SQLITE_FILE } from './database.ts';
import { headerDescriptor, watchStoreFiles, type HeaderDescriptor } from './file-watch.ts';
import { fillNullsOf } from './fill-nulls.ts';
import { indexingOf } from './indexes.ts';
import { metersOf } from './meters.ts';
import { readsOf } from './reads.ts';
import { findStatement } from './sql.ts';
import { threadReadsOf } from './thread-reads.ts';
import { writesOf } from './writes.ts';

/** How long an operation retries a locked database, asynchronously, before StoreUnavailableError. */
export const DEFAULT_LOCK_WAIT_MS = 5000;

interface SqliteStoreOptions {
  /** How long an operation waits for another process's lock before failing; default 5000 ms. */
  lockWaitMs?: number;
  /** How much parsed documents reads keep (doc-cache.ts), in characters of their stored JSON; 0 for none. */
  docCacheChars?: number;
  /** Collections of more rows than this (or of more than 500 characters a row times this) read on reader threads what may walk much of them; default 50,000. */
  readerThreadRows?: number;
  /** Collections of this many rows or more have their indexes made on a thread of their own (sqlite/index-thread.ts); default 10,000. */
  indexThreadRows?: number;
  /** How many reader threads at most; default 2. */
  readerThreads?: number;
  /** The file must already hold a store (openDatabase's `existing`). */
  existing?: boolean;
}

/** 32 million characters of stored JSON: about 90,000 of the demo's records, 1,000 of a catalogue with 2,000 items. */
const DEFAULT_DOC_CACHE_CHARS = 32_000_000;

/** The SQLite store, with what tests and tools need beyond the port. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly file: string;
  /** The `EXPLAIN QUERY PLAN` lines of the statement `find` would run. */
  explainFind(collection: string, query: FindQuery): string[];
  /** How many reads have run on reader threads (sqlite-readers.ts) since the store was opened. */
  readonly threadReads: number;
  /**
   * Why the store's files are no longer those this process opened (the file deleted, moved or replaced, its
   * -wal or -shm deleted or replaced, its content rewritten by another program: a restore under the
   * process), looked at now, or null: /readyz says `store-unavailable` then. Once found, every operation
   * fails with StoreUnavailableError, and closing the store leaves the files as they are (file-watch.ts).
   */
  fileGone(): string | null;
  /** Calls `listener` once, when fileGone finds a reason (asked, or by the store's own check each second). */
  whenFileGone(listener: (reason: string) => void): void;
  /** Reads waiting for a reader thread, and threads reading, now (the gateway's /metrics). */
  readonly readerLoad: { queued: number; running: number };
}

export async function openSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const file = path.join(dataDir, SQLITE_FILE);
  const lockWaitMs = options.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS;
  const cacheChars = options.docCacheChars ?? DEFAULT_DOC_CACHE_CHARS;
  const docs = cacheChars > 0 ? new DocCache(cacheChars) : undefined;
  const db = await openDatabase(dataDir, file, lockWaitMs, options.existing);
  let header: HeaderDescriptor;
  try {
    header = headerDescriptor(file);
  } catch (error) {
    db.close();
    throw new StoreUnavailableError(`cannot open the SQLite store ${file}: ${(error as Error).message}`, { cause: error });
  }
  const files = watchStoreFiles(file, header.fd);

  const conn = connectionOf(db, file, lockWaitMs, docs);
  const threads = threadReadsOf(conn, options);
  const { readers, planOf } = threads;
  const reads = readsOf(conn, threads, cachedReadsOf(conn, docs));
  const writes = writesOf(conn, docs, files.beforeWrite, reads.count);
  const indexing = indexingOf(conn, threads, docs, options.indexThreadRows);
  const meterStep = metersOf(conn);
  const claimOnce = claimsOf(conn);

  const store: Omit<SqliteStore, 'watch'> = {
    kind: 'sqlite',
    file,
    find: reads.find,
    count: reads.count,
    findByValues: reads.findByValues,
    insert: writes.insert,
    upsert: writes.upsert,
    upsertAll: writes.upsertAll,
    update: writes.update,
    fillNulls: fillNullsOf(conn),
    delete: writes.delete,

    async compareJoined(left, right, sample, options) {
      return joinedComparison(conn, threads, left, right, sample, options);
    },

    async caseOnlyKeys(left, right, options) {
      return caseOnlyKeys(conn, threads, left, right, options);
    },

    ensureIndex: indexing.ensureIndex,
    listIndexes: indexing.listIndexes,
    dropCollection: indexing.dropCollection,

    async meter(collection, step, options) {
      return meterStep(collection, step, options);
    },

    claimOnce,

    fileGone: files.check,
    whenFileGone: files.onChange,

    async close() {
      files.stop();
      const changed = files.check();
      await readers.close();
      conn.clear();
      if (changed !== null) {
        keepUnclosed(db, changed);
        return;
      }
      if (db.open) db.close();
      // After the connection: closing a descriptor of the file drops the process's locks on it, an index
      // thread's too (POSIX locks are the process's): so only once no index thread is writing. Not waited
      // for: a build of seconds would hold the close; the process's exit ends the build's transaction unmade.
      const building = indexing.whenIdle();
      if (building === null) header.release();
      else void building.then(() => header.release());
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
  return announceWrites(refusedOnceChanged(store, () => files.changed));
}

/** The store's operations, each refused (StoreUnavailableError) once its files were found changed under it. */
const GUARDED = [
  'find', 'count', 'findByValues', 'insert', 'upsert', 'upsertAll', 'update', 'fillNulls', 'delete', 'compareJoined', 'caseOnlyKeys',
  'ensureIndex', 'listIndexes', 'dropCollection', 'meter', 'claimOnce',
] as const;

function refusedOnceChanged<S extends object>(store: S, changed: () => string | null): S {
  const s = store as Record<string, unknown>;
  for (const name of GUARDED) {
    const operation = s[name] as (...args: unknown[]) => Promise<unknown>;
    s[name] = (...args: unknown[]) => {
      const why = changed();
      // userFacing: the gateway's poll logs it with its reason, not as an "unexpected error" an operator
      // would take for a bug after the store-file line (the reason names files, never a value).
      return why === null ? operation(...args) : Promise.reject(Object.assign(new StoreUnavailableError(`${name}: ${why}`), { userFacing: true }));
    };
  }
  return store;
}

/**
 * Connections to a store whose files were changed under the process, kept open for as long as it runs.
 * Closing one checkpoints its write-ahead log into the file at the store's path when no other connection
 * holds it (sqlite3WalClose): after `cp backup govgraph.sqlite && rm -f govgraph.sqlite-wal ...` that
 * wrote the old store's pages, from the deleted -wal, into the restored file, damaging it. Left open, the
 * process's exit drops them without a checkpoint (`serve` stops with process.exit, which runs no cleanup;
 * a process that ends by running out of work has better-sqlite3 close them, and would checkpoint).
 */
const unclosed: Array<{ db: Database.Database; reason: string }> = [];
const keepUnclosed = (db: Database.Database, reason: string) => void unclosed.push({ db, reason });

/**
 * Why this process keeps connections unclosed (its stores' files changed under it), or []. A command then
 * ends with process.exit (src/cli/main.ts): run out of work, better-sqlite3 closed them at the exit and
 * checkpointed the old store's pages into a backup restored meanwhile (`cp` over the file while
 * `catalogue import --publish` ran), which `audit verify` then called "database disk image is malformed".
 */
export const storesLeftUnclosed = (): string[] => unclosed.map((u) => u.reason);
