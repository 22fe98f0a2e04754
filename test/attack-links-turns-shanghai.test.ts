// One department's query that follows links, within every limit, may not hold another department's lookup
// behind all its reads (SPEC §13). Shanghai (test/fixtures/shanghai-load): the housing commission reads 25
// aliases of 1,000 residents, each following six links (employer, legal representative, ...: 175,000 field
// values, under maxCost), so that each alias has a link read waiting for the event loop at every turn
// (src/store/sqlite/locks.ts). The waiting reads were let go in the order they came, each re-queued behind
// the others, so the tax bureau's lookup waited for every one at each of its own reads: 0.5 to 3.4 s at the
// median in a `govgraph serve` process over 60,000 residents; here the first lookup was answered after all
// the flood's reads still to come (246 of 246). Now they go one department after another: 24 to 32 each.
//
// Counted, not timed: the housing commission's link reads that end while each lookup of the tax bureau is
// answered, through a store that counts them.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReadOptions, Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'shanghai-load');
const HOUSING = { dept: '310000-ZJW', purpose: 'housing-check' };
const TAX = { dept: '310000-SWJ', purpose: 'housing-check' };
const RESIDENTS = 20_000;
const residentNo = (i: number) => `R${String(i).padStart(8, '0')}`;
const enterpriseNo = (i: number) => `E${String(i).padStart(6, '0')}`;

let gw: TestGateway;
/** The housing commission's reads by values (its links) that have ended. */
let linkReadsEnded = 0;

/** The store, counting the housing commission's reads by values as they end. */
function countingLinks(inner: Store): Store {
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'findByValues') return value;
      return async (...args: Parameters<Store['findByValues']>) => {
        const rows = await (value as Store['findByValues']).apply(target, args);
        if ((args[4] as ReadOptions | undefined)?.owner === HOUSING.dept) linkReadsEnded++;
        return rows;
      };
    },
  });
}

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'police.yaml')], wrapStore: countingLinks,
    limits: { timeoutMs: 120_000 },
  });
  await gw.store.insert('r_310000_ga_00002', Array.from({ length: 5_000 }, (_, i) => ({ enterpriseNo: enterpriseNo(i), name: `上海${i}号实业有限公司`, district: `区${i % 16}`, legalNo: residentNo((i * 13) % RESIDENTS) })));
  for (let from = 0; from < RESIDENTS; from += 5_000) {
    await gw.store.insert('r_310000_ga_00001', Array.from({ length: 5_000 }, (_, j) => {
      const i = from + j;
      return { residentNo: residentNo(i), fullName: `张${i}`, district: `区${i % 16}`, street: `街道${i % 211}`, address: `南京路${i}号`, birthYear: 1940 + (i % 70), employerNo: enterpriseNo(i % 5_000) };
    }));
  }
}, 120_000);
afterAll(() => gw?.close());

const chain = 'employer { legal { employer { legal { employer { legal { residentNo } } } } } }';
const links = (n: number) => `{ shPolice { ${Array.from({ length: 25 }, (_, a) => `a${a}: residents(first: 1000, filter: { birthYear: { ne: ${n * 100 + a} } }) { nodes { ${chain} } }`).join(' ')} } }`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const LOOKUP = 'query($no: String!) { shPolice { resident(residentNo: $no) { residentNo district } } }';
/**
 * The flood's link reads: three queries, 25 aliases, six levels, one read of each alias at each level; three
 * so that many are still to come at the third lookup (with two, 88 were left to come at it on CI, and its
 * fair share of them passed half).
 */
const FLOOD_READS = 3 * 25 * 6;

it('answers another department’s lookups while the flooding query’s link reads go on, not after them', async () => {
  await gw.query(LOOKUP, { ...TAX, variables: { no: residentNo(1) } }); // its document validated and compiled before
  const flood = [0, 1, 2].map((n) => gw.query(links(n), HOUSING));
  while (linkReadsEnded < 50) await new Promise((resolve) => setTimeout(resolve, 5));
  // For each lookup: the flood's reads that ended while it was answered, and those still to come when it was sent.
  const during: { ended: number; toCome: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const before = linkReadsEnded;
    const r = await gw.query(LOOKUP, { ...TAX, variables: { no: residentNo(i * 101) } });
    during.push({ ended: linkReadsEnded - before, toCome: FLOOD_READS - before });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ shPolice: { resident: { residentNo: residentNo(i * 101), district: `区${(i * 101) % 16}` } } });
  }
  for (const r of await Promise.all(flood)) {
    expect(r.errors).toBeUndefined();
    expect(r.data!.shPolice.a0.nodes).toHaveLength(1000);
  }
  expect(linkReadsEnded).toBe(FLOOD_READS);
  // The first lookup waited for nearly all the flood's reads still to come (248 of 250 with two queries);
  // now each is answered before half of them have ended.
  const seen = during.map((d) => `${d.ended} of ${d.toCome}`).join(', ');
  for (const { ended, toCome } of during) expect(ended, `link reads ended during each lookup: ${seen}`).toBeLessThan(toCome / 2);
}, 240_000);
