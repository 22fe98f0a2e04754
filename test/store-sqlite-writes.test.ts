// Writes on the embedded store keep one transaction function and the collection's CREATE TABLE as a
// prepared statement (issue 10: making them afresh cost as much as an audit entry's insert). A statement
// kept must still make the collection again when another connection dropped it since.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

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
