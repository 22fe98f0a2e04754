// Edges of the HTTP layer a department developer or an operator meets (found by edges20), on a platform of
// its own (test/fixtures/guizhou): every answer names its request id, the refusals given before /graphql is
// reached included (the 400 to a request without Host, or with two, named none); a client's x-request-id
// that is no bounded plain id reaches neither the log, the audit log nor the answer; GraphiQL's refusals
// are JSON, as every other refusal (POST /graphiql was a plain-text 405); and an Int beyond 2^53 sent as a
// variable is quoted as the client wrote it (graphql-js quoted the number JSON.parse rounded it to).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/plugins/logging.ts';
import { guizhouFixture as guizhou } from './helpers/guizhou.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const READER = { dept: '520000-XCZX', purpose: 'poverty-relief' };
const logLines: string[] = [];
let gw: TestGateway;

beforeAll(async () => {
  const sink = lineSink((line) => logLines.push(line));
  gw = await startTestGateway({
    platformFile: guizhou('platform.yaml'),
    catalogueFiles: [guizhou('police.yaml'), guizhou('rural.yaml')],
    gateway: { logger: createLogger(sink, 'trace') },
  });
});
afterAll(() => gw?.close());

/** Writes `bytes` on a fresh connection; the answer's status, head (lower-cased names) and body, once it closes. */
function exchange(bytes: string): Promise<{ status: number; head: string; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gw.gateway.port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks).toString('utf8');
      const at = all.indexOf('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(all)?.[1] ?? 0), head: all.slice(0, at).toLowerCase(), text: all.slice(at + 4) });
    });
  });
}

const idIn = (head: string) => /\r\nx-request-id: ([^\r\n]*)/.exec(head)?.[1];

describe('every answer names its request id', () => {
  it('the 400 to a request without Host, or with two, names the id sent, or a new one', async () => {
    const noHost = await exchange('GET /healthz HTTP/1.1\r\nx-request-id: gz-no-host-1\r\nConnection: close\r\n\r\n');
    expect([noHost.status, idIn(noHost.head)]).toEqual([400, 'gz-no-host-1']);
    expect(JSON.parse(noHost.text).errors[0].extensions.code).toBe('BAD_REQUEST');
    const twoHosts = await exchange('POST /graphql HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nContent-Length: 0\r\n\r\n');
    expect(twoHosts.status).toBe(400);
    expect(idIn(twoHosts.head)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a 404, a 405 off /graphql and /healthz name it too', async () => {
    for (const [method, path] of [['GET', '/nowhere'], ['DELETE', '/healthz'], ['GET', '/healthz']]) {
      const res = await fetch(`${gw.gateway.url}${path}`, { method, headers: { 'x-request-id': `gz-${method}-${path.slice(1)}` } });
      expect([path, method, res.headers.get('x-request-id')]).toEqual([path, method, `gz-${method}-${path.slice(1)}`]);
    }
  });
});

describe("a client's x-request-id", () => {
  // Values a client (or an attacker forging log lines) may send: each is replaced by a new UUID, which
  // the answer, the log line and the audit entry all name; none of it is written anywhere.
  const hostile: [string, string][] = [
    ['10 KB', `gz-${'k'.repeat(10 * 1024)}`],
    ['an encoded newline', 'gz-canary%0A{"level":50,"msg":"forged"}'],
    ['a control character (a tab)', 'gz-canary\tbell'],
    ['JSON', '{"requestId":"gz-canary-json","admin":true}'],
  ];
  it.each(hostile)('%s is replaced by a new id, in the answer, the log and the audit log alike', async (_what, sent) => {
    const before = logLines.length;
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(READER.dept)}`, 'x-purpose': READER.purpose, 'x-request-id': sent },
      body: JSON.stringify({ query: '{ ruralRevival { monitoredHouseholds { totalCount } } }' }),
    });
    expect(res.status).toBe(200);
    const id = res.headers.get('x-request-id')!;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const logged = logLines.slice(before).join('');
    expect(logged).toContain(id);
    expect(logged).not.toMatch(/gz-canary|kkkkkkkk|forged/);
    const entries = await gw.query(`{ auditLog(first: 1, filter: { requestId: "${id}" }) { nodes { requestId } } }`, { dept: '520000-DSJ', roles: ['supervisor'] });
    expect(entries.data?.auditLog.nodes).toEqual([{ requestId: id }]);
  });
});

it('GraphiQL refuses a POST, and an asset it lacks, in JSON with Allow', async () => {
  const post = await fetch(`${gw.gateway.url}/graphiql`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'gz-graphiql-post' } });
  expect([post.status, post.headers.get('allow'), post.headers.get('content-type'), post.headers.get('x-request-id')]).toEqual([405, 'GET, HEAD', 'application/json; charset=utf-8', 'gz-graphiql-post']);
  expect(await post.json()).toEqual({ error: 'method not allowed; use GET or HEAD' });
  const missing = await fetch(`${gw.gateway.url}/graphiql/assets/none.js`);
  expect([missing.status, missing.headers.get('content-type')]).toEqual([404, 'application/json; charset=utf-8']);
  expect(await missing.json()).toEqual({ error: 'not found: no such GraphiQL asset (the page is at /graphiql)' });
});

describe('an Int beyond 2^53', () => {
  const send = async (body: string) => {
    const res = await fetch(`${gw.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(READER.dept)}`, 'x-purpose': READER.purpose },
      body,
    });
    return { status: res.status, errors: ((await res.json()) as { errors?: { message: string; extensions: { code: string } }[] }).errors };
  };

  it('as an argument variable, is quoted as written, not rounded', async () => {
    const a = await send('{"query":"query($n: Int) { ruralRevival { monitoredHouseholds(first: $n) { totalCount } } }","variables":{"n":9007199254740993}}');
    expect(a.status).toBe(400);
    expect(a.errors).toEqual([{ message: 'Variable "$n" got invalid value 9007199254740993; Int cannot represent non 32-bit signed integer value: 9007199254740993', extensions: { code: 'BAD_USER_INPUT' } }]);
  });

  it("as a filter value's variable, is quoted as written", async () => {
    const a = await send('{"query":"query($m: Int) { ruralRevival { monitoredHouseholds(filter: { members: { gt: $m } }) { totalCount } } }","variables":{"m":-9007199254740993}}');
    expect(a.errors?.map((e) => e.message)).toEqual(['Variable "$m" got invalid value -9007199254740993; Int cannot represent non 32-bit signed integer value: -9007199254740993']);
  });

  it('written as a literal, graphql-js quotes it as written already; an Int in range with long zeros is taken', async () => {
    const literal = await send('{"query":"{ ruralRevival { monitoredHouseholds(filter: { members: { gt: 9007199254740993 } }) { totalCount } } }"}');
    expect(literal.errors?.[0].message).toBe('Int cannot represent non 32-bit signed integer value: 9007199254740993');
    const taken = await send('{"query":"query($n: Int) { ruralRevival { monitoredHouseholds(first: $n) { totalCount } } }","variables":{"n":2.0000000000000000000}}');
    expect(taken.errors).toBeUndefined();
  });
});
