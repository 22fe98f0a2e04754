// The embedded store's document cache (src/store/doc-cache.ts) never answers with a document that
// changed: not after this store's own writes of every kind, not after another connection's or another
// process's commit, not after a collection dropped and made again (whose row ids start over), and not
// after a caller changed the rows it was given. The contract suite covers what reads return; this tries
// to make the cache return something stale.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from '../src/formats/decimal.ts';
import { DocCache } from '../src/store/doc-cache.ts';
import type { Row } from '../src/store/port.ts';
import { openSqliteStore, SQLITE_FILE, type SqliteStore } from '../src/store/sqlite.ts';

const C = 'people';
const PAGE = { sort: [{ field: 'code', direction: 'asc' as const }], limit: 10 };
// Limit 2: a read of one row goes past the cache.
const byCode = (code: string) => ({ filter: { kind: 'compare' as const, field: 'code', op: 'eq' as const, value: code }, limit: 2 });
const people = (n: number, v = 'old'): Row[] => Array.from({ length: n }, (_, i) => ({ code: `P${String(i).padStart(3, '0')}`, v }));

let dir: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-doc-cache-'));
  store = await openSqliteStore(dir);
  await store.ensureIndex(C, { fields: ['code'], unique: true });
  await store.insert(C, people(30));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Reads the first page twice, so that the second read answers from the cache. */
async function cachedPage(s: SqliteStore = store): Promise<Row[]> {
  await s.find(C, PAGE);
  return s.find(C, PAGE);
}

describe('the document cache against this store’s own writes', () => {
  it('update, upsert, delete, insert and a dropped collection are seen on the next read', async () => {
    expect((await cachedPage()).map((r) => r.v)).toEqual(Array(10).fill('old'));

    await store.update(C, byCode('P001').filter, { v: 'updated' });
    expect((await store.find(C, byCode('P001')))[0]!.v).toBe('updated');
    expect((await store.find(C, PAGE))[1]!.v).toBe('updated');

    await store.upsert(C, 'code', [{ code: 'P002', v: 'upserted' }]);
    expect((await store.find(C, PAGE))[2]!.v).toBe('upserted');

    await store.delete(C, byCode('P000').filter);
    expect((await store.find(C, PAGE))[0]!.code).toBe('P001');

    await store.insert(C, [{ code: 'A', v: 'inserted' }]);
    expect((await store.find(C, PAGE))[0]).toEqual({ code: 'A', v: 'inserted' });

    // Made again, the collection's row ids start over at 1: the cached documents of ids 1.. are not its.
    await cachedPage();
    await store.dropCollection(C);
    await store.insert(C, people(10, 'new').map((r) => ({ ...r, code: `N${r.code}` })));
    expect((await store.find(C, PAGE)).map((r) => [r.code, r.v])).toEqual(
      people(10, 'new').map((r) => [`N${r.code}`, 'new']),
    );
  });

  it('an import on its own connection is seen once it commits', async () => {
    await cachedPage();
    async function* batches() {
      yield people(5, 'imported');
    }
    await store.upsertAll(C, 'code', batches());
    expect((await store.find(C, PAGE)).map((r) => r.v)).toEqual([...Array(5).fill('imported'), ...Array(5).fill('old')]);
  });

  it('a caller that changes its rows changes nothing cached', async () => {
    const rows = await cachedPage();
    rows[0]!.v = 'scribbled';
    delete rows[1]!.v;
    const whole = await store.find(C, { ...PAGE, projection: undefined });
    whole[2]!.v = 'scribbled';
    expect((await store.find(C, PAGE)).slice(0, 3).map((r) => r.v)).toEqual(['old', 'old', 'old']);
    expect((await store.find(C, { ...PAGE, projection: ['v'] }))[0]).toEqual({ v: 'old' });
  });

  it('decimals keep their written text when read from the cache', async () => {
    await store.insert('money', [{ code: 'M1', amount: Decimal.parse('450.10')! }]);
    const read = () => store.find('money', { limit: 5 });
    await read();
    const [row] = await read();
    expect(row!.amount).toBeInstanceOf(Decimal);
    expect(String(row!.amount)).toBe('450.10');
  });

  it('a cache smaller than a page still answers the whole page, in order', async () => {
    const small = await openSqliteStore(dir, { docCacheChars: 60 }); // two or three documents
    try {
      const all = { sort: PAGE.sort, limit: 30 };
      await small.find(C, all);
      expect((await small.find(C, all)).map((r) => r.code)).toEqual(people(30).map((r) => r.code));
    } finally {
      await small.close();
    }
  });
});

