// The platform's unpaged root lists of one request are read in turn (found by the platcost task: GraphQL
// starts a query's fields together, so 30 aliases of `objections { id }` over 50,000 objections read the
// whole list 30 times, 59 s, to refuse the request after the second). Aliases with the same arguments read
// once; once the lists read took the request over maxCost, the next is refused before it reads. A platform
// of its own (test/fixtures/sichuan): 100 demands, read as its supervisor.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const SUPERVISOR = { dept: '510000-DSJ', roles: ['supervisor' as const] };
const DEMANDED = 100;

async function gatewayWith(maxCost: number): Promise<{ gw: TestGateway; counting: () => CountingStore }> {
  let counting: CountingStore | undefined;
  const gw = await startTestGateway({ platformFile: PLATFORM, limits: { maxCost }, wrapStore: (s) => (counting = countingStore(s)) });
  await gw.store.insert(DEMANDS, Array.from({ length: DEMANDED }, (_, i) => ({
    id: `demand-${String(i).padStart(3, '0')}`, title: `Vehicle owners ${i}`, description: 'For traffic cases', items: JSON.stringify(['owner']),
    purposes: JSON.stringify(['tax-audit']), provider: '510000-WJW', requester: '510000-GA', requestedBy: 'chen', requestedAt: '2026-12-01T02:00:00.000Z',
    status: i % 2 ? 'open' : 'cannot-share', answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
  })));
  return { gw, counting: () => counting! };
}

// The reads of the list, and the one read a request of the promises open (markKeptPromises: those a
// killed publication kept are marked before the demands are read).
const demandReads = (store: CountingStore) => store.calls.filter((c) => c === `find ${DEMANDS}`).length - 1;

describe('aliases of one platform list with the same arguments', () => {
  let made: Awaited<ReturnType<typeof gatewayWith>>;
  beforeAll(async () => { made = await gatewayWith(10_000); }, 60_000);
  afterAll(() => made?.gw.close());

  it('read it once, each answering it whole', async () => {
    made.counting().reset();
    const res = await made.gw.query(`{ ${Array.from({ length: 6 }, (_, i) => `a${i}: demands { id }`).join(' ')} other: demands(status: OPEN) { id } }`, SUPERVISOR);
    expect(res.errors).toBeUndefined();
    for (let i = 0; i < 6; i++) expect(res.data![`a${i}`]).toHaveLength(DEMANDED);
    expect(res.data!.other).toHaveLength(DEMANDED / 2);
    expect(demandReads(made.counting())).toBe(2);
  });

  it('of usage scan the audit log once (found by the platcost task: 30 aliases of a 90-day usage scanned it 30 times, 20 s)', async () => {
    const usage = (alias: string) => `${alias}: usage(from: "2026-01-01", to: "2026-12-31") { resources { resource } }`;
    const scans = async (query: string) => {
      made.counting().reset();
      const res = await made.gw.query(query, SUPERVISOR);
      expect(res.errors).toBeUndefined();
      return made.counting().calls.filter((c) => c === `find ${AUDIT_COLLECTION}`).length;
    };
    const once = await scans(`{ ${usage('u0')} }`);
    expect(once).toBeGreaterThan(0);
    expect(await scans(`{ ${[0, 1, 2, 3, 4].map((i) => usage(`u${i}`)).join(' ')} }`)).toBe(once);
  });
});

describe('platform lists past maxCost', () => {
  let made: Awaited<ReturnType<typeof gatewayWith>>;
  // Six aliases of `demands { id }` are estimated at 6 × 21 = 126 values; the first list read adds 80
  // (100 entries past the 20 estimated): 206, within 210; the second, read no further than its 25th entry
  // (4 values left), takes the request over.
  beforeAll(async () => { made = await gatewayWith(210); }, 60_000);
  afterAll(() => made?.gw.close());

  it('are refused before they read once the lists read took the request over', async () => {
    made.counting().reset();
    const statuses = ['', '(status: OPEN)', '(status: CANNOT_SHARE)', '(overdue: false)', '(status: FULFILLED)', '(overdue: true)'];
    const res = await made.gw.query(`{ ${statuses.map((args, i) => `a${i}: demands${args} { id }`).join(' ')} }`, SUPERVISOR);
    expect(res.data).toBeNull();
    // The answer names the list that took it over (the lists refused after it are not told apart).
    expect(res.errors!.map((e) => [e.extensions!.code, e.message])).toEqual([['QUERY_TOO_COMPLEX',
      'The document is too complex: its number of field values, with the more than 24 entries demands holds, is 211, over the limit maxCost = 210. Narrow the list with its arguments, select fewer fields or aliases, or split it into smaller requests.']]);
    // The first two read, the rest refused unread (each read the whole list before).
    expect(demandReads(made.counting())).toBe(2);
  });
});

describe('a platform list the store filters alone, over maxCost', () => {
  let made: Awaited<ReturnType<typeof gatewayWith>>;
  // `{ demands { id title } }` is estimated at 1 + 20 × 2 = 41 values: 60 more leave room for 30 entries
  // past the 20 estimated, so the list is read no further than its 51st entry.
  beforeAll(async () => { made = await gatewayWith(101); }, 60_000);
  afterAll(() => made?.gw.close());

  it('is read no further than one entry past what the bound leaves it, and refused', async () => {
    const res = await made.gw.query('{ demands { id title } }', SUPERVISOR);
    expect(res.data).toBeNull();
    expect(res.errors!.map((e) => [e.extensions!.code, e.message])).toEqual([['QUERY_TOO_COMPLEX',
      'The document is too complex: its number of field values, with the more than 50 entries demands holds, is 103, over the limit maxCost = 101. Narrow the list with its arguments, select fewer fields or aliases, or split it into smaller requests.']]);
  });

  it('is read whole when a filter is told once read (overdue), and answered whole within the bound', async () => {
    const overdue = await made.gw.query('{ demands(overdue: false) { id title } }', SUPERVISOR);
    expect(overdue.errors![0].message).toMatch(/with the 100 entries demands holds, is 201, over the limit maxCost = 101\./);
    const within = await made.gw.query('{ demands(status: OPEN) { id } }', SUPERVISOR);
    expect(within.errors).toBeUndefined();
    expect(within.data!.demands).toHaveLength(DEMANDED / 2);
  });
});
