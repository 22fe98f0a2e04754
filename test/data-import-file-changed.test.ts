// A records file that changes while `data import` reads it (an export still being written, a copy not
// finished, a file rewritten meanwhile): the import wrote what it had read, the end of the file as it was
// at that moment (a CSV line maybe cut within a value), and said the file imported. Refused now, nothing
// written, also under --skip-invalid.
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository/versions.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import type { Row, Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { aroundMethod } from './helpers/store-around.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'guangdong-writes');
const platform = loadPlatform(join(FIXTURES, 'platform.yaml'));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-file-changed-'));
let store: Store;
let shops: Resource;
beforeAll(async () => {
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [join(FIXTURES, 'market.yaml')], { publish: true });
  shops = (await publishedCatalogues(store))[0].resources[0];
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const LINES = Array.from({ length: 4 }, (_, i) => `GD-${i},${10 + i},440300`);

/** The store, but `change` runs on the file once the store has taken the first batch of records. */
const changedAfterFirstBatch = (change: () => void) => aroundMethod(store, 'upsertAll', (args, call) => {
  const batches = args[2] as AsyncIterable<Row[]>;
  args[2] = (async function* () {
    let first = true;
    for await (const batch of batches) {
      yield batch;
      if (first) change();
      first = false;
    }
  })();
  return call();
});

it.each([
  ['grows (an export still running)', (file: string) => appendFileSync(file, 'GD-9,19,440300\n')],
  ['is cut short', (file: string) => truncateSync(file, 20)],
])('refuses a file that %s while it is read, writing nothing', async (_how, change) => {
  const file = join(dir, `shops-${Math.random().toString(36).slice(2)}.csv`);
  for (const skipInvalid of [false, true]) {
    writeFileSync(file, `licence,staff,division\n${LINES.join('\n')}\n`);
    const s = await importRecords(changedAfterFirstBatch(() => change(file)), shops, file, { batchSize: 1, skipInvalid });
    expect([s.refused, s.written, s.problems.map((p) => p.replace(/\(.*\)/, '(...)'))]).toEqual([
      true, 0, [`${file}: changed while it was read (...); nothing was written: import it again once it is written in full`],
    ]);
    expect(await store.count(collectionOf(shops))).toBe(0);
  }
});

it('imports a file left as it was', async () => {
  const file = join(dir, 'shops.csv');
  writeFileSync(file, `licence,staff,division\n${LINES.join('\n')}\n`);
  const s = await importRecords(changedAfterFirstBatch(() => undefined), shops, file, { batchSize: 1 });
  expect([s.refused, s.written]).toEqual([false, 4]);
});
