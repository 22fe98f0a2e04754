// Upserts of the embedded store (store.ts): rows replaced or inserted in batches, and `upsertAll`, the
// atomic data import on a connection of its own.
//
// `upsertAll` (data import) runs on a connection of its own in one transaction: a crash at any moment
// leaves either every row or none (WAL frames of an uncommitted transaction are ignored on recovery).
// Into an empty collection it drops the collection's indexes inside the transaction and builds them
// again after the last row (much faster than keeping 15 indexes up to date row by row); readers keep
// seeing the committed collection, with its indexes, until the commit. The new rows of each batch go in
// in an order drawn at random, not the file's (../write-order.ts): rowids are the store's row order.

import type Database from 'better-sqlite3';
import type { Row, UpsertAllOptions, UpsertResult } from '../port.ts';
import { keyedDocs } from './documents.ts';
import { connect, translate, whenUnlocked } from './locks.ts';
import { shuffled } from '../write-order.ts';
import { expr, param, quoteId, table, type Param } from './sql.ts';

/** Page cache of the import connection (KiB): index pages stay in memory while rows go in. */
const IMPORT_CACHE_KIB = 65536;

/** Rows one INSERT statement writes (many rows a statement cost less than a statement a row). */
const INSERT_ROWS = 100;

/**
 * Replaces each row by the rowid of its key or inserts it, inside the caller's transaction. `rowids`
 * holds keys already written (by this call or earlier ones of the same transaction); with `lookup`,
 * one read first finds the rows of every key of the batch (through the key index when there is one).
 * New rows go in INSERT_ROWS at a time (a key given twice in the batch is written once, with its last
 * row), in the order of the batch, or with `shuffle` in an order drawn at random (a data import:
 * write-order.ts). SQLite gives each inserted row the largest rowid + 1, so the rows of one statement get
 * consecutive rowids ending at `lastInsertRowid`; that is checked, never assumed.
 */
export function upsertRows(
  db: Database.Database,
  collection: string,
  key: string,
  rows: Row[],
  docs: string[],
  rowids: Map<Param, number>,
  lookup: boolean,
  shuffle = false,
  spellings?: UpsertAllOptions['spellings'],
): UpsertResult {
  const t = table(collection);
  // The other spellings of each row's key (UpsertAllOptions): the rows stored under them are replaced too.
  const others = spellings ? rows.map((row) => spellings(row[key]).map(param).filter((p) => p !== param(row[key]))) : undefined;
  if (lookup) {
    const keys = [...new Set(rows.flatMap((row, i) => [param(row[key]), ...(others?.[i] ?? [])]))];
    const found = db.prepare(`SELECT id, ${expr(key)} AS k FROM ${t} WHERE ${expr(key)} IN (SELECT value FROM json_each(?))`);
    for (const { id, k } of found.all(JSON.stringify(keys)) as { id: number; k: Param }[]) rowids.set(k, id);
  }
  const replace = db.prepare(`UPDATE ${t} SET doc = ? WHERE id = ?`);
  const remove = db.prepare(`DELETE FROM ${t} WHERE id = ?`);
  const result = { inserted: 0, updated: 0 };
  let newKeys: Param[] = [];
  let newDocs: (string | null)[] = []; // null: a new row of this batch removed for a later row's other spelling
  rows.forEach((row, i) => {
    const k = param(row[key]); // a Map tells 1 from "1", as the store does
    for (const other of others?.[i] ?? []) {
      const held = rowids.get(other);
      if (held === undefined) continue;
      rowids.delete(other);
      if (!rowids.has(k)) {
        // The row takes the place of the one stored under the other spelling: it keeps its rowid.
        rowids.set(k, held);
        if (held < 0) newKeys[-1 - held] = k;
      } else if (held > 0) remove.run(held);
      else newDocs[-1 - held] = null;
    }
    const rowid = rowids.get(k); // a rowid, or -1 - n for the nth new row of this batch
    if (rowid === undefined) {
      rowids.set(k, -1 - newDocs.length);
      newKeys.push(k);
      newDocs.push(docs[i]);
      result.inserted++;
    } else if (rowid < 0) {
      newDocs[-1 - rowid] = docs[i];
      result.updated++;
    } else {
      replace.run(docs[i], rowid);
      result.updated++;
    }
  });
  if (newDocs.includes(null)) {
    const kept = newDocs.flatMap((doc, i) => (doc === null ? [] : [i]));
    [newKeys, newDocs] = [kept.map((i) => newKeys[i]), kept.map((i) => newDocs[i])];
  }
  if (newDocs.length === 0) return result;
  if (shuffle) {
    const order = shuffled(newDocs.map((_, i) => i));
    [newKeys, newDocs] = [order.map((i) => newKeys[i]), order.map((i) => newDocs[i])];
  }
  let last = Number(db.prepare(`SELECT coalesce(max(id), 0) FROM ${t}`).pluck().get());
  const insertOne = db.prepare(`INSERT INTO ${t} (doc) VALUES (?)`);
  const insertMany = newDocs.length >= INSERT_ROWS ? db.prepare(`INSERT INTO ${t} (doc) VALUES ${'(?),'.repeat(INSERT_ROWS - 1)}(?)`) : undefined;
  for (let from = 0; from < newDocs.length; ) {
    const n = insertMany && newDocs.length - from >= INSERT_ROWS && last + INSERT_ROWS <= Number.MAX_SAFE_INTEGER ? INSERT_ROWS : 1;
    const written = n === 1 ? insertOne.run(newDocs[from]) : insertMany!.run(newDocs.slice(from, from + n) as string[]);
    const end = Number(written.lastInsertRowid);
    if (n > 1 && end !== last + n) throw new Error(`insert into ${collection}: rowids ${end - n + 1}..${end} do not follow ${last}`);
    for (let j = 0; j < n; j++) rowids.set(newKeys[from + j], end - n + 1 + j);
    last = Math.max(last, end);
    from += n;
  }
  return result;
}

