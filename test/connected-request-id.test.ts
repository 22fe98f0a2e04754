// A namespace read carries its request id across the hop: the province sends its own request id as the
// forwarded request's x-request-id, so the province's and the city's audit entries of one read name the
// same id and a supervisor of each can find the other's (SPEC §12: both audit). Two gateways on loopback,
// each with its own store (test/fixtures/cancel).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import { startCityHop, type CityHop } from './helpers/city-hop.ts';
import type { TestGateway } from './helpers/gateway.ts';

const QUERY = '{ city { cityStatistics { units(first: 2) { nodes { unitNo } } } } }';

let hop: CityHop;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  hop = await startCityHop({ name: 'Request id test city', units: [{ unitNo: 'C1', name: 'One', parentNo: null }, { unitNo: 'C2', name: 'Two', parentNo: 'C1' }] });
  ({ city, province } = hop);
}, 60_000);

afterAll(() => hop?.close());

const entries = async (gw: TestGateway, requestId: string) => (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) })).map(fromRow);

it("the city's entry of a namespace read names the province's request id", async () => {
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await province.token('650000-ZWB')}`, 'x-purpose': 'survey', 'x-request-id': 'hop-42' },
    body: JSON.stringify({ query: QUERY }),
  });
  const body = (await res.json()) as { data?: { city: { cityStatistics: { units: { nodes: unknown[] } } } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data!.city.cityStatistics.units.nodes).toHaveLength(2);
  expect(res.headers.get('x-request-id')).toBe('hop-42');
  expect(await entries(province, 'hop-42')).toMatchObject([{ kind: 'read', department: '650000-ZWB', outcome: 'allowed' }]);
  expect(await entries(city, 'hop-42')).toMatchObject([{ kind: 'read', department: '650000-ZWB', via: '650000', outcome: 'allowed' }]);
}, 20_000);

it('a made request id travels too', async () => {
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await province.token('650000-ZWB')}`, 'x-purpose': 'survey' },
    body: JSON.stringify({ query: QUERY }),
  });
  expect(res.status).toBe(200);
  const id = res.headers.get('x-request-id')!;
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(await entries(city, id)).toMatchObject([{ via: '650000' }]);
}, 20_000);
