// A connected platform whose schema has an interface, answering an object of it that names no type (no
// `__typename`): graphql-jit, the executor, resolved the type with its default resolver, which throws
// "Could not resolve the object type ...", and it threw in the callback of the namespace's promise, where
// no handler caught it: one request killed the connecting gateway (an unhandled rejection). Now the
// interfaces and unions under a namespace resolve without throwing: that field is an error, the rest of
// the answer stands and the gateway keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Thing } interface Thing { id: String } type Permit implements Thing { id: String no: String } type Other implements Thing { id: String }';

/** The `__typename` the stand-in city gives the object under `housing` (none when undefined). */
let typename: string | undefined;

let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(SDL, (query) => {
    const data: Record<string, unknown> = { __typename: 'Query' };
    for (const alias of rootAliases(query, 'housing')) data[alias] = { ...(typename === undefined ? {} : { __typename: typename }), id: '1', no: 'n' };
    return { body: { data } };
  });
  ({ gw } = stand);
}, 60_000);

afterAll(() => stand?.close());

const read = () => gw.query('{ city { housing { id ... on City_Permit { no } } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });

describe('a connected platform\'s object of an interface', () => {
  it('naming its type: resolved to the prefixed type', async () => {
    typename = 'Permit';
    const res = await read();
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ city: { housing: { id: '1', no: 'n' } }, naturalResources: { parcels: { totalCount: 0 } } });
  });

  it('naming no type, or none of the interface\'s: an error at that field, the gateway\'s own fields answer, and it keeps serving', async () => {
    for (const t of [undefined, 'Query', 'NaturalResourcesResources']) {
      typename = t;
      const res = await read();
      expect(res.data).toEqual({ city: { housing: null }, naturalResources: { parcels: { totalCount: 0 } } });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].path).toEqual(['city', 'housing']);
    }
    typename = 'Other';
    expect((await read()).data).toEqual({ city: { housing: { id: '1' } }, naturalResources: { parcels: { totalCount: 0 } } });
  });
});
