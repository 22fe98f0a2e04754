// A record's `_objections` (SPEC §14) attacked by a city department that reads the record but may not read
// every item of it (SPEC §6): an objection says that another department, and once CONFIRMED the provider
// too, holds one item's value of that record wrong, which is something learnt about that value. A city
// department outside an item's scope (a hard no: the item is not even in its view of the schema) read the
// standing objections to it on every record it listed, looked up or reached through a link. Now a record
// lists only the objections to items the request may read (masked ones included: their doubt is shown
// with them); the raiser and the provider still see theirs. test/fixtures/xinjiang-reads.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xinjiang-reads/${name}`, import.meta.url));
const RESIDENTS = '650000-GAT-00001';
const CITY = { dept: '650100-MZJ', purpose: 'relief-check' }; // granted its county 650102 of the residents
const MARKET = { dept: '650000-SCJ', purpose: 'relief-check' }; // a province department: provinceNote is in its scope
const PROVIDER = { dept: '650000-GAT', purpose: 'relief-check' };
const R1 = '650102199001011234';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')] });
  const catalogues = await publishedCatalogues(gw.store);
  const collection = (code: string) => collectionOf(catalogues.flatMap((c) => c.resources).find((r) => r.code === code)!);
  await gw.store.insert(collection(RESIDENTS), [
    { certNo: R1, holderName: '艾力', division: '650102', age: 30, criminalNote: 'theft', provinceNote: 'watch list', employerUscc: 'F1' },
  ]);
  await gw.store.insert(collection('650000-GAT-00002'), [{ houseNo: 'H1', division: '650102', headCert: R1 }]);
  const ctx = { platform: gw.platform, catalogues };
  await addGrant(gw.store, ctx, { requester: CITY.dept, resource: RESIDENTS, items: ['certNo', 'holderName', 'division', 'age'], purposes: ['relief-check'], rows: ['650102'], createdBy: 'test' });
  await addGrant(gw.store, ctx, { requester: MARKET.dept, resource: RESIDENTS, items: ['certNo', 'age', 'provinceNote'], purposes: ['relief-check'], createdBy: 'test' });
  // The market bureau objects to the record's provinceNote and to its age; the provider confirms the first.
  const raise = (item: string) => gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`,
    { ...MARKET, roles: ['applicant'], variables: { input: { resource: RESIDENTS, key: R1, item, reason: 'Differs from our register' } } });
  const [hidden, shown] = [await raise('provinceNote'), await raise('age')];
  expect([hidden.errors, shown.errors]).toEqual([undefined, undefined]);
  const answer = await gw.query(`mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }`,
    { ...PROVIDER, roles: ['approver'], variables: { input: { id: hidden.data!.raiseObjection.id, decision: 'CONFIRM', reason: 'Being corrected' } } });
  expect(answer.data).toEqual({ answerObjection: { status: 'CONFIRMED' } });
}, 60_000);
afterAll(() => gw?.close());

const READS = `{ xjPolice {
  oasisResidents { nodes { age _objections { item status } } }
  oasisResident(certNo: "${R1}") { age _objections { item status } }
  oasisHouseholds { nodes { houseNo head { age _objections { item status } } } } } }`;
const items = (objections: { item: string; status: string }[]) => objections.map((o) => `${o.item} ${o.status}`).sort();

describe('the objections a record carries', () => {
  it('leave out, for a department outside an item\'s scope, those to that item, in a list, a lookup and through a link', async () => {
    const r = await gw.query(READS, CITY);
    expect(r.errors).toBeUndefined();
    const police = r.data!.xjPolice;
    for (const record of [police.oasisResidents.nodes[0], police.oasisResident, police.oasisHouseholds.nodes[0].head]) {
      expect(items(record._objections)).toEqual(['age OPEN']);
    }
    expect(JSON.stringify(r.data)).not.toMatch(/provinceNote|CONFIRMED/);
  });

  it('show the raiser and the provider every one they may read', async () => {
    for (const who of [MARKET, PROVIDER]) {
      const r = await gw.query(`{ xjPolice { oasisResident(certNo: "${R1}") { _objections { item status } } } }`, who);
      expect(r.errors).toBeUndefined();
      expect(items(r.data!.xjPolice.oasisResident._objections)).toEqual(['age OPEN', 'provinceNote CONFIRMED']);
    }
  });
});
