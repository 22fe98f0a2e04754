// Request rates (SPEC §13): a token bucket per department and one per user, kept in the store with the
// store's atomic meter (Store.meter), so that they hold across every instance on one store.
//
// A bucket of `requests` per `per` is a meter whose level counts the tokens in use: capacity `requests`,
// draining `requests / per` a millisecond. A request takes one token from the user's bucket, then one from
// the department's; when the department's is empty the user's token is given back. A refused request takes
// nothing. Rows expire `per` after their last step (by then the bucket is full again).
//
// Leases: a store step per bucket and request is a write transaction per bucket and request (a third of
// a lookup's throughput). So an instance takes tokens from the store a few at a time: a lease of L = 5% of
// the bucket (at least 1, at most 100), which it hands out to its own requests for at most V = min(per / 20,
// 1 s) after the step that took them; what is left then lapses. Every token served was counted in the store
// at most V before, so across all instances a bucket admits no more than it would over a window V longer,
// and a lapsed lease leaves fewer than L tokens unused. A bucket under 40 requests has L = 1: every request
// is a store step, exactly as without leases. Near the bucket's edge, when the store refuses a whole lease,
// the request asks for its one token alone.
import type { RateBucket, Limits } from '../model/platform.ts';
import type { MeterReading, Store } from '../store/port.ts';
import { rateLimited } from './refusals.ts';
import type { GraphQLError } from 'graphql';

export const RATE_BUCKETS = '_rate_buckets';

const step = (key: string, bucket: RateBucket, now: number, amount = 1) => ({
  key,
  amount,
  capacity: bucket.requests,
  drainPerMs: bucket.requests / bucket.perMs,
  now,
  ttlMs: bucket.perMs,
});

const wait = (level: number, bucket: RateBucket) => ((level + 1 - bucket.requests) * bucket.perMs) / bucket.requests;

const describe = (b: RateBucket) => `${b.requests} requests per ${b.perMs / 1000} s`;

const MAX_LEASE = 100;
const MAX_LEASE_MS = 1000;
export const leaseSize = (b: RateBucket) => Math.min(MAX_LEASE, Math.max(1, Math.floor(b.requests / 20)));
const leaseMs = (b: RateBucket) => Math.min(b.perMs / 20, MAX_LEASE_MS);

interface Lease { tokens: number; until: number }
/** The unused tokens of this instance's leases, per store and bucket. */
const leases = new WeakMap<Store, Map<string, Lease>>();
const MIN_SWEEP_AT = 10_000;
/** The size at which a store's leases are next swept of the lapsed and empty: twice what a sweep leaves. */
const sweepAt = new WeakMap<Store, number>();

function leasesOf(store: Store, now: number): Map<string, Lease> {
  let map = leases.get(store);
  if (!map) leases.set(store, (map = new Map()));
  if (map.size > (sweepAt.get(store) ?? MIN_SWEEP_AT)) {
    for (const [k, l] of map) if (l.until <= now || l.tokens === 0) map.delete(k);
    sweepAt.set(store, Math.max(MIN_SWEEP_AT, 2 * map.size));
  }
  return map;
}

const leaseId = (key: string, bucket: RateBucket) => `${key}|${bucket.requests}|${bucket.perMs}`;

/** One token of `bucket` at `key` from this instance's lease, when it holds one that still runs. */
function fromLease(store: Store, key: string, bucket: RateBucket, now: number): boolean {
  const held = leasesOf(store, now).get(leaseId(key, bucket));
  if (!held || held.tokens <= 0 || now >= held.until) return false;
  held.tokens--;
  return true;
}

/** One token of `bucket` at `key` from the store: a lease, or one token alone at the bucket's edge. */
async function fromStore(store: Store, key: string, bucket: RateBucket, now: number): Promise<MeterReading> {
  const size = leaseSize(bucket);
  if (size > 1) {
    const r = await store.meter(RATE_BUCKETS, step(key, bucket, now, size));
    if (r.taken) {
      const map = leasesOf(store, now);
      const id = leaseId(key, bucket);
      const current = map.get(id);
      // Leases taken by concurrent requests add up; the earlier lapse time is kept.
      if (current && now < current.until) current.tokens += size - 1;
      else map.set(id, { tokens: size - 1, until: now + leaseMs(bucket) });
      return r;
    }
  }
  return store.meter(RATE_BUCKETS, step(key, bucket, now));
}

/** A token given back: to this instance's lease when it still runs, else to the store. */
async function giveBack(store: Store, key: string, bucket: RateBucket, now: number): Promise<void> {
  const held = leases.get(store)?.get(leaseId(key, bucket));
  if (held && now < held.until) held.tokens++;
  else await store.meter(RATE_BUCKETS, step(key, bucket, now, -1));
}

const userKeyOf = (who: { dept: string; user: string }) => `user|${who.dept}|${who.user}`;

/**
 * Takes a token for one request of `user` of `dept`; a RATE_LIMITED error when a bucket is empty. When
 * this instance's leases hold the tokens (nearly every request) it answers at once, with no promise and
 * no store step; otherwise a promise of the answer, after the store steps it needs.
 */
export function takeRequest(store: Store, rate: Limits['rate'], who: { dept: string; user: string }, now = Date.now()): GraphQLError | null | Promise<GraphQLError | null> {
  const { perUser, perDepartment } = rate;
  if (perUser && !fromLease(store, userKeyOf(who), perUser, now)) return fromStores(store, rate, who, now, false);
  if (perDepartment && !fromLease(store, `dept|${who.dept}`, perDepartment, now)) return fromStores(store, rate, who, now, true);
  return null;
}

/** The rest of takeRequest once a lease is short: the user's token unless `userTaken`, then the department's. */
async function fromStores(store: Store, rate: Limits['rate'], who: { dept: string; user: string }, now: number, userTaken: boolean): Promise<GraphQLError | null> {
  const { perUser, perDepartment } = rate;
  const userKey = userKeyOf(who);
  if (perUser && !userTaken) {
    const r = await fromStore(store, userKey, perUser, now);
    if (!r.taken) return rateLimited(`User ${who.user} of ${who.dept} has sent more than ${describe(perUser)} (limits.rate.perUser).`, wait(r.level, perUser), { limit: 'perUser' });
  }
  if (perDepartment) {
    const deptKey = `dept|${who.dept}`;
    const r = fromLease(store, deptKey, perDepartment, now) ? null : await fromStore(store, deptKey, perDepartment, now);
    if (r && !r.taken) {
      if (perUser) await giveBack(store, userKey, perUser, now);
      return rateLimited(`Department ${who.dept} has sent more than ${describe(perDepartment)} (limits.rate.perDepartment).`, wait(r.level, perDepartment), { limit: 'perDepartment' });
    }
  }
  return null;
}
