// The /graphql surface under what a broken client or an attacker sends (SPEC §7, §8, §13): a fixed-seed
// walk over hostile bodies, headers and variables, on a platform of its own (test/fixtures/jilin-fuzz).
// Every answer is JSON in the GraphQL-over-HTTP shape with a documented code (or a 204 to an OPTIONS),
// never a 500, a stack trace or a hung connection; the gateway answers a well-formed query between them;
// and no offending value (each carries CANARY) reaches an audit entry or a log line.
// Before it, the two answers the walk found node giving itself: a bare 400 with no body to an HTTP/1.1
// request without Host, and a reset with no answer to a CONNECT.
import net from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { mulberry32 } from './helpers/random.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/jilin-fuzz/${name}`, import.meta.url));
const FARMS = '220000-NYT-00001';
const READER = '220000-CZT';
const MAX_BYTES = 16 * 1024;
const IDLE_MS = 400;

const logLines: string[] = [];
let gw: TestGateway;
let token: string;

beforeAll(async () => {
  const sink = lineSink((line) => logLines.push(line));
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('farms.yaml')],
    limits: { maxRequestBytes: MAX_BYTES },
    gateway: { logger: createLogger(sink, 'trace'), server: { clientIdleMs: IDLE_MS }, log: (err) => logLines.push(String(err)) },
  });
  const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === FARMS)!;
  // A copy: the import writes its rejects file beside the records.
  const file = join(gw.dataDir, 'farms.jsonl');
  writeFileSync(file, readFileSync(fixture('farms.jsonl')));
  await importRecords(gw.store, resource, file);
  token = await gw.token(READER);
}, 30_000);
afterAll(() => gw?.close());

interface Answer {
  status: number;
  head: string;
  text: string;
  /** The connection was still open, with no whole answer, when the walk gave up on it. */
  hung: boolean;
}

/** Writes `bytes` on a fresh connection and reads until the answer is whole (Content-Length) or the connection ends. */
function exchange(bytes: Buffer, waitMs = 5000): Promise<Answer> {
  const isHead = bytes.toString('latin1', 0, 5) === 'HEAD ';
  return new Promise((resolve) => {
    const { port } = new URL(gw.gateway.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (hung: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(chunks);
      const at = all.indexOf('\r\n\r\n');
      const head = (at < 0 ? all : all.subarray(0, at)).toString('latin1');
      // The first answer only: the bytes a Content-Length that lies left over are read as a next request, and answered.
      const length = /\r\ncontent-length: (\d+)/i.exec(head);
      const body = at < 0 || head.startsWith('HTTP/1.1 204') || isHead ? Buffer.alloc(0) : all.subarray(at + 4, length ? at + 4 + Number(length[1]) : undefined);
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, text: body.toString('utf8'), hung });
    };
    const timer = setTimeout(() => finish(true), waitMs);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      const at = all.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(all.subarray(0, Math.max(at, 0)).toString('latin1'));
      // An answer to a HEAD has its Content-Length and no body.
      if (at >= 0 && length && (isHead || all.length >= at + 4 + Number(length[1]))) finish(false);
    });
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    socket.write(bytes);
  });
}

