// `govgraph data import` wrote no audit entry: a supervisor reading the log never saw that the data of a
// resource had been written, by whom or with what, nor its provider. Now two entries (attempted before
// anything is written, then done with the counts, or not done), never a value, the chain verifying; no
// entry, no import. On an Anhui platform of the test's own (test/fixtures/anhui-keys).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { listAudit } from '../src/audit/query.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { importCorrecting } from '../src/workflow/objections.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { runGovgraph, cliEnv } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/anhui-keys/${p}`, import.meta.url));
const VISITS = '340200-MZJ-00001';
const platform = loadPlatform(fixture('platform.yaml'));
const folders: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

async function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-audit-'));
  folders.push(dir);
  const store = await openSqliteStore(dir);
  stores.push(store);
  await importCatalogueFiles(store, platform, [fixture('health.yaml'), fixture('wuhu.yaml')], { publish: true });
  const visits = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === VISITS)!;
  const file = (name: string, lines: object[]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return path;
  };
  return { dir, store, visits, file };
}
const importEntries = async (store: Store, dept = '340000-SJJ', roles = ['supervisor']) =>
  (await listAudit(store, { dept, roles }, { resource: VISITS }, { first: 20 }, platform.platform.competentDepartment)).nodes
    .filter((e) => e.action === 'data import')
    .map((e) => ({ seq: e.seq, user: e.user, kind: e.kind, outcome: e.outcome, detail: e.detail, resources: e.resources.map((r) => r.resource) }))
    .sort((a, b) => a.seq - b.seq);
const operator = { user: 'ops.zhang', requestId: 'import-1' };

