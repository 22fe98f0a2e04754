// A query is cancelled when its client closes the connection before the answer or when its time limit
// answers (src/limits/cancel.ts): from then on its execution reads nothing more from the store, and its
// audit entry holds what it read before. Through a real gateway on a small platform of its own
// (test/fixtures/cancel): units linking to their parent unit, so that a query reads a page and then its
// parents level by level, one store read per alias and level, each held by the store for a while.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import type { Store } from '../src/store/port.ts';
import { platformClient, TransportError } from '../src/federation/http-client.ts';
import { OBJECTIONS } from '../src/workflow/objections.ts';
import { Cancellation } from '../src/limits/cancel.ts';
import { withDeadline } from '../src/server/deadline.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';
import { createLogger, loggingPlugin } from '../src/server/plugins/logging.ts';
import { lineSink } from './helpers/log-sink.ts';

/** The gateway's request log lines, parsed. */
const logLines: Record<string, unknown>[] = [];
const logSink = lineSink((l) => logLines.push(JSON.parse(l) as Record<string, unknown>));

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/cancel', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const TIMEOUT_MS = 1000;
const ALIASES = 5;
const LEVELS = 4; // links below each page
const PAGE = 100;
const DEPT = '650000-ZWB';

/** Reads of record collections (not the platform's `_` ones): counted, each held `delayMs` first; reads of objections counted. */
const reads = { count: 0, delayMs: 0, objections: 0 };
function slowStore(inner: Store): Store {
  return withHeldReads(inner, async (collection) => {
    if (collection === OBJECTIONS) reads.objections++;
    if (!collection.startsWith('_')) {
      reads.count++;
      if (reads.delayMs) await sleep(reads.delayMs);
    }
  });
}

// Every alias a page of PAGE units, then LEVELS of parents: ALIASES × (1 + LEVELS) reads in 1 + LEVELS waves.
const parents = (n: number): string => (n === 0 ? 'unitNo' : `unitNo parent { ${parents(n - 1)} }`);
const QUERY = `{ statistics { ${Array.from({ length: ALIASES }, (_, i) => `a${i}: units(first: ${PAGE}) { nodes { ${parents(LEVELS)} } }`).join(' ')} } }`;
const FULL_READS = ALIASES * (1 + LEVELS);

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')], limits: { timeoutMs: TIMEOUT_MS }, wrapStore: slowStore, gateway: { plugins: [loggingPlugin(createLogger(logSink, 'info'))] } });
  const units = (readDocument(fixture('catalogue.yaml')) as Catalogue).resources[0];
  const no = (i: number) => `U${String(i).padStart(4, '0')}`;
  await gw.store.insert(collectionOf(units), Array.from({ length: 1000 }, (_, i) => ({ unitNo: no(i), name: `Unit ${i}`, parentNo: no(i + 1) })));
}, 60_000);

afterAll(() => gw?.close());

const lastEntry = async (): Promise<AuditEntry | undefined> => {
  const rows = await gw.store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
  return rows[0] ? fromRow(rows[0]) : undefined;
};

/** The entry written after `seq`, once it is there. */
async function entryAfter(seq: number): Promise<AuditEntry> {
  for (let i = 0; i < 100; i++) {
    const entry = await lastEntry();
    if (entry && entry.seq > seq) return entry;
    await sleep(50);
  }
  throw new Error('no audit entry written');
}

