// Attacks on the data-quality answers (SPEC §14) as a supervisor reads them: a supervisor of the
// competent department lists every objection, but reads the data under its own department's rules, so
// an objection must not hand it the record's key or the proposed value of a personal item in clear
// (the consistency report masks its keys for the same reader).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const HOUSEHOLD = '430000-GA-00001';
const RAISER = { dept: '430000-MZ', roles: ['applicant' as const], purpose: 'social-assistance' };
const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id key proposedValue } }`;
const LIST = `{ objections(resource: "${HOUSEHOLD}") { id key item reason proposedValue raisedBy } }`;

let gw: TestGateway;
let idNumber: string;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
  const catalogues = await publishedCatalogues(gw.store);
  await addGrant(gw.store, { platform: gw.platform, catalogues },
    { requester: '430000-MZ', resource: HOUSEHOLD, items: ['idNumber', 'fullName'], purposes: ['social-assistance'], createdBy: 'test' });
  const resource = catalogues.flatMap((c) => c.resources).find((r) => r.code === HOUSEHOLD)!;
  [{ idNumber }] = (await gw.store.find(collectionOf(resource), { limit: 1 })) as { idNumber: string }[];
});
afterAll(() => gw?.close());

describe('an objection to a personal item, as each viewer lists it', () => {
  it('the raiser and the provider see the key and the proposed value; a supervisor sees them masked', async () => {
    const raised = await gw.query(RAISE, { ...RAISER, variables: { input: { resource: HOUSEHOLD, key: idNumber, item: 'fullName', reason: 'Misspelt', proposedValue: '欧阳娜娜' } } });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection).toMatchObject({ key: idNumber, proposedValue: '欧阳娜娜' });

    const raiser = await gw.query(LIST, { dept: '430000-MZ' });
    expect(raiser.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);
    const provider = await gw.query(LIST, { dept: '430000-GA' });
    expect(provider.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);

    const supervisor = await gw.query(LIST, { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(supervisor.errors).toBeUndefined();
    expect(supervisor.data!.objections).toEqual([{
      id: raised.data!.raiseObjection.id, item: 'fullName', reason: 'Misspelt', raisedBy: '430000-MZ',
      key: `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`, proposedValue: '欧***',
    }]);
    expect(JSON.stringify(supervisor.data)).not.toContain(idNumber);
  });
});
