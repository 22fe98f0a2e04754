// limits.filter.maxInValues (SPEC §13): an `in` of 90,000 values (a 700 kB body, within maxRequestBytes and
// maxConditions) held a request 0.3 s, and three clients sending it held everyone's queries. An `in` over the
// bound is refused before the store is asked, naming the limit; on a platform of its own (Jilin, 220000).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/jilin-fuzz/${name}`, import.meta.url));
const READER = '220000-CZT';
const LIST = 'query($v: [String!]) { agriculture { farms(filter: { farmNo: { in: $v } }) { totalCount } } }';
const farmNos = (n: number) => Array.from({ length: n }, (_, i) => `JL${String(i).padStart(4, '0')}`);

describe('an in of more values than limits.filter.maxInValues', () => {
  let gw: TestGateway;
  let store: CountingStore;
  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: fixture('platform.yaml'),
      catalogueFiles: [fixture('farms.yaml')],
      limits: { filter: { maxConditions: 50, maxDepth: 5, maxInValues: 100 } },
      wrapStore: (s) => (store = countingStore(s)),
    });
  }, 30_000);
  afterAll(() => gw?.close());

  it('is refused naming the limit, before the store is asked; the bound itself runs', async () => {
    store.reset();
    const over = await gw.query(LIST, { dept: READER, purpose: 'subsidy-check', variables: { v: farmNos(101) } });
    expect(over.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'farms.filter.farmNo.in: lists 101 values; the limit is 100 (limits.filter.maxInValues); split the request.'],
    ]);
    expect(store.calls.filter((c) => /^(find|count) r_/.test(c))).toEqual([]);

    const within = await gw.query(LIST, { dept: READER, purpose: 'subsidy-check', variables: { v: farmNos(100) } });
    expect(within.errors).toBeUndefined();
  });

  it('counts an in inside and/or as well', async () => {
    const q = 'query($v: [String!]) { agriculture { farms(filter: { or: [{ region: { eq: "220102" } }, { farmNo: { in: $v } }] }) { totalCount } } }';
    const res = await gw.query(q, { dept: READER, purpose: 'subsidy-check', variables: { v: farmNos(101) } });
    expect(res.errors?.map((e) => e.message)).toEqual(['farms.filter.or[1].farmNo.in: lists 101 values; the limit is 100 (limits.filter.maxInValues); split the request.']);
  });
});

describe('limits.filter.maxInValues in the platform file', () => {
  const withFilter = (filter: unknown) => {
    const doc = readDocument(fixture('platform.yaml')) as Record<string, unknown>;
    return validatePlatform({ ...doc, limits: { filter } }).problems;
  };
  it('takes a positive whole number and refuses anything else', () => {
    expect(withFilter({ maxInValues: 500 })).toEqual([]);
    for (const bad of [0, -1, 2.5, '10k']) expect(withFilter({ maxInValues: bad }).map((p) => p.path)).toEqual(['limits.filter.maxInValues']);
  });
});