/** A request as bytes: a request line, the headers as given (none added), then the body. */
function requestBytes(method: string, target: string, headers: [string, string][], body: Buffer): Buffer {
  const head = `${method} ${target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/** The answers, one a string, to `first` and then bytes that are not HTTP, sent at once on one connection. */
async function pipelinedBeforeGarbage(first: Buffer): Promise<string[]> {
  const { port } = new URL(gw.gateway.url);
  const socket = net.connect(Number(port), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  await new Promise<void>((resolve) => {
    socket.on('close', () => resolve());
    socket.write(Buffer.concat([first, Buffer.from('NOT HTTP AT ALL\r\n\r\n')]));
  });
  return Buffer.concat(chunks).toString('utf8').split(/(?=HTTP\/1\.1 )/);
}

describe('what node answered itself, now in JSON', () => {
  it('an HTTP/1.1 request without Host: 400 in the GraphQL shape, saying what is missing, and the connection closes', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ __typename }' }));
    const a = await exchange(requestBytes('POST', '/graphql', [['Content-Type', 'application/json'], ['Authorization', `Bearer ${token}`], ['Content-Length', String(body.length)]], body));
    expect(a.status).toBe(400);
    expect(a.head).toMatch(/\r\ncontent-type: application\/json/i);
    expect(a.head).toMatch(/\r\nconnection: close/i);
    expect(JSON.parse(a.text)).toEqual({
      errors: [{ message: 'The request has no Host header, which HTTP/1.1 requires (RFC 9112 §3.2): send one, e.g. `Host: gateway.example.gov.cn`.', extensions: { code: 'BAD_REQUEST' } }],
    });
    // HTTP/1.0 has no Host header to require: served as before.
    const old = await exchange(Buffer.concat([
      Buffer.from(`POST /graphql HTTP/1.0\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n`),
      body,
    ]));
    expect([old.status, JSON.parse(old.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
  });

  it('a request with two Host headers: 400 in the GraphQL shape, not served under the first (RFC 9112 §3.2; found by review10)', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ __typename }' }));
    const headers = (hosts: string[]): [string, string][] => [...hosts.map((h): [string, string] => ['Host', h]), ['Content-Type', 'application/json'], ['Authorization', `Bearer ${token}`], ['Content-Length', String(body.length)]];
    const a = await exchange(requestBytes('POST', '/graphql', headers(['gateway.jilin.example', 'other.example']), body));
    expect(a.status).toBe(400);
    expect(a.head).toMatch(/\r\nconnection: close/i);
    expect(JSON.parse(a.text)).toEqual({
      errors: [{ message: 'The request has more than one Host header, which HTTP refuses (RFC 9112 §3.2): send one.', extensions: { code: 'BAD_REQUEST' } }],
    });
    // HTTP/1.0 too: the rule is of any request; one Host, even empty (RFC 9112 §3.2), is served.
    const old = await exchange(Buffer.concat([Buffer.from(`POST /graphql HTTP/1.0\r\nHost: a.example\r\nHost: b.example\r\nContent-Type: application/json\r\nAuthorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    expect(old.status).toBe(400);
    const empty = await exchange(requestBytes('POST', '/graphql', headers(['']), body));
    expect([empty.status, JSON.parse(empty.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
  });

  it('a CONNECT: 405 in the GraphQL shape, not a connection reset without an answer', async () => {
    const a = await exchange(Buffer.from('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'));
    expect(a.status).toBe(405);
    expect(a.head).toMatch(/\r\nallow: GET, POST, OPTIONS/i);
    expect(JSON.parse(a.text)).toEqual({
      errors: [{ message: 'CONNECT is not answered: the gateway is no proxy. Send GraphQL by POST (or GET) to /graphql.', extensions: { code: 'BAD_REQUEST' } }],
    });
    // The gateway goes on serving.
    expect((await gw.query('{ __typename }', { dept: READER })).data).toEqual({ __typename: 'Query' });
  });

  it('a request pipelined before one that is not HTTP: its answer first, then the refusal, not the refusal alone', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ agriculture { farms { totalCount } } }' }));
    const first = requestBytes('POST', '/graphql', [['Host', 'gateway.jilin.example'], ['Content-Type', 'application/json'], ['Authorization', `Bearer ${token}`], ['x-purpose', 'subsidy-check'], ['Content-Length', String(body.length)]], body);
    const answers = await pipelinedBeforeGarbage(first);
    expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(answers[0].endsWith('{"data":{"agriculture":{"farms":{"totalCount":2}}}}')).toBe(true);
    expect(answers[1].endsWith('{"errors":[{"message":"The request is not valid HTTP.","extensions":{"code":"BAD_REQUEST"}}]}')).toBe(true);
  });

  it('a request answered at once (/healthz) pipelined before one that is not HTTP: its answer, then the refusal', async () => {
    // The first answer was written whole before node read the broken request: the refusal was dropped with
    // the connection (found by review11), as it is not when the first answer takes a while (above).
    const first = requestBytes('GET', '/healthz', [['Host', 'gateway.jilin.example']], Buffer.alloc(0));
    const answers = await pipelinedBeforeGarbage(first);
    expect(answers.map((a) => a.slice(0, 12))).toEqual(['HTTP/1.1 200', 'HTTP/1.1 400']);
    expect(answers[1].endsWith('{"errors":[{"message":"The request is not valid HTTP.","extensions":{"code":"BAD_REQUEST"}}]}')).toBe(true);
  });

  it('a GET whose query passes 16 KiB: 431 saying to send it by POST, not "headers too large" alone (its URL is no header)', async () => {
    const query = encodeURIComponent(`{ ${'__typename '.repeat(2000)}}`);
    const a = await exchange(requestBytes('GET', `/graphql?query=${query}`, [['Host', 'gateway.jilin.example'], ['Authorization', `Bearer ${token}`], ['apollo-require-preflight', 'true']], Buffer.alloc(0)));
    expect(a.status).toBe(431);
    expect(JSON.parse(a.text)).toEqual({
      errors: [{ message: 'The request line and headers are too large (node\'s limit of 16 KiB in all): send a long query by POST, in a JSON body, not in the URL of a GET.', extensions: { code: 'BAD_REQUEST' } }],
    });
  });
});

