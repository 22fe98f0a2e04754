// Rate leases (src/limits/rates.ts): an instance takes a bucket's tokens from the store a few at a time.
// Two store handles on one data folder stand for two instances (each has its own leases); the clock is
// the caller's, so lapses are tested without waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALONE_RETRY_MS, leaseSize, takeRequest, watchRateMeter, RATE_BUCKETS, type RateMeterEvent } from '../src/limits/rates.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';

/** A store handle that counts its meter steps. */
function counted(store: Store): Store & { steps: number } {
  const out = Object.create(store) as Store & { steps: number };
  out.steps = 0;
  out.meter = (collection, step) => {
    out.steps++;
    return store.meter(collection, step);
  };
  return out;
}

describe('rate leases', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-leases-'));
  let a: Store & { steps: number };
  let b: Store & { steps: number };
  beforeAll(async () => {
    a = counted(await openSqliteStore(dir));
    b = counted(await openSqliteStore(dir));
  });
  afterAll(async () => {
    await Object.getPrototypeOf(a).close();
    await Object.getPrototypeOf(b).close();
    rmSync(dir, { recursive: true, force: true });
  });

  const T0 = Date.parse('2026-12-02T10:00:00Z');
  const perUser = { requests: 410, perMs: 60_000 };
  const rate = { perUser, perDepartment: null };

  it('two instances together admit exactly the bucket, at one store step per lease, and the edge one token at a time', async () => {
    expect(leaseSize(perUser)).toBe(20);
    let admitted = 0;
    let refused = 0;
    for (let i = 0; i < 500; i++) {
      const answer = await takeRequest(i % 2 ? b : a, rate, { dept: 'D1', user: 'u1' }, T0);
      if (answer === null) admitted++;
      else {
        refused++;
        expect(answer.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser' });
      }
    }
    expect(admitted).toBe(410);
    expect(refused).toBe(90);
    // 20 leases of 20, then the last 10 one at a time (each after its refused lease), then refusals.
    expect(a.steps + b.steps).toBeLessThan(20 + 2 * 10 + 2 * 90 + 1);
    expect(a.steps + b.steps).toBeGreaterThanOrEqual(20 + 10);
  });

  it('a lease lapses after min(per / 20, 1 s): its tokens are not served later', async () => {
    const user = { dept: 'D1', user: 'u2' };
    const before = a.steps;
    expect(await takeRequest(a, rate, user, T0)).toBeNull(); // a lease of 20, 19 held
    for (let i = 0; i < 19; i++) expect(await takeRequest(a, rate, user, T0 + 999)).toBeNull();
    expect(a.steps - before).toBe(1);
    // Held tokens unused at the lapse are not served: the next request goes to the store again.
    expect(await takeRequest(a, rate, user, T0 + 999)).toBeNull();
    expect(a.steps - before).toBe(2);
    // The lease of T0 + 999 lapsed with 19 unused: a step gives them back to the store, one takes a new lease.
    expect(await takeRequest(a, rate, user, T0 + 2000)).toBeNull();
    expect(a.steps - before).toBe(4);
  });

  it("a department's refusal gives the user's token back to the lease it came from", async () => {
    const both = { perUser, perDepartment: { requests: 1, perMs: 60_000 } };
    const user = { dept: 'D2', user: 'u3' };
    expect(await takeRequest(a, both, user, T0)).toBeNull();
    const refusal = await takeRequest(a, both, user, T0 + 1);
    expect(refusal?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perDepartment' });
    // The user's bucket in the store: one lease of 20, nothing given back there; the lease holds 19 again.
    const rows = await a.find(RATE_BUCKETS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: 'user|D2|u3' } });
    expect(rows[0]?.level).toBeCloseTo(20, 0);
  });

  it('while the store cannot be written, an instance counts alone from the level it last read, then pays what it served into the store', async () => {
    let locked = false;
    const c: Store = Object.create(a);
    c.meter = (collection, step, options) => (locked ? Promise.reject(new StoreUnavailableError('locked')) : a.meter(collection, step, options));
    const events: RateMeterEvent[] = [];
    watchRateMeter(c, (e) => events.push(e));
    const small = { perUser: { requests: 10, perMs: 600_000 }, perDepartment: null }; // a lease of 1
    const user = { dept: 'D3', user: 'u4' };
    const level = async () => Number((await a.find(RATE_BUCKETS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: 'user|D3|u4' } }))[0]?.level);
    for (let i = 0; i < 3; i++) expect(await takeRequest(c, small, user, T0)).toBeNull();
    locked = true;
    const answers = [];
    for (let i = 0; i < 9; i++) answers.push(await takeRequest(c, small, user, T0 + 10));
    // 7 more (10 - 3), then refused by the count kept here; a user never seen is counted from empty.
    expect(answers.map((r) => r?.extensions.code ?? null)).toEqual([...Array(7).fill(null), 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(events).toEqual([{ alone: true, reason: 'locked' }]);
    expect(await takeRequest(c, small, { dept: 'D3', user: 'u5' }, T0 + 10)).toBeNull();
    // Within ALONE_RETRY_MS nothing asks the store; after it, a request starts paying (and fails: still locked).
    expect(await takeRequest(c, small, { dept: 'D3', user: 'u5' }, T0 + ALONE_RETRY_MS + 20)).toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toHaveLength(1);
    locked = false;
    expect(await level()).toBeCloseTo(3, 1);
    // The store answers again: the next request after the pause pays the 7 served, then the store counts.
    expect((await takeRequest(c, small, user, T0 + 2 * ALONE_RETRY_MS + 40))?.extensions.code).toBe('RATE_LIMITED');
    await expect.poll(() => events.length).toBe(2);
    expect(events[1]).toEqual({ alone: false, paid: 9 });
    expect(await level()).toBeCloseTo(10, 1);
    expect((await takeRequest(c, small, user, T0 + 2 * ALONE_RETRY_MS + 50))?.extensions.code).toBe('RATE_LIMITED');
  });
});
