// The HTTP layer (SPEC §8, §13, §15) as a careless or hostile client meets it: every /graphql answer is
// JSON, bodies over the limit get 413 unread, nothing of a body reaches the log, CORS only for listed
// origins, large answers compressed, no framework fingerprint, GraphiQL and introspection switches,
// /healthz, /readyz and /metrics.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/server/plugins/logging.ts';
import { startGateway } from '../src/server/app.ts';
import { graphiqlAssetsDir } from '../src/server/graphiql.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';
import { rawRequest, type RawAnswer } from './helpers/raw-request.ts';

type Answer = RawAnswer;
const request = rawRequest;

const json = { 'content-type': 'application/json' };
const logLines: string[] = [];
let gw: TestGateway;
let auth: Record<string, string>;

beforeAll(async () => {
  const sink = lineSink((line) => logLines.push(line));
  gw = await startTestGateway({
    gateway: {
      logger: createLogger(sink, 'trace'),
      server: { corsOrigins: ['https://portal.example.gov.cn', 'https://Apps.Henan.example', 'https://ops.henan.example:443', 'https://河南.example'] },
      log: (err) => logLines.push(String(err)),
    },
  });
  auth = { ...json, authorization: `Bearer ${await gw.token('430000-GA')}` };
});
afterAll(() => gw?.close());

const url = () => gw.gateway.url;