export const createTableSql = (collection: string): string => `CREATE TABLE IF NOT EXISTS ${table(collection)} (id INTEGER PRIMARY KEY, doc TEXT NOT NULL)`;

const ensureTable = (db: Database.Database, collection: string): void => {
  db.prepare(createTableSql(collection)).run();
};

/** `upsertAll` of the store port: every batch of `batches` in one transaction of a connection of its own. */
export async function importRows(
  file: string,
  lockWaitMs: number,
  collection: string,
  key: string,
  batches: AsyncIterable<Row[]>,
  options: UpsertAllOptions = {},
): Promise<UpsertResult> {
  const what = `import into ${collection}`;
  const conn = connect(file);
  conn.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
  const result = { inserted: 0, updated: 0 };
  let begun = false;
  let rebuild: string[] = []; // CREATE INDEX statements of the indexes dropped for the load
  let lookup = true; // false while loading into a collection that was empty: no row to replace
  const rowids = new Map<Param, number>();
  try {
    for await (const rows of batches) {
      const docs = keyedDocs(collection, key, rows);
      if (!begun) {
        await whenUnlocked(what, lockWaitMs, () => conn.exec('BEGIN IMMEDIATE'));
        begun = true;
        ensureTable(conn, collection);
        if (conn.prepare(`SELECT NOT EXISTS (SELECT 1 FROM ${table(collection)})`).pluck().get() === 1) {
          lookup = false;
          const indexes = conn
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL")
            .all(`c:${collection}`) as { name: string; sql: string }[];
          for (const index of indexes) conn.exec(`DROP INDEX ${quoteId(index.name)}`);
          rebuild = indexes.map((index) => index.sql);
        }
      }
      const counts = upsertRows(conn, collection, key, rows, docs, rowids, lookup, true, options.spellings);
      result.inserted += counts.inserted;
      result.updated += counts.updated;
    }
    if (begun) {
      for (const sql of rebuild) conn.exec(sql);
      conn.exec('COMMIT');
    }
    return result;
  } catch (error) {
    if (conn.inTransaction) conn.exec('ROLLBACK');
    throw translate(error, what);
  } finally {
    conn.close();
  }
}
