// Request rates (SPEC §13): a token bucket per department and one per user, kept in the store with the
// store's atomic meter (Store.meter), so that they hold across every instance on one store. A request a
// connected platform forwards (SPEC §12) also takes from that platform's bucket: its department codes are
// its own, each with its own bucket, so only that one bounds what it forwards under codes it makes up.
//
// A bucket of `requests` per `per` is a meter whose level counts the tokens in use: capacity `requests`,
// draining `requests / per` a millisecond. A request takes one token from the user's bucket, then one from
// the department's (then the platform's); when one is empty the tokens taken before it are given back. A
// refused request takes nothing. Rows expire `per` after their last step (by then the bucket is full again).
//
// Leases: a store step per bucket and request is a write transaction per bucket and request (a third of
// a lookup's throughput). So an instance takes tokens from the store a few at a time: a lease of L = 5% of
// the bucket (at least 1, at most 100), which it hands out to its own requests for at most V = min(per / 20,
// 1 s) after the step that took them; what is left then lapses. Every token served was counted in the store
// at most V before, so across all instances a bucket admits no more than it would over a window V longer,
// and a lapsed lease leaves fewer than L tokens unused, given back to the store with this instance's next
// lease step. A bucket under 40 requests has L = 1: every request
// is a store step, exactly as without leases. Near the bucket's edge, when the store refuses a whole lease,
// the request asks for its one token alone.
//
// When the store cannot be written (another process holds SQLite's write lock: a long `data import`; a
// MongoDB that does not answer), a step waits METER_WAIT_MS at most, not the store's 5 s: the instance
// then counts alone. Each bucket goes on here, in memory, from the level this instance last read in the
// store (a bucket it never stepped starts empty), with the same capacity and rate, and each token taken
// alone is owed to the store. No request waits for the store meanwhile: once every ALONE_RETRY_MS a
// request starts, in the background, paying the owed tokens into the store's buckets (a step that may go
// over the capacity: those requests were served); when they are paid, the instance steps the store again.
// So while the store is locked a bucket admits at most its rate on each instance, and afterwards the store
// knows every request served, the ones of the lock included.
import type { RateBucket, Limits } from '../model/platform.ts';
import { StoreUnavailableError, type MeterReading, type Store } from '../store/port.ts';
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

const wait = (level: number, bucket: RateBucket, amount = 1) => ((level + amount - bucket.requests) * bucket.perMs) / bucket.requests;

/**
 * The bytes of what a request sends (a POST's body as received: its document, variables and extensions; a
 * GET's parameters) one rate token pays for. A bucket counts requests, yet reading, parsing and validating
 * a request costs the event loop by its size, refused or not: 20 connections of one department sending
 * documents of 256 KiB that the limits refused (QUERY_TOO_COMPLEX, 10-30 ms each) within the burst its
 * buckets allowed made another department's lookup p95 0.6 to 1.1 s (bench/refused-burst.ts). So a request
 * takes one token per REQUEST_BYTES_PER_TOKEN of it (the first included), before anything reads it: a
 * request of 1 MiB takes 16, and an empty bucket refuses it unread. Its variables count as its document
 * does: counted by the document's text alone, a request of 1 MiB of variables (parsed, coerced, checked
 * against the input bounds) took one token (found by the limits' leftovers, h139). Every query of the docs
 * is far under it (4,000 tokens, maxTokens, fit in it with room to spare), so an ordinary request still
 * takes one.
 */
export const REQUEST_BYTES_PER_TOKEN = 64 * 1024;

/** The tokens a request of `bytes` bytes takes from each of its buckets (one at least). */
export const requestTokens = (bytes: number): number => Math.max(1, Math.ceil(bytes / REQUEST_BYTES_PER_TOKEN));

/**
 * The highest level a bucket keeps: its capacity in use and one bucket more owed, so that a request waits
 * `per` at most (wait). A level counted under a larger rate (the platform file's rate lowered: 5000 requests
 * per 60 s to 5 left thousands in use, draining 5 a minute, and Retry-After 1,120 s) or paid over the
 * capacity after counting alone (payOwed) is brought down to it: from then on the bucket is the one the
 * platform file says.
 */
