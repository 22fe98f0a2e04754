// A connected platform's answer that claims what it cannot: an error naming another platform in
// `extensions.platform` (the field this gateway uses to say which connected platform an error is about),
// and data without the `__typename` the delegated document asks at its root, which left the namespace null
// with no error and no log line. The first is named as the platform that answered; the second is refused as
// an answer of no govgraph gateway, PLATFORM_UNAVAILABLE with the reason, as other malformed answers are.
// So are `data: null` without an error, and data with its root __typename but without the fields it was
// asked: both made the namespace null with no error either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Permit } type Permit { id: String no: String }';

/** How the stand-in city answers: with an error claiming another platform, or without its root's __typename. */
let mode: 'claims-platform' | 'no-root-typename' | 'null-data' | 'no-fields' | 'honest' = 'honest';

let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(SDL, (query) => {
    if (mode === 'null-data') return { body: { data: null } };
    const data: Record<string, unknown> = mode === 'no-root-typename' ? {} : { __typename: 'Query' };
    if (mode === 'no-fields') return { body: { data } };
    const aliases = rootAliases(query, 'housing');
    for (const alias of aliases) data[alias] = { __typename: 'Permit', id: '1', no: mode === 'claims-platform' ? null : 'n' };
    const errors = mode === 'claims-platform'
      ? [{ message: 'Item no of resource 610100-ZJJ-01 is not shared with your department.', path: [aliases[0], 'no'], extensions: { code: 'NOT_SHARED', resource: '610100-ZJJ-01', item: 'no', platform: '610000' } }]
      : undefined;
    return { body: { data, errors } };
  });
  ({ gw } = stand);
}, 60_000);

afterAll(() => stand?.close());

const read = () => gw.query('{ city { housing { id no } } naturalResources { parcels { totalCount } } }', { dept: '610000-MZ', purpose: 'land-survey' });

describe("a connected platform's answer claiming what it cannot", () => {
  it('honest: the namespace answers', async () => {
    mode = 'honest';
    const res = await read();
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ city: { housing: { id: '1', no: 'n' } }, naturalResources: { parcels: { totalCount: 0 } } });
  });

  it("an error naming another platform is named as the platform that answered; its code, resource and item pass on", async () => {
    mode = 'claims-platform';
    const res = await read();
    expect(res.data).toEqual({ city: { housing: { id: '1', no: null } }, naturalResources: { parcels: { totalCount: 0 } } });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].path).toEqual(['city', 'housing', 'no']);
    expect(res.errors![0].extensions).toEqual({ code: 'NOT_SHARED', resource: '610100-ZJJ-01', item: 'no', platform: '610100' });
  });

  it('data without its root __typename: the namespace is PLATFORM_UNAVAILABLE with the reason, the rest answers', async () => {
    mode = 'no-root-typename';
    const res = await read();
    expect(res.data).toEqual({ city: null, naturalResources: { parcels: { totalCount: 0 } } });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', platform: '610100' });
    expect(res.errors![0].path).toEqual(['city']);
  });

  for (const [name, how] of [['null-data', 'data: null and no error'], ['no-fields', 'its root __typename but none of the fields asked']] as const) {
    it(`${how}: the namespace is PLATFORM_UNAVAILABLE with the reason, the rest answers`, async () => {
      mode = name;
      const res = await read();
      expect(res.data).toEqual({ city: null, naturalResources: { parcels: { totalCount: 0 } } });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0].extensions).toMatchObject({ code: 'PLATFORM_UNAVAILABLE', platform: '610100' });
      expect(res.errors![0].message).toMatch(/not a govgraph gateway's answer/);
      expect(res.errors![0].path).toEqual(['city']);
    });
  }
});
