// One query may not stall the gateway (SPEC §13): on the embedded store, reads that may walk much of a
// large resource run on reader threads (src/store/sqlite-readers.ts), so that while sixteen `contains`
// queries over 400,000 records are read at once, `/healthz` keeps answering and the time limit answers each query
// on time. Before, each such read held the event loop for its whole length: the answers, the time limit
// and `/healthz` came after the reads, one after another.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import type { Row } from '../src/store/port.ts';
import type { SqliteStore } from '../src/store/sqlite.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/cancel', name);
const RECORDS = 400_000;
// Long enough that another department's query, waiting for one read on each thread and then reading, ends
// within it on a loaded CI machine (2.5 s was not, once: some ten times such a read idle, 0.5-0.7 s),
// short enough that sixteen queued queries (thirty-two reads) overrun it.
const TIMEOUT_MS = 8000;
const DEPT = '650000-ZWB';
// Each query its own text to look for, as an attacker's would be: none is answered from what another read.
const query = (n: number, count = true) => `{ statistics { units(first: 20, filter: { name: { contains: "no such unit ${n}" } }) { ${count ? 'totalCount ' : ''}nodes { unitNo } } } }`;

let gw: TestGateway;
// The reader threads are under test here, not the department's turns (test/department-turns.test.ts):
// sixteen queries of one department are let run at once, to queue at the threads.

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')], limits: { timeoutMs: TIMEOUT_MS, concurrentPerDepartment: 100 } });
  const units = (readDocument(fixture('catalogue.yaml')) as Catalogue).resources[0];
  async function* batches() {
    for (let b = 0; b < RECORDS / 20_000; b++) {
      yield Array.from({ length: 20_000 }, (_, i): Row => {
        const n = b * 20_000 + i;
        return { unitNo: `U${String(n).padStart(7, '0')}`, name: `Statistical unit number ${n} of the prefecture`, parentNo: null };
      });
    }
  }
  await gw.store.upsertAll(collectionOf(units), 'unitNo', batches());
}, 120_000);

afterAll(() => gw?.close());

const send = async (n: number, dept = DEPT, count = true): Promise<{ ms: number; body: { data?: unknown; errors?: { extensions?: { code?: string } }[] } }> => {
  const start = performance.now();
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(dept)}`, 'x-purpose': 'survey' },
    body: JSON.stringify({ query: query(n, count) }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - start, body };
};

describe('a query that walks a large resource on the embedded store', () => {
  it('answers as before: nothing found, counted over every record', async () => {
    const { body } = await send(0);
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ statistics: { units: { totalCount: 0, nodes: [] } } });
    expect((gw.store as SqliteStore).threadReads).toBeGreaterThanOrEqual(2); // the page and its count
  });

  it('leaves /healthz answering and the time limit answering on time while sixteen of them are read', async () => {
    // No clock bound below (a loaded machine stretches them all): each is a multiple of one query's read of
    // the whole resource (its page and count), measured here first, on the machine as it is now.
    const { ms: oneRead } = await send(99);
    const healthz: number[] = [];
    const queued: number[] = [];
    let reading = true;
    const probe = (async () => {
      while (reading) {
        const start = performance.now();
        const res = await fetch(`${gw.gateway.url}/healthz`);
        expect(res.status).toBe(200);
        healthz.push(performance.now() - start);
        // The operator sees the threads' queue in /metrics.
        const metrics = await (await fetch(`${gw.gateway.url}/metrics`)).text();
        queued.push(Number(/^govgraph_store_reader_threads\{state="queued"\} (\d+)$/m.exec(metrics)?.[1] ?? NaN));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const answers = await Promise.all(Array.from({ length: 16 }, (_, n) => send(n + 1)));
    reading = false;
    await probe;
    const codes = answers.map((a) => a.body.errors?.[0]?.extensions?.code ?? 'ok');
    // Those the threads read within the limit answered; the rest were cut by the time limit, on time.
    expect(codes.every((c) => c === 'ok' || c === 'QUERY_TOO_COMPLEX'), codes.join()).toBe(true);
    // On time: within the limit and one query's read past it. Held by reads on the loop, they came one after
    // another, thirty-two reads of the whole resource: each later one later still, the last some sixteen
    // queries' reads past the start.
    for (const a of answers) expect(a.ms, `one query's read: ${Math.round(oneRead)} ms`).toBeLessThan(TIMEOUT_MS + oneRead);
    expect(healthz.length).toBeGreaterThan(5);
    // No probe waited for a read: on the loop, one held it for the whole of the read, about half a query's.
    expect(Math.max(...healthz), `one query's read: ${Math.round(oneRead)} ms`).toBeLessThan(oneRead / 4);
    expect(queued.every(Number.isInteger)).toBe(true);
    expect(Math.max(...queued)).toBeGreaterThan(0);
    expect(await (await fetch(`${gw.gateway.url}/metrics`)).text()).toMatch(/^govgraph_store_reader_threads\{state="queued"\} 0$/m);
  });

  it('reads another department’s query in turn with the first one’s many: it does not wait behind them all', async () => {
    const many = Array.from({ length: 12 }, (_, n) => send(100 + n));
    // The twelve are queued (the threads' queue in /metrics), however loaded the machine: a fixed 30 ms was
    // not always enough beside other test runs, and the other department's read then started first.
    await vi.waitFor(async () => {
      const metrics = await (await fetch(`${gw.gateway.url}/metrics`)).text();
      expect(Number(/^govgraph_store_reader_threads\{state="queued"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(8);
    }, { timeout: 10_000, interval: 5 });
    const other = await send(200, '650000-TJ', false); // one long read: a page, no count
    const answers = await Promise.all(many);
    // It waited for one read of the first department's on each thread, then read. In one queue it would have
    // waited for all twenty-four (twelve pages, twelve counts) and been cut by the time limit with them.
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data).toEqual({ statistics: { units: { nodes: [] } } });
    expect(answers.filter((a) => a.ms > other.ms).length).toBeGreaterThan(6);
  });
});
