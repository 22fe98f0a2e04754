// A rate lowered in the platform file (limits.rate) while a bucket's level, in the store, was counted under
// the old one: 5000 requests per 60 s lowered to 5 left a level of thousands draining at 5 a minute, so the
// department was refused for hours (Retry-After 1,120 s seen by the limits walk) though its new bucket is
// 60 s long. A level owes at most one full bucket of the current capacity: Retry-After is at most `per`,
// and a request is served again within it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { bucketKey, takeRequest } from '../src/limits/rates.ts';
import type { Store } from '../src/store/port.ts';

const PER_MS = 60_000;
const who = { dept: '520000-LYJ', user: 'wu' };
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-rate-lowered-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterAll(async () => {
  await store?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const retryAfterOf = (r: unknown) => (r as { extensions: { retryAfter: number } }).extensions.retryAfter;

describe('a rate lowered under a full bucket', () => {
  it('Retry-After is at most the new per, and the department is served again within it', async () => {
    const old = { perUser: null, perDepartment: { requests: 5000, perMs: PER_MS } };
    const t0 = Date.UTC(2026, 11, 5, 8);
    // 4,000 requests of the department within a second under the old rate (leases of 100).
    for (let i = 0; i < 4000; i++) expect(await takeRequest(store, old, who, t0 + i / 4)).toBeNull();
    const lowered = { perUser: null, perDepartment: { requests: 5, perMs: PER_MS } };
    const refused = await takeRequest(store, lowered, who, t0 + 2000);
    expect(refused).not.toBeNull();
    expect(retryAfterOf(refused)).toBeLessThanOrEqual(PER_MS / 1000);
    // Refused again and again meanwhile, as a client retrying would be: the debt does not grow back.
    for (let t = t0 + 3000; t < t0 + 2000 + PER_MS; t += 5000) expect(retryAfterOf(await takeRequest(store, lowered, who, t))).toBeLessThanOrEqual(PER_MS / 1000);
    // Served once Retry-After has passed.
    expect(await takeRequest(store, lowered, who, t0 + 2000 + retryAfterOf(refused) * 1000)).toBeNull();
    expect(bucketKey('perDepartment', who)).toBe(`dept|${who.dept}`);
  });
});
