// Keys claimed once in the MongoDB store (port.ts, ClaimsOnce).

import { checkClaim, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { isDuplicateKey, translate } from './errors.ts';

/** The collection of keys claimed once (Store.claimOnce); `_` names are the platform's, never a resource's. */
const CLAIMS = '_govgraph_once';
/** The latest (and, negated, earliest) time a JavaScript Date holds, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;

/** The `claimOnce` of a store on `conn`. */
export function claimsOf({ coll, run }: Connection): Store['claimOnce'] {
  // Keys claimed once (port.ts, ClaimsOnce): one insertOne under a unique index on space and key. The
  // TTL index removes expired claims within a minute or so; one found expired before that is taken over
  // by a conditional update (atomic on the document: of two processes, one matches).
  let claimIndexes: Promise<unknown> | undefined;
  async function claimOnce(space: string, key: string, expiresAt: number): Promise<boolean> {
    checkClaim(space, key, expiresAt);
    const what = `claimOnce in ${space}`;
    const claims = coll(CLAIMS);
    claimIndexes ??= Promise.all([
      claims.createIndex({ space: 1, key: 1 }, { unique: true }),
      claims.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }),
    ]).catch((error: unknown) => {
      claimIndexes = undefined;
      throw error;
    });
    await run(what, () => claimIndexes!);
    // A Date holds ±8.64e15 ms; past that it is invalid, and BSON writes an invalid Date as 1970: a claim
    // far in the future would be expired at once (and the key claimable again). Held at the bound instead.
    const until = new Date(Math.min(Math.max(expiresAt, -MAX_DATE_MS), MAX_DATE_MS));
    try {
      await claims.insertOne({ space, key, expiresAt: until });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw translate(error, what);
    }
    const expired = await run(what, () => claims.updateOne({ space, key, expiresAt: { $lte: new Date() } }, { $set: { expiresAt: until } }));
    return expired.matchedCount === 1;
  }
  return claimOnce;
}
