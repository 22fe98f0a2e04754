// A department's `auditLog` over a large log (SPEC §10, §13). Its view (its own requests, or the entries
// naming it among their providers) is a substring that no index finds, and SQLite is synchronous: the
// count and the page were each one step over the whole log, which held the event loop for about a second
// per million entries (thirty `auditLog { totalCount }` aliases, within every document limit: half a
// minute), and a request stopped by its time limit went on to the end of the scans it had started.
// A provider's usage figures read pages of 500 matching entries, each one step over the whole log when
// few entries are about its resources (seconds on a log of millions). The log is now walked in windows of
// its seq index (AUDIT_SCAN_WINDOW entries a step), and no window is read once the request is cancelled.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, GENESIS_HASH, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { AUDIT_SCAN_WINDOW } from '../src/audit/query.ts';
import type { Row, Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { watchLoopHolds } from './helpers/loop-hold.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const gateway = (opts: Parameters<typeof startTestGateway>[0] = {}) =>
  startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')], ...opts });
const READER = '370000-MZT'; // provides nothing: its view is its own requests
const OTHER = '370000-DSJ';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A read entry of `department` about the police's resource (the chain is not what this test checks). */
const entry = (seq: number, department: string): Row =>
  toRow({
    seq, time: new Date().toISOString(), requestId: `r${seq}`, department, user: 'u', purpose: 'benefit-check',
    operationName: null, documentHash: null, kind: 'read', action: null, outcome: 'allowed', detail: null,
    resources: [{ resource: '370000-GAT-02', provider: '370000-GAT', items: ['colour'], denied: [], masked: [], records: 1, filtered: [], ordered: [], counted: false }],
    prevHash: GENESIS_HASH, hash: GENESIS_HASH,
  } satisfies AuditEntry);

async function lastSeq(store: Store): Promise<number> {
  const [last] = await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  return Number(last?.seq ?? 0);
}

describe("a department's audit log over a large log", () => {
  const WINDOWS = 20;
  let gw: TestGateway;
  /** The reader's own entries, newest first: a few, far apart, so that its pages span many windows. */
  let own: number[];
  beforeAll(async () => {
    gw = await gateway();
    const first = (await lastSeq(gw.store)) + 1;
    own = [];
    for (let i = 0; i < WINDOWS * AUDIT_SCAN_WINDOW; i += 10_000) {
      const rows: Row[] = [];
      for (let seq = first + i; seq < first + i + 10_000; seq++) {
        const mine = (seq - first) % 37_003 === 5;
        if (mine) own.unshift(seq);
        rows.push(entry(seq, mine ? READER : OTHER));
      }
      await gw.store.insert(AUDIT_COLLECTION, rows);
    }
  }, 180_000);
  afterAll(() => gw?.close());

  it('counts and pages it without holding the event loop for a scan of the whole log', async () => {
    const page = `query($after: String) { auditLog(first: 3, after: $after) { totalCount nodes { seq department } pageInfo { hasNextPage endCursor } } }`;
    const holds = watchLoopHolds();
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const res = await gw.query(page, { dept: READER, variables: { after } });
      expect(res.errors).toBeUndefined();
      const log = res.data!.auditLog;
      expect(log.totalCount).toBe(own.length);
      expect(log.nodes.every((n: { department: string }) => n.department === READER)).toBe(true);
      seen.push(...log.nodes.map((n: { seq: number }) => n.seq));
      if (!log.pageInfo.hasNextPage) break;
      after = log.pageInfo.endCursor;
    }
    const held = holds.stop();
    expect(seen).toEqual(own);
    // One step over the whole log took 300-500 ms here (and grows with the log); a window, a few dozen.
    if (held !== null) expect(held).toBeLessThan(200);
  }, 120_000);

  it("reads a provider's usage figures (few entries about its resources) a window at a time, too", async () => {
    const year = new Date().getFullYear();
    const holds = watchLoopHolds();
    const res = await gw.query(`{ usage(from: "${year - 1}-01-01", to: "${year + 1}-12-31") { resources { resource requests } } }`, { dept: '370000-WJW' });
    const held = holds.stop();
    expect(res.errors).toBeUndefined();
    expect(res.data!.usage.resources).toEqual([]);
    if (held !== null) expect(held).toBeLessThan(200);
  }, 60_000);
});

describe("a department's audit log stopped by its time limit", () => {
  const TIMEOUT_MS = 400;
  const STEP_MS = 50;
  const reads = { audit: 0 };
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await gateway({
      limits: { timeoutMs: TIMEOUT_MS },
      // Every count of the log takes STEP_MS, counted.
      wrapStore: (inner) =>
        new Proxy(inner, {
          get(target, prop) {
            const value = Reflect.get(target, prop, target);
            if (typeof value !== 'function') return value;
            if (prop !== 'count') return value.bind(target);
            return async (collection: string, ...rest: unknown[]) => {
              if (collection === AUDIT_COLLECTION) {
                await sleep(STEP_MS);
                reads.audit++;
              }
              return value.call(target, collection, ...rest);
            };
          },
        }),
    });
    // Two entries 40 windows apart: the count walks 40 windows, 2 s, over the limit.
    const first = (await lastSeq(gw.store)) + 1;
    await gw.store.insert(AUDIT_COLLECTION, [entry(first, OTHER), entry(first + 40 * AUDIT_SCAN_WINDOW, OTHER)]);
  });
  afterAll(() => gw?.close());

  it('reads no window of the log once the limit has answered', async () => {
    const res = await gw.query(`{ auditLog(first: 0) { totalCount } }`, { dept: READER });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    // A window under way when the limit answered may end; none starts after it.
    await sleep(2 * STEP_MS);
    const settled = reads.audit;
    await sleep(6 * STEP_MS);
    expect(reads.audit).toBe(settled);
    expect(settled).toBeLessThan(20);
  }, 30_000);
});