export const ceilingOf = (bucket: RateBucket) => 2 * bucket.requests - 1;

const describe = (b: RateBucket) => `${b.requests} ${b.requests === 1 ? 'request' : 'requests'} per ${b.perMs / 1000} s`;

const MAX_LEASE = 100;
const MAX_LEASE_MS = 1000;
export const leaseSize = (b: RateBucket) => Math.min(MAX_LEASE, Math.max(1, Math.floor(b.requests / 20)));
const leaseMs = (b: RateBucket) => Math.min(b.perMs / 20, MAX_LEASE_MS);

/** The longest a step of the shared meter waits for another process's write lock before the instance counts alone. */
export const METER_WAIT_MS = 250;
/** While counting alone, how often a request starts paying the owed tokens into the store (in the background). */
export const ALONE_RETRY_MS = 1000;

/** What this instance knows of one bucket. */
interface Bucket {
  key: string;
  rate: RateBucket;
  /** The unused tokens of its lease, until `until`. */
  tokens: number;
  until: number;
  /** The bucket's level at `at`: as this instance last read it in the store, then as counted alone. */
  level: number;
  at: number;
  /** Tokens taken (given back, when negative) while counting alone, not yet paid into the store. */
  owed: number;
  /** The lease step under way for this bucket, which requests finding the lease empty wait for. */
  leasing?: Promise<unknown>;
}

/** Per store: this instance's buckets, and whether it counts alone. */
interface Meter {
  buckets: Map<string, Bucket>;
  /** The size at which the buckets are next swept of the lapsed and settled: twice what a sweep leaves. */
  sweepAt: number;
  /** Counting alone since a step could not be taken; null while the store's meter is used. */
  alone: { retryAt: number; paying: boolean; paid: number } | null;
  listeners: Set<(event: RateMeterEvent) => void>;
}

/** The instance stopped or started using the store's buckets. */
export type RateMeterEvent = { alone: true; reason: string } | { alone: false; paid: number };

const meters = new WeakMap<Store, Meter>();
const MIN_SWEEP_AT = 10_000;

function meterOf(store: Store): Meter {
  let m = meters.get(store);
  if (!m) meters.set(store, (m = { buckets: new Map(), sweepAt: MIN_SWEEP_AT, alone: null, listeners: new Set() }));
  return m;
}

/** Calls `listener` when the instance starts counting alone and when it uses the store's buckets again. */
export function watchRateMeter(store: Store, listener: (event: RateMeterEvent) => void): () => void {
  const m = meterOf(store);
  m.listeners.add(listener);
  return () => m.listeners.delete(listener);
}

function bucketsOf(store: Store, now: number): Map<string, Bucket> {
  const m = meterOf(store);
  // Not while counting alone: the levels counted here are the bound on what this instance admits.
  if (!m.alone && m.buckets.size > m.sweepAt) {
    // Not a bucket whose lease step is under way (fromStore): its lease would go to a bucket no longer
    // here, and the requests waiting for it would find a new, empty one and take leases of their own.
    for (const [k, b] of m.buckets) if ((b.until <= now || b.tokens === 0) && b.owed === 0 && !b.leasing) m.buckets.delete(k);
    m.sweepAt = Math.max(MIN_SWEEP_AT, 2 * m.buckets.size);
  }
  return m.buckets;
}

const bucketId = (key: string, bucket: RateBucket) => `${key}|${bucket.requests}|${bucket.perMs}`;

function bucketAt(store: Store, key: string, bucket: RateBucket, now: number): Bucket {
  const map = bucketsOf(store, now);
  const id = bucketId(key, bucket);
  let b = map.get(id);
  if (!b) map.set(id, (b = { key, rate: bucket, tokens: 0, until: 0, level: 0, at: now, owed: 0 }));
  return b;
}

/** One token of `bucket` at `key` from this instance's lease, when it holds one that still runs. */
function fromLease(store: Store, key: string, bucket: RateBucket, now: number): boolean {
  const held = meterOf(store).buckets.get(bucketId(key, bucket));
  if (!held || held.tokens <= 0 || now >= held.until) return false;
  held.tokens--;
  return true;
}

