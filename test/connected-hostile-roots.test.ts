// A connected platform whose schema has a Mutation or a Subscription type besides its Query (a govgraph
// gateway's data schema has neither): stitched, its Mutation kept that name, and put beside this
// platform's own Mutation it clashed, so every namespace, of every connected platform, was left out of
// the schema, and the status blamed "a type of this platform's catalogues". Only a platform's Query is
// read (SPEC §12): its other roots are not taken into this gateway's schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int } type Mutation { drop: Int } type Subscription { ticks: Int }';

let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(SDL, (query) => {
    const data: Record<string, unknown> = { __typename: 'Query' };
    for (const alias of rootAliases(query, 'housing')) data[alias] = { permits: 7 };
    return { body: { data } };
  });
  ({ gw } = stand);
}, 60_000);

afterAll(() => stand?.close());

describe('a connected platform whose schema has a Mutation and a Subscription', () => {
  it('its namespace is served from its Query; its other roots are not taken, and nothing is left out', async () => {
    const res = await gw.query('{ city { housing { permits } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ city: { housing: { permits: 7 } }, naturalResources: { parcels: { totalCount: 0 } } });
    expect(gw.gateway.connected.status()[0]).toMatchObject({ reachable: true, lastError: null });
    const mutation = await gw.query('mutation { city { drop } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(mutation.errors?.[0].message).toBe('Cannot query field "city" on type "Mutation".');
  });
});
