// The audit log (SPEC §10, issue 4 points 7 and 8) on the embedded store: the hash chain and its
// verification, fail-closed appends, concurrent writers, visibility, filters, pages and usage figures.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AUDIT_COLLECTION,
  GENESIS_HASH,
  entryHash,
  type AuditEntry,
  type AuditResource,
  type NewAuditEntry,
} from '../src/audit/entry.ts';
import { AuditUnavailableError, appendAudit } from '../src/audit/log.ts';
import { AuditQueryError, listAudit, type AuditFilter, type AuditViewer } from '../src/audit/query.ts';
import { auditUsage } from '../src/audit/usage.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { auditKey } from '../src/audit/key.ts';
import { registerAuditCommands } from '../src/cli/audit.ts';
import { DuplicateKeyError, StoreUnavailableError, eq, type FindQuery, type Row, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const GA = '430000-GA'; // provides R1
const SCJG = '430000-SCJG'; // provides R2
const MZ = '430100-MZ'; // a requesting department
const ZWB = '430000-ZWB'; // the competent department
const R1 = '430000-GA-00001';
const R2 = '430000-SCJG-00001';

let dir: string;
let store: Store;
const opened: Store[] = [];

async function open(): Promise<Store> {
  const s = await openSqliteStore(dir);
  opened.push(s);
  return s;
}

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'govgraph-audit-'));
  store = await open();
});

afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

function read(
  n: number,
  department: string | null,
  purpose: string | null,
  outcome: NewAuditEntry['outcome'],
  resources: AuditResource[],
  time: string,
): NewAuditEntry {
  return {
    time,
    requestId: `req-${n}`,
    department,
    user: department ? `user-of-${department}` : null,
    purpose,
    operationName: `Op${n}`,
    documentHash: `doc-${n}`,
    kind: 'read',
    action: null,
    resources,
    outcome,
    detail: null,
  };
}

function action(
  n: number,
  kind: 'workflow' | 'operator',
  department: string | null,
  name: string,
  outcome: NewAuditEntry['outcome'],
  resources: AuditResource[],
  time: string,
): NewAuditEntry {
  return { ...read(n, department, null, outcome, resources, time), kind, action: name, operationName: null, documentHash: null };
}

const part = (
  resource: string,
  provider: string,
  items: string[],
  records: number,
  extra: Partial<Pick<AuditResource, 'denied' | 'masked'>> = {},
): AuditResource => ({ resource, provider, items, denied: extra.denied ?? [], masked: extra.masked ?? [], records, filtered: [], ordered: [], counted: false });

/** Eight entries: the fixture of the visibility, filter, page and usage tests (seq = n). */
const FIXTURE: NewAuditEntry[] = [
  read(1, MZ, 'social-assistance', 'allowed', [part(R1, GA, ['name', 'idNumber'], 3, { masked: ['idNumber'] })], '2026-03-01T01:00:00.000Z'),
  read(2, MZ, 'social-assistance', 'partial', [
    part(R1, GA, ['name'], 2),
    part(R2, SCJG, [], 0, { denied: [{ item: 'creditCode', code: 'GRANT_REQUIRED' }] }),
  ], '2026-03-02T01:00:00.000Z'),
  read(3, SCJG, null, 'denied', [part(R1, GA, [], 0, { denied: [{ item: 'name', code: 'PURPOSE_REQUIRED' }] })], '2026-03-03T01:00:00.000Z'),
  action(4, 'workflow', GA, 'submitCatalogue', 'ok', [], '2026-03-04T01:00:00.000Z'),
  read(5, MZ, 'administrative-licensing', 'allowed', [part(R2, SCJG, ['creditCode', 'name'], 5)], '2026-04-01T01:00:00.000Z'),
  action(6, 'workflow', MZ, 'requestSharing', 'refused', [part(R2, SCJG, [], 0)], '2026-04-02T01:00:00.000Z'),
  action(7, 'operator', null, 'importCatalogue', 'ok', [], '2026-04-03T01:00:00.000Z'),
  read(8, MZ, 'social-assistance', 'error', [part(R1, GA, ['name'], 0)], '2026-04-04T01:00:00.000Z'),
];

