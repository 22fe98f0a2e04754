// The data imports `audit verify` names as left without an outcome (src/workflow/unfinished-imports.ts),
// read from the log of a real store: an import whose file path is long enough that its entries' details
// are cut at MAX_DETAIL (their `done (entry #N)` lost with the end) still ended, and a log whose data
// import entries cannot be read is walked to its end. On the Chongqing platform of chongqing-left.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, MAX_DETAIL } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository/versions.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { auditedImport, DATA_IMPORT_ACTION } from '../src/workflow/data-import.ts';
import { unfinishedImports } from '../src/workflow/unfinished-imports.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/chongqing-left/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unfinished-imports-'));
let store: Store;
beforeAll(async () => {
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, loadPlatform(fixture('platform.yaml')), [fixture('relief.yaml')], { publish: true });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('takes an import that ended as ended when its file path cut the details before `done (entry #N)`', async () => {
  // Nine folders of 240 characters: a path past MAX_DETAIL (a file system allows 4,096).
  const folder = join(dir, ...Array.from({ length: 9 }, (_, i) => `${i}`.padEnd(240, 'f')));
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'relief.jsonl');
  expect(file.length).toBeGreaterThan(MAX_DETAIL);
  writeFileSync(file, '{"caseNo":"CQ-1","township":"t1","households":2}\n');
  const relief = (await publishedCatalogues(store))[0].resources[0];
  const done = await auditedImport({ store }, { user: 'operator', requestId: 'long-path-import' }, relief, file);
  expect([done.summary.written, done.doneRecorded]).toEqual([1, true]);
  expect(await unfinishedImports(store)).toEqual([]);
});

it('walks to the end of a log whose data import entries cannot be read (a damaged log is what verify is run on)', async () => {
  const rows = Array.from({ length: 600 }, (_, i) => ({
    seq: 1_000_000 + i, time: '2026-12-06T00:00:00.000Z', requestId: `r${i}`, kind: 'operator', action: DATA_IMPORT_ACTION,
    resources: '{not json', outcome: 'ok', detail: 'data import of x.jsonl into 500000-MZJ-00031 attempted (all or nothing)', prevHash: '', hash: '',
  }));
  await store.insert(AUDIT_COLLECTION, rows);
  expect(await unfinishedImports(store)).toEqual([]);
}, 20_000);
