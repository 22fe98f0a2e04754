// A string with a lone surrogate (`"\ud800"` in a client's JSON, or in an imported record) has no UTF-8
// form. The embedded store keeps it in the document as a JSON escape, and json_extract decodes that to the
// surrogate's three bytes; better-sqlite3 converts a parameter with V8, which writes the same three bytes
// on Node 20 and 22 but U+FFFD on Node 24. On Node 24 such a value then never equalled its stored self:
// filters missed the record, and the page after a cursor on it began again at the same record (the paging
// walk of test/reader-threads-answers.test.ts ran to its page limit). Run on Node 24 to see it fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Filter, Row, SortKey } from '../src/store/port.ts';
import { afterFilter, encodeCursor } from '../src/store/keyset.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

const LONE = 'lone \ud800 surrogate';
const rows: Row[] = [
  { k: 'a', note: LONE }, { k: 'b', note: 'plain' }, { k: 'c', note: LONE }, { k: 'd', note: null },
  { k: 'e', note: `${LONE} too` }, { k: 'f', note: 'z' }, { k: 'g', note: LONE }, { k: 'h', note: '\udc00' },
];

let dir: string;
let store: SqliteStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-lone-surrogates-'));
  store = await openSqliteStore(dir);
  await store.insert('notes', rows);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const keys = async (filter: Filter) =>
  (await store.find('notes', { filter, sort: [{ field: 'k', direction: 'asc' }] })).map((r) => r.k);

describe('a string with a lone surrogate on the embedded store', () => {
  it('reads back as it was written', async () => {
    expect((await store.find('notes', { filter: { kind: 'compare', field: 'k', op: 'eq', value: 'a' } }))[0]!.note).toBe(LONE);
  });

  it('is found by every filter on it', async () => {
    expect(await keys({ kind: 'compare', field: 'note', op: 'eq', value: LONE })).toEqual(['a', 'c', 'g']);
    expect(await keys({ kind: 'compare', field: 'note', op: 'ne', value: LONE })).toEqual(['b', 'd', 'e', 'f', 'h']);
    expect(await keys({ kind: 'compare', field: 'note', op: 'gte', value: LONE })).toEqual(['a', 'b', 'c', 'e', 'f', 'g', 'h']);
    expect(await keys({ kind: 'compare', field: 'note', op: 'gt', value: LONE })).toEqual(['b', 'e', 'f', 'h']);
    expect(await keys({ kind: 'compare', field: 'note', op: 'eq', value: '\udc00' })).toEqual(['h']);
    expect(await keys({ kind: 'startsWith', field: 'note', value: 'lone \ud800' })).toEqual(['a', 'c', 'e', 'g']);
    expect(await keys({ kind: 'contains', field: 'note', value: '\ud800 surrogate too' })).toEqual(['e']);
    expect(await keys({ kind: 'in', field: 'note', values: [LONE] })).toEqual(['a', 'c', 'g']);
  });

  it('pages through records that share it, each once, ascending and descending', async () => {
    for (const direction of ['asc', 'desc'] as const) {
      const sort: SortKey[] = [{ field: 'note', direction }, { field: 'k', direction: 'asc' }];
      const seen: unknown[] = [];
      let filter: Filter | undefined;
      for (let page = 0; page < 20; page++) {
        const [row] = await store.find('notes', { filter, sort, limit: 1 });
        if (!row) break;
        seen.push(row.k);
        filter = afterFilter(sort, encodeCursor(sort, row));
      }
      expect(seen.length, direction).toBe(rows.length);
      expect(new Set(seen).size, direction).toBe(rows.length);
    }
  });

  it('keys a meter', async () => {
    const step = { key: `dept/${LONE}`, amount: 1, capacity: 10, drainPerMs: 0, now: Date.now(), ttlMs: 60_000 };
    await store.meter('meters', step);
    expect((await store.meter('meters', step)).level).toBe(2);
  });
});
