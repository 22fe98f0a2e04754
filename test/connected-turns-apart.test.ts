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
// Six namespace reads under two turns take three of the city's times (4.5 s): a limit of 5 s cut the last
// on a loaded machine. The limit is not under test here; long enough for any load, short of the test's own.
const TIMEOUT_MS = 15_000;
const D = '610000-MZ';
const E = '610000-ZR';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let work: string;
let city: { url: string; close(): void };
let gw: TestGateway;
/** Namespace reads the stand-in city has under way, and the most at once. */
let cityReads = 0;
let mostCityReads = 0;
/** Namespace reads the stand-in city has ended, ever. */
let cityEnded = 0;
/** While shut, the city's reads begun meanwhile wait for it to open, not CITY_MS: the test opens it. */
let gate: { shut: Promise<void>; open(): void } | null = null;
function shutGate(): void {
  let open!: () => void;
  const shut = new Promise<void>((resolve) => (open = resolve));
  gate = { shut, open: () => { gate = null; open(); } };
}

beforeAll(async () => {
  // A city that answers each namespace read after CITY_MS (honestly: the permits it was asked).
  city = await startStandInCity(SDL, async (query) => {
    mostCityReads = Math.max(mostCityReads, ++cityReads);
    await (gate ? gate.shut : sleep(CITY_MS));
    cityReads--;
    cityEnded++;
    return { body: { data: Object.fromEntries([['__typename', 'Query'], ...rootAliases(query, 'housing').map((a) => [a, { __typename: 'Housing', permits: 7 }])]) } };
  });
  work = mkdtempSync(join(tmpdir(), 'govgraph-turns-apart-'));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(city.url)], { connectedPollMs: 0 }, { concurrentPerDepartment: 2, timeoutMs: TIMEOUT_MS }));
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

/**
 * The own read, sent while the gate holds the city's reads, and whether it was answered before any of them
 * ended (the caller opens the gate then). A read that waited for a turn could start only once one of them had ended
 * (and its turn was given back): not before the gate opens. An event, not a clock: on a loaded machine
 * the bound of half the city's time (750 ms) was missed by reads that waited for nothing (1.4-1.9 s).
 */
async function ownWhileCityHolds(dept: string): Promise<{ ms: number; res: { data?: unknown; errors?: unknown[] }; cityHeld: boolean }> {
  const ended = cityEnded;
  const own = await timed(dept, OWN);
  return { ...own, cityHeld: cityEnded === ended };
}

async function untilCityReads(n: number): Promise<void> {
  for (let i = 0; i < 100 && cityReads < n; i++) await sleep(10);
  expect(cityReads).toBeGreaterThanOrEqual(n);
}

describe('a slow connected platform and the turns of a department', () => {
  it("two namespace reads waiting on the city leave the department's own read free; all answer in full", async () => {
    await timed(D, CITY); // the city's schema in place
    shutGate();
    const slow = [timed(D, CITY), timed(D, CITY)];
    await untilCityReads(2);
    const [own, other] = await Promise.all([ownWhileCityHolds(D), ownWhileCityHolds(E)]);
    gate?.open();
    expect(own.res.errors).toBeUndefined();
    expect(own.cityHeld, `answered after ${own.ms} ms`).toBe(true);
    expect(other.res.errors).toBeUndefined();
    expect(other.cityHeld, `answered after ${other.ms} ms`).toBe(true);
    for (const { res } of await Promise.all(slow)) expect(res).toEqual({ data: { city: { housing: { permits: 7 } } } });
  });

  it('six namespace reads under two turns take their turns among themselves: two wait on the city at once, the own read goes ahead', async () => {
    mostCityReads = 0;
    shutGate();
    const reads = Array.from({ length: 6 }, () => timed(D, CITY));
    await untilCityReads(2);
    const own = await ownWhileCityHolds(D);
    gate?.open();
    expect(own.res.errors).toBeUndefined();
    expect(own.cityHeld, `answered after ${own.ms} ms`).toBe(true);
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
    // Turns held by the clients that left would hold these until the time limit cut them (TIMEOUT_MS): answered in
    // full, they found turns (no clock: nothing else is under way to answer before or after them).
    const own = await Promise.all([timed(D, OWN), timed(D, OWN), timed(D, OWN)]);
    for (const { res } of own) expect(res.errors).toBeUndefined();
    // Nor a turn of the namespace queries held: two reads of the city take theirs again, and the own read goes ahead.
    shutGate();
    const slow = [timed(D, CITY), timed(D, CITY)];
    await untilCityReads(2);
    const own2 = await ownWhileCityHolds(D);
    gate?.open();
    expect(own2.cityHeld, `answered after ${own2.ms} ms`).toBe(true);
    await Promise.all(slow);
  });
});
