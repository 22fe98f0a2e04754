// auditLog(filter: { from, to }) reads a period through the log's time index (bench/audit-scale.ts, docs/
// benchmarks.md section 11): a day halfway through a log of 1,000,000 entries read every window of the seq
// index down to it, the time of each entry read on the way, 4 s a page against 7 ms at 10,000 entries. Now
// the period's seqs are read first through the time index, then its entries by seq.
// - The oracle: on a log whose times go back (a writer's clock 50 minutes, then a day behind, as verify's
//   clockWentBack names), every page walked by cursor and every totalCount of a period, for each reader and
//   filter, equals the plain path's answer (the seq index's windows, no period) kept to the period by time.
// - The plan (SQLite): the listing's reads go through ix:time and lookups of ix:seq, never a range of the
//   seq index (a window); the period's read as MongoDB gets it, a range of `time` sorted by `time`.
// - A period of more entries than a window (AUDIT_SCAN_WINDOW) far back, its time index read a window at a
//   time: the same oracle, on a log whose times go back by hours, tie by the millisecond across a window's
//   end, and stick (a window and more timed alike, read by the seq windows); its reads never a seq window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, GENESIS_HASH, toRow, type AuditEntry, type NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit, ensureAuditIndexes } from '../src/audit/log.ts';
import { AUDIT_SCAN_WINDOW, listAudit, type AuditFilter, type AuditViewer } from '../src/audit/query.ts';
import type { Filter, FindQuery, Row, Store } from '../src/store/port.ts';
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
async function walk(store: Store, viewer: AuditViewer, filter: AuditFilter, first: number, counted = true, maxPageSize?: number): Promise<{ nodes: AuditEntry[]; totalCount: number }> {
  const nodes: AuditEntry[] = [];
  let after: string | null = null;
  for (let pages = 0; ; pages++) {
    const page = await listAudit(store, viewer, filter, { first, after }, NMG, maxPageSize, counted);
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

  it("reads a requester's view filtered by another department's code within each lookup, never that department's whole index", async () => {
    // Both branches of the view (its own requests, the entries about its resources) then name a department:
    // SQLite took the union of two walks of ix:department,seq, every entry either department ever sent, for
    // each lookup of 1,000 seqs (3 s a lookup on 1,000,000 entries), and its time told the other's volume.
    for (const [department, counted] of [[CFM, true], [CFM, false], [BTR, true], ['150999-NONE', true]] as const) {
      const { explained, reads } = recorded(store);
      await listAudit(explained, { dept: BTR, roles: [] }, { department, from: at(12), to: at(14) }, { first: 2 }, NMG, undefined, counted);
      const plans = reads.map((r) => r.plan);
      expect(plans.length).toBeGreaterThan(1);
      for (const plan of plans.slice(1)) expect(plan).not.toMatch(/ix:department,seq@_audit \(<expr>=\?\)/);
    }
  });

  it('reads a page alone of a recent period by the seq windows, the first of which holds it', async () => {
    const { explained, reads } = recorded(store);
    const hour = { from: new Date(Date.now() - HOUR).toISOString(), to: new Date(Date.now() + HOUR).toISOString() };
    const page = await listAudit(explained, { dept: NMG, roles: ['supervisor'] }, hour, { first: 2 }, NMG, undefined, false);
    expect(page.nodes.map((n) => n.department)).toEqual([CFM, CFM]);
    expect(reads.map((r) => r.plan)).toEqual([expect.stringMatching(/^SEARCH c:_audit USING INDEX ix:seq@_audit \(<expr>>\? AND <expr><\?\)$/)]);
  });

  it('asks MongoDB for the period as a range of `time` sorted by `time` (its index on time), its seqs and times alone', async () => {
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
    expect(period.projection).toEqual(['seq', 'time']);
  });
});

const MINUTE = 60_000;
/** When the writer's clock stuck: a window of entries and more timed alike to the millisecond. */
const STUCK = new Date(START + 72 * HOUR).toISOString();

/**
 * A log of 44,800 entries, written as rows (the chain is not what this checks), for a period of more than a
 * window: seqs 1 to 24,000 seven to a millisecond, 20 s apart, the clock going back 4 hours at seq 16,001 (so
 * that the entries after it tie with earlier ones, far apart in seq); 600 entries timed within the first
 * day, later by seq; 20,100 timed alike at STUCK; 100 a minute apart after it.
 */
function largeLog(): Row[] {
  const random = mulberry32(150_400);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const timeOf = (seq: number): number =>
    seq <= 24_000 ? START + Math.floor(seq / 7) * 20_000 - (seq > 16_000 ? 4 * HOUR : 0)
      : seq <= 24_600 ? START + 5 * HOUR + (seq - 24_000) * 1_000
        : seq <= 44_700 ? Date.parse(STUCK)
          : Date.parse(STUCK) + (seq - 44_700) * MINUTE;
  return Array.from({ length: 44_800 }, (_, i) => {
    const seq = i + 1;
    const parts = pick([[PASTURE], [PERMITS], [PASTURE, PERMITS]]);
    const entry: AuditEntry = {
      seq, time: new Date(timeOf(seq)).toISOString(), requestId: `nm-${seq}`, department: pick([BTR, CFM, LYJ, NMG]),
      user: 'herder-desk', purpose: 'grazing-permit', ...(random() < 0.1 ? { via: 'hulunbuir' } : {}),
      operationName: 'Pasture', documentHash: null, kind: 'read', action: null, outcome: pick(['allowed', 'partial', 'denied'] as const), detail: null,
      resources: parts.map((resource) => ({
        resource, provider: resource === PASTURE ? LYJ : SWJ, items: ['herdNo'], denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false,
      })),
      prevHash: GENESIS_HASH, hash: GENESIS_HASH,
    };
    return toRow(entry);
  });
}

