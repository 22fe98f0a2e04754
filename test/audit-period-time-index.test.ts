// auditLog(filter: { from, to }) reads a period through the log's time index (bench/audit-scale.ts, docs/
// benchmarks.md section 11): a day halfway through a log of 1,000,000 entries read every window of the seq
// index down to it, the time of each entry read on the way, 4 s a page against 7 ms at 10,000 entries. Now
// the period's seqs are read first through the time index, then its entries by seq.
// - The oracle: on a log whose times go back (a writer's clock 50 minutes, then a day behind, as verify's
//   clockWentBack names), every page walked by cursor and every totalCount of a period, for each reader and
//   filter, equals the plain path's answer (the seq index's windows, no period) kept to the period by time.
// - The plan (SQLite): the listing's reads go through ix:time and lookups of ix:seq, never a range of the
//   seq index (a window); the period's read as MongoDB gets it, a range of `time` sorted by `time`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, type AuditEntry, type NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { AUDIT_SCAN_WINDOW, listAudit, type AuditFilter, type AuditViewer } from '../src/audit/query.ts';
import type { Filter, FindQuery, Store } from '../src/store/port.ts';
import { toMongoFilter, toMongoSort } from '../src/store/mongo/filters.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { mulberry32 } from './helpers/random.ts';
import { appendReads } from './helpers/slow-audit-pages.ts';
import { storeHarnesses, type StoreHarness } from './helpers/store-harnesses.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NMG = '150000-NMGSJ'; // the competent department: its supervisor reads every entry
const BTR = '150200-BTRS'; // requesting departments
const CFM = '150400-CFMZ';
const LYJ = '150000-LYJ'; // providers
const SWJ = '150000-SWJ';
const PASTURE = '150000-LYJ-00003';
const PERMITS = '150000-SWJ-00011';
const HOUR = 3_600_000;
const START = Date.parse('2025-03-01T00:00:00.000Z'); // before the entries appendReads times now

/**
 * 120 entries, one every 20 minutes from START, of random departments, resources, kinds and outcomes; the
 * writer's clock goes back 50 minutes at entry 41 and a day and 10 minutes at entry 81 (the entries after each follow it).
 */
function entries(): NewAuditEntry[] {
  const random = mulberry32(150_200);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  return Array.from({ length: 120 }, (_, i) => {
    const back = i >= 80 ? 24 * HOUR + 10 * 60_000 : i >= 40 ? 50 * 60_000 : 0; // off the 20-minute grid: no two entries timed alike
    const parts = pick([[PASTURE], [PERMITS], [PASTURE, PERMITS], []]);
    const workflow = parts.length === 0 || random() < 0.15;
    return {
      time: new Date(START + i * 20 * 60_000 - back).toISOString(),
      requestId: `nm-${i}`, department: pick([BTR, CFM, LYJ, NMG]), user: 'herder-desk', purpose: 'grazing-permit',
      ...(random() < 0.15 ? { via: 'hulunbuir' } : {}),
      operationName: 'Pasture', documentHash: null,
      kind: workflow ? 'workflow' : 'read', action: workflow ? pick(['requestSharing', 'decideSharingRequest']) : null,
      outcome: workflow ? 'ok' : pick(['allowed', 'partial', 'denied'] as const), detail: null,
      resources: parts.map((resource) => ({
        resource, provider: resource === PASTURE ? LYJ : SWJ, items: ['herdNo'], denied: [], masked: [], records: 1,
        filtered: [], ordered: [], counted: false,
      })),
    } satisfies NewAuditEntry;
  });
}

const readers: [string, AuditViewer][] = [
  ['the supervisor', { dept: NMG, roles: ['supervisor'] }],
  ['a requester', { dept: BTR, roles: [] }],
  ['a provider', { dept: LYJ, roles: [] }],
];
const filters: AuditFilter[] = [
  {}, { department: BTR }, { resource: PASTURE }, { provider: SWJ }, { outcome: 'denied' }, { kind: 'workflow' },
  { action: 'decideSharingRequest' }, { via: 'hulunbuir' }, { department: CFM, via: 'hulunbuir' }, { requestId: 'nm-85' },
];
const at = (hours: number) => new Date(START + hours * HOUR).toISOString();
/** Periods around the clock's steps back: entries of later seqs timed within them, earlier ones after them. */
const periods: Pick<AuditFilter, 'from' | 'to'>[] = [
  { from: at(-24), to: at(-20) }, { from: at(-1), to: at(3) }, { from: at(12), to: at(13) }, { from: at(12), to: at(14) },
  { to: at(2) }, { from: at(20), to: at(48) }, { from: at(5), to: at(5) }, { from: at(90), to: at(99) },
  { from: at(2.4), to: at(3) }, { from: at(12.1), to: at(13.9) }, // the first and last entries by time are not the first and last by seq
];

/** Every entry a reader sees through `filter`, walked page by page (`first`) through the cursors; and the count (0 when not `counted`). */
async function walk(store: Store, viewer: AuditViewer, filter: AuditFilter, first: number, counted = true): Promise<{ nodes: AuditEntry[]; totalCount: number }> {
  const nodes: AuditEntry[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    const page = await listAudit(store, viewer, filter, { first, after }, NMG, undefined, counted);
    nodes.push(...page.nodes);
    expect(page.nodes.length).toBeLessThanOrEqual(first);
    if (!page.pageInfo.hasNextPage) return { nodes, totalCount: page.totalCount };
    expect(page.nodes).toHaveLength(first);
    after = page.pageInfo.endCursor;
    expect(pages).toBeLessThan(200);
  }
}

