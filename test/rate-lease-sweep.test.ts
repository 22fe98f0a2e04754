// A bucket whose lease step is under way is not swept (src/limits/rates.ts): the sweep that keeps an
// instance's buckets few (past 10,000 of them, those lapsed or empty) took the bucket of a burst whose
// first request was still waiting for its lease from the store. The lease then went to the swept bucket,
// its tokens counted in the store and never used; the burst's other requests found a new, empty bucket,
// and took a lease of their own. On a store of its own making: a meter that answers every step, slowly
// for the burst's user, counting what each key took.
import { describe, expect, it } from 'vitest';
import { leaseSize, takeRequest } from '../src/limits/rates.ts';
import type { Store } from '../src/store/port.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("an instance's buckets swept during a lease step", () => {
  it("keep the bucket being leased: a burst of 20 takes two leases of 15 from the store, not three", async () => {
    const leased = new Map<string, number>();
    const store = {
      async meter(_collection: string, step: { key: string; amount: number }) {
        leased.set(step.key, (leased.get(step.key) ?? 0) + step.amount);
        if (step.key.endsWith('|burst')) await sleep(30);
        return { taken: true, level: leased.get(step.key)! };
      },
    } as unknown as Store;
    const perUser = { requests: 300, perMs: 60_000 };
    const rate = { perUser, perDepartment: null, perPlatform: null };
    expect(leaseSize(perUser)).toBe(15);
    const T0 = Date.parse('2026-12-05T10:00:00Z');
    // 10,000 users' buckets, their leases lapsed by T1: the next bucket made is the one past the sweep's size.
    for (let i = 0; i < 10_000; i++) await takeRequest(store, rate, { dept: '620000-TJ', user: `u${i}` }, T0);
    const T1 = T0 + 10_000;
    const burst = await Promise.all(Array.from({ length: 20 }, () => takeRequest(store, rate, { dept: '620000-TJ', user: 'burst' }, T1)));
    expect(burst.filter((a) => a !== null)).toEqual([]);
    expect(leased.get('user|620000-TJ|burst')).toBe(30);
  });
});
