// A request takes a rate token per 64 KiB of what it sends, its variables as well as its document
// (src/limits/rates.ts, requestTokens; found by the limits' leftovers, h139): counted by the document's
// text alone, a request of a one-line query and 1 MB of variables (read, parsed as JSON, coerced, their
// long numbers looked for) took one token, however many a department sent. Counted by the body's bytes
// as received, which the /graphql route knows without serialising anything again. Over HTTP, on Xining's
// platform (test/fixtures/xining-limits).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_BYTES_PER_TOKEN } from '../src/limits/rates.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = fileURLToPath(new URL('./fixtures/xining-limits/platform.yaml', import.meta.url));
const FARMING = '630100-NM';
/** A user's bucket: 20 tokens per 10 minutes (under 40: every request is a store step, none leased). */
const PER_USER = 20;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: PLATFORM,
    rates: true,
    limits: { rate: { perUser: { requests: PER_USER, perMs: 600_000 }, perDepartment: null, perPlatform: null } },
  });
});
afterAll(() => gw?.close());

/** Posts `body` as it is, as `user` of Xining's farming bureau. */
async function post(user: string, body: string) {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(FARMING, [], user)}` },
    body,
  });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code?: string } }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message, data: json.data };
}

const LOOKUP = 'query($id: ID!) { catalogue(id: $id) { id } }';
/** A value of `units` × 64 KiB: with the rest of its body, a request of units + 1 tokens. */
const filler = (units: number) => 'x'.repeat(units * REQUEST_BYTES_PER_TOKEN);
const counting = (tokens: number) =>
  new RegExp(`^User \\S+ of ${FARMING} has sent more than ${PER_USER} requests per 600 s \\(limits\\.rate\\.perUser\\), this request counting as ${tokens} \\(one per 64 KiB of what it sends, document and variables, at most the whole bucket\\)\\.`);

describe('variables take rate tokens by their size', () => {
  it('a variable the document uses: 640 KiB take 11 tokens, and the second such request does not fit', async () => {
    const body = JSON.stringify({ query: LOOKUP, variables: { id: filler(10) } });
    expect(await post('clerk', JSON.stringify({ query: LOOKUP, variables: { id: 'XN-01' } }))).toMatchObject({ status: 200, data: { catalogue: null } });
    // 1 + 11 of 20.
    expect(await post('clerk', body)).toMatchObject({ status: 200, data: { catalogue: null } });
    const second = await post('clerk', body);
    expect(second).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(second.message).toMatch(counting(11));
    // A small request still takes one: 13 of 20.
    expect(await post('clerk', JSON.stringify({ query: LOOKUP, variables: { id: 'XN-02' } }))).toMatchObject({ status: 200, data: { catalogue: null } });
  });

  it('variables no operation declares count too: graphql leaves them unread, the gateway read and parsed them', async () => {
    const body = JSON.stringify({ query: '{ catalogue(id: "XN-03") { id } }', variables: { unused: filler(15) } });
    // 16 of 20: answered; 16 more do not fit.
    expect(await post('statistician', body)).toMatchObject({ status: 200, data: { catalogue: null } });
    const second = await post('statistician', body);
    expect(second).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(second.message).toMatch(counting(16));
  });

  it('a body that is not JSON takes its tokens by its size too', async () => {
    const notJson = `{"query": "{ catalogue(id: \\"XN-04\\") { id } }", "variables": {"v": "${filler(10)}"`; // cut short
    expect(await post('typist', notJson)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    expect(await post('typist', notJson)).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });

  it('a request of ordinary size takes one token: a user sends its whole bucket of them', async () => {
    for (let i = 0; i < PER_USER; i++) {
      expect(await post('surveyor', JSON.stringify({ query: LOOKUP, variables: { id: `XN-${i}` } })), `request ${i + 1}`).toMatchObject({ status: 200 });
    }
    expect(await post('surveyor', JSON.stringify({ query: LOOKUP, variables: { id: 'XN-last' } }))).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
  });
});
