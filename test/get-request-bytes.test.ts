// limits.maxRequestBytes (SPEC §13) holds for a GET's parameters as for a POST's body: a platform that sets
// it below node's 16 KiB of headers had it held for POST only (found by the §13 walk). A platform of its
// own (test/fixtures/sichuan), its limit 2,000 bytes.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const PLATFORM = join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan/platform.yaml');
const LIMIT = 2000;

describe('a GET over maxRequestBytes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, limits: { maxRequestBytes: LIMIT } });
  }, 60_000);
  afterAll(() => gw?.close());

  /** A GET whose decoded parameters (`query` and its text, `variables` and its JSON) come to `bytes`. */
  async function get(bytes: number, token?: string) {
    const variables = JSON.stringify({ note: '' });
    const text = '{ me { user } } #';
    const pad = bytes - 'query'.length - text.length - 'variables'.length - variables.length;
    // Two-byte characters in the comment: the bound is on bytes, as a POST's body is.
    const comment = 'é'.repeat(Math.floor(pad / 2)) + 'x'.repeat(pad % 2);
    const url = new URL(`${gw.gateway.url}/graphql`);
    url.searchParams.set('query', text + comment);
    url.searchParams.set('variables', variables);
    const res = await fetch(url, { headers: { authorization: `Bearer ${token ?? (await gw.token('510000-GA', [], 'zhou'))}`, 'apollo-require-preflight': 'true', 'x-purpose': 'tax-audit' } });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] } };
  }

  it('is answered at the limit, and refused one byte over it with a JSON 414 naming the limit, before GraphQL sees it', async () => {
    const entries = (await gw.store.find(AUDIT_COLLECTION, {})).length;
    const at = await get(LIMIT);
    expect(at.status).toBe(200);
    expect(at.body.data).toEqual({ me: { user: 'zhou' } });
    const over = await get(LIMIT + 1);
    expect(over.status).toBe(414);
    expect(over.body).toEqual({ errors: [{ message: `The request's parameters are larger than the limit of ${LIMIT} bytes (limits.maxRequestBytes).`, extensions: { code: 'BAD_REQUEST' } }] });
    // As a body over the limit: no audit entry (one for the request at the limit only).
    expect((await gw.store.find(AUDIT_COLLECTION, {})).length).toBeLessThanOrEqual(entries + 1);
    // Without a good token, the token's refusal first, as for a POST.
    expect((await get(LIMIT + 1, 'not-a-token')).status).toBe(401);
  });
});
