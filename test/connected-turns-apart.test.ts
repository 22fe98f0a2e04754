// A department's turns (limits.concurrentPerDepartment, src/limits/turns.ts) and a slow connected platform.
// A query of a namespace held its department's turn for as long as the connected platform took to answer
// (up to its timeoutMs): with two turns, two reads of a city answering in 1.5 s kept the department's own
// read of its province's data waiting 1.5 s, though waiting on the city costs the province nothing. Now a
// query of namespaces only takes its turn among the department's other such queries (a second set of
// turns, of the same bound); a query selecting the province's own data too takes an own turn (its own
// reads run meanwhile), so the bound on what runs here still holds. Another department never waited
// either way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { levelsCityEntry, rootAliases, startLevelsProvince, startStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';
const CITY_MS = 1500;
const D = '610000-MZ';
const E = '610000-ZR';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let work: string;
let city: { url: string; close(): void };
let gw: TestGateway;
/** Namespace reads the stand-in city has under way, and the most at once. */
let cityReads = 0;
let mostCityReads = 0;

beforeAll(async () => {
  // A city that answers each namespace read after CITY_MS (honestly: the permits it was asked).
  city = await startStandInCity(SDL, async (query) => {
    mostCityReads = Math.max(mostCityReads, ++cityReads);
    await sleep(CITY_MS);
    cityReads--;
    return { body: { data: Object.fromEntries([['__typename', 'Query'], ...rootAliases(query, 'housing').map((a) => [a, { __typename: 'Housing', permits: 7 }])]) } };
  });
  work = mkdtempSync(join(tmpdir(), 'govgraph-turns-apart-'));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(city.url)], { connectedPollMs: 0 }, { concurrentPerDepartment: 2, timeoutMs: 5000 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  city?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const CITY = '{ city { housing { permits } } }';
const OWN = '{ naturalResources { parcels { totalCount } } }';
const MIXED = '{ city { housing { permits } } naturalResources { parcels { totalCount } } }';

/** A query's answer and how long it took, in ms. */
async function timed(dept: string, query: string, signal?: AbortSignal): Promise<{ ms: number; res: { data?: unknown; errors?: unknown[] } }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(dept)}`, 'x-purpose': 'land-survey' };
  const started = Date.now();
  const res = await fetch(`${gw.gateway.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query }), signal });
  return { res: (await res.json()) as never, ms: Date.now() - started };
}

async function untilCityReads(n: number): Promise<void> {
  for (let i = 0; i < 100 && cityReads < n; i++) await sleep(10);
  expect(cityReads).toBeGreaterThanOrEqual(n);
}

describe('a slow connected platform and the turns of a department', () => {
  it("two namespace reads waiting on the city leave the department's own read free; all answer in full", async () => {
    await timed(D, CITY); // the city's schema in place
    const slow = [timed(D, CITY), timed(D, CITY)];
    await untilCityReads(2);
    const own = await timed(D, OWN);
    expect(own.res.errors).toBeUndefined();
    expect(own.ms).toBeLessThan(CITY_MS / 2);
    const other = await timed(E, OWN);
    expect(other.ms).toBeLessThan(CITY_MS / 2);
    for (const { res } of await Promise.all(slow)) expect(res).toEqual({ data: { city: { housing: { permits: 7 } } } });
  });

  it('six namespace reads under two turns take their turns among themselves: two wait on the city at once, the own read goes ahead', async () => {
    mostCityReads = 0;
    const reads = Array.from({ length: 6 }, () => timed(D, CITY));
    await untilCityReads(2);
    const own = await timed(D, OWN);
    expect(own.res.errors).toBeUndefined();
    expect(own.ms).toBeLessThan(CITY_MS / 2);
    for (const { res } of await Promise.all(reads)) expect(res).toEqual({ data: { city: { housing: { permits: 7 } } } });
    expect(mostCityReads).toBe(2);
  });

  it("a query of the city and the province's own data takes an own turn: the bound on this gateway's work holds", async () => {
    const mixed = [timed(D, MIXED), timed(D, MIXED)];
    await untilCityReads(2);
    const own = await timed(D, OWN);
    expect(own.ms).toBeGreaterThan(CITY_MS / 2);
    for (const { res } of await Promise.all(mixed)) expect(res.data).toEqual({ city: { housing: { permits: 7 } }, naturalResources: { parcels: { totalCount: 0 } } });
  });

  it('namespace reads whose clients leave while the city answers leave no turn held', async () => {
    const left = Array.from({ length: 4 }, () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 200);
      return timed(D, CITY, controller.signal).catch(() => null);
    });
    await Promise.all(left);
    await sleep(CITY_MS);
    const own = await Promise.all([timed(D, OWN), timed(D, OWN), timed(D, OWN)]);
    for (const { ms, res } of own) {
      expect(res.errors).toBeUndefined();
      expect(ms).toBeLessThan(CITY_MS / 2);
    }
    // Nor a turn of the namespace queries held: two reads of the city take theirs again, and the own read goes ahead.
    const slow = [timed(D, CITY), timed(D, CITY)];
    await untilCityReads(2);
    expect((await timed(D, OWN)).ms).toBeLessThan(CITY_MS / 2);
    await Promise.all(slow);
  });
});