// ---- the walk ----

const CANARY = 'CANARY';
const b64url = (v: Buffer | string) => Buffer.from(v).toString('base64url');

/** A JWT signed with HS256 under `key`, or unsigned (`alg: none`). */
function jwt(header: object, payload: object, key: string | null): string {
  const signing = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signing}.${key === null ? '' : createHmac('sha256', key).update(signing).digest('base64url')}`;
}

type Pick = <T>(values: readonly T[]) => T;

/** A hostile value for a variable: every string one carries the canary. */
function hostileValue(pick: Pick, depth = 0): unknown {
  return pick<() => unknown>([
    () => `${CANARY}${'x'.repeat(pick([0, 10, 3000]))}`,
    () => `-0${CANARY}`,
    () => `NaN${CANARY}`,
    () => `一二三${CANARY}`,
    () => `１２.５${CANARY}`,
    () => `2026-02-30${CANARY}`,
    () => `${CANARY}\u0000\u2028`,
    () => pick([2 ** 53 + 2, -0, 1e308, 2 ** 31, 1.5, -1, 0]),
    () => pick([true, false, null]),
    () => (depth < 3 ? [hostileValue(pick, depth + 1), hostileValue(pick, depth + 1)] : CANARY),
    () => (depth < 3 ? { [pick(['eq', 'in', 'gt', 'contains', 'startsWith', 'and', CANARY])]: hostileValue(pick, depth + 1) } : CANARY),
  ])();
}

const ITEMS = ['farmNo', 'region', 'owner', 'ownerId', 'hectares', 'workers', 'yieldRate', 'registered', 'inspectedAt', 'organic', 'crop', 'notes', 'subsidy'];
const OPERATORS = ['eq', 'ne', 'in', 'gt', 'gte', 'lt', 'lte', 'startsWith', 'contains'];
const LIST = 'query L($f: FarmFilter, $n: Int, $a: String) { agriculture { farms(filter: $f, first: $n, after: $a) { totalCount nodes { farmNo owner hectares crop registered } } } }';
const LOOKUP = 'query K($k: String!) { agriculture { farm(farmNo: $k) { farmNo ownerId subsidyBand { band } } } }';

/** One request of the walk, as bytes. */
function hostileRequest(pick: Pick, rnd: () => number): Buffer {
  // Half of the requests are hostile in their variables alone, so that the walk reaches coercion, the
  // filters and the reads; the others in any part.
  const only = rnd() < 0.5;
  const envelope = <T>(fine: T, hostile: () => T): T => (only ? fine : hostile());
  const good = () => JSON.stringify({ query: pick([LIST, LOOKUP]), variables: pick([{}, { k: 'JL0001' }]) });
  const variables = () => pick<() => unknown>([
    () => ({ f: { [pick(ITEMS)]: { [pick(OPERATORS)]: hostileValue(pick) } } }),
    () => ({ f: { and: [{ [pick(ITEMS)]: { in: Array.from({ length: pick([1, 25, 400]) }, () => hostileValue(pick)) } }] } }),
    () => ({ n: hostileValue(pick), a: hostileValue(pick) }),
    () => ({ k: hostileValue(pick) }),
    () => hostileValue(pick),
  ])();
  const body = only ? Buffer.from(JSON.stringify({ query: pick([LIST, LOOKUP]), variables: variables() })) : pick<() => Buffer | Buffer[]>([
    () => Buffer.from(JSON.stringify({ query: pick([LIST, LOOKUP]), variables: variables() })),
    () => Buffer.from(JSON.stringify({ query: pick([LIST, LOOKUP, 5, null, { a: CANARY }, [LIST], `${LIST} query B { __typename }`]), variables: variables(), operationName: pick([undefined, 5, 'L', 'B', 'Nope', 'x'.repeat(300)]), extensions: pick([undefined, CANARY, [1], { persistedQuery: hostileValue(pick) }]) })),
    () => Buffer.from(JSON.stringify([{ query: LIST }])),
    () => Buffer.from(pick([`${CANARY}{`, '', 'null', '"x"', '5', `{"query": "${CANARY}`])),
    () => Buffer.concat([Buffer.from('\ufeff'), Buffer.from(good())]),
    () => Buffer.concat([Buffer.from(good().slice(0, 20)), Buffer.from(pick([[0xff, 0xfe], [0xc3], [0xed, 0xa0, 0x80], [0]])), Buffer.from(`${CANARY}"}`)]),
    () => gzipSync(good()),
    () => Buffer.from(JSON.stringify({ query: LIST, variables: { a: CANARY.repeat(MAX_BYTES / 5) } })),
    () => [Buffer.from(good().slice(0, 10)), Buffer.from(good().slice(10))],
  ])();
  const headers: [string, string][] = [];
  if (only || rnd() < 0.95) headers.push(['Host', 'gateway.jilin.example']);
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: 'walker', dept: READER, roles: [], iat: now, exp: now + 600 };
  const authorization = envelope(`Bearer ${token}`, () => pick([
    `Bearer ${token}`, `Bearer ${token}`, `Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`,
    `Bearer ${token}, Bearer ${token}`, `Bearer ${token} ${token}`, `Basic ${b64url(CANARY)}`, 'Bearer ', `Bearer ${'a'.repeat(12_000)}`,
    `Bearer ${jwt({ alg: 'none', typ: 'JWT' }, claims, null)}`,
    `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, iss: 'https://idp.other.example' }, 'a-secret-of-another-issuer-0123456789')}`,
    `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { ...claims, dept: '220000-czt' }, 'a-secret-of-another-issuer-0123456789')}`,
    null,
  ]));
  if (authorization !== null) headers.push(['Authorization', authorization]);
  if (!only && rnd() < 0.1 && authorization !== null) headers.push(['authorization', `Bearer ${token}`]);
  const purpose = envelope<string | null>('subsidy-check', () => pick(['subsidy-check', 'subsidy-check', 'land-survey', 'SUBSIDY-CHECK', '', 'subsidy-check, land-survey', 'p'.repeat(10_000), null]));
  if (purpose !== null) headers.push(['x-purpose', purpose]);
  const contentType = envelope<string | null>('application/json', () => pick(['application/json', 'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/graphql', null]));
  if (contentType !== null) headers.push(['Content-Type', contentType]);
  const accept = envelope<string | null>(null, () => pick([null, null, 'application/json', 'application/graphql-response+json', 'text/html', 'multipart/mixed; deferSpec=20220824', '*/*', ';;=,']));
  if (accept !== null) headers.push(['Accept', accept]);
  if (!only && rnd() < 0.08) headers.push(['Content-Encoding', pick(['gzip', 'deflate', 'br', 'identity'])]);
  if (rnd() < 0.05) headers.push(['X-Forwarded-For', `10.0.0.${Math.floor(rnd() * 255)}, 127.0.0.1`]);
  if (rnd() < 0.05) headers.push(['x-request-id', pick(['r'.repeat(5000), `${CANARY}<script>`])]);
  const method = envelope('POST', () => pick(['POST', 'POST', 'POST', 'POST', 'POST', 'GET', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'PATCH']));
  let target = '/graphql';
  if (method === 'GET') {
    const params = new URLSearchParams({ query: pick([LIST, LOOKUP, 'mutation { __typename }', `{${CANARY}`]) });
    if (rnd() < 0.5) params.set('variables', pick([JSON.stringify(variables()), `[${CANARY}`]));
    target += `?${params}`;
    if (rnd() < 0.7) headers.push(['apollo-require-preflight', 'true']);
  }
  const chunks = Array.isArray(body) ? body : null;
  const whole = chunks ? Buffer.concat(chunks) : (body as Buffer);
  const sent = method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? (rnd() < 0.2 ? whole : Buffer.alloc(0)) : whole;
  if (chunks && sent.length) {
    headers.push(['Transfer-Encoding', 'chunked']);
    return requestBytes(method, target, headers, Buffer.concat([...chunks.map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])), Buffer.from('0\r\n\r\n')]));
  }
  // A Content-Length that lies, now and then: shorter (the rest is taken for a next request) or longer (the body stops arriving).
  const lie = only ? 1 : rnd();
  const length = lie < 0.05 ? Math.max(0, sent.length - 7) : lie < 0.08 ? sent.length + 40 : sent.length;
  if (sent.length || method === 'POST') headers.push(['Content-Length', String(length)]);
  return requestBytes(method, target, headers, sent);
}

