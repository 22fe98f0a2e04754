// A body refused while it is read takes its rate tokens by what was read of it (src/server/http/body.ts,
// BodyError.bytesRead; graphql-route.ts), one per 64 KiB as a body read whole does. It took one: a chunked
// body (no Content-Length) of 900 KiB against maxRequestBytes 512 KiB was read up to the limit, 8 tokens'
// worth, for one token, and so was one that stalled after 300 KiB (5 tokens' worth). Over real HTTP, on
// Wenzhou's platform (test/fixtures/wenzhou-keys).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_BYTES_PER_TOKEN } from '../src/limits/rates.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { rawRequest } from './helpers/raw-request.ts';

const PLATFORM = fileURLToPath(new URL('./fixtures/wenzhou-keys/platform.yaml', import.meta.url));
const POLICE = '330300-GAJ';
const KIB = 1024;
/** A user's bucket: 10 tokens per 10 minutes (under 40: every request is a store step, none leased). */
const PER_USER = 10;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: PLATFORM,
    rates: true,
    limits: { maxRequestBytes: 512 * KIB, rate: { perUser: { requests: PER_USER, perMs: 600_000 }, perDepartment: null, perPlatform: null } },
    gateway: { server: { clientIdleMs: 1000 } },
  });
});
afterAll(() => gw?.close());

/** `kib` KiB of a JSON body, in chunks of 64 KiB (the last shorter), sent with Transfer-Encoding: chunked. */
function chunks(kib: number): Buffer[] {
  const body = Buffer.from(JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(kib * KIB - 40) } }));
  return Array.from({ length: Math.ceil(body.length / REQUEST_BYTES_PER_TOKEN) }, (_, i) => body.subarray(i * REQUEST_BYTES_PER_TOKEN, (i + 1) * REQUEST_BYTES_PER_TOKEN));
}

async function post(user: string, opts: { body: string | Buffer[]; stall?: boolean }) {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(POLICE, [], user)}` };
  if (Array.isArray(opts.body)) headers['transfer-encoding'] = 'chunked';
  const a = await rawRequest(`${gw.gateway.url}/graphql`, { method: 'POST', headers, body: opts.body, stall: opts.stall });
  const json = JSON.parse(a.text) as { data?: unknown; errors?: { message: string; extensions: { code?: string } }[] };
  return { status: a.status, code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message, data: json.data };
}

const small = JSON.stringify({ query: '{ __typename }' });
const counting = (tokens: number) =>
  new RegExp(`^User \\S+ of ${POLICE} has sent more than ${PER_USER} requests per 600 s \\(limits\\.rate\\.perUser\\), this request counting as ${tokens} \\(one per 64 KiB`);

describe('a body refused while it is read takes its tokens by the bytes read', () => {
  it('chunked past maxRequestBytes: 900 KiB against 512 KiB takes 8 tokens', async () => {
    expect(await post('clerk', { body: chunks(900) })).toMatchObject({ status: 413, code: 'BAD_REQUEST' });
    // 8 of 10 taken: a second such body does not fit, and its refusal counts it as 8.
    const second = await post('clerk', { body: chunks(900) });
    expect(second).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(second.message).toMatch(counting(8));
    // The refused one took nothing: the two tokens left serve two small requests, and no third.
    for (let i = 0; i < 2; i++) expect(await post('clerk', { body: small }), `small request ${i + 1}`).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    expect(await post('clerk', { body: small })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('stalled after 320 KiB: 408, and 5 tokens', async () => {
    expect(await post('typist', { body: chunks(900).slice(0, 5), stall: true })).toMatchObject({ status: 408, code: 'BAD_REQUEST' });
    // 5 of 10 taken: five small requests are served, the sixth is not.
    for (let i = 0; i < 5; i++) expect(await post('typist', { body: small }), `small request ${i + 1}`).toMatchObject({ status: 200 });
    expect(await post('typist', { body: small })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('refused by its Content-Length, unread: one token', async () => {
    expect(await post('surveyor', { body: JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(900 * KIB) } }) })).toMatchObject({ status: 413 });
    for (let i = 0; i < PER_USER - 1; i++) expect(await post('surveyor', { body: small }), `small request ${i + 1}`).toMatchObject({ status: 200 });
    expect(await post('surveyor', { body: small })).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });
});