/** A step of the store's meter for `key`, remembered as the bucket's level; waits METER_WAIT_MS at most. */
async function stepStore(store: Store, key: string, bucket: RateBucket, now: number, amount: number): Promise<MeterReading> {
  let r = await store.meter(RATE_BUCKETS, step(key, bucket, now, amount), { waitMs: METER_WAIT_MS });
  // Over the ceiling: the excess given back in a step of its own (the store keeps whatever level it is
  // given; two instances doing so at once forgive a little more, once).
  const over = r.level - ceilingOf(bucket);
  if (over > 0) r = { taken: r.taken, level: (await store.meter(RATE_BUCKETS, step(key, bucket, now, -over), { waitMs: METER_WAIT_MS })).level };
  const b = bucketAt(store, key, bucket, now);
  b.level = r.level;
  b.at = Math.max(b.at, now);
  return r;
}

/**
 * One token of `bucket` at `key` from the store: a lease, or one token alone at the bucket's edge. A request
 * that finds a lease step of this bucket under way waits for it and takes its token from that lease: each
 * taking a lease of its own, a burst of concurrent requests took the whole bucket in leases at once (20 of
 * 15 from 300) and the rest of the burst was refused, while the tokens held here lapsed unused.
 */
async function fromStore(store: Store, key: string, bucket: RateBucket, now: number): Promise<MeterReading> {
  const size = leaseSize(bucket);
  if (size > 1) {
    const held = bucketAt(store, key, bucket, now);
    while (held.leasing) {
      await held.leasing.catch(() => {});
      if (fromLease(store, key, bucket, now)) return { taken: true, level: held.level };
      // The store stopped answering meanwhile: count alone, as fromShared does, without a step of ours.
      if (meterOf(store).alone) throw new StoreUnavailableError('the store could not be written for the rate buckets');
    }
    // The tokens left of a lapsed lease go back to the store with the step taking the next one: dropped,
    // they stayed counted there as served, so a department sending from several instances near its rate
    // lost up to L - 1 tokens per instance and lapse, again and again (1,090 of 1,200 + 20/s served over
    // 9 s from three instances), not once (test/rate-lease-lapsed.test.ts).
    const lapsed = now >= held.until ? held.tokens : 0;
    if (lapsed > 0) held.tokens = 0;
    const leasing = lapsed > 0
      ? stepStore(store, key, bucket, now, -lapsed).then(() => stepStore(store, key, bucket, now, size))
      : stepStore(store, key, bucket, now, size);
    held.leasing = leasing;
    let r: MeterReading;
    try {
      r = await leasing;
    } finally {
      held.leasing = undefined;
    }
    if (r.taken) {
      // A lease taken while an earlier one still runs adds to it; the earlier lapse time is kept.
      if (now < held.until) held.tokens += size - 1;
      else Object.assign(held, { tokens: size - 1, until: now + leaseMs(bucket) });
      return r;
    }
  }
  return stepStore(store, key, bucket, now, 1);
}

/** One token (or `amount` given back) counted by this instance alone: the level it knows, drained, in memory. */
function fromAlone(store: Store, key: string, bucket: RateBucket, now: number, amount = 1): MeterReading {
  const b = bucketAt(store, key, bucket, now);
  const drained = Math.min(ceilingOf(bucket), Math.max(0, b.level - (bucket.requests / bucket.perMs) * Math.max(0, now - b.at)));
  b.at = Math.max(b.at, now);
  const taken = amount <= 0 || drained + amount <= bucket.requests;
  b.level = taken ? Math.max(0, drained + amount) : drained;
  if (taken) b.owed += amount;
  return { taken, level: b.level };
}

/**
 * One token (or one given back) from the store's bucket, or, when the store cannot be written within
 * METER_WAIT_MS or the instance already counts alone, from this instance alone.
 */
