// The supervisors' `usage` field (SPEC §10, §14) stopped by its time limit (limits.timeoutMs, SPEC §13).
// The figures are a scan of the audit log, a page of 500 entries at a time, in one resolver call. The
// time limit answered QUERY_TOO_COMPLEX ("stopped after ... ms"), but the resolver had taken the store
// once, so the scan went on reading page after page to its end: on a log of a few hundred thousand
// entries it held the event loop for two more minutes, and a SIGTERM drain waited for it until the
// process was killed at shutdownTimeoutMs. Once the request is cancelled, the scan reads no more pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { expectNoPageAfterLimit, startQualityWithReads } from './helpers/slow-audit-pages.ts';

const TIMEOUT_MS = 400;
const PAGE_MS = 150;
const PAGES = 20;

let gw: TestGateway;
let pages: { read: number; slow: boolean };
beforeAll(async () => {
  ({ gw, pages } = await startQualityWithReads({ timeoutMs: TIMEOUT_MS, pageMs: PAGE_MS, pages: PAGES, slow: true }));
}, 60_000);
afterAll(() => gw?.close());

describe('a usage report stopped by its time limit', () => {
  it('reads no more pages of the audit log once the limit has answered', async () => {
    const year = new Date().getFullYear();
    const res = await gw.query(`{ usage(from: "${year - 1}-01-01", to: "${year + 1}-12-31") { resources { resource requests } } }`,
      { dept: '370000-DSJ', roles: ['supervisor'] });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    await expectNoPageAfterLimit(pages, PAGE_MS, PAGES);
  }, 30_000);
});