describe.each(storeHarnesses('audit-period'))('auditLog of a period on %s', (_name, harness) => {
  let h: StoreHarness;
  let store: Store;
  beforeAll(async () => {
    h = harness();
    store = await h.open();
    for (const entry of entries()) await appendAudit(store, entry);
  });
  afterAll(async () => {
    await store?.close();
    await h?.cleanup();
  });

  it('answers, page by page and counted, what the seq windows answer kept to the period, on a log whose times go back', async () => {
    let compared = 0;
    for (const [, viewer] of readers) {
      for (const filter of filters) {
        const plain = await walk(store, viewer, filter, 200); // no period: the windows of the seq index
        for (const period of periods) {
          const inPeriod = (e: AuditEntry) => (period.from === undefined || e.time >= period.from) && e.time < period.to!;
          const expected = plain.nodes.filter(inPeriod);
          for (const first of [1, 3, 50]) {
            const got = await walk(store, viewer, { ...filter, ...period }, first);
            expect(got.nodes).toEqual(expected);
            expect(got.totalCount).toBe(expected.length);
            // A page alone: the seq windows when their first reaches back before the period's end, else the time index.
            expect((await walk(store, viewer, { ...filter, ...period }, first, false)).nodes).toEqual(expected);
          }
          compared += expected.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(300); // the periods hold entries, of several readers and filters
  });
});

/** The store, and the reads of the audit log made through it (the span's two, of one row each, aside), each with its SQLite plan. */
function recorded(store: Awaited<ReturnType<typeof openSqliteStore>>) {
  const reads: { query: FindQuery; plan: string }[] = [];
  const explained = new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop === 'find' || prop === 'count') {
        return (collection: string, arg: FindQuery | Filter) => {
          const query: FindQuery = prop === 'find' ? (arg as FindQuery) : { filter: arg as Filter };
          if (collection === AUDIT_COLLECTION && query.limit !== 1) reads.push({ query, plan: store.explainFind(collection, query).join(' | ') });
          return value.call(target, collection, arg);
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { explained, reads };
}

describe('auditLog of a period: the reads it makes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-period-plan-'));
  let store: Awaited<ReturnType<typeof openSqliteStore>>;
  beforeAll(async () => {
    store = await openSqliteStore(join(dir, 'data'));
    for (const entry of entries()) await appendAudit(store, entry);
    // A window of entries after them, timed now: the period is further back than the log's first window.
    await appendReads(store, AUDIT_SCAN_WINDOW + 10, { department: CFM, purpose: 'grazing-permit', resource: PERMITS, provider: SWJ, items: ['herdNo'] });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the period through the time index and its entries by seq, never a window of the seq index (SQLite)', async () => {
    // Counted or not (a page alone: the log's first window, down from its newest entry, is timed after the period).
    for (const [[, viewer], counted] of readers.flatMap((r) => [[r, true], [r, false]] as const)) {
      const { explained, reads } = recorded(store);
      const page = await listAudit(explained, viewer, { from: at(12), to: at(14) }, { first: 2 }, NMG, undefined, counted);
      expect(page.nodes.length).toBeGreaterThan(0);
      const plans = reads.map((r) => r.plan);
      expect(plans.length).toBeGreaterThan(1);
      expect(plans[0]).toMatch(/^SEARCH c:_audit USING INDEX ix:time@_audit \(<expr>>\? AND <expr><\?\)$/);
      for (const plan of plans.slice(1)) expect(plan).toMatch(/USING INDEX ix:seq@_audit \(<expr>=\?\)/);
      expect(plans.join('\n')).not.toMatch(/ix:seq@_audit \(<expr>>\? AND <expr><\?\)/);
    }
  });

  it('reads a page alone of a recent period by the seq windows, the first of which holds it', async () => {
    const { explained, reads } = recorded(store);
    const hour = { from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() };
    const page = await listAudit(explained, { dept: NMG, roles: ['supervisor'] }, hour, { first: 2 }, NMG, undefined, false);
    expect(page.nodes.map((n) => n.department)).toEqual([CFM, CFM]);
    expect(reads.map((r) => r.plan)).toEqual([expect.stringMatching(/^SEARCH c:_audit USING INDEX ix:seq@_audit \(<expr>>\? AND <expr><\?\)$/)]);
  });

  it('asks MongoDB for the period as a range of `time` sorted by `time` (its index on time), its seqs alone', async () => {
    const { explained, reads } = recorded(store);
    await listAudit(explained, { dept: BTR, roles: [] }, { resource: PASTURE, from: at(12), to: at(14) }, { first: 2 }, NMG);
    const [period] = reads.map((r) => r.query);
    // Only `time` is named (each bound with the store's cross-kind order, an $or of ranges on the one field).
    const named = (doc: unknown): string[] =>
      Array.isArray(doc) ? doc.flatMap(named) : typeof doc === 'object' && doc !== null
        ? Object.entries(doc).flatMap(([k, v]) => (k.startsWith('$') ? named(v) : [k]))
        : [];
    const mongo = toMongoFilter(period.filter);
    expect(new Set(named(mongo))).toEqual(new Set(['time']));
    expect(JSON.stringify(mongo)).toContain(`{"time":{"$lt":"${at(14)}"}}`);
    expect(JSON.stringify(mongo)).toContain(`{"time":{"$gte":"${at(12)}"}}`);
    expect(toMongoSort(period.sort ?? [])).toEqual({ time: 1 });
    expect(period.projection).toEqual(['seq']);
  });
});
