// Request rates (SPEC §13): a token bucket per department and one per user, kept in the store with the
// store's atomic meter (Store.meter), so that they hold across every instance on one store.
//
// A bucket of `requests` per `per` is a meter whose level counts the tokens in use: capacity `requests`,
// draining `requests / per` a millisecond. A request takes one token from the user's bucket, then one from
// the department's; when the department's is empty the user's token is given back. A refused request takes
// nothing. Rows expire `per` after their last step (by then the bucket is full again).
import type { RateBucket, Limits } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
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

/** Takes a token for one request of `user` of `dept`; a RATE_LIMITED error when a bucket is empty. */
export async function takeRequest(store: Store, rate: Limits['rate'], who: { dept: string; user: string }, now = Date.now()): Promise<GraphQLError | null> {
  const { perUser, perDepartment } = rate;
  const userKey = `user|${who.dept}|${who.user}`;
  if (perUser) {
    const r = await store.meter(RATE_BUCKETS, step(userKey, perUser, now));
    if (!r.taken) return rateLimited(`User ${who.user} of ${who.dept} has sent more than ${describe(perUser)} (limits.rate.perUser).`, wait(r.level, perUser), { limit: 'perUser' });
  }
  if (perDepartment) {
    const r = await store.meter(RATE_BUCKETS, step(`dept|${who.dept}`, perDepartment, now));
    if (!r.taken) {
      if (perUser) await store.meter(RATE_BUCKETS, step(userKey, perUser, now, -1));
      return rateLimited(`Department ${who.dept} has sent more than ${describe(perDepartment)} (limits.rate.perDepartment).`, wait(r.level, perDepartment), { limit: 'perDepartment' });
    }
  }
  return null;
}