async function fromShared(store: Store, key: string, bucket: RateBucket, now: number, amount = 1): Promise<MeterReading> {
  const m = meterOf(store);
  if (m.alone) {
    if (now >= m.alone.retryAt && !m.alone.paying) void payOwed(store, m, now);
    return fromAlone(store, key, bucket, now, amount);
  }
  try {
    return amount === 1 ? await fromStore(store, key, bucket, now) : await stepStore(store, key, bucket, now, amount);
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    if (!m.alone) {
      m.alone = { retryAt: now + ALONE_RETRY_MS, paying: false, paid: 0 };
      for (const l of m.listeners) l({ alone: true, reason: err.message });
    }
    return fromAlone(store, key, bucket, now, amount);
  }
}

/**
 * Pays what was counted alone into the store's buckets, one step each (over the capacity when need be:
 * those requests were served); when all is paid, the instance uses the store's buckets again. A step that
 * fails leaves the rest owed and tries again ALONE_RETRY_MS later.
 */
async function payOwed(store: Store, m: Meter, now: number): Promise<void> {
  const alone = m.alone!;
  alone.paying = true;
  try {
    for (const b of m.buckets.values()) {
      if (b.owed === 0) continue;
      const owed = b.owed;
      // Kept until a level over the capacity has drained (a row past its expiry reads as empty).
      const ttlMs = b.rate.perMs * (1 + Math.max(0, owed) / b.rate.requests);
      const r = await store.meter(RATE_BUCKETS, { ...step(b.key, b.rate, now, owed), capacity: Number.MAX_SAFE_INTEGER, ttlMs }, { waitMs: METER_WAIT_MS });
      b.owed -= owed;
      b.level = r.level;
      b.at = Math.max(b.at, now);
      alone.paid += owed;
    }
    // Requests counted alone while this paid are paid by the next request's turn.
    for (const b of m.buckets.values()) {
      if (b.owed !== 0) {
        alone.retryAt = now;
        return;
      }
    }
    m.alone = null;
    for (const l of m.listeners) l({ alone: false, paid: alone.paid });
  } catch {
    // Still locked (or closed): the rest stays owed; the next request after the pause tries again.
    alone.retryAt = now + ALONE_RETRY_MS;
  } finally {
    alone.paying = false;
  }
}

/** Tokens given back: to this instance's lease when it still runs, else to the bucket they came from. */
async function giveBack(store: Store, key: string, bucket: RateBucket, now: number, amount: number): Promise<void> {
  const held = meterOf(store).buckets.get(bucketId(key, bucket));
  if (held && now < held.until) held.tokens += amount;
  else await fromShared(store, key, bucket, now, -amount);
}

/** Who a request is for: its user and department, and the connected platform that forwarded it, if one did. */
export interface RateSubject {
  dept: string;
  user: string;
  /** The forwarding platform's region (SPEC §12); its requests also take from its platform's bucket. */
  via?: string;
}

/** One bucket a request takes a token from, and what its refusal says. */
interface Take {
  key: string;
  rate: RateBucket;
  refusal: (level: number, amount: number) => GraphQLError;
}

export type Limit = 'perUser' | 'perDepartment' | 'perPlatform';

/** The key of `who`'s bucket of `limit` (null: a platform's bucket for a request no platform forwarded). */
export function bucketKey(limit: Limit, who: RateSubject): string | null {
  switch (limit) {
    case 'perUser': return `user|${who.dept}|${who.user}`;
    case 'perDepartment': return `dept|${who.dept}`;
    case 'perPlatform': return who.via === undefined ? null : `platform|${who.via}`;
  }
}

/** A bucket of `limit` at `key`, whose refusal names `sender` (and `why`, when the bucket is not the file's). */
const take = (limit: Limit, key: string, rate: RateBucket, sender: string, why = ''): Take => ({
  key,
  rate,
  refusal: (level, amount) =>
    rateLimited(`${sender} has ${limit === 'perPlatform' ? 'forwarded' : 'sent'} more than ${describe(rate)} (limits.rate.${limit}${why})${amount > 1 ? `, this request counting as ${amount} (one per ${REQUEST_BYTES_PER_TOKEN / 1024} KiB of what it sends, document and variables, at most the whole bucket)` : ''}.`, wait(level, rate, amount), { limit }),
});

