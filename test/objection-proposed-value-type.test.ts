// An objection's proposed value must be one the item could hold (SPEC §14 as a careless user): a value
// its enum lacks, or a word for a number, is refused with BAD_USER_INPUT at `proposedValue`, before the
// record is looked up, stores nothing, and is not repeated in the answer or the audit log. Found: any text
// was stored, and the provider read, confirmed and set out to import a value the import then refused. On
// a Qinghai fixture (test/fixtures/qinghai-quality): the allowance recipients' `status` is an enum.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { OBJECTIONS } from '../src/workflow/objections.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/qinghai-quality';
const RECIPIENTS = '630000-MZ-00021';
const XINING = { dept: '630100-RS', roles: ['applicant' as const], purpose: 'benefits' };
const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { item status } }`;
const raise = (item: string, proposedValue: string, key = 'XN-7') =>
  gw.query(RAISE, { ...XINING, variables: { input: { resource: RECIPIENTS, key, item, reason: 'The case was suspended in May', proposedValue } } });

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'benefits.yaml')] });
  const recipients = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === RECIPIENTS)!;
  await gw.store.insert(collectionOf(recipients), [{ caseNo: 'XN-7', status: 'active', fullName: '马丽' }, { caseNo: 'XN-8', status: 'active', fullName: '韩梅' }]);
}, 60_000);
afterAll(() => gw?.close());

it('a value the enum lacks is refused at proposedValue, without repeating it, and stores nothing', async () => {
  const refused = await raise('status', 'on-hold-since-may');
  expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(refused.errors![0].message).toBe(`proposedValue: the value proposed is not one of active, suspended, closed, pending, so status of ${RECIPIENTS} could not hold it.`);
  expect(refused.errors![0].extensions?.problems).toEqual([{ path: 'proposedValue', message: 'is not one of active, suspended, closed, pending' }]);
  expect(await gw.store.count(OBJECTIONS)).toBe(0);
  // Refused for a record that does not exist alike: judged before the record is looked up.
  expect((await raise('status', 'on-hold-since-may', 'XN-404')).errors![0].message).toBe(refused.errors![0].message);
  const entries = await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', 'raiseObjection') });
  expect(entries.map((e) => e.outcome)).toEqual(['refused', 'refused']);
  expect(entries.some((e) => JSON.stringify(e).includes('on-hold-since-may'))).toBe(false);
});

it('a value of the item, in the catalogue\'s spelling or the schema\'s, is taken as typed; a text item takes any text', async () => {
  expect((await raise('status', 'suspended')).data?.raiseObjection).toEqual({ item: 'status', status: 'OPEN' });
  expect((await raise('status', 'SUSPENDED', 'XN-8')).data?.raiseObjection).toEqual({ item: 'status', status: 'OPEN' });
  expect((await raise('fullName', '马丽丽')).data?.raiseObjection).toEqual({ item: 'fullName', status: 'OPEN' });
  const proposed = (await gw.store.find(OBJECTIONS, { sort: [{ field: 'raisedAt', direction: 'asc' }] })).map((r) => r.proposedValue);
  expect(proposed.sort()).toEqual(['SUSPENDED', 'suspended', '马丽丽'].sort());
});
