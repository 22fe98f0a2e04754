// When a resource code was in effect (src/catalogue/code-history.ts), read from the versions a store kept,
// including those of an older release: a withdrawn version stored without `withdrawnAt` and with no later
// version of its catalogue was taken as in effect up to now, so every later promise of its code to a demand
// was refused for good, saying it "was in effect after" the demand was filed. It ends at its publication
// now, as item-since.ts ends it. Codes of a Ningxia platform (640000), not the demo's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeSpans, spanDuring } from '../src/catalogue/code-history.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository/rows.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

let dir: string;
let store: SqliteStore;
const carries = (...codes: string[]) => JSON.stringify(Object.fromEntries(codes.map((c) => [c, 1])));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-code-history-'));
  store = await openSqliteStore(dir);
  await store.insert(CATALOGUE_VERSIONS, [
    // Withdrawn by an older release: no withdrawnAt, no later version.
    { id: 'NX-MZ', version: 1, status: 'withdrawn', publishedAt: '2026-01-05T02:00:00.000Z', carries: carries('640000-MZT-00001') },
    // Withdrawn with its time kept.
    { id: 'NX-GA', version: 1, status: 'withdrawn', publishedAt: '2026-01-05T02:00:00.000Z', withdrawnAt: '2026-03-01T02:00:00.000Z', carries: carries('640000-GAT-00001') },
    // Superseded by its catalogue's next version, which is in effect.
    { id: 'NX-RS', version: 1, status: 'superseded', publishedAt: '2026-01-05T02:00:00.000Z', carries: carries('640000-RST-00001') },
    { id: 'NX-RS', version: 2, status: 'published', publishedAt: '2026-02-05T02:00:00.000Z', carries: carries('640000-RST-00001') },
  ]);
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('when a code was in effect', () => {
  it('a withdrawn version without its withdrawal time ends at its publication, not now', async () => {
    const spans = await codeSpans(store, '640000-mzt-00001');
    expect(spans).toEqual([{ id: 'NX-MZ', version: 1, from: '2026-01-05T02:00:00.000Z', to: '2026-01-05T02:00:00.000Z' }]);
    // A demand filed in June: the code was not offered since, so a promise of it may be kept.
    expect(spanDuring(spans, '2026-06-01T00:00:00.000Z')).toBeUndefined();
  });

  it('a withdrawn version with its time ends then; a superseded one at the next publication; the one published runs on', async () => {
    expect(await codeSpans(store, '640000-GAT-00001')).toEqual([{ id: 'NX-GA', version: 1, from: '2026-01-05T02:00:00.000Z', to: '2026-03-01T02:00:00.000Z' }]);
    expect(spanDuring(await codeSpans(store, '640000-GAT-00001'), '2026-02-01T00:00:00.000Z')).toMatchObject({ id: 'NX-GA' });
    expect(await codeSpans(store, '640000-RST-00001')).toEqual([
      { id: 'NX-RS', version: 1, from: '2026-01-05T02:00:00.000Z', to: '2026-02-05T02:00:00.000Z' },
      { id: 'NX-RS', version: 2, from: '2026-02-05T02:00:00.000Z', to: null },
    ]);
  });
});
