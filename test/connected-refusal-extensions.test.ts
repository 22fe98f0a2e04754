// A connected platform's refusal of a whole request (RATE_LIMITED, QUERY_TOO_COMPLEX, BAD_USER_INPUT)
// reaches the caller with its plain extensions (the limit, retryAfter, ...), as its data errors do
// (SPEC §12: codes passed through unchanged); they carried only the code, so a province's client could
// not tell which of the city's buckets was empty nor when to try again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { startGuizhouPair } from './helpers/guizhou.ts';

let pair: Awaited<ReturnType<typeof startGuizhouPair>>;
let city: TestGateway;
let province: TestGateway;

beforeAll(async () => {
  // The city takes one request a minute from each connected platform.
  pair = await startGuizhouPair('refusal-extensions', {
    city: { rates: true, limits: { rate: { perUser: null, perDepartment: null, perPlatform: { requests: 1, perMs: 60_000 } } } },
  });
  ({ city, province } = pair);
}, 60_000);

afterAll(() => pair?.close());

describe("a connected platform's refusal of the whole request", () => {
  it('passes on its plain extensions, not its HTTP status', async () => {
    const read = () => province.query('{ guiyang { gyHousing { subsidisedHomes { totalCount } } } }', { dept: '520102-XCZX', purpose: 'poverty-relief' });
    expect((await read()).data).toEqual({ guiyang: { gyHousing: { subsidisedHomes: { totalCount: 0 } } } });
    const refused = await read();
    expect(refused.status).toBe(200);
    expect(refused.data).toEqual({ guiyang: null });
    const [error] = refused.errors!;
    expect(error.message).toMatch(/^The connected platform 贵阳市数据共享平台 \(520100\) refused the request: The connected platform of region 520000 has forwarded more than 1 request per 60 s \(limits\.rate\.perPlatform\)\. Try again after /);
    expect(error.extensions).toEqual({ code: 'RATE_LIMITED', platform: '520100', limit: 'perPlatform', retryAfter: expect.any(Number), resetsAt: expect.any(String) });
  });
});