const post = async (signal?: AbortSignal, query = QUERY) =>
  fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(DEPT)}`, 'x-purpose': 'survey' },
    body: JSON.stringify({ query }),
    signal,
  });

/** Waits until the count of reads has not moved for `quietMs`; returns it. */
async function settledReads(quietMs: number): Promise<number> {
  let seen = reads.count;
  for (;;) {
    await sleep(quietMs);
    if (reads.count === seen) return seen;
    seen = reads.count;
  }
}

describe('a cancelled query reads nothing more', () => {
  let full: { records: number; seq: number };

  it('run to its end, the query reads every level, its entry counting every record', async () => {
    reads.delayMs = 0;
    reads.count = 0;
    const before = (await lastEntry())?.seq ?? 0;
    const res = await post();
    const body = (await res.json()) as { data: { statistics: Record<string, { nodes: unknown[] }> }; errors?: unknown };
    expect(body.errors).toBeUndefined();
    expect(body.data.statistics.a0.nodes).toHaveLength(PAGE);
    expect(reads.count).toBe(FULL_READS);
    const entry = await entryAfter(before);
    expect(entry).toMatchObject({ kind: 'read', department: DEPT, outcome: 'allowed', detail: null });
    full = { records: entry.resources[0].records, seq: entry.seq };
    expect(full.records).toBe(ALIASES * PAGE * (1 + LEVELS));
  });

  it('when its client closes the connection: no read after it; the entry holds what was read before, with REQUEST_CANCELLED', async () => {
    reads.delayMs = 100;
    reads.count = 0;
    const abort = new AbortController();
    const answer = post(abort.signal).catch((err: Error) => err);
    while (reads.count < ALIASES) await sleep(5); // the pages are being read
    abort.abort();
    expect(await answer).toMatchObject({ name: 'AbortError' });
    const entry = await entryAfter(full.seq);
    // The pages were asked for before the client left; none of the parents after.
    expect(await settledReads(500)).toBe(ALIASES);
    expect(entry).toMatchObject({ kind: 'read', department: DEPT, outcome: 'error' });
    expect(entry.detail).toBe('REQUEST_CANCELLED: The request was cancelled: the client closed the connection before the query finished; nothing more is read.');
    expect(entry.resources).toHaveLength(1);
    // The pages' reads were still held before the store when the client left: the store was given the
    // request's signal, so they were dropped (as a read waiting for a reader thread is) and returned nothing.
    expect(entry.resources[0]).toMatchObject({ resource: '650000-TJ-00001', records: 0, items: ['parentNo', 'unitNo'] });
    expect(entry.resources[0].records).toBeLessThan(full.records);
    full.seq = entry.seq;
    // Its log line: an error outcome with the code, at info (a client that hung up is no fault of the gateway's).
    const line = logLines.find((l) => l.requestId === entry.requestId);
    expect(line).toMatchObject({ level: 30, outcome: 'error', codes: ['REQUEST_CANCELLED'] });
  }, 20_000);

  it('when its time limit answers: no read after it; its entry, written then, is the only one', async () => {
    reads.delayMs = 400; // waves at 0, 400, 800, 1200, 1600 ms: the limit answers during the third
    reads.count = 0;
    const res = await post();
    const body = (await res.json()) as { data: unknown; errors: { extensions: Record<string, unknown> }[] };
    const atAnswer = reads.count;
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'timeoutMs' });
    expect(atAnswer).toBeLessThan(FULL_READS);
    const entry = await entryAfter(full.seq);
    expect(entry).toMatchObject({ outcome: 'error', resources: [{ resource: '650000-TJ-00001', records: 0 }] });
    // The reads under way at the limit end; none starts after it (the whole query would end at 2000 ms).
    await sleep(2 * 400 + 500);
    expect(reads.count).toBe(atAnswer);
    expect((await lastEntry())?.seq).toBe(entry.seq);
  }, 20_000);
});

describe('every read of a cancelled query is refused, not only those of records', () => {
  // The pages first; then, per alias, the objections to its records (a platform collection).
  const OBJECTED = `{ statistics { ${Array.from({ length: ALIASES }, (_, i) => `a${i}: units(first: ${PAGE}) { nodes { unitNo _objections { id } } }`).join(' ')} } }`;

  it('objections are not read once the client has left', async () => {
    reads.delayMs = 0;
    reads.objections = 0;
    expect((await post(undefined, OBJECTED)).status).toBe(200);
    expect(reads.objections).toBeGreaterThan(0);

    reads.delayMs = 100;
    reads.count = 0;
    reads.objections = 0;
    const abort = new AbortController();
    const answer = post(abort.signal, OBJECTED).catch((err: Error) => err);
    while (reads.count < ALIASES) await sleep(5);
    abort.abort();
    await answer;
    await sleep(100 + 500);
    expect(reads.objections).toBe(0);
  }, 20_000);

  it('a mutation is never cancelled: it runs to its end whatever its client does', () => {
    const executor = withDeadline(async () => ({ data: {} }), TIMEOUT_MS);
    for (const [operation, refused] of [['mutation', false], ['query', true]] as const) {
      const cancel = new Cancellation();
      void executor({ operation: { operation }, context: { cancel, now: new Date() } } as never);
      cancel.cancel('client-closed');
      if (refused) expect(() => cancel.check()).toThrow('the client closed the connection');
      else expect(() => cancel.check()).not.toThrow();
    }
  });
});

// A request to a connected platform (src/federation/http-client.ts) is aborted with its own request.
describe("a connected platform's request", () => {
  it('is aborted when its signal is, closing the connection', async () => {
    let closed: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = http.createServer((req) => req.on('close', () => closed())); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = platformClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const abort = new AbortController();
      const answer = client.request('/graphql', { method: 'POST', headers: {}, body: '{}', timeoutMs: 10_000, signal: abort.signal });
      await sleep(100);
      abort.abort();
      await expect(answer).rejects.toSatisfy((err) => err instanceof TransportError && err.code === 'CANCELLED');
      await serverSawClose;
      // One already aborted is not sent.
      await expect(client.request('/graphql', { method: 'POST', headers: {}, timeoutMs: 10_000, signal: abort.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
    } finally {
      client.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