async function writeLargeLog(store: Store): Promise<Row[]> {
  const rows = largeLog();
  for (let at = 0; at < rows.length; at += 5_000) await store.insert(AUDIT_COLLECTION, rows.slice(at, at + 5_000));
  return rows;
}

/** Periods of more than a window: far back (from the log's first hour, and with no start), and the stuck millisecond. */
const large: Pick<AuditFilter, 'from' | 'to'>[] = [{ from: at(1), to: at(17) }, { to: at(17) }, { from: STUCK, to: new Date(Date.parse(STUCK) + 1).toISOString() }];
/** Pages of the walks over the large log (a gateway's maxPageSize as large): a few pages a period. */
const PAGE = 10_000;
const largeReaders: [AuditViewer, AuditFilter][] = [
  [{ dept: NMG, roles: ['supervisor'] }, {}],
  [{ dept: BTR, roles: [] }, {}],
  [{ dept: LYJ, roles: [] }, { resource: PASTURE }],
];

describe.each(storeHarnesses('audit-period-large'))('auditLog of a period of more than a window on %s', (_name, harness) => {
  let h: StoreHarness;
  let store: Store;
  let rows: Row[];
  beforeAll(async () => {
    h = harness();
    store = await h.open();
    await ensureAuditIndexes(store);
    rows = await writeLargeLog(store);
  });
  afterAll(async () => {
    await store?.close();
    await h?.cleanup();
  });

  it('holds what this checks: periods of more than a window, an end of a window among entries timed alike', () => {
    const times = (p: Pick<AuditFilter, 'from' | 'to'>) => rows.map((r) => String(r.time)).filter((t) => (p.from === undefined || t >= p.from) && t < p.to!).sort();
    for (const period of large) expect(times(period).length).toBeGreaterThan(AUDIT_SCAN_WINDOW);
    // The period's first window ends among entries of one millisecond, of seqs four hours' writing apart.
    const first = times(large[0]);
    expect(first[AUDIT_SCAN_WINDOW - 1]).toBe(first[AUDIT_SCAN_WINDOW]);
    const tied = rows.filter((r) => r.time === first[AUDIT_SCAN_WINDOW - 1]).map((r) => Number(r.seq));
    expect(Math.max(...tied) - Math.min(...tied)).toBeGreaterThan(2_000);
  });

  it('answers, page by page and counted, what the seq windows answer kept to the period', { timeout: 600_000 }, async () => {
    for (const [viewer, filter] of largeReaders) {
      const plain = await walk(store, viewer, filter, PAGE, true, PAGE);
      // Every period for the supervisor, the first (far back, with a start) for the others.
      for (const period of viewer.roles.includes('supervisor') ? large : large.slice(0, 1)) {
        const inPeriod = (e: AuditEntry) => (period.from === undefined || e.time >= period.from) && e.time < period.to!;
        const expected = plain.nodes.filter(inPeriod);
        expect(expected.length).toBeGreaterThan(1000);
        const got = await walk(store, viewer, { ...filter, ...period }, PAGE, true, PAGE);
        expect(got.nodes.map((n) => n.seq)).toEqual(expected.map((n) => n.seq));
        expect(got.nodes).toEqual(expected);
        expect(got.totalCount).toBe(expected.length);
      }
    }
    // A page alone, far back: the time index too (the log's first window is timed after the period).
    const supervisor = largeReaders[0][0];
    const alone = await listAudit(store, supervisor, large[0], { first: 7 }, NMG, undefined, false);
    const all = (await walk(store, supervisor, {}, PAGE, true, PAGE)).nodes.filter((e) => e.time >= large[0].from! && e.time < large[0].to!);
    expect(alone.nodes).toEqual(all.slice(0, 7));
  });
});

describe('auditLog of a period of more than a window far back: the reads it makes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-period-large-plan-'));
  let store: Awaited<ReturnType<typeof openSqliteStore>>;
  beforeAll(async () => {
    store = await openSqliteStore(join(dir, 'data'));
    await ensureAuditIndexes(store);
    await writeLargeLog(store);
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the period through the time index a window at a time, then its entries by seq, never a window of the seq index', async () => {
    for (const [[viewer, filter], counted] of largeReaders.flatMap((r) => [[r, true], [r, false]] as const)) {
      const { explained, reads } = recorded(store);
      const page = await listAudit(explained, viewer, { ...filter, ...large[0] }, { first: 50 }, NMG, undefined, counted);
      expect(page.nodes).toHaveLength(50);
      const plans = reads.map((r) => r.plan);
      const timed = plans.filter((plan) => /^SEARCH c:_audit USING INDEX ix:time@_audit \(<expr>>\? AND <expr><\?\)$/.test(plan));
      expect(timed).toHaveLength(2); // the period's 23,341 entries: two windows of the time index
      for (const plan of plans.filter((plan) => !timed.includes(plan))) expect(plan).toMatch(/USING INDEX ix:seq@_audit \(<expr>=\?\)/);
      expect(plans.join('\n')).not.toMatch(/ix:seq@_audit \(<expr>>\? AND <expr><\?\)/);
    }
  });
});
