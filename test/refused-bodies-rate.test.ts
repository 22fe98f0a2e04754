// SPEC §13: every request of a known department takes its rate token, those refused before Apollo sees
// them included (a body that is not UTF-8 or JSON, too large or compressed; a persisted query whose hash
// is not its text's). They took none (found by the §13 walk): one user sending megabyte bodies that were
// not JSON, as fast as the gateway answered, was never refused, and another department's p50 went from
// 1 ms to 3.9 s. Now such a stream meets the rate: RATE_LIMITED (429, Retry-After) once the bucket is
// empty, with its audit entry as every rate refusal has. On a platform of the tests' own (Sichuan).
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { eq } from '../src/store/port.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { startSichuanGateway } from './helpers/sichuan.ts';

const POLICE = '510000-GA';
const HEALTH = '510000-WJW';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startSichuanGateway({
    rates: true,
    limits: { maxRequestBytes: 4096, rate: { perUser: { requests: 3, perMs: 60_000 }, perDepartment: null, perPlatform: null } },
  });
});
afterAll(() => gw?.close());

let n = 0;
async function post(user: string, body: string | Buffer, headers: Record<string, string> = {}, dept = POLICE) {
  const requestId = `refused-body-${++n}`;
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(dept, [], user)}`, 'x-request-id': requestId, ...headers },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: Record<string, unknown> }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message, data: json.data, requestId };
}

describe('requests refused before Apollo take their rate token', () => {
  it('bodies that are not JSON meet the rate, and so does the user\'s next query', async () => {
    const notJson = '{"query":"{ __typename }", "x": [1, 2,';
    for (let i = 0; i < 3; i++) expect(await post('flooder', notJson)).toMatchObject({ status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON.' });
    const over = await post('flooder', notJson);
    expect(over).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(over.message).toMatch(/more than 3 requests per 60 s \(limits\.rate\.perUser\)/);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(Number(over.retryAfter)).toBeLessThanOrEqual(20);
    // The bucket is the user's, whatever its requests were.
    expect(await post('flooder', JSON.stringify({ query: '{ __typename }' }))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    // The rate refusal has its audit entry, as every first refusal of a bucket has.
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', over.requestId) })).map(fromRow);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ kind: 'read', outcome: 'refused', department: POLICE, user: 'flooder' });
    expect(entries[0].detail).toMatch(/^RATE_LIMITED: /);
    // Another department's user is served.
    expect(await post('nurse', JSON.stringify({ query: '{ __typename }' }), {}, HEALTH)).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });

  it('so do bodies too large, compressed, and persisted queries whose hash is not their text\'s', async () => {
    const query = '{ __typename }';
    const wrongHash = JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } });
    expect(await post('mixed', JSON.stringify({ query: `${query}${' '.repeat(5000)}` }))).toMatchObject({ status: 413, code: 'BAD_REQUEST' });
    expect(await post('mixed', gzipSync(JSON.stringify({ query })), { 'content-encoding': 'gzip' })).toMatchObject({ status: 415, code: 'BAD_REQUEST' });
    expect(await post('mixed', wrongHash)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await post('mixed', wrongHash)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const sha = createHash('sha256').update(query).digest('hex');
    expect(await post('mixed', JSON.stringify({ query, extensions: { persistedQuery: { version: 1, sha256Hash: sha } } }))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });
});
