// A CONFIRMED objection becomes CORRECTED when an import changes the record's item (SPEC §14). Found: an
// import that only changed the item's Unicode normal form (a provider's tool writing every text in NFC,
// "José" with a precomposed é where the record held e + U+0301) marked it CORRECTED: nothing a person
// reads had changed, the value was as wrong as before, and its doubt left every read of the record
// (`_objections`). A change of normal form alone now corrects nothing; any other change still does. On a
// Qinghai platform (test/fixtures/qinghai-quality).
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { importCorrecting } from '../src/workflow/objections.ts';
import { fingerprint } from '../src/workflow/objections/fingerprints.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const XINING = { dept: '630100-RS', roles: ['applicant' as const], purpose: 'benefits' };
const APPROVER = { dept: '630000-MZ', roles: ['approver' as const] };
const NFD = 'Jose\u0301 Ma\u0301rquez';
const NFC = NFD.normalize('NFC');

let gw: TestGateway;
let recipients: Resource;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'benefits.yaml')] });
  recipients = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '630000-MZ-00021')!;
  await gw.store.insert(collectionOf(recipients), [{ caseNo: 'C1', status: 'active', fullName: NFD }, { caseNo: 'C2', status: 'active', fullName: NFD }]);
  dir = mkdtempSync(join(tmpdir(), 'govgraph-normal-form-'));
}, 60_000);
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
async function importRecords(records: object[]) {
  const file = join(dir, `import-${files++}.jsonl`);
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const { summary, corrected } = await importCorrecting({ store: gw.store, now: new Date() }, { user: 'operator', requestId: `import-${files}` }, recipients, file);
  expect(summary.refused).toBeFalsy();
  return corrected.map((o) => o.id);
}
async function raiseAndConfirm(caseNo: string): Promise<string> {
  const r = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`,
    { ...XINING, variables: { input: { resource: '630000-MZ-00021', key: caseNo, item: 'fullName', reason: 'Another person’s name' } } });
  expect(r.errors).toBeUndefined();
  const id = r.data!.raiseObjection.id;
  const a = await gw.query(`mutation($id: ID!) { answerObjection(input: { id: $id, decision: CONFIRM }) { status } }`, { ...APPROVER, variables: { id } });
  expect(a.data!.answerObjection.status).toBe('CONFIRMED');
  return id;
}
const doubts = async (caseNo: string) =>
  (await gw.query(`query($k: String!) { qhCivil { qhRecipient(caseNo: $k) { fullName _objections { status } } } }`, { ...XINING, variables: { k: caseNo } })).data!.qhCivil.qhRecipient;

it('an import that only writes the doubted text in another normal form leaves the objection CONFIRMED', async () => {
  const id = await raiseAndConfirm('C1');
  expect(await importRecords([{ caseNo: 'C1', status: 'active', fullName: NFC }])).toEqual([]);
  // The store holds the new spelling, and the doubt is still on the record.
  expect(await doubts('C1')).toEqual({ fullName: NFC, _objections: [{ status: 'CONFIRMED' }] });
  // A real change corrects it.
  expect(await importRecords([{ caseNo: 'C1', status: 'active', fullName: 'Ana Márquez' }])).toEqual([id]);
  expect(await doubts('C1')).toEqual({ fullName: 'Ana Márquez', _objections: [] });
});

it('an objection whose fingerprint was kept as stored (before NFC) is judged as before: unchanged, it stands; changed, it is corrected', async () => {
  const id = await raiseAndConfirm('C2');
  // Its row as earlier code wrote it: the fingerprint of the stored (NFD) text itself.
  const legacy = createHash('sha256').update(`${id}\n${JSON.stringify(NFD)}`).digest('hex');
  expect(legacy).not.toBe(fingerprint({ id }, NFD));
  expect(await gw.store.update('_objections', eq('id', id), { confirmedValue: legacy })).toBe(1);
  expect(await importRecords([{ caseNo: 'C2', status: 'suspended', fullName: NFD }])).toEqual([]); // the item unchanged
  expect(await importRecords([{ caseNo: 'C2', status: 'suspended', fullName: 'Ana Márquez' }])).toEqual([id]);
});

it('an objection whose fingerprint was kept as stored, of a text in NFD, stands when an import writes the text in NFC', async () => {
  // The case this change was made for, on the objections confirmed before it (their fingerprints are of
  // the text as stored): a provider's tool now writing every text in NFC must not correct them either.
  await gw.store.insert(collectionOf(recipients), [{ caseNo: 'C3', status: 'active', fullName: NFD }]);
  const id = await raiseAndConfirm('C3');
  const legacy = createHash('sha256').update(`${id}\n${JSON.stringify(NFD)}`).digest('hex');
  expect(await gw.store.update('_objections', eq('id', id), { confirmedValue: legacy })).toBe(1);
  expect(await importRecords([{ caseNo: 'C3', status: 'active', fullName: NFC }])).toEqual([]);
  expect(await doubts('C3')).toEqual({ fullName: NFC, _objections: [{ status: 'CONFIRMED' }] });
  expect(await importRecords([{ caseNo: 'C3', status: 'active', fullName: 'Ana Márquez' }])).toEqual([id]);
});
