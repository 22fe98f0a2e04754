// The tokens left of a lapsed rate lease go back to the store (src/limits/rates.ts). Dropped, they stayed
// counted as served: a department sending from three instances, each request finding its instance's lease
// lapsed, had 20 tokens counted per request (its bucket of 410 a minute near full after 60 requests), and
// bursts spread over the instances were refused early (three `govgraph serve` on one folder: 1,090 served
// of the 1,200 + 20/s a burst of 9 s was owed). Three
// store handles on one data folder stand for three instances; the clock is the caller's, so no waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { leaseSize, takeRequest, RATE_BUCKETS } from '../src/limits/rates.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-lapsed-'));
let instances: Store[] = [];
beforeAll(async () => {
  instances = [await openSqliteStore(dir), await openSqliteStore(dir), await openSqliteStore(dir)];
});
afterAll(async () => {
  for (const s of instances) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.parse('2026-12-06T09:00:00Z');
const perDepartment = { requests: 410, perMs: 60_000 };
const rate = { perUser: null, perDepartment };

it('a department sending one request a second over three instances is counted in the store for what it sent, not a lease of 20 a request', async () => {
  expect(leaseSize(perDepartment)).toBe(20);
  const refusals: number[] = [];
  // 90 requests in 90 s (a bucket of 410 a minute): each finds its instance's lease of 2 s before lapsed.
  for (let i = 0; i < 90; i++) {
    const answer = await takeRequest(instances[i % 3]!, rate, { dept: '460100-MZJ', user: `u${i % 3}` }, T0 + i * 1000);
    if (answer !== null) refusals.push(i);
  }
  expect(refusals).toEqual([]);
  // What the store counts: the last three leases (one a instance), their unused tokens not yet given back.
  const [row] = await instances[0]!.find(RATE_BUCKETS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: 'dept|460100-MZJ' } });
  expect(Number(row?.level)).toBeLessThanOrEqual(3 * 20);
});

it('the tokens given back are the unused ones only: a bucket served to its edge refuses the next request', async () => {
  const dept = { dept: '460200-MZJ', user: 'u' };
  let admitted = 0;
  // Bursts of 50 requests on each instance in turn, each burst 1.5 s after the last (the leases lapse between).
  for (let burst = 0; burst < 12; burst++) {
    for (let i = 0; i < 50; i++) if ((await takeRequest(instances[burst % 3]!, rate, dept, T0 + burst * 1500)) === null) admitted++;
  }
  // 410 at once, plus what drained in the 16.5 s of the bursts (410 / 60 s); not more.
  expect(admitted).toBeLessThanOrEqual(410 + Math.ceil(16.5 * 410 / 60));
  expect(admitted).toBeGreaterThanOrEqual(410 + Math.floor(16.5 * 410 / 60) - 3 * 19);
});
