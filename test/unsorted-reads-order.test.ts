// What the workflow writes in turn follows the order its lists show, whatever order the store reads rows in
// when not asked for one (port.ts: SQLite's is the stored order, MongoDB promises none). Found by the review
// of the MongoDB adapter beside SQLite's: a publication's fulfilled demands and an import's corrected
// objections were taken in the store's unsorted order, so their audit entries came in the stored order on
// SQLite and in any order on MongoDB. Here a store that reads unsorted rows last-stored first, as MongoDB may;
// codes of a platform of its own (Gansu).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AUDIT_COLLECTION, fromRow as auditEntry } from '../src/audit/entry.ts';
import { CATALOGUE_VERSIONS, type PublicationRecord } from '../src/catalogue/repository.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { FindQuery, Store } from '../src/store/port.ts';
import { DEMANDS, fulfilDemands } from '../src/workflow/demands.ts';
import { confirmedObjections, OBJECTIONS } from '../src/workflow/objections.ts';

let dir: string;
let raw: Store;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-unsorted-order-'));
  raw = await openSqliteStore(dir);
  // Unsorted reads come last-stored first: an order the port allows (MongoDB's natural order is not promised).
  store = new Proxy(raw, {
    get(target, prop) {
      const real = Reflect.get(target, prop) as unknown;
      if (prop !== 'find') return typeof real === 'function' ? real.bind(target) : real;
      return async (collection: string, query: FindQuery) => {
        const rows = await target.find(collection, query);
        return query.sort?.length ? rows : rows.reverse();
      };
    },
  });
});
afterEach(async () => {
  await raw.close();
  rmSync(dir, { recursive: true, force: true });
});

// Stored in this order, asked in another: b (second), a (first), c (third).
const asked = [['b', '2026-12-02T01:00:00.000Z'], ['a', '2026-12-01T01:00:00.000Z'], ['c', '2026-12-03T01:00:00.000Z']] as const;

test('a publication fulfils the demands it keeps in the order the demands list shows, each audit entry in that order', async () => {
  await raw.insert(DEMANDS, asked.map(([id, at]) => ({
    id: `demand-${id}`, title: `Wanted ${id}`, description: 'Relief cases', items: '["caseNo"]', purposes: '["relief"]', provider: '620000-MZT',
    requester: '620100-RSJ', requestedBy: 'wang', requestedAt: at, status: 'will-catalogue', answeredBy: 'li', answeredAt: at, basis: null,
    resource: `620000-MZT-0000${id === 'a' ? 1 : id === 'b' ? 2 : 3}`, fulfilledAt: null, fulfilledBy: null,
  })));
  // Version 1 of GS-MZT, published with its record of the codes it brought into effect (markPublished).
  const publication: PublicationRecord = {
    brought: [1, 2, 3].map((n) => ({ code: `620000-MZT-0000${n}`, provider: '620000-MZT' })),
    by: { department: '620000-MZT', user: 'zhao', requestId: 'r1', kind: 'workflow' },
  };
  await raw.insert(CATALOGUE_VERSIONS, [{ id: 'GS-MZT', version: 1, status: 'published', publishedAt: '2026-12-04T00:00:00.000Z', publication: JSON.stringify(publication) }]);
  const env = { store, now: new Date('2026-12-05T00:00:00.000Z') };
  const fulfilled = await fulfilDemands(env, { requestId: 'r1' });
  expect(fulfilled.map((f) => f.demand.id)).toEqual(['demand-a', 'demand-b', 'demand-c']);
  const entries = (await raw.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(auditEntry);
  expect(entries.map((e) => e.detail?.split(' ')[1])).toEqual(['demand-a', 'demand-b', 'demand-c']);
});

test("an import's confirmed objections are taken in the order the objections list shows", async () => {
  await raw.insert(OBJECTIONS, asked.map(([id, at]) => ({
    id: `objection-${id}`, resource: '620000-MZT-00001', provider: '620000-MZT', key: JSON.stringify(`case-${id}`), item: 'amount',
    department: '620100-RSJ', raisedBy: 'wang', raisedAt: at, reason: 'wrong amount', proposedValue: null, status: 'confirmed',
    answeredBy: 'li', answeredAt: at, answer: 'yes', correctedAt: null, slot: JSON.stringify(['620000-MZT-00001', `case-${id}`, 'amount', '620100-RSJ']),
  })));
  const byKey = await confirmedObjections(store, '620000-MZT-00001');
  expect([...byKey.values()].flat().map((o) => o.id)).toEqual(['objection-a', 'objection-b', 'objection-c']);
});
