// A data import killed between its two writes (docs/operations.md, "Commands and gateways killed midway"):
// `data import` commits the records, then marks CORRECTED each confirmed objection whose item it changed.
// Killed (kill -9, the machine going down) after the commit and before the marks, the records hold the
// corrected value and the objection stays CONFIRMED, so every read of the record still carries the doubt.
// Importing the same file again changed nothing more, and so corrected nothing: the objection stood for
// good, unless the provider imported a wrong value and then the right one again. A confirmed objection
// now keeps a fingerprint of the value confirmed wrong, and any later import marks it once the record no
// longer holds that value.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { eq } from '../src/store/port.ts';
import { importCorrecting, OBJECTIONS } from '../src/workflow/objections.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const PLATE = 'LU-A12345';
const OTHER = 'LU-B54321';
const READER = { dept: '370000-MZT', roles: ['applicant' as const], purpose: 'licence-review' };
const APPROVER = { dept: '370000-GAT', roles: ['approver' as const] };
const operator = { user: 'operator', requestId: 'import' };

let gw: TestGateway;
let vehicles: Resource;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
  vehicles = (await publishedCatalogues(gw.store)).find((c) => c.id === 'QT-GAT')!.resources[1];
  await gw.store.insert(collectionOf(vehicles), [{ plateNo: PLATE, colour: 'red' }, { plateNo: OTHER, colour: 'green' }]);
}, 30_000);
afterAll(() => gw?.close());

async function confirmedObjection(key: string): Promise<string> {
  const raised = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`,
    { ...READER, variables: { input: { resource: vehicles.code, key, item: 'colour', reason: 'It is blue', proposedValue: 'blue' } } });
  expect(raised.errors).toBeUndefined();
  const id = raised.data!.raiseObjection.id as string;
  const answered = await gw.query(`mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }`,
    { ...APPROVER, variables: { input: { id, decision: 'CONFIRM' } } });
  expect(answered.data!.answerObjection.status).toBe('CONFIRMED');
  return id;
}

const carried = async (key: string) =>
  (await gw.query(`query($k: String!) { police { vehicle(plateNo: $k) { colour _objections { status } } } }`, { ...READER, variables: { k: key } })).data!.police.vehicle;

const importFile = (lines: object[]) => {
  const file = join(gw.dataDir, 'vehicles.jsonl');
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
};

describe('a data import killed after its records were committed, before its objections were marked', () => {
  it('leaves the objection CONFIRMED; importing the same file again marks it CORRECTED', async () => {
    const id = await confirmedObjection(PLATE);
    const file = importFile([{ plateNo: PLATE, colour: 'blue' }]);
    // The import's records committed, the process killed before the marks: the state a kill leaves there.
    expect((await importRecords(gw.store, vehicles, file)).written).toBe(1);
    expect(await carried(PLATE)).toEqual({ colour: 'blue', _objections: [{ status: 'CONFIRMED' }] });

    // The operator runs the same import again: nothing changes in the records, the objection is marked.
    const again = await importCorrecting({ store: gw.store, now: new Date() }, operator, vehicles, file);
    expect(again.summary.updated).toBe(1);
    expect(again.corrected.map((o) => [o.id, o.status])).toEqual([[id, 'corrected']]);
    expect(await carried(PLATE)).toEqual({ colour: 'blue', _objections: [] });
    const [row] = await gw.store.find(OBJECTIONS, { filter: eq('id', id) });
    expect(row.status).toBe('corrected');
    // The objection keeps no record value, only its fingerprint; the audit entry names no value either.
    expect(JSON.stringify(row)).not.toContain('"red"');
    // Salted with the objection's id: a table of common values' plain hashes does not read it back.
    expect(row.confirmedValue).toMatch(/^[0-9a-f]{64}$/);
    expect(row.confirmedValue).not.toBe(createHash('sha256').update('"red"').digest('hex'));
    const entries = JSON.stringify(await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', 'correctObjection') }));
    expect(entries).toContain(`objection ${id} corrected`);
    expect(entries).not.toContain(PLATE);
  });

  it('an import that leaves the confirmed value as it was still corrects nothing', async () => {
    const id = await confirmedObjection(OTHER);
    const same = await importCorrecting({ store: gw.store, now: new Date() }, operator, vehicles, importFile([{ plateNo: OTHER, colour: 'green' }, { plateNo: PLATE, colour: 'blue' }]));
    expect(same.summary.written).toBe(2);
    expect(same.corrected).toEqual([]);
    expect(await carried(OTHER)).toEqual({ colour: 'green', _objections: [{ status: 'CONFIRMED' }] });
    const fixed = await importCorrecting({ store: gw.store, now: new Date() }, operator, vehicles, importFile([{ plateNo: OTHER, colour: 'blue' }]));
    expect(fixed.corrected.map((o) => o.id)).toEqual([id]);
  });

  it('an objection confirmed before fingerprints were kept is corrected by an import that changes its item, as before', async () => {
    const id = await confirmedObjection(OTHER);
    await gw.store.update(OBJECTIONS, eq('id', id), { confirmedValue: null }); // as a store of older code holds it
    const same = await importCorrecting({ store: gw.store, now: new Date() }, operator, vehicles, importFile([{ plateNo: OTHER, colour: 'blue' }]));
    expect(same.corrected).toEqual([]);
    const fixed = await importCorrecting({ store: gw.store, now: new Date() }, operator, vehicles, importFile([{ plateNo: OTHER, colour: 'black' }]));
    expect(fixed.corrected.map((o) => o.id)).toEqual([id]);
  });
});
