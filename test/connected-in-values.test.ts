// The filters of a connected platform's lists count at the platform that forwards them (SPEC §12, §13).
// Each value of an `in`, each `contains` and the characters a filter compares count toward maxCost and
// maxRequestBytes (test/attack-in-values-reused.test.ts), but were found only in the own departments'
// lists: under `Query.<namespace>` they counted nothing, and each namespace alias is forwarded as a
// request of its own, held only to the connected platform's limits there (30 aliases each with 19
// `in: $l` of 10,000 values: 5.7 million comparisons at the city from one request to the province). Now the
// province refuses them before anything is forwarded, and holds them to its filter bounds (limits.filter). Guizhou (520000) and its city Guiyang (520100),
// test/helpers/guizhou.ts; the city counts the GraphQL requests it is sent.
import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/eventually.ts';
import { startGuizhouPair, startGuizhouProvince } from './helpers/guizhou.ts';

let pair: Awaited<ReturnType<typeof startGuizhouPair>>;
let cityRequests = 0;
const counter: ApolloServerPlugin = { requestDidStart: async () => { cityRequests++; } };

const AS = { dept: '520102-XCZX', purpose: 'poverty-relief' };
const read = (text: string, variables?: Record<string, unknown>) => pair.province.query(text, { ...AS, variables });
const HOMES = (filter: string, alias = 'subsidisedHomes') => `${alias}: subsidisedHomes(filter: ${filter}, first: 1) { totalCount }`;

beforeAll(async () => {
  pair = await startGuizhouPair('forwarded-in-values', {
    homes: [{ homeNo: 'H1', qh: '520102', tenant: '王小明', rent: '300.00' }],
    city: { gateway: { plugins: [counter] } },
  });
  // The province again, its maxCost and maxRequestBytes small, once its view of the city holds the namespace.
  const port = Number(new URL(pair.province.gateway.url).port);
  await pair.province.close();
  pair.province = await startGuizhouProvince(pair.work, pair.city.gateway.url, port, { connectedPollMs: 300 }, undefined, { maxCost: 5_000, maxRequestBytes: 100_000 });
  await eventually(async () => {
    const r = await read('{ guiyang { __typename } }');
    if (!r.data?.guiyang) throw new Error(`no namespace yet: ${JSON.stringify(r.errors)}`);
  });
}, 60_000);
afterAll(() => pair?.close());

describe('filters under a namespace count at the province', () => {
  it('refuses 9,000 in values under a namespace over its maxCost (5,000) before the city is asked', async () => {
    const l = Array.from({ length: 9_000 }, (_, i) => `q${i}`);
    cityRequests = 0;
    const r = await read(`query($l: [String!]) { guiyang { gyHousing { ${HOMES('{ qh: { in: $l } }')} } } }`, { l });
    expect(r.status).toBe(400);
    expect(r.data).toBeUndefined();
    expect(r.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: 5_000 })]);
    expect(r.errors?.[0].extensions?.figure).toBeGreaterThanOrEqual(9_000);
    expect(r.errors?.[0].message).toMatch(/^The document is too complex: its estimated number of field values \(each value an in lists counts one\) is \d+, over the limit maxCost = 5000\./);
    expect(cityRequests).toBe(0);
  });

  it('counts the same list in each namespace alias, and the characters they compare, each alias forwarded alone', async () => {
    // 3,000 values in each of 2 aliases: each alone under 5,000, together over it.
    const l = Array.from({ length: 3_000 }, (_, i) => `q${i}`);
    cityRequests = 0;
    const twice = await read(`query($l: [String!]) { a: guiyang { gyHousing { ${HOMES('{ qh: { in: $l } }')} } } b: guiyang { gyHousing { ${HOMES('{ qh: { in: $l } }')} } } }`, { l });
    expect(twice.errors?.map((e) => e.extensions?.limit)).toEqual(['maxCost']);
    // One text of 60,000 characters compared by eq in 2 aliases: 120,000, over maxRequestBytes (100,000).
    const long = await read(`query($s: String) { guiyang { gyHousing { ${HOMES('{ qh: { eq: $s } }', 'a')} ${HOMES('{ qh: { startsWith: $s } }', 'b')} } } }`, { s: 'x'.repeat(60_000) });
    expect(long.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'maxRequestBytes', figure: 120_000, bound: 100_000 })]);
    expect(long.errors?.[0].message).toMatch(/^The document is too complex: its number of characters compared by filters \(each value as often as its filter runs/);
    expect(cityRequests).toBe(0);
  });

  it('holds a namespace filter to the province\'s filter bounds too: more than maxConditions is bad input, unforwarded', async () => {
    cityRequests = 0;
    const ors = `{ or: [${Array.from({ length: 51 }, (_, i) => `{ qh: { eq: "52010${i}" } }`).join(', ')}] }`;
    const r = await read(`{ guiyang { gyHousing { ${HOMES(ors)} } } }`);
    expect(r.errors).toEqual([expect.objectContaining({
      message: 'subsidisedHomes.filter.or[50]: the filter has more than 50 conditions (limits.filter.maxConditions); split the request or use in.',
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    })]);
    expect(cityRequests).toBe(0);
  });

  it('answers an honest namespace read with a small in, forwarded to the city', async () => {
    cityRequests = 0;
    const r = await read(`query($l: [String!]) { guiyang { gyHousing { ${HOMES('{ qh: { in: $l } }')} } } }`, { l: ['520102', '520103'] });
    expect(r).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { totalCount: 1 } } } } });
    expect(cityRequests).toBeGreaterThanOrEqual(1);
  });
});
