// `data import --skip-invalid --rejects FILE` naming the records file itself (or a link to it): the rejects
// take their file's name once the import has ended, so the operator's records file was replaced by the few
// rejected records, the valid ones then kept only in the store; and a rejects file in the data folder
// replaces the store's own files. Refused before anything is written.
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { eq } from '../src/store/port.ts';
import { DATA_IMPORT_ACTION } from '../src/workflow/data-import.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'guangdong-writes');
const PLATFORM = join(FIXTURES, 'platform.yaml');
const RECORDS = '{"licence":"GD-0001","staff":3,"division":"440300"}\n{"licence":"GD-0002","staff":"many","division":"440600"}\n';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-rejects-same-file-'));
const { data, env } = storeOfCase(dir, 'data', PLATFORM);
const shops = join(dir, 'shops.jsonl');
beforeAll(async () => {
  await withSqliteStore(data, (store) => importCatalogueFiles(store, loadPlatform(PLATFORM), [join(FIXTURES, 'market.yaml')], { publish: true }));
  writeFileSync(shops, RECORDS);
  symlinkSync(shops, join(dir, 'link.jsonl'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it.each([
  ['the records file', shops],
  ['the records file spelt otherwise', join(dir, '..', dir.split('/').at(-1)!, 'shops.jsonl')],
  ['a link to it', join(dir, 'link.jsonl')],
])('refuses %s as the rejects file, keeping the file and writing nothing', async (_how, rejects) => {
  const r = await runGovgraph(['data', 'import', '--resource', '440000-SJJ-00031', shops, '--skip-invalid', '--rejects', rejects], { env });
  expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([
    1, `govgraph: rejects file ${rejects}: is the file being imported, which the rejects would replace; name another file (by default ${shops}.rejects.jsonl)`,
  ]);
  expect(readFileSync(shops, 'utf8')).toBe(RECORDS);
  await withSqliteStore(data, async (store) => {
    expect(await store.count('r_440000_sjj_00031')).toBe(0);
    expect(await store.count(AUDIT_COLLECTION, eq('action', DATA_IMPORT_ACTION))).toBe(0);
  });
});

// The data folder holds the store: `--rejects data/govgraph.sqlite` replaced the embedded store (catalogues,
// grants, the audit log) by the rejects, and the next command found the store file "damaged".
it.each([
  ['the store file', () => join(data, 'govgraph.sqlite')],
  ['a new file in the data folder', () => join(data, 'rejects.jsonl')],
])('refuses %s as the rejects file, keeping the store and writing nothing', async (_how, path) => {
  writeFileSync(shops, RECORDS);
  const rejects = path();
  const r = await runGovgraph(['data', 'import', '--resource', '440000-SJJ-00031', shops, '--skip-invalid', '--rejects', rejects], { env });
  expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([
    1, `govgraph: rejects file ${rejects}: lies in the data folder ${data}, which holds the store (a rejects file there replaces its files); name a file outside it`,
  ]);
  await withSqliteStore(data, async (store) => {
    expect(await store.count(AUDIT_COLLECTION, eq('action', DATA_IMPORT_ACTION))).toBe(0);
    expect(await store.count('r_440000_sjj_00031')).toBe(0);
  });
});

// Last: it writes records and entries, which the cases above count as none.
it('writes the rejects to another file as before', async () => {
  writeFileSync(shops, RECORDS);
  const r = await runGovgraph(['data', 'import', '--resource', '440000-SJJ-00031', shops, '--skip-invalid', '--rejects', join(dir, 'refused.jsonl')], { env });
  expect(r.code).toBe(3);
  expect(readFileSync(shops, 'utf8')).toBe(RECORDS);
  expect(readFileSync(join(dir, 'refused.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).line)).toEqual([2]);
});

it('takes the default rejects file beside a records file kept in the data folder', async () => {
  const kept = join(data, 'shops.jsonl');
  writeFileSync(kept, RECORDS);
  const r = await runGovgraph(['data', 'import', '--resource', '440000-SJJ-00031', kept, '--skip-invalid'], { env });
  expect(r.code).toBe(3);
  expect(readFileSync(`${kept}.rejects.jsonl`, 'utf8').trim().split('\n').map((l) => JSON.parse(l).line)).toEqual([2]);
});