/**
 * The bucket of a department a connected platform forwards for (`CODE@REGION`): `perDepartment`, but at
 * most half of the platform's `perPlatform`, in requests and in rate. All the platform's departments share
 * its bucket, and the department's own is taken first: with `perDepartment` at or over `perPlatform` (a
 * connected platform's bucket sized under what one of this platform's own departments may send), one
 * department there spent the whole of it and the platform's other departments were refused for the
 * window. So one department takes at most half, the others keep the rest. Undefined: no cap (the
 * department's bucket is under it already). A platform's bucket of one request is the one exception: its
 * department's bucket cannot be less than one.
 */
export function forwardedDepartmentBucket(dept: RateBucket, platform: RateBucket): RateBucket | undefined {
  const requests = Math.min(dept.requests, Math.max(1, Math.floor(platform.requests / 2)));
  // Its rate is the lesser of the department's own and half the platform's. Not `dept.perMs` itself: a
  // department whose bucket is cut to fewer requests keeps its rate over a shorter period (100 per minute
  // under 10 a second: 5 per 3 s, not 5 per minute, a twentieth of what this platform's own departments get).
  const perMs = Math.max(Math.ceil((2 * requests * platform.perMs) / platform.requests), Math.ceil((requests * dept.perMs) / dept.requests));
  return requests === dept.requests && perMs === dept.perMs ? undefined : { requests, perMs };
}

/** The buckets a request of `who` takes from, in order: its user's, its department's, its platform's. */
function takesOf(rate: Limits['rate'], who: RateSubject): Take[] {
  const takes: Take[] = [];
  if (rate.perUser) takes.push(take('perUser', bucketKey('perUser', who)!, rate.perUser, `User ${who.user} of ${who.dept}`));
  const capped = rate.perDepartment && rate.perPlatform && who.via !== undefined ? forwardedDepartmentBucket(rate.perDepartment, rate.perPlatform) : undefined;
  if (capped) {
    takes.push(take('perDepartment', bucketKey('perDepartment', who)!, capped, `Department ${who.dept}`, `, at most half of limits.rate.perPlatform for a connected platform's department`));
  } else if (rate.perDepartment) {
    takes.push(take('perDepartment', bucketKey('perDepartment', who)!, rate.perDepartment, `Department ${who.dept}`));
  }
  if (rate.perPlatform && who.via !== undefined) {
    takes.push(take('perPlatform', bucketKey('perPlatform', who)!, rate.perPlatform, `The connected platform of region ${who.via}`));
  }
  return takes;
}

/**
 * Takes `amount` tokens (requestTokens: one, but for a request of more than REQUEST_BYTES_PER_TOKEN)
 * for one request of `who` from each of its buckets, at most a bucket's capacity (else a bucket smaller
 * than a request would refuse it forever); a RATE_LIMITED error when one has too few, the tokens already
 * taken given back. When this instance's leases hold the tokens (nearly every request) it answers at
 * once, with no promise and no store step; otherwise a promise of the answer, after the store steps it
 * needs. Several tokens at once are always a store step (large requests are few).
 */
export function takeRequest(store: Store, rate: Limits['rate'], who: RateSubject, now = Date.now(), amount = 1): GraphQLError | null | Promise<GraphQLError | null> {
  const takes = takesOf(rate, who);
  if (amount > 1) return fromStores(store, takes, 0, now, amount);
  for (let i = 0; i < takes.length; i++) {
    if (!fromLease(store, takes[i].key, takes[i].rate, now)) return fromStores(store, takes, i, now, 1);
  }
  return null;
}

/** The rest of takeRequest once a lease is short: the tokens of takes[from..], those before it taken. */
async function fromStores(store: Store, takes: Take[], from: number, now: number, amount: number): Promise<GraphQLError | null> {
  const amountOf = (t: Take) => Math.min(amount, t.rate.requests);
  for (let i = from; i < takes.length; i++) {
    const { key, rate, refusal } = takes[i];
    const r = amount === 1 && i > from && fromLease(store, key, rate, now) ? null : await fromShared(store, key, rate, now, amountOf(takes[i]));
    if (r && !r.taken) {
      for (const t of takes.slice(0, i)) await giveBack(store, t.key, t.rate, now, amountOf(t));
      return refusal(r.level, amountOf(takes[i]));
    }
  }
  return null;
}