describe('data import', () => {
  it('writes an entry before it writes records and one with the counts after, no value, the chain verifying', async () => {
    const { store, visits, file } = await folder();
    const path = file('visits.jsonl', [{ visitNo: 'WH-SECRET-1', band: 'high' }, { visitNo: 'WH-SECRET-2', pending: true }]);
    const { summary, doneRecorded } = await importCorrecting({ store, now: new Date() }, operator, visits, path);
    expect([summary.written, doneRecorded]).toEqual([2, true]);
    const entries = await importEntries(store);
    const first = entries[0].seq;
    expect(entries).toEqual([
      { seq: first, user: 'ops.zhang', kind: 'operator', outcome: 'ok', detail: `data import of ${path} into ${VISITS} attempted (all or nothing)`, resources: [VISITS] },
      { seq: first + 1, user: 'ops.zhang', kind: 'operator', outcome: 'ok', detail: `data import of ${path} into ${VISITS} done (entry #${first}): 2 records written (2 new, 0 updated) of 2 records read`, resources: [VISITS] },
    ]);
    // The provider (Wuhu) reads them as entries about its resource; Hefei, another department, does not.
    expect((await importEntries(store, '340200-MZJ', [])).length).toBe(2);
    expect(await importEntries(store, '340100-MZJ', ['supervisor'])).toEqual([]);
    expect(JSON.stringify(await store.find(AUDIT_COLLECTION, {}))).not.toMatch(/WH-SECRET|high/);
    expect((await verifyAuditChain(store)).ok).toBe(true);
  });

  it('a refused file: not done, nothing written, no value of its problems in the log', async () => {
    const { store, visits, file } = await folder();
    const path = file('bad.jsonl', [{ visitNo: 'WH-SECRET-3', band: 'unheard-of-band' }]);
    const { summary } = await importCorrecting({ store, now: new Date() }, operator, visits, path);
    expect(summary.refused).toBe(true);
    const [attempted, refused] = await importEntries(store);
    expect(refused).toMatchObject({ outcome: 'refused', detail: `data import of ${path} into ${VISITS} — entry #${attempted.seq} not done: refused, 1 problem in 1 of 1 record read; nothing written` });
    expect(JSON.stringify(await store.find(AUDIT_COLLECTION, {}))).not.toMatch(/WH-SECRET|unheard/);
  });

  it('a file refused by its CSV header: the entry says the header, no record read (not "1 of 1 record")', async () => {
    const { dir, store, visits } = await folder();
    const path = join(dir, 'visits.csv');
    writeFileSync(path, 'visitNo,colour\nWH-SECRET-4,red\nWH-SECRET-5,blue\n');
    const { summary } = await importCorrecting({ store, now: new Date() }, operator, visits, path);
    expect([summary.refused, summary.records]).toEqual([true, 0]);
    const [attempted, refused] = await importEntries(store);
    expect(refused).toMatchObject({ outcome: 'refused', detail: `data import of ${path} into ${VISITS} — entry #${attempted.seq} not done: refused, 1 problem in the header, no record read; nothing written` });
  });

  it('a file refused before any record was read (a JSON array): the entry says no record read (not "1 of 1 record")', async () => {
    const { dir, store, visits } = await folder();
    const path = join(dir, 'visits.jsonl');
    writeFileSync(path, JSON.stringify([{ visitNo: 'WH-SECRET-6' }, { visitNo: 'WH-SECRET-7' }]) + '\n');
    const { summary } = await importCorrecting({ store, now: new Date() }, operator, visits, path);
    expect([summary.refused, summary.records]).toEqual([true, 0]);
    const [attempted, refused] = await importEntries(store);
    expect(refused).toMatchObject({ outcome: 'refused', detail: `data import of ${path} into ${VISITS} — entry #${attempted.seq} not done: refused, 1 problem, no record read; nothing written` });
  });

  it('a file of no record type (a.txt) is refused before any entry, as a mistyped path is', async () => {
    const { store, visits, file } = await folder();
    const path = file('visits.txt', [{ visitNo: 'WH-1' }]);
    await expect(importCorrecting({ store, now: new Date() }, operator, visits, path)).rejects.toThrow(/unknown record file type "\.txt"/);
    expect(await importEntries(store)).toEqual([]);
  });

  it('no entry, no import: a log that cannot be written refuses it before a record is written', async () => {
    const { store, visits, file } = await folder();
    const calls: string[] = [];
    const failing = aroundMethod(aroundMethod(store, 'insert', async (args, call) => {
      if (args[0] === AUDIT_COLLECTION) throw new Error('disk full');
      return call();
    }), 'upsertAll', async (_args, call) => (calls.push('upsertAll'), call()));
    const path = file('visits.jsonl', [{ visitNo: 'V9' }]);
    await expect(importCorrecting({ store: failing, now: new Date() }, operator, visits, path)).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
    expect(calls).toEqual([]);
    expect(await store.find(collectionOf(visits), {})).toEqual([]);
  });

  it('a store failing mid-import leaves attempted and failed, nothing written', async () => {
    const { store, visits, file } = await folder();
    const failing = aroundMethod(store, 'upsertAll', async () => {
      throw new Error('the import connection was lost');
    });
    const path = file('visits.jsonl', [{ visitNo: 'V9' }]);
    await expect(importCorrecting({ store: failing, now: new Date() }, operator, visits, path)).rejects.toThrow(/connection was lost/);
    const [attempted, failed] = await importEntries(store);
    expect(failed).toMatchObject({ outcome: 'error', detail: `data import of ${path} into ${VISITS} — entry #${attempted.seq} failed: the import connection was lost` });
  });

  it('the command writes them, and audit verify checks the chain', async () => {
    const { dir, file } = await folder();
    await stores.splice(0).reduce((p, s) => p.then(() => s.close()), Promise.resolve());
    const path = file('visits.csv', []);
    writeFileSync(path, 'visitNo,band\nC1,low\nC2,\n');
    const env = cliEnv({ GOVGRAPH_PLATFORM: fixture('platform.yaml'), GOVGRAPH_DATA_DIR: dir });
    const imported = await runGovgraph(['data', 'import', '--resource', VISITS, path], { env });
    expect(imported.stdout).toMatch(/^imported 2 records into 340200-MZJ-00001/);
    expect(imported.code).toBe(0);
    const verified = await runGovgraph(['audit', 'verify'], { env });
    expect(verified.code).toBe(0);
    const store = await openSqliteStore(dir);
    stores.push(store);
    expect((await importEntries(store)).map((e) => [e.user, e.outcome, (e.detail ?? '').replace(/ \(entry #\d+\)/, '')])).toEqual([
      ['operator', 'ok', `data import of ${path} into ${VISITS} attempted (all or nothing)`],
      ['operator', 'ok', `data import of ${path} into ${VISITS} done: 2 records written (2 new, 0 updated) of 2 records read`],
    ]);
  });
});
