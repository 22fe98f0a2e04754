// The embedded store's connection (store.ts): prepared statements cached by their text, and reads and
// writes that wait for another process's lock without blocking the event loop (locks.ts).

import type Database from 'better-sqlite3';
import { StoreUnavailableError, type ReadOptions } from '../port.ts';
import type { DocCache } from '../doc-cache.ts';
import { createTableSql } from './import.ts';
import { isNoSuchTable, translate, whenUnlocked } from './locks.ts';

export const STATEMENT_CACHE_SIZE = 500;

/** The store's connection on the event loop, as the parts of the store (sqlite/*.ts) use it. */
export interface Connection {
  readonly db: Database.Database;
  readonly file: string;
  /** How long an operation waits for another process's lock before failing. */
  readonly lockWaitMs: number;
  /** The statement of `sql`, prepared once while it stays in the cache. */
  prepare(sql: string): Database.Statement;
  /**
   * Runs a read (or a single statement); a collection that does not exist reads as empty. `options`: whose
   * read it is, for its turn of the event loop among other owners', and its request's signal, which drops
   * it while it waits for that turn (locks.ts).
   */
  read<T>(what: string, empty: T, run: () => T, options?: ReadOptions): Promise<T>;
  /** Runs a write in one immediate transaction, creating the collection first; waits `waitMs` at most for a lock. */
  write<T>(what: string, collection: string, run: () => T, waitMs?: number): Promise<T>;
  /** Drops every prepared statement (the store closes). */
  clear(): void;
}

/** The connection around `db`; `docs` forgets a collection's documents at each of its writes. */
export function connectionOf(db: Database.Database, file: string, lockWaitMs: number, docs: DocCache | undefined): Connection {
  // Prepared statements, cached by SQL text (least recently used dropped first).
  const statements = new Map<string, Database.Statement>();
  function prepare(sql: string): Database.Statement {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql);
    } else {
      statement = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
    }
    statements.set(sql, statement);
    return statement;
  }

  /** Runs a read (or a single statement); a collection that does not exist reads as empty. */
  async function read<T>(what: string, empty: T, run: () => T, options?: ReadOptions): Promise<T> {
    try {
      return await whenUnlocked(what, lockWaitMs, run, options);
    } catch (error) {
      if (isNoSuchTable(error)) return empty;
      throw translate(error, what);
    }
  }

  // One transaction function for every write, and the collection's CREATE TABLE prepared once (from the
  // statement cache): making both afresh for each write cost about as much as the write itself, and every
  // request that reads data writes (its audit entry's batch). Measured: 39 µs against 20 µs for one insert.
  const inTransaction = db.transaction((collection: string, run: () => unknown) => {
    prepare(createTableSql(collection)).run();
    return run();
  });

  /** Runs a write in one immediate transaction, creating the collection first; waits `waitMs` at most for a lock. */
  async function write<T>(what: string, collection: string, run: () => T, waitMs = lockWaitMs): Promise<T> {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    try {
      return await whenUnlocked(what, waitMs, () => {
        try {
          return inTransaction.immediate(collection, run) as T;
        } finally {
          docs?.forget(collection);
        }
      });
    } catch (error) {
      throw translate(error, what);
    }
  }

  return { db, file, lockWaitMs, prepare, read, write, clear: () => statements.clear() };
}
