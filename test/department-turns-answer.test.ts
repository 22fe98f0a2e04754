// A department's turn (limits.concurrentPerDepartment, src/limits/turns.ts) lasts until its query's answer
// is written, not only its execution (f2451da): the answer's formatting and serialising cost the event
// loop too. And no longer: once the answer is handed to the connection, what is left is the client's to
// take, which costs the gateway nothing, so a client that takes its answer slowly, or never, does not hold
// its department's turn. Through a real gateway on the platform of test/fixtures/turns, with a bound of 1.
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import type { RequestContext } from '../resolvers/request.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { withHeldReads } from './helpers/held-reads.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/turns', name);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const DEPT = '540000-GT';
/** Room for the 18 MB answer on a loaded machine; a query kept waiting for its turn is answered timed out at it. */
const TIMEOUT_MS = 10_000;
const HOLD_MS = 400;
const RETURNS = '{ land: tibetStats { surveyReturns(first: 5) { nodes { returnNo } } } }';
/** 300 returns of 60,000 characters each: some 18 MB, more than the connection's buffers take unread. */
const BIG_RETURNS = '{ tibetStats { surveyReturns(first: 300) { nodes { returnNo county } } } }';

/** When each read of the survey returns started, and when the held answers' writing ended. */
const events: { what: string; at: number }[] = [];
let slowCollection = '';
let gw: TestGateway;

/** Holds the answer of a request sent with `x-hold-answer` for HOLD_MS after its execution: Apollo waits for willSendResponse. */
const holdAnswer: ApolloServerPlugin<RequestContext> = {
  async requestDidStart(rc) {
    if (!rc.request.http?.headers.get('x-hold-answer')) return;
    return {
      async willSendResponse() {
        await sleep(HOLD_MS);
        events.push({ what: 'answer-written', at: Date.now() });
      },
    };
  },
};

beforeAll(async () => {
  const catalogue = readDocument(fixture('catalogue.yaml')) as Catalogue;
  slowCollection = collectionOf(catalogue.resources[0]);
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('catalogue.yaml')],
    limits: { timeoutMs: TIMEOUT_MS, concurrentPerDepartment: 1, maxCost: 1_000_000 },
    gateway: { plugins: [holdAnswer] },
    wrapStore: (store) => withHeldReads(store, (collection) => {
      if (collection === slowCollection) events.push({ what: 'read', at: Date.now() });
    }),
  });
  const long = 'x'.repeat(60_000);
  await gw.store.insert(slowCollection, Array.from({ length: 300 }, (_, i) => ({ returnNo: `R${String(i).padStart(3, '0')}`, county: long })));
}, 60_000);

afterAll(() => gw?.close());

/** The body of the one HTTP answer `socket` receives (Content-Length framed, as the gateway answers). */
function httpBody(socket: net.Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let head: { end: number; length: number } | undefined;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      received += chunk.length;
      if (!head) {
        const all = Buffer.concat(chunks, received);
        const end = all.indexOf('\r\n\r\n');
        if (end < 0) return;
        head = { end: end + 4, length: Number(/^content-length: *(\d+)/im.exec(all.subarray(0, end).toString('latin1'))?.[1]) };
      }
      if (received - head.end < head.length) return;
      socket.off('data', onData);
      resolve(Buffer.concat(chunks, received).subarray(head.end, head.end + head.length).toString('utf8'));
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`the connection closed after ${received} bytes`)));
  });
}

async function post(query: string, headers: Record<string, string> = {}): Promise<{ data?: unknown; errors?: { message: string }[] }> {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(DEPT)}`, 'x-purpose': 'census', ...headers },
    body: JSON.stringify({ query }),
  });
  return res.json() as never;
}

describe("a department's turn lasts until its answer is written, and no longer", () => {
  it("with a bound of 1, the department's second query does not start while its first answer is still being written", async () => {
    events.length = 0;
    const first = post(RETURNS, { 'x-hold-answer': '1' });
    while (!events.some((e) => e.what === 'read')) await sleep(5);
    const second = post(RETURNS);
    const answers = await Promise.all([first, second]);
    for (const a of answers) expect(a.errors).toBeUndefined();
    // The first query's read, its answer written, then the second query's read: never the second read before.
    expect(events.map((e) => e.what)).toEqual(['read', 'answer-written', 'read']);
  }, 20_000);

  it("a client that never takes its large answer does not hold its department's turn: the department's next query runs", async () => {
    events.length = 0;
    const token = await gw.token(DEPT);
    const body = JSON.stringify({ query: BIG_RETURNS });
    // The stalled request's response as the gateway's server holds it: handed to the connection whole once
    // it has ended (res.end), taken by the client once it has finished (never, while the client reads nothing).
    let stalledAnswer: ServerResponse | undefined;
    const seen = (req: IncomingMessage, res: ServerResponse) => {
      if (req.headers['x-request-id'] === 'stalled-client') stalledAnswer = res;
    };
    gw.gateway.httpServer.prependListener('request', seen);
    const stalled = net.connect(gw.gateway.port, '127.0.0.1');
    stalled.pause(); // never reads: the answer stays in the connection's buffers
    stalled.write(`POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nx-purpose: census\r\nx-request-id: stalled-client\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    try {
      // Its 18 MB answer executed and handed to the connection: waited for, not slept on.
      while (!stalledAnswer?.writableEnded) await sleep(5);
      const next = await post(RETURNS);
      // Had the stalled answer kept the turn, the next query would have waited for it until its time limit
      // and been answered as timed out: its answer, not the clock, tells.
      expect(next.errors).toBeUndefined();
      expect((next.data as { land: { surveyReturns: { nodes: unknown[] } } }).land.surveyReturns.nodes).toHaveLength(5);
      expect(events.map((e) => e.what)).toEqual(['read', 'read']);
      expect(stalledAnswer!.writableFinished).toBe(false); // the stalled client has still not taken it
      // And what it held back was the large answer itself (not one timed out): the client takes it now.
      stalled.resume();
      const answer = await httpBody(stalled);
      expect((JSON.parse(answer) as { data: { tibetStats: { surveyReturns: { nodes: unknown[] } } } }).data.tibetStats.surveyReturns.nodes).toHaveLength(300);
    } finally {
      stalled.destroy();
      gw.gateway.httpServer.off('request', seen);
    }
  }, 20_000);
});
