// Who the breaking-change warnings name as readers of a resource (itemReaders, src/audit/usage.ts) when a
// connected platform forwarded the read (SPEC §12, the entry's `via`): a connected platform's department
// code is that platform's own (query.ts ownRequest), but the warnings named it as this platform's
// department of the same code ("read in the last 90 days by 530100-MZJ" for the city's bureau, as if the
// province's own 530100-MZJ had read it), and a forwarded department whose code is the provider's was
// left out as the provider reading its own resource. Codes of a Yunnan province and its Kunming city.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { ANY_ITEM, requesterName, itemReaders } from '../src/audit/usage.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

const POLICE = '530000-GAT';
const RESIDENTS = '530000-GAT-R01';
const KUNMING_CIVIL = '530100-MZJ';
const OTHERS = ['530000-GAT-R02', '530000-GAT-R03', '530000-GAT-R04']; // past SCANS_APART: one scan for all

const read = (department: string, items: string[], via?: string): NewAuditEntry => ({
  requestId: crypto.randomUUID(), department, user: 'u', purpose: 'minimum-living-allowance', operationName: null, documentHash: null,
  kind: 'read', action: null, outcome: 'allowed', detail: null, ...(via ? { via } : {}),
  resources: [{ resource: RESIDENTS, provider: POLICE, items, denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false }],
});

let dir: string;
let store: SqliteStore;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-readers-forwarded-'));
  store = await openSqliteStore(dir);
  await appendAudit(store, read(KUNMING_CIVIL, ['age']));              // the province's own 530100-MZJ
  await appendAudit(store, read(KUNMING_CIVIL, ['xm'], '530100'));     // the city's, forwarded
  await appendAudit(store, read(POLICE, ['division'], '530100'));      // a city department of the provider's code, forwarded
  await appendAudit(store, read(POLICE, ['spouseNo']));                // the provider itself: not a reader
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it.each([['alone', [RESIDENTS]], ['among others', [RESIDENTS, ...OTHERS]]])('names a forwarded reader with its platform (%s)', async (_, codes) => {
  const byItem = (await itemReaders(store, codes, '2000-01-01T00:00:00.000Z')).get(RESIDENTS)!;
  const city = requesterName({ department: KUNMING_CIVIL, via: '530100' });
  expect(city).toBe('530100-MZJ via 530100');
  expect([...byItem.get('age')!]).toEqual([KUNMING_CIVIL]);
  expect([...byItem.get('xm')!]).toEqual([city]);
  expect([...byItem.get('division')!]).toEqual([requesterName({ department: POLICE, via: '530100' })]);
  expect(byItem.get('spouseNo')).toBeUndefined();
  expect([...byItem.get(ANY_ITEM)!].sort()).toEqual([KUNMING_CIVIL, city, requesterName({ department: POLICE, via: '530100' })].sort());
});
