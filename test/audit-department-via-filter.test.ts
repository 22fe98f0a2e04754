// auditLog(filter: { department }) on a platform that connected platforms forward requests to (SPEC §10,
// §12): a department code is its platform's own (rates, grants and a department's own entries keep a
// forwarded department apart: query.ts ownRequest), but the filter matched the entries of this platform's
// department and those of a connected platform's department of the same code alike, so a supervisor
// looking into the province's own 520100-MZJ read the city's department's forwarded reads among them,
// told apart only by each entry's `via`. Now `department` alone is this platform's department, and with
// `via` the connected platform's; `via` alone, every request that platform forwarded. A Guizhou province
// whose city (520100) forwards, on a real SQLite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { listAudit, type AuditFilter } from '../src/audit/query.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

const DSJ = '520000-DSJ'; // the competent department
const GAT = '520000-GAT'; // provides the residents
const MZJ = '520100-MZJ'; // listed here, and a department of the city's platform too
const RESIDENTS = '520000-GAT-R01';

let dir: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'govgraph-audit-via-'));
  store = await openSqliteStore(dir);
  const read = (user: string, via?: string): NewAuditEntry => ({
    requestId: crypto.randomUUID(), department: MZJ, user, purpose: 'allowance', operationName: null, documentHash: null,
    kind: 'read', action: null, outcome: 'allowed', detail: null, ...(via ? { via } : {}),
    resources: [{ resource: RESIDENTS, provider: GAT, items: ['residentNo'], denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false }],
  });
  await appendAudit(store, read('own.reader'));
  await appendAudit(store, read('city.reader', '520100'));
  await appendAudit(store, read('county.reader', '520102'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const users = async (dept: string, roles: string[], filter: AuditFilter) => {
  const page = await listAudit(store, { dept, roles }, filter, { first: 50 }, DSJ);
  expect(page.totalCount).toBe(page.nodes.length);
  return page.nodes.map((n) => `${n.user}${n.via ? ` via ${n.via}` : ''}`);
};

it("filters by this platform's department alone, and by a connected platform's with via", async () => {
  // Found: the three entries, the two forwarded ones among them.
  expect(await users(DSJ, ['supervisor'], { department: MZJ })).toEqual(['own.reader']);
  expect(await users(DSJ, ['supervisor'], { department: MZJ, via: '520100' })).toEqual(['city.reader via 520100']);
  expect(await users(DSJ, ['supervisor'], { via: '520102' })).toEqual(['county.reader via 520102']);
  expect(await users(DSJ, ['supervisor'], {})).toEqual(['county.reader via 520102', 'city.reader via 520100', 'own.reader']);
  // The provider reads them all as entries about its resource; its filters mean the same.
  expect(await users(GAT, [], { department: MZJ })).toEqual(['own.reader']);
  expect(await users(GAT, [], { department: MZJ, via: '520102' })).toEqual(['county.reader via 520102']);
  // The province's own department: its own requests only, whatever it filters by.
  expect(await users(MZJ, [], { department: MZJ })).toEqual(['own.reader']);
  expect(await users(MZJ, [], { department: MZJ, via: '520100' })).toEqual([]);
});
