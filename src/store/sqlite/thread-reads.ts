// Reads of large collections on reader threads (sqlite-readers.ts): which reads go there (those that may
// walk much of a collection), and their answers parsed on the event loop a slice at a time.

import { ROW_ORDER, StoreUnavailableError, type ReadOptions, type Row } from '../port.ts';
import { PackedRows, ReaderThreadError, ReaderThreads, type ReadMode } from '../sqlite-readers.ts';
import { staysShort, type Walk } from '../sqlite-read-plan.ts';
import { STATEMENT_CACHE_SIZE, type Connection } from './connection.ts';
import { parseDoc } from './documents.ts';
import { afterTurn, isBusy, isNoSuchTable, isSchemaChanged, translate } from './locks.ts';
import { table, type Sql, type Statement } from './sql.ts';

/**
 * Above this many rows walked, times the conditions tested on each (conditionsOf), a read that may walk much
 * of a collection runs on a reader thread (sqlite-readers.ts): a thread's read costs 0.05 to 0.09 ms more
 * than one on the event loop (bench/reader-threads.ts), a walk of 5,000 documents about 3 ms. It was 50,000
 * rows whatever the filter: one department's queries of 30 aliases of a `contains` count over 45,000
 * records (30 ms a read), or of 3 aliases of an `or` of 50 `contains` (300 ms a read), all within every
 * limit, held the event loop read after read, and another department's lookup waited 1 s, then 10 s
 * (test/small-resource-walks.test.ts).
 */
export const DEFAULT_READER_THREAD_ROWS = 5_000;
/** The length of a record of the row threshold: a collection of larger records goes on threads with fewer of them. */
const RECORD_CHARS = 500;
/** How many of a collection's last documents its mean record length is taken from. */
const SIZE_SAMPLE = 20;
/** How many characters of documents a reader thread's answer is parsed by between turns of the event loop (about 4 ms). */
const PARSE_SLICE_CHARS = 1_000_000;

/** The reader threads of a store, and what decides which reads they take. */
export type ThreadReads = ReturnType<typeof threadReadsOf>;