describe('the document cache against other writers', () => {
  it('sees a commit of another connection in this process', async () => {
    const other = await openSqliteStore(dir);
    try {
      await cachedPage();
      await cachedPage(other);
      await other.update(C, byCode('P003').filter, { v: 'by another connection' });
      expect((await store.find(C, PAGE))[3]!.v).toBe('by another connection');
      expect((await store.find(C, byCode('P003')))[0]!.v).toBe('by another connection');
      // And the writer's own cache saw its own write.
      expect((await other.find(C, PAGE))[3]!.v).toBe('by another connection');
    } finally {
      await other.close();
    }
  });

  it('sees a commit of another process, also one that changes a document in place', async () => {
    await cachedPage();
    await store.find(C, byCode('P004'));
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.prepare(\`UPDATE "c:${C}" SET doc = json_set(doc, '$.v', 'by another process') WHERE json_extract(doc, '$.code') = 'P004'\`).run();
      db.close();`;
    const child = spawnSync(process.execPath, ['-e', script, join(dir, SQLITE_FILE)], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect((await store.find(C, PAGE))[4]!.v).toBe('by another process');
    expect((await store.find(C, byCode('P004')))[0]!.v).toBe('by another process');
  });
});

describe('the ids a read found, kept with the documents', () => {
  // A page and a page's links read twice answer the second time from the ids kept: every change of which
  // rows a statement finds (or their order) must be seen as a change of a document is.
  const linked = () => store.findByValues(C, 'v', ['old', 'x'], ['code', 'v']);

  it('a statement’s parameters are part of what is kept: another value or page is read anew', async () => {
    expect((await store.find(C, byCode('P001'))).map((r) => r.code)).toEqual(['P001']);
    expect((await store.find(C, byCode('P002'))).map((r) => r.code)).toEqual(['P002']);
    await cachedPage();
    expect((await store.find(C, { ...PAGE, skip: 10 }))[0]!.code).toBe('P010');
    expect((await store.findByValues(C, 'code', ['P005', 'P006'])).map((r) => r.code)).toEqual(['P005', 'P006']);
    expect((await store.findByValues(C, 'code', ['P007'])).map((r) => r.code)).toEqual(['P007']);
  });

  it('a link’s values are compared one by one: the same count, first and last with another middle is read anew', async () => {
    const codes = (values: string[]) => store.findByValues(C, 'code', values).then((rows) => rows.map((r) => r.code));
    for (let i = 0; i < 2; i++) expect(await codes(['P001', 'P002', 'P009'])).toEqual(['P001', 'P002', 'P009']);
    expect(await codes(['P001', 'P003', 'P009'])).toEqual(['P001', 'P003', 'P009']);
    expect(await codes(['P001', 'P001', 'P009'])).toEqual(['P001', 'P009']);
    expect(await codes(['P001', 'P002', 'P009'])).toEqual(['P001', 'P002', 'P009']);
    await store.insert(C, [{ code: 7, v: 'number' }, { code: '7', v: 'text' }]);
    for (let i = 0; i < 2; i++) {
      expect((await store.findByValues(C, 'code', [7, 'P001'])).map((r) => r.v)).toEqual(['old', 'number']);
      expect((await store.findByValues(C, 'code', ['7', 'P001'])).map((r) => r.v)).toEqual(['old', 'text']);
    }
  });

  it('this store’s own writes change which rows a page and a link find', async () => {
    await cachedPage();
    expect(await linked()).toHaveLength(30);
    await linked();
    await store.insert(C, [{ code: 'A0', v: 'x' }]);
    expect((await store.find(C, PAGE))[0]!.code).toBe('A0');
    expect((await linked()).map((r) => r.code)).toContain('A0');
    await store.update(C, byCode('P000').filter, { code: 'Z' });
    expect((await store.find(C, PAGE)).map((r) => r.code)).not.toContain('P000');
    await store.delete(C, byCode('A0').filter);
    expect((await linked()).map((r) => r.code)).not.toContain('A0');
  });

  it('another process’s commit that moves a row into a page, or a value into a link, is seen', async () => {
    await cachedPage();
    await linked();
    await linked();
    const script = `
      const Database = require('better-sqlite3');
      const db = new Database(process.argv[1]);
      db.prepare(\`INSERT INTO "c:${C}" (doc) VALUES ('{"code":"A1","v":"x"}')\`).run();
      db.prepare(\`UPDATE "c:${C}" SET doc = json_set(doc, '$.code', 'Z') WHERE json_extract(doc, '$.code') = 'P001'\`).run();
      db.close();`;
    const child = spawnSync(process.execPath, ['-e', script, join(dir, SQLITE_FILE)], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const page = (await store.find(C, PAGE)).map((r) => r.code);
    expect(page.slice(0, 3)).toEqual(['A1', 'P000', 'P002']);
    expect((await linked()).map((r) => r.code)).toContain('A1');
  });

  it('counts a statement’s characters and its ids in the bound', () => {
    const cache = new DocCache(1_000);
    cache.checkDataVersion(1);
    const statement = 'S'.repeat(100);
    cache.setIds(C, statement, [1, 2, 3]);
    expect(cache.size).toBe(100 + 3 * 8);
    expect(cache.ids(C, statement)).toEqual([1, 2, 3]);
    cache.forget(C);
    expect(cache.ids(C, statement)).toBeUndefined();
  });
});

describe('the document cache’s bound', () => {
  it('counts the documents’ text, so that a few wide records fill it as many narrow ones do', () => {
    const cache = new DocCache(100_000);
    cache.checkDataVersion(1);
    for (let id = 0; id < 100; id++) {
      cache.set(C, id, { id }, 20_000);
      expect(cache.size).toBeLessThanOrEqual(100_000);
    }
    // Five such documents at most (a cache counting documents would hold all 100).
    const held = Array.from({ length: 100 }, (_, id) => 99 - id).filter((id) => cache.get(C, id) !== undefined);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThanOrEqual(5);
    expect(held[0]).toBe(99);

    // A document kept again replaces its entry's size instead of adding to it.
    const again = new DocCache(100_000);
    again.checkDataVersion(1);
    for (let k = 0; k < 10; k++) again.set(C, 0, { id: 0 }, 20_000);
    expect(again.size).toBe(20_000);
  });

  it('holds at most its capacity, and keeps what is read again over what is not', () => {
    const cache = new DocCache(10); // ten documents of one character
    cache.checkDataVersion(1);
    for (let id = 0; id < 1000; id++) {
      cache.set(C, id, { id }, 1);
      expect(cache.get(C, 0)).toEqual({ id: 0 }); // read between every two others
      expect(cache.size).toBeLessThanOrEqual(10);
    }
    expect(cache.get(C, 500)).toBeUndefined();
    expect(cache.get(C, 999)).toEqual({ id: 999 });
  });
});
