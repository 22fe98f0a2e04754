// What a listed connected platform answers to a namespace read (SPEC §8, §12), as the caller gets it:
// - an error carrying a stack (Apollo's `extensions.exception.stacktrace` of a city in development mode,
//   or frames in the message itself) passed on whole when its code was one of SPEC §8's;
// - the message of a refusal of the whole request (HTTP 4xx/5xx) passed on uncut, stack and all;
// - an HTTP redirect (never followed) had its body taken as the answer, and on the schema poll was
//   "refused this platform (HTTP 302): no reason given".
// Now a passed-on error keeps its message up to the first stack frame and only plain extension values
// (code, resource, item, ...); a refusal's message is cut as other text of the platform's is; a
// redirect makes the namespace PLATFORM_UNAVAILABLE, saying where it pointed to the operator only.
// - two errors at one field the platform answered null: graphql-tools combined them into one, which went
//   out as "Internal server error." without either code; now each passes on as the platform gave it.
// - 100,000 errors in one answer (6.5 MB, far below MAX_ANSWER_BYTES) held this gateway's event loop for
//   13 s, each placed and relocated by graphql-tools; now more than the document could be denied at
//   (src/federation/answer-errors.ts) refuse the answer.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { MIN_ANSWER_ERRORS } from '../src/federation/answer-errors.ts';
import { eq } from '../src/store/port.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { mainThreadCpuMs } from './helpers/loop-hold.ts';
import { levelsCityEntry, startLevelsProvince } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';
const STACK = '\n    at Object.<anonymous> (/srv/city/src/secret.ts:12:5)\n    at Module._compile (node:internal/modules/cjs/loader:1364:14)';

/** What the stand-in city answers to the namespace read now; its schema document is always good. */
let answer: (data: Record<string, unknown>) => { status: number; headers?: Record<string, string>; body: unknown };
/** Whether its schema document is a redirect. */
let schemaRedirects = false;

let work: string;
let city: Server;
let gw: TestGateway;

/** The delegated document's root fields by alias: the namespace's answer is keyed so. */
function rootAliases(query: string): string[] {
  return [...query.matchAll(/^ {2}(\w+): /gm)].map((m) => m[1]);
}

