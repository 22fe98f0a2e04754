// The embedded store's database file (store.ts): made with its owner's mode, opened in WAL mode under the
// locks of other processes, and refused when it is another program's (file-watch.ts watches it for being
// deleted, replaced or rewritten under the process).

import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { StoreUnavailableError } from '../port.ts';
import { SETTINGS, STORE_FORMAT_KEY, storedFormatProblem } from '../format.ts';
import { makeFolder, openFailureHint, readOnlyOpening } from './data-folder.ts';
import { connect, whenUnlocked } from './locks.ts';

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

/**
 * Refuses a SQLite database of another program at the store's path (`--data` naming that program's folder):
 * a read command opened it, switched it to WAL and wrote govgraph's tables into it, and `catalogue import`
 * stored a platform there. Every govgraph store holds `_govgraph_indexes` (made at each open); a file with
 * tables but not that one is not a store. Checked before anything is written to it.
 */
function refuseForeignDatabase(db: Database.Database, file: string, existing: boolean): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  if (tables.length === 0 && existing) throw new StoreUnavailableError(emptyStoreFile(file));
  if (tables.length === 0 || tables.includes('_govgraph_indexes')) return;
  const shown = tables.slice(0, 5).join(', ') + (tables.length > 5 ? `, ... (${tables.length} tables)` : '');
  throw new StoreUnavailableError(
    `${file} is a SQLite database of another program (its tables: ${shown}), not a govgraph store; nothing was written to it: name the data folder of the store, or an empty folder to make one in`,
  );
}

/**
 * Refuses a store of a newer format than this release's (format.ts) before this file's layout steps
 * (WAL mode, `_govgraph_indexes` and its columns) run: they came before openStore's checkStoreFormat, so a
 * store a newer release had laid out otherwise (another journal mode, `_govgraph_indexes` without a
 * column this release adds) was altered by an older release, and only then refused as "nothing was written
 * to it". Reads only: the format row, when the store has a `_settings` table.
 */
function refuseNewerFormat(db: Database.Database, file: string): void {
  const settings = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(`c:${SETTINGS}`);
  if (settings === undefined) return;
  const row = db.prepare(`SELECT doc FROM "c:${SETTINGS}" WHERE json_extract(doc, '$.key') = ? LIMIT 1`).get(STORE_FORMAT_KEY) as { doc: string } | undefined;
  if (row === undefined) return;
  let value: unknown;
  try {
    value = (JSON.parse(row.doc) as { value?: unknown }).value;
  } catch {
    value = row.doc; // not JSON: a format this release cannot tell, refused as newer
  }
  const problem = storedFormatProblem(value, file);
  if (problem) throw new StoreUnavailableError(problem);
}

/**
 * A store file that holds nothing, where a command that makes no store expected one: a copy or restore cut
 * short (`cp` killed, a full disk), a backup's `NAME.part` put in place (its `VACUUM INTO` killed: SQLite
 * rolls it back to a database without tables). `serve` made it a new store, with a new secret and an
 * empty audit log, and `audit verify` said `audit chain ok: 0 entries`.
 */
function emptyStoreFile(file: string): string {
  const what = statSync(file).size === 0 ? 'an empty file (0 bytes)' : 'a SQLite database without a table';
  return (
    `${file} is ${what}, not a govgraph store; nothing was written to it. A copy or restore cut short, or the ` +
    '.part of a backup killed midway? Put a whole backup in place (docs/operations.md, "Restoring the embedded store"), ' +
    'or delete the file and make a store with govgraph catalogue import'
  );
}

/**
 * A rollback journal beside the store file, which a govgraph store never has (it keeps a write-ahead log):
 * a backup's `.part` put in place with its `.part-journal` (its `VACUUM INTO` killed). Opened, SQLite rolled
 * the file back to 0 bytes and deleted the journal, before the store could say what it was. Refused
 * before it is opened, both files left as they are.
 */
function refuseRollbackJournal(file: string): void {
  if (!existsSync(`${file}-journal`)) return;
  throw new StoreUnavailableError(
    `${file} has a rollback journal beside it (${file}-journal), which a govgraph store never has: a copy cut short, or the ` +
      '.part of a backup killed midway put in place with its .part-journal? Nothing was opened or written. Put a whole backup in ' +
      'place (docs/operations.md, "Restoring the embedded store") and delete the -journal file',
  );
}

/**
 * `_govgraph_indexes` of a store made before partial indexes (port.ts, IndexSpec.partial) gets their column,
 * 0 for the indexes it records. Under the write lock, checked again there: two processes opening the
 * store at once would both have added it, and the second failed with "duplicate column name". An older
 * release recording an index leaves the column out, which records one that is not partial, as its are.
 */
function indexesKeepPartial(db: Database.Database): void {
  const hasColumn = () => db.prepare("SELECT 1 FROM pragma_table_info('_govgraph_indexes') WHERE name = 'is_partial'").get() !== undefined;
  if (hasColumn()) return;
  db.transaction(() => {
    if (!hasColumn()) db.exec('ALTER TABLE _govgraph_indexes ADD COLUMN is_partial INTEGER NOT NULL DEFAULT 0');
  }).immediate();
}

/**
 * Opens (making it when missing) the store file `file` of the data folder `dataDir`, its tables ready.
 * `existing`: the file must already hold a store (every command but `catalogue import` and `serve --demo`):
 * an empty file, or a SQLite database without a table, is refused instead of being made a new store.
 */
export async function openDatabase(dataDir: string, file: string, lockWaitMs: number, existing = false): Promise<Database.Database> {
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
    if (existing) refuseRollbackJournal(file);
    db = await whenUnlocked(`open ${file}`, lockWaitMs, () => {
      // A connection of its own each try: one that met another process's schema changes while it opened
      // (SQLITE_SCHEMA, a publication making thousands of indexes) kept meeting them at every later try.
      tried?.close();
      const db = (tried = connect(file));
      refuseNewerFormat(db, file);
      refuseForeignDatabase(db, file, existing);
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
    const readOnly = readOnlyOpening(dataDir);
    if (readOnly) throw new StoreUnavailableError(`cannot open the SQLite store ${file}: ${readOnly}`);
  } catch (error) {
    tried?.close();
    if (error instanceof StoreUnavailableError) throw error;
    throw new StoreUnavailableError(`cannot open the SQLite store ${file}: ${(error as Error).message}${openFailureHint(error, dataDir)}`, { cause: error });
  }
  return db;
}
