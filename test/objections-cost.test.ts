// A record's `_objections` against maxCost (SPEC §13). The field takes no `first`, so the cost counts 20
// entries for it on every record, as for the platform's own lists; but once read, its entries past 20
// were not counted: one department may stand an objection on every item of a record (one per record, item
// and department), so on a resource of many items its records carry more than the estimate, and a page of
// them answered more values than maxCost allows (found by the §13 walk). Each record's list now counts its
// entries past 20 once read, as the platform's lists do. On a Tibet platform of the test's own
// (test/fixtures/xizang-objections: a survey of 25 items).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/xizang-objections/${name}`, import.meta.url));
const SURVEY = '540000-TJJ-01';
const HOUSEHOLDS = ['XZ-0001', 'XZ-0002'];
const ITEMS = Array.from({ length: 25 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`);
const AGRICULTURE = { dept: '540000-NNT', roles: ['applicant' as const], purpose: 'survey-check' };
const RAISE = 'mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }';
// Estimated: 3 + 2 × (householdNo + _objections + 20 × 4) = 167, within maxCost 180; the first record's
// 25 objections add 5 × 4 = 20 more (187), over it; held whole: 3 + 2 × (2 + 25 × 4) = 207.
const PAGE = '{ statistics { households(first: 2) { nodes { householdNo _objections { id item status dueDate } } } } }';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('statistics.yaml')],
    limits: { maxCost: 180 },
  });
  const [survey] = (await publishedCatalogues(gw.store)).find((c) => c.id === 'XZ-TJJ')!.resources;
  await gw.store.insert(collectionOf(survey), HOUSEHOLDS.map((householdNo) => ({ householdNo, ...Object.fromEntries(ITEMS.map((i) => [i, 'yes'])) })));
  for (const key of HOUSEHOLDS) {
    for (const item of ITEMS) {
      const raised = await gw.query(RAISE, { ...AGRICULTURE, variables: { input: { resource: SURVEY, key, item, reason: 'Answer doubted' } } });
      expect(raised.errors).toBeUndefined();
    }
  }
}, 60_000);
afterAll(() => gw?.close());

describe("a record's _objections counted once read", () => {
  it('a page whose records carry more objections than the estimate is refused past maxCost', async () => {
    const res = await gw.query(PAGE, AGRICULTURE);
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringContaining('with the 25 entries _objections holds'),
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: 180 },
    });
    const answered = (res.data?.statistics?.households?.nodes ?? []) as { _objections: unknown[] | null }[];
    expect(answered.flatMap((n) => n._objections ?? [])).toEqual([]);
  });

  it('one record with its 25 objections is within the bound, answered whole', async () => {
    const res = await gw.query(`{ statistics { household(householdNo: "${HOUSEHOLDS[0]}") { _objections { id item } } } }`, AGRICULTURE);
    expect(res.errors).toBeUndefined();
    expect(res.data?.statistics?.household?._objections).toHaveLength(25);
  });
});