export function threadReadsOf(conn: Connection, options: { readerThreadRows?: number; readerThreads?: number }) {
  const { db, file, lockWaitMs, prepare } = conn;
  // Reads that may walk much of a large collection run on reader threads (sqlite-readers.ts).
  const readerRows = options.readerThreadRows ?? DEFAULT_READER_THREAD_ROWS;
  const readers = new ReaderThreads(file, { busyMs: lockWaitMs, size: options.readerThreads });
  /** About how large each collection is (isLarge), asked at most once a second. */
  const sizes = new Map<string, { rows: number; chars: number; at: number }>();
  let threadReads = 0;
  /** Whether each read's SQL stays short (staysShort), by its text. */
  const shortReads = new Map<string, boolean>();

  /**
   * Whether a walk of a collection testing `conditions` on each row (conditionsOf) tests more than
   * `readerRows` rows, or more characters of documents than that many records of RECORD_CHARS each (40,000
   * records of 10,000 characters walk as long as 800,000 small ones): its largest rowid, times the mean
   * length of its last SIZE_SAMPLE documents (read in rowid order), times the conditions.
   */
  function isLarge(collection: string, conditions = 1): boolean {
    const now = Date.now();
    let size = sizes.get(collection);
    if (size === undefined || now - size.at > 1000) {
      let rows = 0;
      let chars = 0;
      try {
        const t = table(collection);
        rows = Number(prepare(`SELECT coalesce(max(id), 0) FROM ${t}`).pluck().get());
        const mean = Number(prepare(`SELECT coalesce(avg(length(doc)), 0) FROM (SELECT doc FROM ${t} ORDER BY id DESC LIMIT ${SIZE_SAMPLE})`).pluck().get());
        chars = rows * mean;
      } catch {
        // No such collection (it reads as empty) or a store that fails: the read itself says so.
      }
      if (sizes.size >= STATEMENT_CACHE_SIZE) sizes.clear();
      sizes.set(collection, (size = { rows, chars, at: now }));
    }
    return size.rows * conditions > readerRows || size.chars * conditions > readerRows * RECORD_CHARS;
  }

  /** SQLite's plan for a statement: the `detail` of each line of EXPLAIN QUERY PLAN. */
  const planOf = ({ sql, params }: Sql): string[] =>
    (prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);

  /** True when a read of a large collection with this SQL should run on a reader thread. */
  function onThread(walk: Walk, { sql, params }: Sql): boolean {
    let short = shortReads.get(sql);
    if (short === undefined) {
      if (walk === 'any') return true;
      let plan: string[];
      try {
        plan = planOf({ sql, params });
      } catch {
        return true; // the thread's read gives the error
      }
      const unique = new Set(prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql LIKE 'CREATE UNIQUE %'").pluck().all() as string[]);
      if (shortReads.size >= STATEMENT_CACHE_SIZE) shortReads.clear();
      shortReads.set(sql, (short = staysShort(walk, plan, unique)));
    }
    return !short;
  }

  /** Tries of a thread's read whose statement another process's schema changes kept SQLite from preparing. */
  const SCHEMA_ATTEMPTS = 20;

  /** A read on a reader thread; a collection that does not exist reads as empty, as `read` has it. */
  async function readOnThread<T>(what: string, empty: T, { sql, params }: Sql, mode: ReadMode, options: ReadOptions = {}): Promise<T> {
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    threadReads++;
    for (let attempt = 1; ; attempt++) {
      try {
        return (await readers.read(sql, params, mode, { signal: options.signal, owner: options.owner })) as T;
      } catch (error) {
        // Another process making indexes changed the schema under the statement (locks.ts): read again.
        if (isSchemaChanged(error) && attempt < SCHEMA_ATTEMPTS) continue;
        if (isNoSuchTable(error)) return empty;
        // The threads closed with the store, or this read's thread crashed or was ended: the store is
        // unavailable to it, as a closed connection is to a read on the event loop.
        if (error instanceof ReaderThreadError) throw new StoreUnavailableError(`${what}: ${error.message}`, { cause: error });
        // The thread waited for the lock itself (its busy timeout is lockWaitMs), holding only itself.
        if (isBusy(error)) throw new StoreUnavailableError(`${what}: the database stayed locked by another process for ${lockWaitMs} ms`, { cause: error });
        throw translate(error, what);
      }
    }
  }

  return {
    readers,
    sizes,
    shortReads,
    isLarge,
    planOf,
    onThread,
    readOnThread,
    /** How many reads have run on reader threads since the store was opened. */
    get count() {
      return threadReads;
    },
  };
}

/**
 * A reader thread's rows (`withId`: each an id and a document) parsed on the event loop in slices, with a
 * turn of the loop between them: a link to an item many records share reads most of a large collection
 * (20,000 documents of 1,500 characters held the loop 60 to 90 ms, copied and parsed at once).
 */
export async function parseThreadRows(result: unknown, withId: boolean, pick: Statement['pick']): Promise<Row[]> {
  const packed = result instanceof PackedRows ? result : undefined;
  const list = result as (string | [number, string])[];
  const n = packed ? packed.length : list.length;
  const rows: Row[] = new Array(n);
  let chars = 0;
  for (let i = 0; i < n; i++) {
    if (chars >= PARSE_SLICE_CHARS) {
      chars = 0;
      await new Promise<void>((resolve) => afterTurn(resolve));
    }
    const doc = packed ? packed.text(i) : withId ? (list[i] as [number, string])[1] : (list[i] as string);
    chars += doc.length;
    const row = pick ? pick(parseDoc(doc)) : parseDoc(doc);
    if (withId) row[ROW_ORDER] = packed ? packed.id(i) : (list[i] as [number, string])[0];
    rows[i] = row;
  }
  return rows;
}
