// SQLite's "database schema has changed" (SQLITE_SCHEMA): another process changed the schema faster than
// SQLite could prepare the statement again, a publication making its resources' thousands of indexes.
// Found by the review of the publication lock, with real processes on one data folder: while a
// `catalogue import --publish` of 400 resources made its indexes, a second import (which was to wait for
// the publication lock) failed with "cannot open the SQLite store ...: database schema has changed", and
// a process reading the store meanwhile had one read in 2,500 fail with it. The statement did not run; it
// is now tried again, as one that found the database locked is.
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';
import { StoreUnavailableError } from '../src/store/port.ts';
import { whenUnlocked } from '../src/store/sqlite/locks.ts';

const schemaChanged = () => new Database.SqliteError('database schema has changed', 'SQLITE_SCHEMA');

test('an operation whose schema another process changed under it is tried again', async () => {
  let tries = 0;
  const value = await whenUnlocked('open x', 1_000, () => {
    if (++tries < 3) throw schemaChanged();
    return 42;
  });
  expect([value, tries]).toEqual([42, 3]);
});

test('one whose schema keeps changing fails as unavailable, saying why', async () => {
  const failed = whenUnlocked('open x', 60, () => {
    throw schemaChanged();
  });
  await expect(failed).rejects.toThrow(StoreUnavailableError);
  await expect(failed).rejects.toThrow('open x: the database had its schema changed by another process (indexes being made) at every try for 60 ms');
});

test('other errors are not tried again', async () => {
  let tries = 0;
  await expect(whenUnlocked('open x', 1_000, () => {
    tries++;
    throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR');
  })).rejects.toThrow('disk I/O error');
  expect(tries).toBe(1);
});