beforeAll(async () => {
  city = createServer((req, res) => {
    if (req.url?.startsWith('/.well-known/govgraph/schema')) {
      if (schemaRedirects) return void res.writeHead(301, { location: 'http://10.9.9.9:4000/.well-known/govgraph/schema', 'content-type': 'application/json' }).end('{}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ region: '610100', name: 'City', version: 'v1', sdl: SDL }));
    }
    let text = '';
    req.on('data', (chunk) => (text += chunk));
    req.on('end', () => {
      const [housing] = rootAliases(JSON.parse(text).query);
      const { status, headers, body } = answer({ __typename: 'Query', [housing]: { __typename: 'Housing', permits: 7 } });
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-answers-'));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(`http://127.0.0.1:${(city.address() as { port: number }).port}`)], { connectedPollMs: 0 }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  city.closeAllConnections();
  city.close();
  rmSync(work, { recursive: true, force: true });
});

const read = () => gw.query('{ city { housing { permits } } }', { dept: '610000-MZ', purpose: 'land-survey' });

describe('a connected platform\'s answer to a namespace read', () => {
  it('an error with a stack, in its extensions or its message: passed on without it', async () => {
    const denied = (data: Record<string, unknown>) => Object.keys(data).find((k) => k !== '__typename' && data[k] !== 'Query')!;
    answer = (data) => ({ status: 200, body: { data: { ...data, [denied(data)]: { __typename: 'Housing', permits: null } }, errors: [
      { message: `Error: boom${STACK}`, path: [denied(data), 'permits'], extensions: { code: 'FORBIDDEN', resource: '610100-ZJ-00001', exception: { stacktrace: ['Error: boom', STACK] }, stacktrace: ['Error: boom'] } },
    ] } });
    const res = await read();
    expect(res.data).toEqual({ city: { housing: { permits: null } } });
    expect(res.errors).toEqual([{ message: 'Error: boom', locations: [{ line: 1, column: 20 }], path: ['city', 'housing', 'permits'], extensions: { code: 'FORBIDDEN', resource: '610100-ZJ-00001' } }]);
  });

  it('two errors at one path: both passed on with their codes, the other fields of the namespace kept', async () => {
    const field = (data: Record<string, unknown>) => Object.keys(data).find((k) => k !== '__typename')!;
    answer = (data) => ({ status: 200, body: { data: { ...data, [field(data)]: null }, errors: [
      { message: 'First refusal.', path: [field(data)], extensions: { code: 'FORBIDDEN', resource: '610100-ZJ-00001' } },
      { message: 'Second refusal.', path: [field(data)], extensions: { code: 'RATE_LIMITED' } },
    ] } });
    const res = await gw.query('{ city { housing { permits } } me { department } }', { dept: '610000-MZ', purpose: 'land-survey' });
    expect(res.data).toEqual({ city: { housing: null }, me: { department: '610000-MZ' } });
    expect(res.errors?.map((e) => [e.message, e.path, e.extensions])).toEqual([
      ['First refusal.', ['city', 'housing'], { code: 'FORBIDDEN', resource: '610100-ZJ-00001' }],
      ['Second refusal.', ['city', 'housing'], { code: 'RATE_LIMITED' }],
    ]);
  });

  it('a refusal of the request with a long message and a stack: cut, without the stack', async () => {
    answer = () => ({ status: 500, body: { errors: [{ message: `${'x'.repeat(100_000)}${STACK}` }] } });
    const res = await read();
    expect(res.data).toEqual({ city: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].extensions).toEqual({ code: 'PLATFORM_UNAVAILABLE', platform: '610100' });
    expect(res.errors![0].message).toBe(`The connected platform Test City Sharing Platform (610100) is unavailable: it refused the request (HTTP 500): ${'x'.repeat(300)}… (100000 characters, cut)`);
  });

  it('a refusal under one of its codes (BAD_USER_INPUT, ...) with a long message and long texts: cut as well', async () => {
    answer = () => ({ status: 400, body: { errors: [{ message: `Unknown purpose ${'y'.repeat(100_000)}${STACK}`, extensions: { code: 'BAD_USER_INPUT', limit: 'z'.repeat(100_000), bound: 7 } }] } });
    const res = await read();
    expect(res.data).toEqual({ city: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].message).toBe(`The connected platform Test City Sharing Platform (610100) refused the request: Unknown purpose ${'y'.repeat(284)}… (100016 characters, cut)`);
    expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', platform: '610100', limit: `${'z'.repeat(300)}… (100000 characters, cut)`, bound: 7 });
  });

  it('more errors than the document could be denied at (at least MIN_ANSWER_ERRORS): refused whole, at once; as many are taken', async () => {
    const errors = (data: Record<string, unknown>, n: number) => {
      const field = Object.keys(data).find((k) => k !== '__typename')!;
      return { status: 200, body: { data: { ...data, [field]: { __typename: 'Housing', permits: null } }, errors: Array.from({ length: n }, (_, i) => ({ message: `Refusal ${i}.`, path: [field, 'permits'], extensions: { code: 'NOT_SHARED' } })) } };
    };
    /** The answer to the city's permits and `me` when the city answers `n` errors, and the main thread's CPU milliseconds it took (null without /proc). */
    const answered = async (n: number) => {
      answer = (data) => errors(data, n);
      const before = mainThreadCpuMs();
      const res = await gw.query('{ city { housing { permits } } me { department } }', { dept: '610000-MZ', purpose: 'land-survey' });
      return { res, cpu: before === null ? null : mainThreadCpuMs()! - before };
    };
    // 100,000 errors (6.5 MB): placed, relocated and combined one by one, they held the event loop for 13 s.
    // Counted as work of this thread (the gateway's, and the stand-in city's, which writes the answer), not
    // timed: against a baseline measured here, MIN_ANSWER_ERRORS errors taken and placed. Refused, the
    // 100,000 cost the city's writing and the gateway's parse of 6.5 MB: about 3 times the baseline
    // (measured 370 ms against 140); placed, 16 s of it, near 70 times. The baseline the best of two rounds.
    const refused = [await answered(100_000)];
    const taken = [await answered(MIN_ANSWER_ERRORS), await answered(MIN_ANSWER_ERRORS)];
    const cpu = (runs: { cpu: number | null }[]) => Math.min(...runs.map((r) => r.cpu!));
    if (refused[0].cpu !== null) expect(cpu(refused) / Math.max(cpu(taken), 10)).toBeLessThan(25);
    for (const { res } of refused) {
      expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
      expect(res.errors).toEqual([expect.objectContaining({
        message: `The connected platform Test City Sharing Platform (610100) is unavailable: it answered with 100000 errors, more than the ${MIN_ANSWER_ERRORS} this gateway takes of a connected platform's answer to this request (a govgraph gateway gives one per denied item and path, not one per record); the answer was not used.`,
        path: ['city'],
        extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610100' },
      })]);
    }
    for (const { res } of taken) expect(res.data).toEqual({ city: { housing: { permits: null } }, me: { department: '610000-MZ' } });
  }, 120_000); // room for the 100,000 placed, so that the work, not the test's time, tells when they are

  it('an error whose path is not a list: placed at the namespace, not spread into one path element per character', async () => {
    // A string counts as one JSON value however long (answer-values.ts): 50 MB of it was a path of 50
    // million elements, 1.4 GB and seconds of this gateway's event loop.
    for (const path of ['x'.repeat(2_000_000), 'notalist', { 0: 'housing' }, ['housing', { a: 1 }]]) {
      answer = () => ({ status: 200, body: { data: null, errors: [{ message: 'Not found.', path, extensions: { code: 'NOT_FOUND' } }] } });
      const res = await gw.query('{ city { housing { permits } } me { department } }', { dept: '610000-MZ', purpose: 'land-survey' });
      expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
      expect(res.errors).toEqual([expect.objectContaining({ message: 'Not found.', path: ['city'], extensions: { code: 'NOT_FOUND' } })]);
    }
  });

  it('a redirect: not followed, its body not taken for an answer; PLATFORM_UNAVAILABLE', async () => {
    answer = (data) => ({ status: 307, headers: { location: 'http://10.9.9.9:4000/graphql' }, body: { data } });
    const res = await read();
    expect(res.data).toEqual({ city: null });
    expect(res.errors).toEqual([expect.objectContaining({
      message: 'The connected platform Test City Sharing Platform (610100) is unavailable: it answered with a redirect (HTTP 307), which this gateway does not follow.',
      extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610100' },
    })]);
  });

  it("its x-govgraph-read-outcome does not hide a denial its answer holds from this log, nor reaches the caller", async () => {
    // The stand-in denies the item (NOT_SHARED, the permits null) and says its entry recorded `allowed`.
    const deniedSaying = (outcome: string) => (data: Record<string, unknown>) => {
      const housing = Object.keys(data).find((k) => k !== '__typename')!;
      return {
        status: 200,
        headers: { 'x-govgraph-read-outcome': outcome },
        body: { data: { ...data, [housing]: { __typename: 'Housing', permits: null } }, errors: [{ message: 'Not shared with you.', path: [housing, 'permits'], extensions: { code: 'NOT_SHARED' } }] },
      };
    };
    // `allowed` says a read there, which a page of no records may be (partial beside the denial); `ok` is no outcome, taken as unsaid.
    for (const [outcome, recorded] of [['allowed', 'partial'], ['ok', 'denied'], ['denied', 'denied']]) {
      answer = deniedSaying(outcome);
      const requestId = `hostile-outcome-${outcome}`;
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('610000-MZ')}`, 'x-purpose': 'land-survey', 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ city { housing { permits } } }' }),
      });
      expect(res.headers.get('x-govgraph-read-outcome'), outcome).toBeNull();
      expect(((await res.json()) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual(['NOT_SHARED']);
      const [entry] = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
      expect(entry, outcome).toMatchObject({ outcome: recorded, detail: expect.stringContaining('denying NOT_SHARED at city.housing.permits') });
    }
  });

  it('its x-govgraph-read-outcome does not hide from this log a value its answer holds', async () => {
    // The stand-in answers the permits (7, no error) and says its entry recorded nothing read there.
    for (const outcome of ['denied', 'refused']) {
      answer = (data) => ({ status: 200, headers: { 'x-govgraph-read-outcome': outcome }, body: { data } });
      const requestId = `hostile-read-${outcome}`;
      const res = await fetch(`${gw.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token('610000-MZ')}`, 'x-purpose': 'land-survey', 'x-request-id': requestId },
        body: JSON.stringify({ query: '{ city { housing { permits } } }' }),
      });
      expect(await res.json()).toEqual({ data: { city: { housing: { permits: 7 } } } });
      const [entry] = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', requestId) });
      expect(entry, outcome).toMatchObject({ outcome: 'partial' });
    }
  });

  it('a redirect of its schema document: said so, with where it points for the operator only', async () => {
    schemaRedirects = true;
    try {
      await gw.gateway.connected.refresh();
      const [status] = gw.gateway.connected.status();
      expect(status).toMatchObject({ reachable: false });
      expect(status.lastError).toMatch(/^http:\/\/127\.0\.0\.1:\d+ answered with a redirect \(HTTP 301\) to http:\/\/10\.9\.9\.9:4000\/\.well-known\/govgraph\/schema, which this gateway does not follow: list the url the platform answers at\.$/);
      expect(gw.gateway.connected.publicStatus()[0].lastError).toBe('it answered with a redirect (HTTP 301), which this gateway does not follow.');
    } finally {
      schemaRedirects = false;
    }
  });
});
