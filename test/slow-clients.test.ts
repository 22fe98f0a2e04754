// Clients that stall (SPEC §13: one client must never hold what a whole province shares): one that stops
// sending its request body, and one that never reads its answer, are cut off after server.clientIdleMs;
// node itself would wait five minutes for the body and for ever for the reader.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const IDLE_MS = 1000;
let gw: TestGateway;
let holdReadsMs = 0;

beforeAll(async () => {
  // Records to make a large answer of: the provider reads its own resource whole (row 0 of SPEC §6).
  gw = await startTestGateway({
    demo: true,
    limits: { maxAliases: 100, maxCost: 10_000_000 },
    gateway: { server: { clientIdleMs: IDLE_MS } },
    // Reads of the data held while `holdReadsMs` is set: a gateway working longer than clientIdleMs.
    wrapStore: (inner) => new Proxy(inner, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver);
        if (prop !== 'find' || typeof v !== 'function') return v;
        return async (...args: unknown[]) => {
          if (holdReadsMs > 0 && !String(args[0]).startsWith('_')) await new Promise((r) => setTimeout(r, holdReadsMs));
          return v.apply(target, args);
        };
      },
    }),
  });
}, 120_000);
afterAll(() => gw?.close());

/** Opens a connection and writes `head` and `body` to it; what the gateway answers is collected unless `read` is false. */
function connect(head: string, body: string, read = true) {
  const socket = net.connect(gw.gateway.port, '127.0.0.1');
  const received: Buffer[] = [];
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined); // a reset from the gateway is what some tests wait for
  socket.write(head + body);
  if (read) socket.on('data', (c: Buffer) => received.push(c));
  else socket.pause();
  return { socket, closed, text: () => Buffer.concat(received).toString('utf8') };
}

const connections = () => new Promise<number>((resolve, reject) => gw.gateway.httpServer.getConnections((e, n) => (e ? reject(e) : resolve(n))));

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('a client that stalls', () => {
  it('sending its body: 408 in JSON after clientIdleMs, and the connection closed', async () => {
    const token = await gw.token('430000-SCJG');
    const started = Date.now();
    const c = connect(
      `POST /graphql HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`,
      '{"query":', // 9 of the 100 bytes announced, then nothing
    );
    const done = await Promise.race([c.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 8 * IDLE_MS))]);
    c.socket.destroy();
    expect(done).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 50);
    const [head, body] = c.text().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head).toMatch(/connection: close/i);
    expect(JSON.parse(body)).toEqual({
      errors: [{ message: 'The request body stopped arriving: none of it came for 1 s (server.clientIdleMs).', extensions: { code: 'BAD_REQUEST' } }],
    });
  });

  it('taking its answer: the connection and the answer are given up after clientIdleMs', async () => {
    const token = await gw.token('430000-SCJG');
    // Larger than what the kernel buffers for a reader that reads nothing (a few MB on loopback).
    const page = 'enterpriseRegistrations(first: 1000) { nodes { creditCode name enterpriseType legalRepresentative legalRepresentativeId registeredCapital } }';
    const query = `{ marketRegulation { ${Array.from({ length: 30 }, (_, i) => `a${i}: ${page}`).join(' ')} } }`;
    const body = JSON.stringify({ query });
    expect(await connections()).toBe(0);
    const c = connect(
      `POST /graphql HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
      body,
      false,
    );
    try {
      expect(await until(async () => (await connections()) === 1, 2000)).toBe(true);
      // The answer is made (well under the query's timeoutMs), then not read: the gateway lets it go.
      expect(await until(async () => (await connections()) === 0, 15_000)).toBe(true);
    } finally {
      c.socket.destroy();
    }
  }, 30_000);

  it('a client waiting for its answer is not cut off, however long past clientIdleMs the gateway works', async () => {
    const token = await gw.token('430000-SCJG');
    holdReadsMs = 3 * IDLE_MS;
    try {
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ marketRegulation { enterpriseRegistrations(first: 1000) { nodes { creditCode } } } }' }),
      });
      const answer = (await res.json()) as { data: { marketRegulation: { enterpriseRegistrations: { nodes: unknown[] } } } };
      expect(answer.data.marketRegulation.enterpriseRegistrations.nodes).toHaveLength(1000);
    } finally {
      holdReadsMs = 0;
    }
  });
});
