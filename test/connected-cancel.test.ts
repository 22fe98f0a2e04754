// A namespace read is cancelled along the whole hop: when the province's client hangs up, the province
// aborts its request to the city, the city sees its client (the province) close the connection, and the
// city's query then reads nothing more either. Both audit logs say so. Two real gateways on loopback, each
// with its own store (test/fixtures/cancel: units linking to their parent, read level by level, every
// read of the city's held for a while so that the client can leave in the middle).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import type { Store } from '../src/store/port.ts';
import { startCityHop, type CityHop } from './helpers/city-hop.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const DELAY_MS = 300; // long beside the time the abort takes to reach the city, also on a loaded machine
const LEVELS = 4;
const parents = (n: number): string => (n === 0 ? 'unitNo' : `unitNo parent { ${parents(n - 1)} }`);
// The province's department reads the city's units through the `city` namespace: a page, then LEVELS of parents.
const QUERY = `{ city { cityStatistics { units(first: 50) { nodes { ${parents(LEVELS)} } } } } }`;

/** The city's reads of its units: counted, each held DELAY_MS first. */
const reads = { count: 0 };
function slowStore(inner: Store): Store {
  return withHeldReads(inner, async (collection) => {
    if (collection.startsWith('_')) return;
    reads.count++;
    await sleep(DELAY_MS);
  });
}

let hop: CityHop;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  const no = (i: number) => `C${String(i).padStart(4, '0')}`;
  const units = Array.from({ length: 300 }, (_, i) => ({ unitNo: no(i), name: `Unit ${i}`, parentNo: no(i + 1) }));
  hop = await startCityHop({ name: 'Cancellation test city', units, wrapCityStore: slowStore });
  ({ city, province } = hop);
}, 60_000);

afterAll(() => hop?.close());

const lastEntry = async (gw: TestGateway): Promise<AuditEntry | undefined> => {
  const rows = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  return rows[0] ? fromRow(rows[0]) : undefined;
};
async function entryAfter(gw: TestGateway, seq: number): Promise<AuditEntry> {
  for (let i = 0; i < 100; i++) {
    const entry = await lastEntry(gw);
    if (entry && entry.seq > seq) return entry;
    await sleep(50);
  }
  throw new Error('no audit entry written');
}

const post = async (signal?: AbortSignal) =>
  fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await province.token('650000-ZWB')}`, 'x-purpose': 'survey' },
    body: JSON.stringify({ query: QUERY }),
    signal,
  });

it('run to its end, the namespace read reads every level at the city', async () => {
  reads.count = 0;
  const body = (await (await post()).json()) as { data: { city: { cityStatistics: { units: { nodes: unknown[] } } } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  expect(body.data.city.cityStatistics.units.nodes).toHaveLength(50);
  expect(reads.count).toBe(1 + LEVELS);
}, 20_000);

it("the province's client hangs up: the city reads nothing more, and both entries say REQUEST_CANCELLED", async () => {
  const provinceSeq = (await lastEntry(province))!.seq;
  const citySeq = (await lastEntry(city))!.seq;
  reads.count = 0;
  const abort = new AbortController();
  const answer = post(abort.signal).catch((err: Error) => err);
  while (reads.count < 1) await sleep(5); // the city is reading the page
  abort.abort();
  expect(await answer).toMatchObject({ name: 'AbortError' });

  const atCity = await entryAfter(city, citySeq);
  expect(atCity).toMatchObject({ kind: 'read', department: '650000-ZWB', via: '650000', outcome: 'error' });
  expect(atCity.detail).toMatch(/^REQUEST_CANCELLED: /);
  const atProvince = await entryAfter(province, provinceSeq);
  expect(atProvince).toMatchObject({ kind: 'read', department: '650000-ZWB', outcome: 'error' });
  // The province's entry names the namespace and what became of it (SPEC §12: both audit).
  expect(atProvince.detail).toBe('REQUEST_CANCELLED: The request was cancelled: the client closed the connection before the query finished; nothing more is read.; connected platforms: city (650100) cancelled');
  // The whole read would take (1 + LEVELS) × DELAY_MS; the page was asked for before the client left, nothing after.
  await sleep((1 + LEVELS) * DELAY_MS + 300);
  expect(reads.count).toBe(1);
}, 20_000);
