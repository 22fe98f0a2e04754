// The embedded store keeps the platform's secret (`_settings`, key `jwt-secret`): whoever reads
// govgraph.sqlite can sign a token of any department and role. A data folder the store made was
// 0755 and its files 0644 under the usual umask 022, so every user of the machine could read them.
// The store now makes its folder 0700 and a new store file 0600 (SQLite gives the write-ahead log and
// the shared-memory file the store file's mode); a folder or file that exists keeps its mode.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';

let root: string;
let oldMask: number;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gg-store-modes-'));
  oldMask = process.umask(0o022); // the usual umask, whatever the test runner's
});
afterEach(() => {
  process.umask(oldMask);
  rmSync(root, { recursive: true, force: true });
});

const mode = (file: string) => statSync(file).mode & 0o777;

it('makes its data folder 0700 and its store, log and shared memory 0600', async () => {
  const data = join(root, 'srv', 'data'); // the parent made too, with the usual mode
  const store = await openSqliteStore(data);
  await store.insert('notes', [{ n: 1 }]);
  expect(mode(data)).toBe(0o700);
  expect(mode(join(root, 'srv'))).toBe(0o755);
  for (const name of ['govgraph.sqlite', 'govgraph.sqlite-wal', 'govgraph.sqlite-shm']) expect([name, mode(join(data, name))]).toEqual([name, 0o600]);
  await store.close();
});

it('makes the store file 0600 in a folder the operator made, and leaves that folder as it was', async () => {
  const data = join(root, 'data');
  mkdirSync(data, { mode: 0o750 });
  const store = await openSqliteStore(data);
  expect(mode(data)).toBe(0o750);
  expect(mode(join(data, 'govgraph.sqlite'))).toBe(0o600);
  await store.close();
});

it('keeps the mode of a store file that exists', async () => {
  const data = join(root, 'data');
  mkdirSync(data);
  const made = await openSqliteStore(data);
  await made.close();
  chmodSync(join(data, 'govgraph.sqlite'), 0o640); // an operator's choice: a group that backs it up
  const store = await openSqliteStore(data);
  expect(mode(join(data, 'govgraph.sqlite'))).toBe(0o640);
  await store.close();
});
