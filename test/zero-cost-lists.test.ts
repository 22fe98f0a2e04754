// maxCost for a list whose elements select nothing that costs: every field under them @skip'ped or left
// out by @include (found by the review of the split src/limits/, h206). Each element counted what its
// selection holds, 0, so such a list cost 1 however long it was: `fishingBoats(first: 100) { nodes {
// hullNo @skip(if: true) } }` was estimated at 3 and answered 100 `{}`; `demands(overdue: false) { id
// @skip(if: true) }` was read whole, 3,000 demands, and answered 3,000 `{}` under a maxCost of 100; and
// `demands { id @skip(if: true) }`, read no further than one entry past what the bound leaves it, came
// back cut to 120 entries with no error: a client got a wrong length. Each element now counts at least 1
// (it is a value of the response), before the request runs and once a list is read, and a list the store
// cut short is never answered. Shantou's platform (test/fixtures/shantou-lists), departments made up.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { UNPAGED_LIST_ESTIMATE } from '../src/limits/pages.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/shantou-lists/${name}`, import.meta.url));
const MAX_COST = 100; // and the platform's maxPageSize: 100
const MANY = 3000; // demands of Longhu's civil affairs bureau
const FEW = 50; // demands of Jinping's
const BOATS = 150;
const LONGHU = { dept: '440507-MZ', purpose: 'fishing-permit-check' };
const JINPING = { dept: '440511-MZ', purpose: 'fishing-permit-check' };

const demand = (id: string, requester: string, provider: string) => ({
  id, title: `Boat owners ${id}`, description: 'For permit checks', items: JSON.stringify(['owner']), purposes: JSON.stringify(['fishing-permit-check']),
  provider, requester, requestedBy: 'lin', requestedAt: '2026-12-01T02:00:00.000Z',
  status: 'open', answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
});

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('boats.yaml')], limits: { maxCost: MAX_COST } });
  await gw.store.insert(DEMANDS, [
    ...Array.from({ length: MANY }, (_, i) => demand(`st-longhu-${String(i).padStart(5, '0')}`, '440507-MZ', '440500-HY')),
    ...Array.from({ length: FEW }, (_, i) => demand(`st-jinping-${String(i).padStart(3, '0')}`, '440511-MZ', '440500-ZSJ')),
  ]);
  const [boats] = (await publishedCatalogues(gw.store)).find((c) => c.id === 'ST-HY')!.resources;
  await gw.store.insert(collectionOf(boats), Array.from({ length: BOATS }, (_, i) => ({ hullNo: `YUESHAN-${i}`, harbour: 'Dahao' })));
}, 120_000);
afterAll(() => gw?.close());

const tooComplex = (res: Awaited<ReturnType<TestGateway['query']>>, figure: number, message?: string) => {
  expect(res.errors?.map((e) => e.extensions?.code), JSON.stringify(res.data)?.slice(0, 200)).toEqual(['QUERY_TOO_COMPLEX']);
  expect(res.errors![0].extensions).toMatchObject({ limit: 'maxCost', figure, bound: MAX_COST });
  if (message) expect(res.errors![0].message).toContain(message);
};
const emptied = (n: number) => Array.from({ length: n }, () => ({}));

describe('a paged list whose elements select nothing that costs', () => {
  const page = (first: number, element: string) => `{ stFisheries { fishingBoats(first: ${first}) { nodes { ${element} } } } }`;

  it('counts each element one value before it runs: first: 100 is over maxCost 100, as with __typename', async () => {
    // stFisheries, fishingBoats, nodes, and 100 elements: 103.
    for (const element of ['hullNo @skip(if: true)', 'hullNo @include(if: false)', '__typename', 'hullNo']) {
      const res = await gw.query(page(100, element), LONGHU);
      tooComplex(res, 103);
      expect(res.data ?? null, element).toBeNull();
    }
    const v = await gw.query(`query($v: Boolean!) ${page(100, 'hullNo @include(if: $v)')}`, { ...LONGHU, variables: { v: false } });
    tooComplex(v, 103);
  });

  it('answers a page within the bound whole, an empty object an element', async () => {
    const res = await gw.query(page(90, 'hullNo @skip(if: true)'), LONGHU);
    expect(res.errors).toBeUndefined();
    expect(res.data?.stFisheries.fishingBoats.nodes).toEqual(emptied(90));
  });
});

describe('an unpaged list whose elements select nothing that costs', () => {
  it('is refused once read past maxCost, not read whole for 1 (a filter the store does not apply alone)', async () => {
    // 1 + 20 estimated, and 2,980 entries past the estimate of 1 value each.
    for (const element of ['id @skip(if: true)', '__typename']) {
      const res = await gw.query(`{ demands(overdue: false) { ${element} } }`, LONGHU);
      tooComplex(res, 1 + MANY, `with the ${MANY} entries demands holds`);
      expect(res.data).toBeNull();
    }
  });

  it('read no further than the bound leaves it, is refused, never answered cut short', async () => {
    // The store is asked for 20 + 99 + 1 entries: more than 119 is over the bound, whatever the selection.
    const within = UNPAGED_LIST_ESTIMATE + (MAX_COST - (1 + UNPAGED_LIST_ESTIMATE));
    for (const element of ['id @skip(if: true)', 'id @include(if: false)', '__typename', 'id']) {
      const res = await gw.query(`{ demands { ${element} } }`, LONGHU);
      tooComplex(res, MAX_COST + 1, `with the more than ${within} entries demands holds`);
      expect(res.data, element).toBeNull();
    }
    const v = await gw.query('query($v: Boolean!) { demands { id @include(if: $v) } }', { ...LONGHU, variables: { v: false } });
    tooComplex(v, MAX_COST + 1, `with the more than ${within} entries demands holds`);
  });

  it('is answered whole while its entries stay within the bound', async () => {
    const res = await gw.query('{ demands { id @skip(if: true) } }', JINPING);
    expect(res.errors).toBeUndefined();
    expect(res.data?.demands).toEqual(emptied(FEW));
    const named = await gw.query('{ demands { id } }', JINPING);
    expect(named.data?.demands).toHaveLength(FEW);
  });
});