/** A GraphQL-over-HTTP error answer with this status and code, as JSON. */
function expectGraphQLError(a: Answer, status: number, code: string) {
  expect(a.status).toBe(status);
  expect(a.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json/);
  const body = JSON.parse(a.text);
  expect(body.errors[0].extensions.code).toBe(code);
  expect(a.text).not.toMatch(/<html|at \w+ \(|\/work\/|node_modules|stack/i);
  return body.errors[0].message as string;
}

describe('every /graphql answer is JSON', () => {
  it('a body that is not JSON: 400, without quoting it, and nothing of it in the log', async () => {
    const secretish = '{"query": "{ __typename }", "variables": {"idNumber": "430102199001011234"';
    const message = expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: secretish }), 400, 'BAD_REQUEST');
    expect(message).toBe('The request body is not valid JSON.');
    expect(logLines.join('\n')).not.toContain('430102199001011234');
  });

  it('invalid UTF-8 and an empty body: 400', async () => {
    const bad = Buffer.concat([Buffer.from('{"query":"{ __typename }","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: bad }), 400, 'BAD_REQUEST')).toMatch(/UTF-8/);
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: '' }), 400, 'BAD_REQUEST');
  });

  it('a compressed body (Content-Encoding, or a transfer coding besides chunked): 415 saying to send it uncompressed, not "not valid UTF-8"', async () => {
    const body = gzipSync(JSON.stringify({ query: '{ __typename }' }));
    for (const coding of ['gzip', 'BR', 'deflate, gzip']) {
      const a = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'content-encoding': coding }, body });
      expect(expectGraphQLError(a, 415, 'BAD_REQUEST')).toBe(
        'The request body has a Content-Encoding (compressed); the gateway reads only uncompressed bodies: send it without Content-Encoding.',
      );
      expect(a.headers.connection).toBe('close');
    }
    // A transfer coding besides chunked is a compressed body too: node takes off the chunks only.
    const transfer = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'transfer-encoding': 'gzip, chunked' }, body });
    expect(expectGraphQLError(transfer, 415, 'BAD_REQUEST')).toBe(
      'The request body has a Transfer-Encoding besides chunked (compressed); the gateway reads only uncompressed bodies: send it with Transfer-Encoding: chunked alone, or with a Content-Length.',
    );
    const chunked = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'transfer-encoding': 'chunked' }, body: [Buffer.from('{"query":'), Buffer.from('"{ __typename }"}')] });
    expect([chunked.status, JSON.parse(chunked.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
    // identity is no coding: the body is read as it is.
    const plain = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'content-encoding': 'identity' }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect([plain.status, JSON.parse(plain.text)]).toEqual([200, { data: { __typename: 'Query' } }]);
  });

  it('a body over maxRequestBytes: 413, from Content-Length or while streaming, and the connection closes', async () => {
    const big = JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(1_100_000) } });
    const declared = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: big });
    expect(expectGraphQLError(declared, 413, 'BAD_REQUEST')).toBe('The request body is larger than the limit of 1048576 bytes (limits.maxRequestBytes).');
    expect(declared.headers.connection).toBe('close');
    const chunks = Array.from({ length: 40 }, () => Buffer.alloc(64 * 1024, 0x20));
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'transfer-encoding': 'chunked' }, body: chunks }), 413, 'BAD_REQUEST');
  });

  it('a wrong content type, a batch, a missing query, another method: JSON from Apollo', async () => {
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{ __typename }' }), 400, 'BAD_REQUEST');
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: '[{"query":"{ __typename }"}]' }), 400, 'BAD_REQUEST');
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: '{"variables":{}}' }), 400, 'BAD_REQUEST');
    expectGraphQLError(await request(`${url()}/graphql`, { method: 'PUT', headers: auth, body: '{}' }), 405, 'BAD_REQUEST');
    // Its Allow lists what OPTIONS says is allowed (OPTIONS included), for HEAD as for PUT.
    for (const method of ['PUT', 'HEAD']) {
      expect((await request(`${url()}/graphql`, { method, headers: auth })).headers.allow).toBe('GET, POST, OPTIONS');
    }
    expectGraphQLError(await request(`${url()}/graphql`, { headers: { authorization: auth.authorization } }), 400, 'BAD_REQUEST');
  });

  it('several operations and none named, or a name the document lacks: graphql\'s own error (400), not an internal one', async () => {
    const post = async (body: object) => {
      const a = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expectGraphQLError(a, 400, 'OPERATION_RESOLUTION_FAILURE');
      return JSON.parse(a.text) as unknown;
    };
    const logged = logLines.length;
    const two = 'query a { me { department } } query b { me { user } }';
    const several = { errors: [{ message: 'Must provide operation name if query contains multiple operations.', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] };
    const unknown = { errors: [{ message: 'Unknown operation named "x".', extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } }] };
    expect(await post({ query: two })).toEqual(several);
    expect(await post({ query: 'mutation m { __typename } query b { me { user } }' })).toEqual(several);
    expect(await post({ query: two, operationName: 'x' })).toEqual(unknown);
    expect(await post({ query: '{ me { department } }', operationName: 'x' })).toEqual(unknown);
    expect(logLines.slice(logged).join('\n')).not.toMatch(/TypeError|Internal server error/);
    // Named, it runs.
    const named = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify({ query: two, operationName: 'a' }) });
    expect(JSON.parse(named.text)).toEqual({ data: { me: { department: '430000-GA' } } });
  });

  it('a persisted query whose hash is not its text\'s, or malformed: BAD_REQUEST saying what is wrong, not an internal error', async () => {
    const query = '{ me { department } }';
    const actual = createHash('sha256').update(query).digest('hex');
    const cases: [object, string][] = [
      [{ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } },
        `extensions.persistedQuery.sha256Hash is not the SHA-256 of the query sent with it (that is ${actual}): send the hash of exactly this text, or the hash alone.`],
      [{ query, extensions: { persistedQuery: { version: 1 } } }, 'extensions.persistedQuery.sha256Hash must be the SHA-256 of the document, in hexadecimal.'],
      [{ query, extensions: { persistedQuery: { version: 2, sha256Hash: actual } } }, 'extensions.persistedQuery.version must be 1 (Apollo\'s automatic persisted queries).'],
      [{ query, extensions: { persistedQuery: true } }, 'extensions.persistedQuery.version must be 1 (Apollo\'s automatic persisted queries).'],
    ];
    for (const [body, message] of cases) {
      const a = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
      expectGraphQLError(a, 400, 'BAD_REQUEST');
      expect(JSON.parse(a.text)).toEqual({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    }
    // The same in a GET's parameters.
    const search = new URLSearchParams({ query, extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } }) });
    expect(expectGraphQLError(await request(`${url()}/graphql?${search}`, { headers: { authorization: auth.authorization } }), 400, 'BAD_REQUEST')).toMatch(/is not the SHA-256 of the query/);
    // A documentId with another text beside it: refused as the persisted query's hash is, not the text run
    // with the id ignored (found by the §13 walk); bare, prefixed or in upper case, the text's own id runs it.
    const otherId = { query, documentId: 'ab'.repeat(32) };
    const byOtherId = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify(otherId) });
    expectGraphQLError(byOtherId, 400, 'BAD_REQUEST');
    expect(JSON.parse(byOtherId.text)).toEqual({ errors: [{ message: `documentId is not the SHA-256 of the query sent with it (that is ${actual}): send the documentId alone, or the query alone.`, extensions: { code: 'BAD_REQUEST' } }] });
    const getOtherId = new URLSearchParams(otherId);
    expect(expectGraphQLError(await request(`${url()}/graphql?${getOtherId}`, { headers: { authorization: auth.authorization, 'apollo-require-preflight': 'true' } }), 400, 'BAD_REQUEST')).toMatch(/^documentId is not the SHA-256 of the query/);
    for (const documentId of [actual, `sha256:${actual}`, actual.toUpperCase()]) {
      const own = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify({ query, documentId }) });
      expect(JSON.parse(own.text)).toEqual({ data: { me: { department: '430000-GA' } } });
    }
    // The right hash with its text registers and runs; the hash alone then runs too.
    const good = { query, extensions: { persistedQuery: { version: 1, sha256Hash: actual } } };
    expect(JSON.parse((await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify(good) })).text)).toEqual({ data: { me: { department: '430000-GA' } } });
    const byHash = { extensions: good.extensions };
    expect(JSON.parse((await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify(byHash) })).text)).toEqual({ data: { me: { department: '430000-GA' } } });
  });

  it('a request that is not HTTP gets a JSON 400 too', async () => {
    const net = await import('node:net');
    const text = await new Promise<string>((resolve) => {
      const socket = net.connect(gw.gateway.port, '127.0.0.1', () => socket.write('GARBAGE /graphql HTTP/1.1\r\nHost: x\r\n\r\n'));
      let out = '';
      socket.on('data', (d) => (out += d));
      socket.on('close', () => resolve(out));
    });
    expect(text).toMatch(/^HTTP\/1\.1 400/);
    expect(text).toContain('"code":"BAD_REQUEST"');
  });

  it('an Expect other than 100-continue: a JSON 417 BAD_REQUEST, not the bare 417 of node, and the connection closes', async () => {
    const net = await import('node:net');
    const body = '{"query":"{ __typename }"}';
    const text = await new Promise<string>((resolve) => {
      const socket = net.connect(gw.gateway.port, '127.0.0.1', () =>
        socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: something-else\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
      );
      let out = '';
      socket.on('data', (d) => (out += d));
      socket.on('close', () => resolve(out));
      setTimeout(() => resolve(`${out}(still open)`), 3000).unref();
    });
    expect(text).toMatch(/^HTTP\/1\.1 417/);
    expect(text).toContain('"code":"BAD_REQUEST"');
    expect(text).toMatch(/connection: close/i);
    expect(text).not.toContain('(still open)');
  });

  it('no framework fingerprint: no X-Powered-By, JSON 404 for unknown paths', async () => {
    const a = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: '{"query":"{ __typename }"}' });
    expect(a.status).toBe(200);
    expect(a.headers['x-powered-by']).toBeUndefined();
    const missing = await request(`${url()}/wp-admin`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ error: 'not found: GraphQL is at /graphql' });
  });
});