/** Codes an answer may carry: SPEC §8's, and the ones graphql-js and Apollo give a malformed request. */
const CODES = new Set([
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_OUT_OF_SCOPE', 'GRANT_REQUIRED',
  'BAD_USER_INPUT', 'NOT_FOUND', 'QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'DOCUMENT_NOT_TRUSTED',
  'BAD_REQUEST', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'OPERATION_RESOLUTION_FAILURE', 'PERSISTED_QUERY_NOT_FOUND',
]);
const STATUSES = new Set([200, 204, 400, 401, 405, 406, 408, 413, 414, 415, 431]);
const STACK = /\n\s+at |node_modules|\.ts:\d+|<html/i;

/** What is wrong with an answer, or null when it is a documented one. */
function fault(a: Answer, method: string): string | null {
  if (a.hung) return 'no whole answer within 5 s';
  if (!STATUSES.has(a.status)) return `status ${a.status}`;
  if (STACK.test(a.text)) return 'a stack trace or HTML';
  if (a.status === 204 || method === 'HEAD') return a.text === '' ? null : 'a body to a HEAD or a 204';
  if (!/\r\ncontent-type: application\/(graphql-response\+)?json/i.test(a.head)) return 'not JSON';
  let body: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  try {
    body = JSON.parse(a.text);
  } catch {
    return 'a body that is not JSON';
  }
  if (a.status !== 200 && !body.errors?.length) return `status ${a.status} without errors`;
  for (const e of body.errors ?? []) {
    if (typeof e.message !== 'string' || !CODES.has(String(e.extensions?.code))) return `error ${JSON.stringify(e).slice(0, 200)}`;
  }
  return body.errors || body.data !== undefined ? null : 'neither data nor errors';
}

