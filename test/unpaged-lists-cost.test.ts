// maxCost for the platform's lists that take no `first` (SPEC §13: "field values the response may hold";
// found by the §13 walk: four aliases of `objections { id status }` over 30,000 objections answered
// 240,000 values under a maxCost of 500). Their length is estimated before the request runs and counted
// once read. A platform of its own (test/fixtures/sichuan): 100 demands of its police department.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { UNPAGED_LIST_ESTIMATE } from '../src/limits/pages.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const DEMANDED = 100;
// `{ demands { id title } }` holds 1 + 100 × 2 values: at the limit.
const BOUND = 1 + DEMANDED * 2;

describe('a list without first longer than its estimate', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, limits: { maxCost: BOUND } });
    await gw.store.insert(DEMANDS, Array.from({ length: DEMANDED }, (_, i) => ({
      id: `demand-${String(i).padStart(3, '0')}`, title: `Vehicle owners ${i}`, description: 'For traffic cases', items: JSON.stringify(['owner']),
      purposes: JSON.stringify(['tax-audit']), provider: '510000-WJW', requester: '510000-GA', requestedBy: 'chen', requestedAt: '2026-12-01T02:00:00.000Z',
      status: 'open', answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
    })));
  }, 60_000);
  afterAll(() => gw?.close());

  const ask = async (query: string) => gw.query(query, { dept: '510000-GA' }) as Promise<{ status: number; data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] }>;

  it('is answered while what it holds stays within maxCost', async () => {
    const res = await ask('{ demands { id title } }');
    expect(res.errors).toBeUndefined();
    expect((res.data as { demands: unknown[] }).demands).toHaveLength(DEMANDED);
  });

  it('is refused with QUERY_TOO_COMPLEX once it holds more, naming the figure and the bound, and audited', async () => {
    expect(UNPAGED_LIST_ESTIMATE).toBeLessThan(DEMANDED);
    const before = (await gw.store.find(AUDIT_COLLECTION, {})).length;
    const over = await ask('{ demands { id title status } }');
    expect(over.data).toBeNull();
    expect(over.errors).toHaveLength(1);
    // Read no further than one entry past what the bound leaves it: 20 estimated, 46 more of 3 values (61 + 138 = 199).
    expect(over.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', figure: 61 + 47 * 3, bound: BOUND });
    expect(over.errors![0].message).toBe(`The document is too complex: its number of field values, with the more than 66 entries demands holds, is ${61 + 47 * 3}, over the limit maxCost = ${BOUND}. Narrow the list with its arguments, select fewer fields or aliases, or split it into smaller requests.`);
    // Aliases each within the bound, together over it: the second list read is refused.
    const twice = await ask('{ a: demands { id } b: demands { id } }');
    expect(twice.errors?.map((e) => e.extensions.code)).toContain('QUERY_TOO_COMPLEX');
    expect(twice.data).toBeNull();
    const entries = (await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).slice(before);
    expect(entries.map((e) => e.outcome)).toEqual(['refused', 'refused']);
    expect(entries[0].detail).toBe(`QUERY_TOO_COMPLEX: ${over.errors![0].message}`);
    expect(entries[1].detail).toMatch(/^QUERY_TOO_COMPLEX: The document is too complex: its number of field values, with the 100 entries demands holds, is \d+, over the limit maxCost = 201\./);
  });
});