async function appendAll(s: Store, entries: NewAuditEntry[]): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (const e of entries) out.push(await appendAudit(s, e));
  return out;
}

describe('appendAudit and verifyAuditChain', () => {
  it('chains entries from the genesis hash and stores flat columns for filtering', async () => {
    const [first, second] = await appendAll(store, FIXTURE.slice(0, 2));
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.hash).toBe(entryHash(first, await auditKey(store)));
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);

    const [row] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', 2) });
    expect(row).toEqual({
      seq: 2,
      time: '2026-03-02T01:00:00.000Z',
      requestId: 'req-2',
      department: MZ,
      user: `user-of-${MZ}`,
      purpose: 'social-assistance',
      operationName: 'Op2',
      documentHash: 'doc-2',
      kind: 'read',
      action: null,
      resources: JSON.stringify(FIXTURE[1].resources),
      resourceCodes: `|${R1}|${R2}|`,
      providers: `|${GA}|${SCJG}|`,
      parts: `|${R1}@${GA}|${R2}@${SCJG}|`,
      providerOutcomes: `|${GA}:allowed|${SCJG}:denied|`,
      outcome: 'partial',
      detail: null,
      prevHash: first.hash,
      hash: second.hash,
    });
    expect(await verifyAuditChain(store)).toEqual({ ok: true, entries: 2 });
  });

  it('gives the time of the append when none is given', async () => {
    const { time: _time, ...untimed } = FIXTURE[0];
    const before = new Date().toISOString();
    const entry = await appendAudit(store, untimed);
    expect(entry.time >= before && entry.time <= new Date().toISOString()).toBe(true);
  });

  it('is ok on an empty log', async () => {
    expect(await verifyAuditChain(store)).toEqual({ ok: true, entries: 0 });
  });

  it('verifies across pages', async () => {
    await appendAll(store, FIXTURE);
    expect(await verifyAuditChain(store, 3)).toEqual({ ok: true, entries: 8 });
    expect(await verifyAuditChain(store, 8)).toEqual({ ok: true, entries: 8 });
  });

  it('names the first altered entry', async () => {
    await appendAll(store, FIXTURE);
    expect(await store.update(AUDIT_COLLECTION, eq('seq', 3), { purpose: 'social-assistance' })).toBe(1);
    await store.update(AUDIT_COLLECTION, eq('seq', 6), { outcome: 'ok' });
    expect(await verifyAuditChain(store, 2)).toEqual({
      ok: false,
      entries: 3,
      firstBroken: { seq: 3, reason: "hash does not match the entry's contents (the entry was altered, or rehashed without the platform's key; or the platform secret changed since it was written: if on purpose, record the change with govgraph audit rekey)" },
    });
  });

  it('names the next entry when an altered entry was given a recomputed hash', async () => {
    const entries = await appendAll(store, FIXTURE);
    const forged = { ...entries[4], resources: [part(R2, SCJG, ['creditCode', 'name'], 1)] };
    await store.update(AUDIT_COLLECTION, eq('seq', 5), {
      resources: JSON.stringify(forged.resources),
      hash: entryHash(forged, await auditKey(store)), // even with the key, the next entry's prevHash tells
    });
    expect(await verifyAuditChain(store)).toEqual({
      ok: false,
      entries: 6,
      firstBroken: { seq: 6, reason: 'prevHash does not match the hash of entry #5' },
    });
  });

  it('detects filter columns edited to hide an entry from a provider', async () => {
    await appendAll(store, FIXTURE);
    await store.update(AUDIT_COLLECTION, eq('seq', 2), { providers: `|${GA}|` });
    expect((await verifyAuditChain(store)).firstBroken).toEqual({
      seq: 2,
      reason: 'providers column does not match resources (the entry was altered)',
    });
  });

  it('detects unreadable resources', async () => {
    await appendAll(store, FIXTURE);
    await store.update(AUDIT_COLLECTION, eq('seq', 4), { resources: '{not json' });
    const result = await verifyAuditChain(store);
    expect(result.ok).toBe(false);
    expect(result.firstBroken?.seq).toBe(4);
    expect(result.firstBroken?.reason).toMatch(/^entry cannot be read: /);
  });

  it('detects a deleted entry as a gap', async () => {
    await appendAll(store, FIXTURE);
    expect(await store.delete(AUDIT_COLLECTION, eq('seq', 3))).toBe(1);
    expect(await verifyAuditChain(store, 2)).toEqual({
      ok: false,
      entries: 3,
      firstBroken: { seq: 4, reason: 'entry #3 is missing' },
    });
  });

  it('detects deleted entries at the start', async () => {
    await appendAll(store, FIXTURE);
    await store.delete(AUDIT_COLLECTION, { kind: 'compare', field: 'seq', op: 'lte', value: 2 });
    expect(await verifyAuditChain(store)).toEqual({
      ok: false,
      entries: 1,
      firstBroken: { seq: 3, reason: 'entries #1 to #2 are missing' },
    });
  });

  it('keeps one unbroken chain when two stores on the same folder append concurrently', async () => {
    let collisions = 0;
    const counting = (base: Store): Store =>
      new Proxy(base, {
        get(target, prop) {
          if (prop === 'insert') {
            return async (collection: string, rows: Row[]) => {
              try {
                await target.insert(collection, rows);
              } catch (err) {
                if (err instanceof DuplicateKeyError) collisions += 1;
                throw err;
              }
            };
          }
          // Each writer reads the tail a moment before it writes (a pause after the read), so the two read the same tail and race
          // (each writes its entries as one group-committed batch).
          if (prop === 'find') {
            return async (collection: string, query: FindQuery) => {
              const rows = await target.find(collection, query);
              if (collection === AUDIT_COLLECTION) await new Promise((r) => setTimeout(r, 5));
              return rows;
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    const [one, two] = [counting(store), counting(await open())];
    const writes: Promise<AuditEntry>[] = [];
    for (let i = 0; i < 20; i++) {
      writes.push(appendAudit(one, { ...FIXTURE[0], requestId: `a-${i}` }));
      writes.push(appendAudit(two, { ...FIXTURE[1], requestId: `b-${i}` }));
    }
    const entries = await Promise.all(writes);
    expect(collisions).toBeGreaterThan(0); // the two writers did race for a sequence number
    expect(entries.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await verifyAuditChain(store)).toEqual({ ok: true, entries: 40 });
    const ids = (await store.find(AUDIT_COLLECTION, { projection: ['requestId'] })).map((r) => r.requestId).sort();
    expect(ids).toEqual([...Array.from({ length: 20 }, (_, i) => `a-${i}`), ...Array.from({ length: 20 }, (_, i) => `b-${i}`)].sort());
  });
});

describe('the tail a writer keeps', () => {
  /** The store, counting its reads of the log's tail. */
  function tailReads(base: Store): { store: Store; reads: () => number } {
    let reads = 0;
    const wrapped: Store = Object.create(base);
    wrapped.find = async (collection, query) => {
      if (collection === AUDIT_COLLECTION && query.limit === 1) reads += 1;
      return base.find(collection, query);
    };
    return { store: wrapped, reads: () => reads };
  }

  it('is read once for a run of appends, again after another writer appended or the log was written to', async () => {
    const { store: s, reads } = tailReads(store);
    await appendAll(s, FIXTURE);
    expect(reads()).toBe(1);

    // Another Store on the folder (another process alike) takes the next seq: this writer's kept tail is
    // stale, its insert collides, and it reads the tail again and chains after the other's entry.
    const other = await open();
    await appendAudit(other, FIXTURE[0]!);
    const after = await appendAudit(s, FIXTURE[1]!);
    expect(reads()).toBe(2);
    expect(after.seq).toBe(FIXTURE.length + 2);

    // A write to the log through the same Store (here the tail deleted) is announced, and forgotten.
    await s.delete(AUDIT_COLLECTION, eq('seq', after.seq));
    const next = await appendAudit(s, FIXTURE[2]!);
    expect(reads()).toBe(3);
    expect(next.seq).toBe(after.seq);
    // FIXTURE's entries appended again keep their fixed times, before the last one's: said (clockWentBack), still ok.
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, entries: FIXTURE.length + 2 });
  });
});

describe('appendAudit across processes', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const writer = (dataDir: string, tag: string, n: number): Promise<unknown> =>
    promisify(execFile)(
      process.execPath,
      [
        '--import', 'tsx', '--input-type=module', '-e',
        `const { appendAudit } = await import(${JSON.stringify(path.join(root, 'src/audit/log.ts'))});
         const { openSqliteStore } = await import(${JSON.stringify(path.join(root, 'src/store/sqlite.ts'))});
         const store = await openSqliteStore(${JSON.stringify(dataDir)});
         for (let i = 0; i < ${n}; i++) {
           await appendAudit(store, { requestId: '${tag}-' + i, department: null, user: null, purpose: null,
             operationName: null, documentHash: null, kind: 'operator', action: 'test', resources: [],
             outcome: 'ok', detail: null });
         }
         await store.close();`,
      ],
      { cwd: root },
    );

  it('keeps one unbroken chain when two processes append to the same folder', async () => {
    await Promise.all([writer(dir, 'p', 20), writer(dir, 'q', 20)]);
    expect(await verifyAuditChain(store)).toEqual({ ok: true, entries: 40 });
    expect(await store.count(AUDIT_COLLECTION, { kind: 'startsWith', field: 'requestId', value: 'q-' })).toBe(20);
  });
});

