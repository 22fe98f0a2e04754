// One department's many queries wait their turn (limits.concurrentPerDepartment, src/limits/turns.ts)
// while another department's go ahead. Through a real gateway on a platform of its own
// (test/fixtures/turns): reads of one resource are held by the store for a while, so that a department
// sending several queries of it at once has some running and the rest waiting.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/turns', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TURNS = 2;
const TIMEOUT_MS = 1500;
const HEAVY = '540000-GT'; // sends many slow queries at once
const OTHER = '540000-WJ';
const SLOW_QUERY = '{ tibetStats { surveyReturns(first: 5) { nodes { returnNo } } } }';
const FAST_QUERY = '{ tibetStats { counties(first: 5) { nodes { countyNo name } } } }';

/**
 * Reads of the survey returns: started, under way (and the most at once), each held `holdMs`, or until
 * `held` is let go when a test holds them on an event rather than a clock (`holdUntilLetGo`).
 */
const reads: { started: number; inFlight: number; most: number; holdMs: number; held?: Promise<void> } = { started: 0, inFlight: 0, most: 0, holdMs: 0 };
let slowCollection = '';

let gw: TestGateway;

beforeAll(async () => {
  const catalogue = readDocument(fixture('catalogue.yaml')) as Catalogue;
  const [returns, counties] = catalogue.resources;
  slowCollection = collectionOf(returns);
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('catalogue.yaml')],
    limits: { timeoutMs: TIMEOUT_MS, concurrentPerDepartment: TURNS },
    wrapStore: (store) => withHeldReads(store, async (collection) => {
      if (collection !== slowCollection) return;
      reads.started++;
      reads.most = Math.max(reads.most, ++reads.inFlight);
      await (reads.held ?? sleep(reads.holdMs));
      reads.inFlight--;
    }),
  });
  await gw.store.insert(slowCollection, Array.from({ length: 20 }, (_, i) => ({ returnNo: `R${i}`, county: 'C1' })));
  await gw.store.insert(collectionOf(counties), [{ countyNo: 'C1', name: 'Lhünzhub' }]);
}, 60_000);

afterAll(() => gw?.close());

let sent = 0;
async function post(dept: string, query: string, signal?: AbortSignal): Promise<{ requestId: string; answer: Promise<{ data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] }> }> {
  const requestId = `turns-${++sent}`;
  const token = await gw.token(dept);
  const answer = fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'census', 'x-request-id': requestId },
    body: JSON.stringify({ query }),
    signal,
  }).then((res) => res.json() as never);
  return { requestId, answer };
}

async function entryOf(requestId: string): Promise<AuditEntry> {
  for (let i = 0; i < 100; i++) {
    const rows = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 50 });
    const entry = rows.map(fromRow).find((e) => e.requestId === requestId);
    if (entry) return entry;
    await sleep(50);
  }
  throw new Error(`no audit entry for ${requestId}`);
}

const reset = (holdMs: number) => Object.assign(reads, { started: 0, inFlight: 0, most: 0, holdMs, held: undefined });

/** Holds the reads that start from now until the returned function is called: no clock to outrun. */
function holdUntilLetGo(): () => void {
  let letGo!: () => void;
  reads.held = new Promise<void>((resolve) => (letGo = resolve));
  return () => {
    reads.held = undefined;
    letGo();
  };
}

describe("one department's queries take turns, another's go ahead", () => {
  it('of six slow queries sent at once, two run and four wait; the other department and light fields answer meanwhile; all six answer', async () => {
    reset(0);
    // The two that run hold their turns until the other two requests have answered, however long a loaded
    // machine takes to answer them (a hold of 300 ms ran out first there: `expected 4 to be 2`).
    const letGo = holdUntilLetGo();
    const heavy = await Promise.all(Array.from({ length: 6 }, () => post(HEAVY, SLOW_QUERY)));
    try {
      while (reads.started < TURNS) await sleep(5);
      const other = await (await post(OTHER, FAST_QUERY)).answer;
      expect(other).toEqual({ data: { tibetStats: { counties: { nodes: [{ countyNo: 'C1', name: 'Lhünzhub' }] } } } });
      // The waiting department's own light fields do not wait either.
      expect(await (await post(HEAVY, '{ me { department } }')).answer).toEqual({ data: { me: { department: HEAVY } } });
      // Answered while the heavy department's queries still wait: they have not started reading.
      expect(reads.started).toBe(TURNS);
      expect(reads.inFlight).toBe(TURNS);
    } finally {
      letGo(); // the two let go, the four waiting take their turns
    }
    const answers = await Promise.all(heavy.map((h) => h.answer));
    for (const a of answers) {
      expect(a.errors).toBeUndefined();
      expect((a.data as { tibetStats: { surveyReturns: { nodes: unknown[] } } }).tibetStats.surveyReturns.nodes).toHaveLength(5);
    }
    expect(reads).toMatchObject({ started: 6, most: TURNS });
  }, 20_000);

  it('a query still waiting at timeoutMs is answered as timed out, never runs, and is audited so', async () => {
    reset(TIMEOUT_MS + 500); // the two running hold their turns past the limit
    const running = await Promise.all(Array.from({ length: TURNS }, () => post(HEAVY, SLOW_QUERY)));
    while (reads.started < TURNS) await sleep(5);
    const waiting = await post(HEAVY, SLOW_QUERY);
    const answer = await waiting.answer;
    expect(answer.data).toBeNull();
    expect(answer.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'timeoutMs', bound: TIMEOUT_MS });
    expect(answer.errors?.[0].message).toContain('It never ran: it waited all that time for its turn, 2 queries of its department running at once (limits.concurrentPerDepartment).');
    await Promise.all(running.map((r) => r.answer));
    await sleep(200);
    expect(reads.started).toBe(TURNS);
    const entry = await entryOf(waiting.requestId);
    expect(entry).toMatchObject({ kind: 'read', department: HEAVY, outcome: 'error', resources: [{ resource: '540000-TJ-00001', records: 0 }] });
    expect(entry.detail).toMatch(/^stopped at limits\.timeoutMs = 1500 ms after \d+ ms \(QUERY_TOO_COMPLEX\): no data returned; it never ran, waiting for its turn \(limits\.concurrentPerDepartment = 2\)$/);
  }, 20_000);

  it('a waiting query whose client leaves is dropped without running, audited as cancelled', async () => {
    reset(0);
    // The two that run hold their turns until the leaving query is audited as dropped: it never got one.
    const letGo = holdUntilLetGo();
    const running = await Promise.all(Array.from({ length: TURNS }, () => post(HEAVY, SLOW_QUERY)));
    let entry: AuditEntry;
    try {
      while (reads.started < TURNS) await sleep(5);
      const abort = new AbortController();
      const leaving = await post(HEAVY, SLOW_QUERY, abort.signal);
      await sleep(100);
      abort.abort();
      await expect(leaving.answer).rejects.toMatchObject({ name: 'AbortError' });
      entry = await entryOf(leaving.requestId);
      expect(reads.started).toBe(TURNS);
    } finally {
      letGo();
    }
    for (const r of running) expect((await r.answer).errors).toBeUndefined();
    expect(reads.started).toBe(TURNS);
    expect(entry).toMatchObject({ kind: 'read', department: HEAVY, outcome: 'error', resources: [{ resource: '540000-TJ-00001', records: 0 }] });
    expect(entry.detail).toBe('REQUEST_CANCELLED: The request was cancelled: the client closed the connection before the query finished; nothing more is read.; it never ran, waiting for its turn (limits.concurrentPerDepartment = 2)');
  }, 20_000);
});