describe('a fixed-seed walk of hostile requests', () => {
  it('answers each in the documented shape, in time, serving a good query between them; no value sent reaches the audit log or the log', async () => {
    const rnd = mulberry32(0x220000);
    const pick: Pick = (values) => values[Math.floor(rnd() * values.length)];
    const faults: string[] = [];
    const CASES = 300;
    for (let i = 0; i < CASES; i += 6) {
      // Six at once, and a good query beside them: the gateway serves others meanwhile.
      const batch = Array.from({ length: 6 }, () => hostileRequest(pick, rnd));
      const [answers, good] = await Promise.all([
        Promise.all(batch.map((bytes) => exchange(bytes))),
        gw.query('{ agriculture { farms { totalCount } } }', { dept: READER, purpose: 'subsidy-check' }),
      ]);
      expect(good.data).toEqual({ agriculture: { farms: { totalCount: 2 } } });
      answers.forEach((a, j) => {
        const method = batch[j].toString('latin1', 0, 8).split(' ')[0];
        const wrong = fault(a, method);
        if (wrong) faults.push(`case ${i + j} (${method}): ${wrong}: ${JSON.stringify(batch[j].toString('latin1').slice(0, 1500))} -> ${JSON.stringify(`${a.head}\r\n\r\n${a.text}`.slice(0, 600))}`);
      });
    }
    expect(faults).toEqual([]);
    const supervisor = await gw.token('220000-ZSJ', ['supervisor']);
    // Every entry, a page at a time (a page of 1,000 is over maxCost).
    const nodes: unknown[] = [];
    for (let after: string | null = null, more = true; more; ) {
      const page = await gw.query('query A($after: String) { auditLog(first: 200, after: $after) { pageInfo { hasNextPage endCursor } nodes { outcome detail operationName purpose resources { resource denied { item code } } } } }', { token: supervisor, variables: { after } });
      expect(page.errors).toBeUndefined();
      nodes.push(...page.data!.auditLog.nodes);
      ({ hasNextPage: more, endCursor: after } = page.data!.auditLog.pageInfo);
    }
    expect(nodes.length).toBeGreaterThan(50);
    const entries = JSON.stringify(nodes);
    expect(entries).toContain('"outcome":"REFUSED"');
    expect(entries).not.toContain(CANARY);
    expect(logLines.join('\n')).not.toContain(CANARY);
    expect(logLines.join('\n')).not.toMatch(STACK);
  }, 60_000);
});