describe('edges', () => {
  it('no /graphql answer may be stored by a cache: records over GET, errors, refusals', async () => {
    // A GET's answer (personal data, masked or not) would otherwise land in the browser's disk cache.
    const get = await request(`${url()}/graphql?query=${encodeURIComponent('{ me { department } }')}`, { headers: { authorization: auth.authorization, 'apollo-require-preflight': '1' } });
    expect([get.status, get.text]).toEqual([200, '{"data":{"me":{"department":"430000-GA"}}}']);
    const answers = [
      get,
      await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: '{"query":"{ me { department } }"}' }),
      await request(`${url()}/graphql`, { method: 'POST', headers: auth, body: 'not json' }),
      await request(`${url()}/graphql`, { method: 'POST', headers: json, body: '{"query":"{ me { department } }"}' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 400, 401]);
    for (const a of answers) expect(a.headers['cache-control']).toBe('no-store');
  });

  it.skipIf(!existsSync(join(graphiqlAssetsDir, 'graphiql.js')))(
    "GraphiQL's welcome names the platform's purpose codes, since the placeholder purpose keeps the schema from loading",
    async () => {
      // On a platform the developer has never seen, `<purpose code>` left in the headers editor is refused
      // (HTTP 400, unknown purpose) beside a good token, and the Docs say only "Error fetching schema".
      const page = await request(`${url()}/graphiql`);
      const config = JSON.parse(/<script type="application\/json" id="govgraph-graphiql-config">(.*?)<\/script>/s.exec(page.text)![1]!) as { defaultQuery: string; defaultHeaders: string };
      expect(config.defaultHeaders).toContain('<purpose code>');
      const codes = gw.platform.purposes.map((p) => p.code);
      const named = config.defaultQuery.replace(/\n#\s+/g, ' ');
      expect(named).toContain(`a purpose code as x-purpose, one of ${codes.join(', ')} (or delete the x-purpose line: the schema needs none;`);
      const unknown = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'x-purpose': '<purpose code>' }, body: '{"query":"{ __typename }"}' });
      expect(unknown.status).toBe(400);
      const none = await request(`${url()}/graphql`, { method: 'POST', headers: { ...json, authorization: auth.authorization! }, body: '{"query":"{ __schema { queryType { name } } }"}' });
      expect([none.status, none.text]).toEqual([200, '{"data":{"__schema":{"queryType":{"name":"Query"}}}}']);
    },
  );

  it('GET / points at GraphiQL', async () => {
    const a = await request(`${url()}/`);
    expect(a.status).toBe(302);
    expect(a.headers.location).toBe('/graphiql');
  });

  // Apollo answered both with its CSRF message, which names headers, not what the request lacks.
  it('GET /graphql naming no operation: a browser is sent to GraphiQL, any other client told what to send; OPTIONS says what is allowed', async () => {
    const browser = await request(`${url()}/graphql`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect([browser.status, browser.headers.location]).toEqual([302, '/graphiql']);
    const client = await request(`${url()}/graphql`, { headers: { accept: 'application/json' } });
    expect(client.status).toBe(400);
    expect(JSON.parse(client.text)).toEqual({ errors: [{
      message: 'GET /graphql names no operation: send a query by POST with a JSON body {"query": "…"}, or by GET with a `query` (or `documentId`) parameter and the header `apollo-require-preflight: true`. GraphiQL, to try queries in a browser, is at /graphiql.',
      extensions: { code: 'BAD_REQUEST' },
    }] });
    const options = await request(`${url()}/graphql`, { method: 'OPTIONS' });
    expect([options.status, options.headers.allow]).toEqual([204, 'GET, POST, OPTIONS']);
    // A GET with a query is still a query.
    const get = await request(`${url()}/graphql?query=${encodeURIComponent('{ __typename }')}`, { headers: { ...auth, 'apollo-require-preflight': 'true' } });
    expect(JSON.parse(get.text)).toEqual({ data: { __typename: 'Query' } });
  });

  it('CORS: a listed origin may call, another gets no CORS headers and a refused preflight', async () => {
    const preflight = (origin: string) =>
      request(`${url()}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-purpose' } });
    const ok = await preflight('https://portal.example.gov.cn');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe('https://portal.example.gov.cn');
    expect(ok.headers['access-control-allow-headers']).toMatch(/Authorization.*x-purpose/);
    const evil = await preflight('https://portal.example.gov.cn.evil.example');
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const post = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, origin: 'https://evil.example' }, body: '{"query":"{ __typename }"}' });
    expect(post.headers['access-control-allow-origin']).toBeUndefined();
  });

  // Found by the §15 operations walk: the platform file took an origin in capitals or with its scheme's
  // default port, which no browser sends (it writes the host in lower case, in punycode, without :443),
  // so every preflight of the page the operator listed got 403. The origins are compared as browsers send them.
  it('CORS: an origin listed in capitals, with its default port or in Chinese matches what the browser sends', async () => {
    const preflight = (origin: string) =>
      request(`${url()}/graphql`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    for (const sent of ['https://apps.henan.example', 'https://ops.henan.example', 'https://xn--6krz30d.example']) {
      const a = await preflight(sent);
      expect([sent, a.status, a.headers['access-control-allow-origin']]).toEqual([sent, 204, sent]);
    }
    // Still exact otherwise: another scheme, port or a trailing slash is another origin.
    for (const sent of ['http://apps.henan.example', 'https://apps.henan.example:8443', 'https://apps.henan.example/', 'null']) {
      expect([sent, (await preflight(sent)).status]).toEqual([sent, 403]);
    }
  });

  it('compresses a large answer (br or gzip, as accepted) and leaves a small one alone', async () => {
    const body = JSON.stringify({ query: '{ __schema { types { name fields { name } } } }' });
    const plain = await request(`${url()}/graphql`, { method: 'POST', headers: auth, body });
    const br = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'accept-encoding': 'gzip;q=0.5, br' }, body });
    const gz = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'accept-encoding': 'gzip, br;q=0' }, body });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(br.headers['content-encoding']).toBe('br');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).toString()).toBe(plain.text);
    expect(gunzipSync(gz.body).toString()).toBe(plain.text);
    const small = await request(`${url()}/graphql`, { method: 'POST', headers: { ...auth, 'accept-encoding': 'br' }, body: '{"query":"{ __typename }"}' });
    expect(small.headers['content-encoding']).toBeUndefined();
  });

  it('/healthz and /readyz answer JSON; /readyz says 503 while draining', async () => {
    expect(JSON.parse((await request(`${url()}/healthz`)).text)).toEqual({ status: 'ok' });
    const ready = await request(`${url()}/readyz`);
    expect([ready.status, JSON.parse(ready.text)]).toEqual([200, { status: 'ready' }]);
  });
});

describe('/metrics', () => {
  it('counts requests by operation and outcome, and denials by code and resource', async () => {
    const scrape = async () => (await request(`${url()}/metrics`)).text;
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(series + ' '));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    const before = await scrape();
    const post = (body: object, headers = auth) => request(`${url()}/graphql`, { method: 'POST', headers, body: JSON.stringify(body) });
    for (let i = 0; i < 3; i++) await post({ query: 'query Ping { __typename }', operationName: 'Ping' });
    // A department reading another's resource it is not shared with: a denial with the resource's code.
    const denied = await post({ query: 'query Peek { civilAffairs { minimumLivingAllowances(first: 1) { nodes { idNumber } } } }' });
    const deniedBody = JSON.parse(denied.text);
    const denial = deniedBody.errors[0].extensions;
    await post({ query: '{ __typename }' }, json); // no token
    const after = await scrape();
    const ok = 'govgraph_graphql_requests_total{operation="Ping",outcome="ok"}';
    expect(value(after, ok) - value(before, ok)).toBe(3);
    const deniedSeries = `govgraph_denials_total{code="${denial.code}",resource="${denial.resource}"}`;
    expect(value(after, deniedSeries) - value(before, deniedSeries)).toBe(1);
    const unauth = 'govgraph_denials_total{code="UNAUTHENTICATED",resource="-"}';
    expect(value(after, unauth) - value(before, unauth)).toBe(1);
    expect(after).toMatch(/govgraph_graphql_request_duration_seconds_bucket\{le="[\d.]+",outcome="ok"\} \d+/);
    expect(after).toMatch(/govgraph_store_operation_duration_seconds_count\{operation="insert",collection="_audit",result="ok"\} [1-9]/);
    expect(after).toMatch(/govgraph_schema_version\{version="[0-9a-f]{12}"\} 1/);
    expect(after).toContain('govgraph_process_resident_memory_bytes');
  });

  it('gives a client-chosen operation name its own series only while the set is small and the name well-formed', async () => {
    const metrics = gw.gateway.metrics;
    expect(metrics.operationLabel('a{b="c"}')).toBe('other');
    expect(metrics.operationLabel(undefined)).toBe('anonymous');
    // The gateway's own labels are not a client's to take: refused tokens count as `unauthenticated`.
    for (const reserved of ['unauthenticated', 'anonymous']) expect(metrics.operationLabel(reserved, '999999-NAMER')).toBe('other');
    // One department sending made-up names takes its share of the series, not the others'.
    for (let i = 0; i < 300; i++) metrics.operationLabel(`Flood${i}`, '999999-HOSTILE');
    expect(metrics.operationLabel('Flood0', '999999-HOSTILE')).toBe('Flood0');
    expect(metrics.operationLabel('Flood299', '999999-HOSTILE')).toBe('other');
    expect(metrics.operationLabel('HonestQuery', '999999-OTHER')).toBe('HonestQuery');
    expect(metrics.operationLabel('HonestQuery', '999999-HOSTILE')).toBe('HonestQuery'); // a name with a series keeps it for all
    // The whole set stays bounded, however many departments send names.
    for (let d = 0; d < 30; d++) for (let i = 0; i < 30; i++) metrics.operationLabel(`Op${d}x${i}`, `9999${d}-D`);
    expect(metrics.operationLabel('OneMore', '888888-NEW')).toBe('other');
  });
});

describe('switches', () => {
  it('GraphiQL and introspection off; a busy port is one clear error', async () => {
    const other = await startGateway({
      platform: gw.platform,
      store: gw.store,
      port: 0,
      pollMs: 0,
      server: { graphiql: false, introspection: false },
    });
    try {
      expect((await request(`${other.url}/graphiql`)).status).toBe(404);
      expect((await request(`${other.url}/`)).status).toBe(404);
      const a = await request(`${other.url}/graphql`, { method: 'POST', headers: auth, body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }) });
      const message = expectGraphQLError(a, 400, 'GRAPHQL_VALIDATION_FAILED');
      // The platform's switch, in its own words: not Apollo Server's advice to its programmer.
      expect(message).toBe('Introspection is turned off on this platform (server.introspection: false); the operator can give you the schema as your department sees it (govgraph schema print --dept CODE).');
      expect(a.text).not.toMatch(/apollo|validationErrorCode/i);
      await expect(startGateway({ platform: gw.platform, store: gw.store, port: other.port, pollMs: 0 })).rejects.toThrow(
        `port ${other.port} on 127.0.0.1 is in use; stop what uses it or choose another with --port N (env PORT)`,
      );
    } finally {
      await other.close();
    }
  });
});
