// Connected platforms of another province than the demo's (Guizhou 520000 and its city Guiyang 520100,
// test/fixtures/guizhou), each with a purpose vocabulary of its own. A purpose the province knows and the
// city does not is the request's problem, not the city's: the namespace is null with the city's own
// refusal (BAD_USER_INPUT, naming the city's purposes), not PLATFORM_UNAVAILABLE, and the city stays
// reachable. With a purpose both know, the city's row scope applies to the province's departments by
// their division codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { startGuizhouPair } from './helpers/guizhou.ts';

let pair: Awaited<ReturnType<typeof startGuizhouPair>>;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  pair = await startGuizhouPair('guizhou', { homes: [
    { homeNo: 'H1', qh: '520102', tenant: '王小明', rent: '300.00' },
    { homeNo: 'H2', qh: '520103', tenant: '李四', rent: '150.5' },
  ] });
  ({ city, province } = pair);
}, 60_000);

afterAll(() => pair?.close());

describe('a province and its city with purposes of their own', () => {
  it('a purpose only the province knows: the namespace is null with the city\'s refusal; the rest stands and the city stays reachable', async () => {
    const res = await province.query('{ guiyang { gyHousing { subsidisedHomes { totalCount } } } ruralRevival { monitoredHouseholds { totalCount } } }', {
      dept: '520000-SWJ', purpose: 'tax-audit',
    });
    expect(res.data).toEqual({ guiyang: null, ruralRevival: { monitoredHouseholds: { totalCount: 0 } } });
    expect(res.errors).toEqual([expect.objectContaining({
      message: 'The connected platform 贵阳市数据共享平台 (520100) refused the request: Unknown purpose "tax-audit" in the `x-purpose` header; send one of: poverty-relief, city-planning.',
      path: ['guiyang'],
      extensions: { code: 'BAD_USER_INPUT', platform: '520100' },
    })]);
    const health = (await (await fetch(`${province.gateway.url}/healthz`)).json()) as { connected: { namespace: string; reachable: boolean; lastError: string | null }[] };
    expect(health.connected).toEqual([expect.objectContaining({ namespace: 'guiyang', reachable: true, lastError: null })]);
  });

  it('refuses the alias then under the namespace, naming it: graphql-tools took { then: ... } in the city\'s answer for a promise (an internal error)', async () => {
    const res = await province.query('{ guiyang { then: gyHousing { subsidisedHomes { nodes { then: homeNo } } } } }', { dept: '520102-XCZX', purpose: 'poverty-relief' });
    const message = 'The alias "then" cannot be used under the namespace guiyang of a connected platform: the answers from there are read by a library that takes an object with a then key for a promise; choose another alias.';
    expect(res.data).toBeUndefined();
    expect(res.errors).toEqual([
      { message, locations: [{ line: 1, column: 13 }], extensions: { code: 'BAD_USER_INPUT' } },
      { message, locations: [{ line: 1, column: 57 }], extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    // Above the namespace the alias is this platform's own answer, read by graphql-js: it stands.
    const root = await province.query('{ then: guiyang { gyHousing { subsidisedHomes { totalCount } } } }', { dept: '520102-XCZX', purpose: 'poverty-relief' });
    expect(root).toEqual({ status: 200, data: { then: { gyHousing: { subsidisedHomes: { totalCount: 1 } } } } });
  });

  it('a purpose both know: the city\'s row scope by the province department\'s division code', async () => {
    const read = (dept: string) => province.query('{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo tenant } totalCount } } } }', { dept, purpose: 'poverty-relief' });
    expect((await read('520102-XCZX')).data).toEqual({ guiyang: { gyHousing: { subsidisedHomes: { nodes: [{ homeNo: 'H1', tenant: '王**' }], totalCount: 1 } } } });
    expect((await read('520200-XCZX')).data).toEqual({ guiyang: { gyHousing: { subsidisedHomes: { nodes: [], totalCount: 0 } } } });
    expect((await read('520000-SWJ')).data?.guiyang.gyHousing.subsidisedHomes.totalCount).toBe(2);
  });
});
