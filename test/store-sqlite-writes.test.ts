// Writes on the embedded store keep one transaction function and the collection's CREATE TABLE as a
// prepared statement (issue 10: making them afresh cost as much as an audit entry's insert). A statement
// kept must still make the collection again when another connection dropped it since.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DuplicateKeyError, StoreUnavailableError } from '../src/store/port.ts';
import { openSqliteStore, WAL_CHECKPOINT_PAGES, type SqliteStore } from '../src/store/sqlite.ts';

let dir: string;
let stores: SqliteStore[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-sqlite-writes-'));
  stores = [await openSqliteStore(dir), await openSqliteStore(dir)];
});
afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

it('makes a collection again that another connection dropped after this one wrote to it', async () => {
  const [mine, other] = stores;
  await mine.insert('notes', [{ n: 1 }]);
  await mine.insert('notes', [{ n: 2 }]);
  await other.dropCollection('notes');
  await mine.insert('notes', [{ n: 3 }]);
  await mine.upsert('notes', 'n', [{ n: 4 }]);
  expect((await other.find('notes', { sort: [{ field: 'n', direction: 'asc' }] })).map((r) => r.n)).toEqual([3, 4]);
  // And the same once the other connection has made it again itself, with rows of its own.
  await other.dropCollection('notes');
  await other.insert('notes', [{ n: 5 }]);
  await mine.insert('notes', [{ n: 6 }]);
  expect((await mine.find('notes', { sort: [{ field: 'n', direction: 'asc' }] })).map((r) => r.n)).toEqual([5, 6]);
});

// Only a unique index's violation is a duplicate key. A trigger someone added to the file made every
// insert a "duplicate": the audit log retried its sequence number 25 times, then blamed another writer.
it('a constraint other than a unique index is the store failing, not a duplicate key', async () => {
  const [mine] = stores;
  await mine.ensureIndex('notes', { fields: ['n'], unique: true });
  await mine.insert('notes', [{ n: 1 }]);
  await expect(mine.insert('notes', [{ n: 1 }])).rejects.toBeInstanceOf(DuplicateKeyError);
  const raw = new Database(join(dir, 'govgraph.sqlite'));
  raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON "c:notes" BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END`);
  raw.close();
  const failed = await mine.insert('notes', [{ n: 2 }]).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(StoreUnavailableError);
  expect((failed as Error).message).toMatch(/refused by a trigger/);
});

// Every request that reads data commits its audit entry, and SQLite checkpoints inside the commit that
// passes wal_autocheckpoint, on the event loop. At SQLite's default of 1,000 pages the same last pages of
// the log and its indexes were copied into the file again every ~75 batches (docs/benchmarks.md, 5 December).
it(`checkpoints its commits after ${WAL_CHECKPOINT_PAGES} pages of the WAL, not after SQLite's 1,000`, async () => {
  const [mine] = stores;
  await mine.insert('notes', [{ n: 0 }]);
  const raw = new Database(join(dir, 'govgraph.sqlite'));
  raw.pragma('wal_checkpoint(TRUNCATE)');
  // Each insert is a commit of its own writing at least one page: well past 1,000 pages, short of the bound.
  for (let n = 1; n <= 1500; n++) await mine.insert('notes', [{ n, text: 'x'.repeat(100) }]);
  const [{ log }] = raw.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
  raw.close();
  expect(log).toBeGreaterThanOrEqual(1500);
  expect(log).toBeLessThan(WAL_CHECKPOINT_PAGES);
});
