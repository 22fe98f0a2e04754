// A read's audit entry says what its client got (SPEC §10, §12) when a connected platform's namespace is
// part of it: an error that platform answered and this one passed through (its store failed), or the
// namespace unavailable (PLATFORM_UNAVAILABLE), makes the outcome `error` with `CODE at path` in the detail
// beside the note of what the connected platforms answered. Both were written `allowed` beside this
// platform's own read (found by the audit walk's note; two gateways on loopback, a city 650100 of the
// cancellation fixture under the province's namespace `city`).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { StoreUnavailableError } from '../src/store/port.ts';
import { startCityHop, type CityHop } from './helpers/city-hop.ts';
import { aroundMethod } from './helpers/store-around.ts';

const QUERY = `{ statistics { mine: units(first: 2) { nodes { unitNo } } } city { cityStatistics { units(first: 2) { nodes { unitNo } } } } }`;

let hop: CityHop;
/** While set, the city's reads of its units fail as a store gone does. */
let cityFails = false;
beforeAll(async () => {
  hop = await startCityHop({
    name: 'Audit outcome city',
    units: [{ unitNo: 'U1', name: 'Unit one' }, { unitNo: 'U2', name: 'Unit two' }],
    wrapCityStore: (s) => aroundMethod(s, 'find', (args, call) => (cityFails && String(args[0]).startsWith('r_') ? Promise.reject(new StoreUnavailableError('disk gone')) : call())),
  });
}, 30_000);
afterAll(() => hop?.close());

async function provinceEntry(requestId: string): Promise<AuditEntry> {
  const rows = await hop.province.store.find(AUDIT_COLLECTION, { filter: { kind: 'compare', field: 'requestId', op: 'eq', value: requestId } });
  expect(rows).toHaveLength(1);
  return fromRow(rows[0]);
}

const read = (requestId: string) => hop.province.query(QUERY, { dept: '650000-ZWB', purpose: 'survey', headers: { 'x-request-id': requestId } });

it('writes a read whose namespace answered cleanly as allowed', async () => {
  const r = await read('hop-clean');
  expect(r.errors).toBeUndefined();
  const entry = await provinceEntry('hop-clean');
  expect([entry.outcome, entry.detail]).toEqual(['allowed', 'connected platforms: city (650100) answered']);
});

it("writes the connected platform's error passed through as an error, its code and path", async () => {
  cityFails = true;
  const r = await read('hop-store').finally(() => (cityFails = false));
  expect(r.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['STORE_UNAVAILABLE', 'city.cityStatistics.units']]);
  expect(r.data!.statistics.mine.nodes).toEqual([]);
  const entry = await provinceEntry('hop-store');
  expect(entry.outcome).toBe('error');
  expect(entry.detail).toBe('STORE_UNAVAILABLE at city.cityStatistics.units; connected platforms: city (650100) answered with 1 error');
});

it('writes a namespace unavailable beside its own read as an error', async () => {
  await hop.city.gateway.close();
  const r = await read('hop-down');
  expect(r.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['PLATFORM_UNAVAILABLE', 'city']]);
  const entry = await provinceEntry('hop-down');
  expect(entry.outcome).toBe('error');
  expect(entry.detail).toBe('PLATFORM_UNAVAILABLE at city; connected platforms: city (650100) unavailable with 1 error');
}, 20_000);
