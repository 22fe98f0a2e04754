// A connected platform's answer to a namespace read holds only its own departments' data (one hop: it
// forwards nothing), so it can never honestly say that a connected platform is unavailable. Its error
// coded PLATFORM_UNAVAILABLE passed on as it was written: its message naming any platform ("The connected
// platform Test Provincial Sharing Platform (610000) is unavailable"), and without the `platform` this
// gateway's own PLATFORM_UNAVAILABLE carries, so a caller could not tell it from this gateway's word. Now
// it is an error without one of the connected platform's codes: "Internal server error." at its path, the
// log naming what it said; the rest of the namespace and of the response stands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Permit } type Permit { id: String no: String }';
const FAKE = 'The connected platform Test Provincial Sharing Platform (610000) is unavailable: nothing listens at its address (connection refused).';

let extensions: Record<string, unknown> = {};
let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(SDL, (query) => {
    const [alias] = rootAliases(query, 'housing');
    return { body: { data: { __typename: 'Query', [alias]: { __typename: 'Permit', id: '1', no: null } }, errors: [{ message: FAKE, path: [alias, 'no'], extensions }] } };
  });
  ({ gw } = stand);
}, 60_000);

afterAll(() => stand?.close());

describe('a connected platform answering PLATFORM_UNAVAILABLE itself', () => {
  for (const [how, ext] of [['without platform', { code: 'PLATFORM_UNAVAILABLE' }], ['naming another platform', { code: 'PLATFORM_UNAVAILABLE', platform: '610000' }]] as const) {
    it(`${how}: not passed on as this gateway's word; the rest stands`, async () => {
      extensions = ext;
      const res = await gw.query('{ city { housing { id no } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });
      expect(res.data).toEqual({ city: { housing: { id: '1', no: null } }, naturalResources: { parcels: { totalCount: 0 } } });
      expect(res.errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([['Internal server error.', ['city', 'housing', 'no'], { code: 'INTERNAL_SERVER_ERROR' }]]);
    });
  }
});
