// Who the breaking-change warnings name (itemReaders, src/audit/usage.ts) when a read was denied: an item
// selected and denied beside items of the resource read counts (the query breaks when it goes), but a part
// that got nothing of the resource names no department: the entry's outcome, partial for what the request
// read of another provider's resource, is not the provider's to know (the log shows it its own parts' alone).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResource } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { listAudit } from '../src/audit/query.ts';
import { ANY_ITEM, itemReaders } from '../src/audit/usage.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

// A Qinghai platform of this test's making: the forestry bureau provides a register, the water bureau
// another; the county offices read them.
const FORESTRY = '630000-LCJ', WATER = '630000-SLT';
const GROVES = '630000-LCJ-00003', WELLS = '630000-SLT-00008';
const XINING = '630100-NYJ', HAIDONG = '630200-NYJ', YUSHU = '632700-NYJ';

const part = (resource: string, provider: string, over: Partial<AuditResource>): AuditResource => ({
  resource, provider, items: [], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false, ...over,
});

let dir: string;
let store: SqliteStore;
async function read(department: string, outcome: 'allowed' | 'partial' | 'denied', resources: AuditResource[]) {
  await appendAudit(store, {
    requestId: `r-${department}-${resources.length}`, department, user: 'clerk', purpose: 'forest-survey', operationName: null,
    documentHash: null, kind: 'read', action: null, resources, outcome, detail: null,
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-item-readers-denied-'));
  store = await openSqliteStore(dir);
  // Xining reads groves' area and selects their owner, awaiting a grant: the owner is used.
  await read(XINING, 'partial', [part(GROVES, FORESTRY, { items: ['groveNo', 'area'], records: 3, denied: [{ item: 'ownerId', code: 'GRANT_REQUIRED' }] })]);
  // Haidong reads wells, and is denied every item it selects of groves: nothing of groves used.
  await read(HAIDONG, 'partial', [
    part(WELLS, WATER, { items: ['wellNo'], records: 2 }),
    part(GROVES, FORESTRY, { denied: [{ item: 'ownerId', code: 'GRANT_REQUIRED' }, { item: 'area', code: 'GRANT_REQUIRED' }] }),
  ]);
  // Yushu reads wells, and groves are denied to it whole.
  await read(YUSHU, 'partial', [
    part(WELLS, WATER, { items: ['depth'], records: 1 }),
    part(GROVES, FORESTRY, { denied: [{ item: '*', code: 'OUT_OF_SCOPE' }] }),
  ]);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const named = (m: Map<string, Set<string>> | undefined) => Object.fromEntries([...(m ?? [])].map(([item, who]) => [item, [...who].sort()]));

describe('the departments a warning names, when reads were denied', () => {
  it('names a department denied an item it selected beside items it read, and none that got nothing of the resource', async () => {
    for (const codes of [[GROVES], [GROVES, WELLS, '630000-LCJ-00004', '630000-LCJ-00005']]) { // scanned apart, and once for all
      const readers = await itemReaders(store, codes, '2000-01-01T00:00:00.000Z');
      expect(named(readers.get(GROVES))).toEqual({ [ANY_ITEM]: [XINING], groveNo: [XINING], area: [XINING], ownerId: [XINING] });
    }
  });

  it('the forestry bureau sees in the log only the outcome of its own parts: Haidong and Yushu denied', async () => {
    const page = await listAudit(store, { dept: FORESTRY, roles: ['auditor'] }, { kind: 'read' }, { first: 10 }, '630000-ZWB');
    expect(page.nodes.map((e) => [e.department, e.outcome]).sort()).toEqual([[XINING, 'partial'], [HAIDONG, 'denied'], [YUSHU, 'denied']]);
  });
});
