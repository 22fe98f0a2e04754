// A store that fails answers STORE_UNAVAILABLE with a plain message, wherever it fails: while the request
// context is built (the grants read) or while a resolver reads records.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';
import { openFailureHint } from '../src/store/sqlite.ts';
import { readOnlyOpening } from '../src/store/sqlite/data-folder.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let down: 'grants' | 'records' | null = null;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    wrapStore: (inner) => {
      const store: Store = Object.create(inner);
      store.find = async (collection, query) => {
        if ((down === 'grants' && collection === '_grants') || (down === 'records' && collection.startsWith('r_'))) {
          throw new StoreUnavailableError('SQLITE_IOERR: disk I/O error');
        }
        return inner.find(collection, query);
      };
      return store;
    },
  });
});
afterAll(() => gw?.close());

const QUERY = '{ humanResources { employmentRegistrations(first: 1) { nodes { registrationNo } } } }';

describe('a store that fails', () => {
  for (const where of ['grants', 'records'] as const) {
    it(`answers STORE_UNAVAILABLE when the ${where} read fails, and says nothing of the driver`, async () => {
      down = where;
      try {
        const r = await gw.query(QUERY, { dept: '430000-RST' });
        expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['STORE_UNAVAILABLE', 'The data store is unavailable; try again shortly.']]);
        expect(JSON.stringify(r)).not.toContain('SQLITE');
      } finally {
        down = null;
      }
    });
  }
});

// Found by hand: a data folder on a full file system (a tmpfs filled up) made every command say only
// `cannot open the SQLite store …: disk I/O error`; one this user may not write (run as another user),
// `attempt to write a readonly database`. SQLite's codes say which; the message now names the cause.
describe('a store that cannot be opened', () => {
  const hint = (code: string, free = 0) => openFailureHint(Object.assign(new Error('x'), { code }), '/srv/data', () => free);
  it('says the file system is full, or that this user cannot write the folder', () => {
    expect(hint('SQLITE_IOERR_SHMSIZE')).toBe('; the file system of /srv/data is full');
    expect(hint('SQLITE_FULL')).toBe('; the file system of /srv/data is full');
    expect(hint('SQLITE_IOERR_SHMSIZE', 10 * 2 ** 30)).toBe(''); // room left: another I/O error
    expect(hint('SQLITE_READONLY_DIRECTORY')).toBe('; this user cannot write /srv/data or the files in it, which SQLite needs also to read (its write-ahead log)');
    expect(hint('SQLITE_CONSTRAINT')).toBe('');
    // A damaged file is the file's, whatever the folder (test/store-file-damaged.test.ts runs the commands on one).
    expect(hint('SQLITE_NOTADB')).toMatch(/^; the store file is not a SQLite database .*put a whole backup in place/);
    expect(hint('SQLITE_CORRUPT_INDEX')).toMatch(/^; the store file is damaged .*put a whole backup in place/);
  });

  // Found with a tmpfs remounted read-only: `unable to open database file` (SQLITE_CANTOPEN: SQLite cannot
  // make its write-ahead log), and the same for root, whom no permission stops.
  it('says the file system is mounted read-only', () => {
    const onReadOnly = (code: string) => openFailureHint(Object.assign(new Error('x'), { code }), '/srv/data', () => 10 * 2 ** 30, () => 'EROFS');
    const readOnly = '; the file system of /srv/data is mounted read-only, and SQLite writes beside the store also to read (its write-ahead log): mount it read-write';
    expect(onReadOnly('SQLITE_CANTOPEN')).toBe(readOnly);
    expect(onReadOnly('SQLITE_READONLY_DIRECTORY')).toBe(readOnly);
    expect(openFailureHint(Object.assign(new Error('x'), { code: 'SQLITE_CANTOPEN' }), '/srv/data', () => 0, () => null)).toBe(''); // writable: another cause
  });

  // SQLite opens a store file it may not write read-only, without a word, when its -wal and -shm are there
  // (test/data-folder-permissions.test.ts runs it as another user); a read-only mount does the same.
  it('says why a store that opened could only be read', () => {
    const refusals = (codes: Record<string, string>) => (file: string) => codes[file.slice('/srv/data/'.length)] ?? null;
    expect(readOnlyOpening('/srv/data', refusals({}))).toBeNull();
    expect(readOnlyOpening('/srv/data', refusals({ 'govgraph.sqlite-shm': 'EACCES' }))).toBe(
      'this user may not write /srv/data/govgraph.sqlite-shm (permission denied), so SQLite would open the store read-only and no audit ' +
        'entry could be written: run as the user that owns the store, or give this user access to it',
    );
    expect(readOnlyOpening('/srv/data', refusals({ 'govgraph.sqlite': 'EROFS' }))).toBe(
      'the file system of /srv/data is mounted read-only, and SQLite writes beside the store also to read (its write-ahead log): mount it read-write',
    );
  });
});
