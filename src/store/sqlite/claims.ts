// Keys claimed once (port.ts, ClaimsOnce) in the embedded store: a table of their own, pruned of expired
// claims now and then.

import { checkClaim, StoreUnavailableError } from '../port.ts';
import type { Connection } from './connection.ts';
import { translate, whenUnlocked } from './locks.ts';

/** The table of keys claimed once (Store.claimOnce): not a collection's (those are `c:<name>`). */
const CLAIMS = '_govgraph_once';

/** The `claimOnce` of a store on `conn`. */
export function claimsOf(conn: Connection) {
  const { db, file, lockWaitMs, prepare } = conn;
  // Keys claimed once (port.ts, ClaimsOnce): a table of their own, keyed by space and key, not a
  // collection of JSON documents: one prepared statement a claim, in autocommit, without the write
  // transaction, change notice and document cache of a collection's insert (docs/benchmarks.md).
  // No index on the expiry: it cost each claim a second page written, and a prune deleting through it
  // took 40 ms for 12,000 rows of 30,000 where a scan takes 6 (about 2 ms when nothing has expired).
  let claimsReady = false;
  let claimsPruned = 0;
  const CLAIMS_PRUNE_MS = 10_000;
  async function claimOnce(space: string, key: string, expiresAt: number): Promise<boolean> {
    checkClaim(space, key, expiresAt);
    if (!db.open) throw new StoreUnavailableError(`the SQLite store ${file} is closed`);
    const now = Date.now();
    try {
      return await whenUnlocked(`claimOnce in ${space}`, lockWaitMs, () => {
        if (!claimsReady) {
          db.exec(`CREATE TABLE IF NOT EXISTS ${CLAIMS} (space TEXT NOT NULL, key TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (space, key)) WITHOUT ROWID`);
          claimsReady = true;
        }
        if (now - claimsPruned > CLAIMS_PRUNE_MS) {
          prepare(`DELETE FROM ${CLAIMS} WHERE expires_at <= ?`).run(now);
          claimsPruned = now;
        }
        // A key whose claim expired is claimed again: the row's expiry moves on.
        const claim = prepare(`INSERT INTO ${CLAIMS} (space, key, expires_at) VALUES (?, ?, ?)
          ON CONFLICT (space, key) DO UPDATE SET expires_at = excluded.expires_at WHERE expires_at <= ?`);
        return claim.run(space, key, expiresAt, now).changes === 1;
      });
    } catch (error) {
      throw translate(error, `claimOnce in ${space}`);
    }
  }

  return claimOnce;
}
