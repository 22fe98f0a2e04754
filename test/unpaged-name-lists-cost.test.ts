// maxCost for the lists of names the platform's entries hold (found by the last closing note): a sharing
// request's and a demand's items and purposes, a grant's items, purposes, unmasked and rows, up to 200
// entries each (src/model/input-bounds.ts). The cost counts such a field as one value, and they were never
// counted once read: `{ sharingRequests { id items purposes } }` over 10 requests of 150 items and purposes
// was counted at 61 values and answered 3,021. Now each entry past the first adds one value, as the
// lists holding them add theirs (src/limits/unpaged.ts). Sichuan's platform (test/fixtures/sichuan), its police asking.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const ENTRIES = 10;
const NAMES = 150;
// `{ sharingRequests { id items } }`: estimated 1 + 20 × 2, then 149 a request: 1,531 values counted, within.
const MAX_COST = 2000;
const names = (prefix: string) => JSON.stringify(Array.from({ length: NAMES }, (_, i) => `${prefix}${i}`));
const at = (i: number) => `2026-12-01T02:00:${String(i).padStart(2, '0')}.000Z`;

describe('lists of names within the platform lists', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, limits: { maxCost: MAX_COST } });
    const base = (i: number) => ({ provider: '510000-WJW', requester: '510000-GA', items: names('item'), purposes: names('purpose') });
    await gw.store.insert(SHARING_REQUESTS, Array.from({ length: ENTRIES }, (_, i) => ({
      ...base(i), id: `sr-${i}`, resource: '510000-WJW-00001', justification: 'For traffic cases', until: null, status: 'rejected',
      requestedBy: 'chen', requestedAt: at(i), decidedBy: 'li', decidedAt: at(i), reason: 'no', grantId: null, openKey: `decided|sr-${i}`,
    })));
    await gw.store.insert(GRANTS, Array.from({ length: ENTRIES }, (_, i) => ({
      id: `g-${i}`, requester: '510000-GA', resource: '510000-WJW-00001', items: names('item'), purposes: names('purpose'), unmasked: names('item'),
      rows: names('row'), from: '2026-12-01', until: null, revokedAt: null, revokedBy: null, createdAt: at(i), createdBy: 'li', requestId: null,
    })));
    await gw.store.insert(DEMANDS, Array.from({ length: ENTRIES }, (_, i) => ({
      ...base(i), id: `demand-${i}`, title: `Vehicle owners ${i}`, description: 'For traffic cases', requestedBy: 'chen', requestedAt: at(i),
      status: 'open', answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
    })));
  }, 60_000);
  afterAll(() => gw?.close());

  const ask = async (query: string) =>
    gw.query(query, { dept: '510000-GA' }) as Promise<{ data?: Record<string, unknown[]> | null; errors?: { message: string; extensions: Record<string, unknown> }[] }>;

  it('answers the lists while the names they hold stay within maxCost', async () => {
    for (const [list, fields] of [['sharingRequests', 'id items'], ['grants', 'id purposes'], ['demands', 'id items']] as const) {
      const res = await ask(`{ ${list} { ${fields} } }`);
      expect(res.errors, list).toBeUndefined();
      expect(res.data![list]).toHaveLength(ENTRIES);
      expect((res.data![list][0] as Record<string, unknown[]>)[fields.split(' ')[1]!]).toHaveLength(NAMES);
    }
  });

  it.each([
    ['sharingRequests', 'id items purposes'],
    ['grants', 'id items purposes unmasked rows setAside'],
    ['demands', 'id items purposes'],
  ])('refuses %s with QUERY_TOO_COMPLEX once their names take the request over maxCost', async (list, fields) => {
    const res = await ask(`{ ${list} { ${fields} } }`);
    expect(res.data).toBeNull();
    expect(res.errors!.map((e) => e.extensions.code)).toEqual(res.errors!.map(() => 'QUERY_TOO_COMPLEX')); // and the lists read after it
    expect(res.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost', bound: MAX_COST });
    expect(res.errors![0].message).toMatch(new RegExp(`^The document is too complex: its number of field values, with the ${NAMES} entries \\w+ holds, is \\d+, over the limit maxCost = ${MAX_COST}\\.`));
  });
});
