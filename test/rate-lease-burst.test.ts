// A burst of concurrent requests of one user on one instance (src/limits/rates.ts): those that find the
// lease empty at the same moment wait for the one lease step under way instead of each taking a lease of
// its own. Each took one: 20 leases of 15 filled a bucket of 300, the other requests of the burst were
// refused though the instance held 280 unused tokens, which then lapsed (found by the load walk: 50
// concurrent queries of one user, 100 served in 5 s under perUser 300 per 60 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaseSize, takeRequest, watchRateMeter, RATE_BUCKETS, type RateMeterEvent } from '../src/limits/rates.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { StoreUnavailableError, type Store } from '../src/store/port.ts';

describe('a burst of concurrent requests on one instance', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-lease-burst-'));
  let store: Store;
  let steps = 0;
  beforeAll(async () => {
    const opened = await openSqliteStore(dir);
    store = Object.create(opened) as Store;
    store.meter = (collection, step, options) => {
      steps++;
      return opened.meter(collection, step, options);
    };
    store.close = () => opened.close();
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const T0 = Date.parse('2026-12-05T10:00:00Z');
  const perUser = { requests: 300, perMs: 60_000 };
  const perDepartment = { requests: 1200, perMs: 60_000 };

  it('is admitted within the bucket, from shared leases, and the bucket is counted with what was served', async () => {
    expect(leaseSize(perUser)).toBe(15);
    const who = { dept: '610000-MZT', user: 'burst' };
    const answers = await Promise.all(Array.from({ length: 50 }, () => takeRequest(store, { perUser, perDepartment }, who, T0)));
    expect(answers.filter((a) => a !== null)).toEqual([]);
    // 50 requests: 4 leases of 15 from each bucket (60 of 300, and 60 of 1200), not one per request.
    expect(steps).toBeLessThanOrEqual(8);
    const level = async (key: string) => {
      const rows = await store.find(RATE_BUCKETS, { filter: { kind: 'compare', field: 'key', op: 'eq', value: key } });
      return rows[0]?.level;
    };
    expect(await level('user|610000-MZT|burst')).toBe(60);
    // The rest of the bucket is served too: 300 in all within the lease's second.
    const more = await Promise.all(Array.from({ length: 250 }, () => takeRequest(store, { perUser, perDepartment }, who, T0 + 500)));
    expect(more.filter((a) => a !== null)).toEqual([]);
    // Past it only what drained in the half second (2.5 tokens), then refusals.
    const over = [];
    for (let i = 0; i < 10; i++) over.push(await takeRequest(store, { perUser, perDepartment }, who, T0 + 500));
    expect(over.filter((a) => a === null).length).toBeLessThanOrEqual(2);
    expect(over.at(-1)?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'perUser' });
  });

  it('waits for a lease step the store fails, then counts alone without a step of its own', async () => {
    let failed = 0;
    const locked = Object.create(store) as Store;
    locked.meter = () => {
      failed++;
      return new Promise((_, reject) => setTimeout(() => reject(new StoreUnavailableError('locked')), 50));
    };
    const events: RateMeterEvent[] = [];
    const unwatch = watchRateMeter(locked, (e) => events.push(e));
    const who = { dept: '610000-RST', user: 'burst' };
    const answers = await Promise.all(Array.from({ length: 20 }, () => takeRequest(locked, { perUser, perDepartment: null }, who, T0)));
    unwatch();
    expect(answers.filter((a) => a !== null)).toEqual([]);
    expect(failed).toBe(1);
    expect(events).toEqual([{ alone: true, reason: 'locked' }]);
  });
});

