// A request body is read only once the request's token is verified (src/server/app.ts, verifyCaller):
// without it, a client with no token could make the gateway hold a body of up to maxRequestBytes on each of
// as many connections as it opens, trickling a byte now and then (within server.clientIdleMs) for node's
// five-minute requestTimeout: 300 such connections held 300 MB. Now such a request gets its 401 at once,
// nothing of its body read, and its connection is closed.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';

const IDLE_MS = 4000;
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: yunnanFixture('platform.yaml'),
    catalogueFiles: [yunnanFixture('police.yaml')],
    gateway: { server: { clientIdleMs: IDLE_MS } },
  });
}, 60_000);
afterAll(() => gw?.close());

/** Sends a request head and the first bytes of a body it never finishes; resolves with the answer and when it came. */
function unfinished(authorization: string | null) {
  const started = Date.now();
  const socket = net.connect(gw.gateway.port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('error', () => undefined);
  socket.on('data', (c: Buffer) => received.push(c));
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: gw\r\n${authorization ? `Authorization: ${authorization}\r\n` : ''}Content-Type: application/json\r\nContent-Length: 500000\r\n\r\n` +
      `{"query":"{ __typename }","x":"${'a'.repeat(100_000)}`,
  );
  return new Promise<{ text: string; ms: number }>((resolve) =>
    socket.once('close', () => resolve({ text: Buffer.concat(received).toString('utf8'), ms: Date.now() - started })),
  );
}

describe('a body sent without a good token', () => {
  for (const [name, authorization] of [
    ['no Authorization header', null],
    ['a malformed one', 'Bearer nonsense'],
    ['a token signed with another secret', 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4IiwiZGVwdCI6IjUzMDAwMC1HQVQiLCJleHAiOjQxMDI0NDQ4MDB9.c2lnbmF0dXJlLW9mLWFub3RoZXItc2VjcmV0LXh4eHh4eHg'],
  ] as const) {
    it(`${name}: 401 at once, the body unread and the connection closed`, async () => {
      const { text, ms } = await unfinished(authorization);
      expect(text).toMatch(/^HTTP\/1\.1 401 /);
      expect(text).toMatch(/"code":"UNAUTHENTICATED"/);
      expect(text.toLowerCase()).toContain('connection: close');
      expect(ms).toBeLessThan(IDLE_MS / 2); // not the 408 of a body that stopped arriving
    });
  }

  it('with a good token the body is read as before (408 when it stops arriving)', async () => {
    const { text, ms } = await unfinished(`Bearer ${await gw.token('530000-GAT')}`);
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(IDLE_MS - 100);
  }, 20_000);

  it('a complete request with a good token is answered', async () => {
    const r = await gw.query('{ __typename }', { dept: '530000-GAT' });
    expect(r.data).toEqual({ __typename: 'Query' });
    const refused = await gw.query('{ __typename }', { token: null });
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
