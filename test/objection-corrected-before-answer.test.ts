// A provider that corrects the record first and confirms the objection after (SPEC §14): the import
// that changed the item ran while the objection was OPEN, so it marked nothing, and the confirmation
// took the fingerprint of the corrected value as "what was confirmed wrong": no later import could find
// the item changed, and the objection stood CONFIRMED, its doubt on every read of a record already right,
// until the item was changed once more. The correction is now judged against what the item held when the
// objection was raised: the next import of the resource (the corrected file again) marks it CORRECTED.
// An objection confirmed without any change still waits for an import that changes its item. On a
// Zhejiang platform of its own (test/fixtures/zhejiang-quality). (Found by the §14 walk.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { importCorrecting } from '../src/workflow/objections.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/zhejiang-quality/${name}`, import.meta.url));
const HANGZHOU = { dept: '330100-MZ', roles: ['applicant' as const], purpose: 'allowance' };
const POLICE_APPROVER = { dept: '330000-GAT', roles: ['approver' as const] };
const ZHANG = { idNo: '33010219900101123X', fullName: '张三', income: '9000', district: '330102' };
const LI = { idNo: '330102199001011234', fullName: '李四', income: '5000', district: '330102' };

let gw: TestGateway;
let residents: Resource;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
  residents = (await publishedCatalogues(gw.store)).find((c) => c.id === 'ZJ-GAT')!.resources[0];
  await gw.store.insert(collectionOf(residents), [ZHANG, LI]);
  dir = mkdtempSync(join(tmpdir(), 'govgraph-corrected-first-'));
}, 30_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
async function importRecords(records: object[]) {
  const file = join(dir, `import-${files++}.jsonl`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return importCorrecting({ store: gw.store, now: new Date() }, { user: 'operator', requestId: `import-${files}` }, residents, file);
}
async function raise(idNo: string): Promise<string> {
  const r = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`,
    { ...HANGZHOU, variables: { input: { resource: '330000-GAT-001', key: idNo, item: 'fullName', reason: 'The name was changed in 2025' } } });
  expect(r.errors).toBeUndefined();
  return r.data!.raiseObjection.id;
}
async function confirm(id: string) {
  const r = await gw.query(`mutation($id: ID!) { answerObjection(input: { id: $id, decision: CONFIRM }) { status } }`, { ...POLICE_APPROVER, variables: { id } });
  expect(r.data!.answerObjection.status).toBe('CONFIRMED');
}
const statusOf = async (id: string) =>
  (await gw.query(`query($id: ID) { objections(id: $id) { status } }`, { ...HANGZHOU, variables: { id } })).data!.objections[0].status;

it('is CORRECTED by the next import when the provider corrected the record before confirming', async () => {
  const id = await raise(ZHANG.idNo);
  const fixed = { ...ZHANG, fullName: '张叁' };
  expect((await importRecords([fixed])).corrected).toEqual([]); // OPEN: nothing to mark yet
  await confirm(id);
  const again = await importRecords([fixed]); // the corrected file again: the item no longer holds what was doubted
  expect(again.corrected.map((o) => o.id)).toEqual([id]);
  expect(await statusOf(id)).toBe('CORRECTED');
  const read = await gw.query(`query($k: String!) { zjPolice { zjResident(idNo: $k) { _objections { id } } } }`, { ...HANGZHOU, variables: { k: ZHANG.idNo } });
  expect(read.data!.zjPolice.zjResident._objections).toEqual([]);
});

it('still waits, when confirmed unchanged, for an import that changes the item', async () => {
  const id = await raise(LI.idNo);
  await confirm(id);
  expect((await importRecords([LI, { ...ZHANG, fullName: '张叁', district: '330106' }])).corrected).toEqual([]);
  expect(await statusOf(id)).toBe('CONFIRMED');
  expect((await importRecords([{ ...LI, fullName: '李斯' }])).corrected.map((o) => o.id)).toEqual([id]);
});

it('an objection raised by older code (no raise-time fingerprint) ends as before: judged from its confirmation', async () => {
  const WANG = { idNo: '330102199202021111', fullName: '王五', income: '7000', district: '330102' };
  await gw.store.insert(collectionOf(residents), [WANG]);
  const id = await raise(WANG.idNo);
  // Its row as older code wrote it.
  expect(await gw.store.update('_objections', eq('id', id), { raisedValue: null })).toBe(1);
  const fixed = { ...WANG, fullName: '王伍' };
  await importRecords([fixed]);
  await confirm(id);
  expect((await importRecords([fixed])).corrected).toEqual([]); // confirmed as it stands: nothing changed since
  expect((await importRecords([{ ...WANG, fullName: '汪五' }])).corrected.map((o) => o.id)).toEqual([id]);
});

it('keeps no value of the item at raise: a fingerprint, in no objection row and no audit entry', async () => {
  const rows = await gw.store.find('_objections', {});
  expect(rows.filter((row) => typeof row.raisedValue === 'string')).toHaveLength(2); // the other two's
  for (const row of rows) {
    expect(String(row.raisedValue ?? '')).toMatch(/^([0-9a-f]{64})?$/);
    expect(JSON.stringify(row)).not.toMatch(/张三|张叁|李四|李斯|王五|王伍|汪五/);
  }
  expect(JSON.stringify(await gw.store.find(AUDIT_COLLECTION, {}))).not.toMatch(/张三|张叁|李四|李斯|王五|王伍|汪五/);
});