describe('fail-closed appends', () => {
  function failing(base: Store, method: 'insert' | 'find', error: () => Error): Store {
    return new Proxy(base, {
      get(target, prop, receiver) {
        if (prop === method) return async () => { throw error(); };
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  it('throws AuditUnavailableError when the insert fails', async () => {
    const broken = failing(store, 'insert', () => new StoreUnavailableError('disk full'));
    const attempt = appendAudit(broken, FIXTURE[0]);
    await expect(attempt).rejects.toBeInstanceOf(AuditUnavailableError);
    await expect(attempt).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
      message: 'The audit log cannot be written: disk full',
    });
    expect(await store.count(AUDIT_COLLECTION)).toBe(0);
  });

  it('throws AuditUnavailableError when the tail cannot be read', async () => {
    const broken = failing(store, 'find', () => new StoreUnavailableError('connection lost'));
    await expect(appendAudit(broken, FIXTURE[0])).rejects.toMatchObject({ code: 'AUDIT_UNAVAILABLE' });
  });

  it('gives up after a bounded number of sequence collisions', async () => {
    const contended = failing(store, 'insert', () => new DuplicateKeyError('seq taken'));
    await expect(appendAudit(contended, FIXTURE[0])).rejects.toMatchObject({
      code: 'AUDIT_UNAVAILABLE',
      message: 'The audit log cannot be written: another writer kept taking the next sequence number (25 attempts)',
    });
  });

  it('appends again once the store recovers', async () => {
    const broken = failing(store, 'insert', () => new StoreUnavailableError('disk full'));
    await expect(appendAudit(broken, FIXTURE[0])).rejects.toBeInstanceOf(AuditUnavailableError);
    expect((await appendAudit(store, FIXTURE[0])).seq).toBe(1);
  });
});

describe('listAudit', () => {
  const supervisor: AuditViewer = { dept: ZWB, roles: ['supervisor'] };
  const seqs = (c: { nodes: AuditEntry[] }): number[] => c.nodes.map((n) => n.seq);
  const list = (viewer: AuditViewer, filter: AuditFilter = {}, first = 100, after?: string) =>
    listAudit(store, viewer, filter, { first, after }, ZWB);

  beforeEach(async () => {
    await appendAll(store, FIXTURE);
  });

  it('shows a supervisor of the competent department every entry, newest first', async () => {
    const all = await list(supervisor);
    expect(seqs(all)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(all.totalCount).toBe(8);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.nodes[6]).toEqual({
      ...FIXTURE[1],
      seq: 2,
      prevHash: all.nodes[7].hash,
      hash: entryHash(all.nodes[6], await auditKey(store)),
    });
  });

  it('shows the competent department without the supervisor role only its own requests', async () => {
    expect(seqs(await list({ dept: ZWB, roles: ['auditor'] }))).toEqual([]);
  });

  it('shows a providing department its own requests and the entries about its resources, narrowed to them', async () => {
    const ga = await list({ dept: GA, roles: ['supervisor', 'approver'] }); // supervisor elsewhere: no more
    expect(seqs(ga)).toEqual([8, 4, 3, 2, 1]);
    expect(ga.totalCount).toBe(5);
    expect(ga.nodes.find((n) => n.seq === 2)?.resources).toEqual([part(R1, GA, ['name'], 2)]);

    const scjg = await list({ dept: SCJG, roles: [] });
    expect(seqs(scjg)).toEqual([6, 5, 3, 2]);
    expect(scjg.nodes.find((n) => n.seq === 2)?.resources).toEqual([
      part(R2, SCJG, [], 0, { denied: [{ item: 'creditCode', code: 'GRANT_REQUIRED' }] }),
    ]);
    // its own request stays whole, though about another department's resource
    expect(scjg.nodes.find((n) => n.seq === 3)?.resources).toEqual(FIXTURE[2].resources);
  });

  it('shows a requesting department its own requests whole', async () => {
    const mz = await list({ dept: MZ, roles: ['applicant'] });
    expect(seqs(mz)).toEqual([8, 6, 5, 2, 1]);
    expect(mz.nodes.find((n) => n.seq === 2)?.resources).toEqual(FIXTURE[1].resources);
  });

  it('filters by department, resource, provider, outcome, kind and time', async () => {
    expect(seqs(await list(supervisor, { department: MZ }))).toEqual([8, 6, 5, 2, 1]);
    expect(seqs(await list(supervisor, { resource: R2 }))).toEqual([6, 5, 2]);
    expect(seqs(await list(supervisor, { resource: '430000-GA' }))).toEqual([]); // whole codes only
    expect(seqs(await list(supervisor, { provider: GA }))).toEqual([8, 3, 2, 1]);
    expect(seqs(await list(supervisor, { outcome: 'partial' }))).toEqual([2]);
    expect(seqs(await list(supervisor, { kind: 'workflow' }))).toEqual([6, 4]);
    expect(seqs(await list(supervisor, { from: '2026-03-02', to: '2026-04-01' }))).toEqual([4, 3, 2]);
    expect(seqs(await list(supervisor, { from: '2026-04-01T01:00:00.000Z' }))).toEqual([8, 7, 6, 5]);
    expect(seqs(await list(supervisor, { department: MZ, resource: R1 }))).toEqual([8, 2, 1]);
    // filters narrow what a department may see, never widen it; and a provider's filters match only its
    // own parts: entry 2 (MZ's request) read R1 and SCJG's R2, and SCJG must not learn that it read R1
    expect(seqs(await list({ dept: SCJG, roles: [] }, { resource: R1 }))).toEqual([3]);
  });

  it('pages newest first with cursors', async () => {
    const p1 = await list(supervisor, {}, 3);
    expect([seqs(p1), p1.pageInfo.hasNextPage, p1.totalCount]).toEqual([[8, 7, 6], true, 8]);
    const p2 = await list(supervisor, {}, 3, p1.pageInfo.endCursor!);
    expect([seqs(p2), p2.pageInfo.hasNextPage, p2.totalCount]).toEqual([[5, 4, 3], true, 8]);
    const p3 = await list(supervisor, {}, 3, p2.pageInfo.endCursor!);
    expect([seqs(p3), p3.pageInfo.hasNextPage, p3.totalCount]).toEqual([[2, 1], false, 8]);
    const p4 = await list(supervisor, {}, 3, p3.pageInfo.endCursor!);
    expect([seqs(p4), p4.pageInfo, p4.totalCount]).toEqual([[], { hasNextPage: false, endCursor: null }, 8]);
  });

  it('pages a filtered, department-limited view', async () => {
    const mz = { dept: MZ, roles: [] };
    const p1 = await list(mz, { kind: 'read' }, 2);
    expect([seqs(p1), p1.pageInfo.hasNextPage, p1.totalCount]).toEqual([[8, 5], true, 4]);
    const p2 = await list(mz, { kind: 'read' }, 2, p1.pageInfo.endCursor!);
    expect([seqs(p2), p2.pageInfo.hasNextPage, p2.totalCount]).toEqual([[2, 1], false, 4]);
  });

  it('refuses a bad cursor or page size', async () => {
    await expect(list(supervisor, {}, 3, 'not-a-cursor')).rejects.toBeInstanceOf(AuditQueryError);
    await expect(list(supervisor, {}, 3, 'bogus')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(list(supervisor, {}, 1001)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(list(supervisor, {}, -1)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});

describe('auditUsage', () => {
  beforeEach(async () => {
    await appendAll(store, FIXTURE);
  });

  it('counts requests and records by resource, requesting department and purpose', async () => {
    expect(await auditUsage(store, { from: '2026-01-01', to: '2027-01-01' }, 3)).toEqual({
      from: '2026-01-01',
      to: '2027-01-01',
      resources: [
        {
          resource: R1,
          provider: GA,
          requests: 2,
          records: 5,
          denied: 1,
          byRequester: [
            { department: SCJG, via: null, purpose: null, requests: 0, records: 0, denied: 1 },
            { department: MZ, via: null, purpose: 'social-assistance', requests: 2, records: 5, denied: 0 },
          ],
        },
        {
          resource: R2,
          provider: SCJG,
          requests: 1,
          records: 5,
          denied: 1,
          byRequester: [
            { department: MZ, via: null, purpose: 'administrative-licensing', requests: 1, records: 5, denied: 0 },
            { department: MZ, via: null, purpose: 'social-assistance', requests: 0, records: 0, denied: 1 },
          ],
        },
      ],
    });
  });

  it('counts a read of only the count or a page as a request, not as a denial', async () => {
    // `{ list { totalCount } }` reads no item and returns no record; nothing was refused either.
    const countOnly = { ...part(R2, SCJG, [], 0), counted: true };
    const pageOnly = part(R2, SCJG, [], 0);
    await appendAll(store, [
      read(9, GA, 'social-assistance', 'allowed', [countOnly], '2026-05-01T01:00:00.000Z'),
      read(10, GA, 'social-assistance', 'partial', [pageOnly, part(R1, GA, ['name'], 1)], '2026-05-02T01:00:00.000Z'),
    ]);
    const may = await auditUsage(store, { from: '2026-05-01', to: '2026-06-01', resource: R2 });
    expect(may.resources.map((r) => r.byRequester)).toEqual([[{ department: GA, via: null, purpose: 'social-assistance', requests: 2, records: 0, denied: 0 }]]);
  });

  it('limits to a period, a resource or a provider', async () => {
    const march = await auditUsage(store, { from: '2026-03-01', to: '2026-03-03' });
    expect(march.resources.map((r) => [r.resource, r.requests, r.records, r.denied])).toEqual([
      [R1, 2, 5, 0],
      [R2, 0, 0, 1],
    ]);
    const r2 = await auditUsage(store, { resource: R2 });
    expect(r2.resources.map((r) => [r.resource, r.requests, r.records, r.denied])).toEqual([[R2, 1, 5, 1]]);
    const byGa = await auditUsage(store, { provider: GA });
    expect(byGa.resources.map((r) => [r.resource, r.requests, r.records, r.denied])).toEqual([[R1, 2, 5, 1]]);
    expect(await auditUsage(store, { from: '2025-01-01', to: '2026-01-01' })).toEqual({
      from: '2025-01-01',
      to: '2026-01-01',
      resources: [],
    });
  });
});

describe('govgraph audit verify', () => {
  // The command registered on its own program, in this process: no other command module is loaded.
  async function verify(): Promise<{ exitCode: number; stdout: string }> {
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    const saved = process.exitCode;
    process.exitCode = 0;
    try {
      const program = new Command('govgraph').exitOverride();
      registerAuditCommands(program);
      await program.parseAsync(['audit', 'verify', '--data', dir], { from: 'user' });
      return { exitCode: Number(process.exitCode ?? 0), stdout: lines.join('\n') };
    } finally {
      process.exitCode = saved;
      log.mockRestore();
    }
  }

  it('prints the length of a sound chain, or the first broken entry with exit code 1', async () => {
    await appendAll(store, FIXTURE);
    expect(await verify()).toEqual({ exitCode: 0, stdout: expect.stringMatching(/^audit chain ok: 8 entries, no signed checkpoint/) });
    await store.delete(AUDIT_COLLECTION, eq('seq', 5));
    expect(await verify()).toEqual({ exitCode: 1, stdout: 'audit chain broken at entry #6: entry #5 is missing' });
  });
});
