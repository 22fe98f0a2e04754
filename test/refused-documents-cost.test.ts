// A request takes a rate token per 64 KiB of what it sends (src/limits/rates.ts, requestTokens): here its document's text,
// before the document is read: a rate counted requests, so one department's large documents that the
// limits refuse (QUERY_TOO_COMPLEX, each 10-30 ms of reading, parsing and validating on the event loop)
// could fill the whole burst its buckets allow, and another department's lookups waited behind them
// (bench/refused-burst.ts). And a document over maxTokens has its tokens counted for its message up to
// twice the bound, not all of them. On Dalian's platform (test/fixtures/dalian-burst).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countTokens } from '../src/limits/tokens.ts';
import { REQUEST_BYTES_PER_TOKEN } from '../src/limits/rates.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { startTestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/dalian-burst';
const PORT = '210200-GKJ';
const HEALTH = '210200-WJW';
const LOOKUP = '{ dlLand { landParcel(parcelNo: "P000001") { parcelNo } } }';

/** 31 aliases (over maxAliases) after a comment: a document of just over `units` × 64 KiB, so `units + 1` tokens. */
const largeRefused = (units: number) => {
  const query = `{ dlLand { ${Array.from({ length: 31 }, (_, i) => `a${i}: landParcel(parcelNo: "P${i}") { parcelNo }`).join(' ')} } }`;
  return `# ${'x'.repeat(units * REQUEST_BYTES_PER_TOKEN)}\n${query}`;
};

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: `${FIXTURE}/platform.yaml`,
    catalogueFiles: [`${FIXTURE}/catalogue.yaml`],
    rates: true,
    limits: { rate: { perDepartment: { requests: 40, perMs: 60_000 }, perUser: { requests: 5, perMs: 60_000 }, perPlatform: null } },
  });
});
afterAll(() => gw?.close());

async function send(dept: string, user: string, query: string) {
  const res = await fetch(`${gw.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await gw.token(dept, [], user)}` },
    body: JSON.stringify({ query }),
  });
  const json = (await res.json()) as { data?: unknown; errors?: { message: string; extensions: { code?: string } }[] };
  return { status: res.status, code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message, retryAfter: res.headers.get('retry-after'), data: json.data };
}

describe('large documents take rate tokens by their size', () => {
  it("a department's large refused documents empty its bucket by their size, and the next is refused unread", async () => {
    const large = largeRefused(10); // 11 tokens of the department's 40; 5 of a user's 5 (at most a bucket's capacity)
    for (let i = 0; i < 3; i++) expect(await send(PORT, `clerk-${i}`, large)).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    // 33 of 40 taken: the fourth does not fit, and is refused before it is parsed.
    const fourth = await send(PORT, 'clerk-3', large);
    expect(fourth).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(fourth.message).toMatch(/Department 210200-GKJ has sent more than 40 requests per 60 s \(limits\.rate\.perDepartment\), this request counting as 11 \(one per 64 KiB of what it sends, document and variables, at most the whole bucket\)\./);
    // Until 4 tokens more have drained (60 s / 40 each).
    expect(Number(fourth.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(fourth.retryAfter)).toBeLessThanOrEqual(6);
    // A small document still takes one token: the department's lookups go on, and another department's are untouched.
    expect((await send(PORT, 'clerk-4', LOOKUP)).data).toEqual({ dlLand: { landParcel: null } });
    expect((await send(HEALTH, 'nurse', LOOKUP)).data).toEqual({ dlLand: { landParcel: null } });
  });

  it("a document larger than a bucket takes the bucket whole: once, not never", async () => {
    // The user's bucket holds 5 tokens; a document of 11 takes all 5 (the department's 40 are another's).
    expect(await send(HEALTH, 'doctor', largeRefused(10))).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    const again = await send(HEALTH, 'doctor', largeRefused(10));
    expect(again).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(again.message).toMatch(/User doctor of 210200-WJW has sent more than 5 requests per 60 s \(limits\.rate\.perUser\), this request counting as 5 \(/);
  });

  it('a document over maxTokens has its tokens counted up to twice the bound, not to its end', async () => {
    const many = `{ ${'a '.repeat(100_000)}}`;
    expect(countTokens(many, 8000)).toBe(8001);
    expect(countTokens(many)).toBe(100_002);
    const refused = await send(HEALTH, 'counter', many);
    expect(refused).toMatchObject({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    expect(refused.message).toBe('The document is too complex: its number of lexical tokens is more than 8000, over the limit maxTokens = 4000. Split it into smaller requests.');
  });
});
