// Grants read once per change, not once per request (SPEC §11). Each department's unrevoked grants are
// read from the store once and kept; which of them are active is still decided at each request's time.
// The cache forgets everything when the grants change:
// - in this process, at once: the store announces every write to `_grants` (Store.watch), so the next
//   request after an add, a decision, a revocation or an operator's edit reads the grants again;
// - on other instances, within one poll (the publication poll calls `poll()`): it compares two counts of
//   `_grants` (rows, unrevoked rows) with the last ones it saw. Grants are only ever added or revoked,
//   never deleted or un-revoked, so one of the two counts changes whenever the grants do.
// A revocation must not wait for that poll (SPEC §9: `revokeGrant` "ends a grant at once"): a `grant
// revoke` or a revocation through another instance left the revoked grant honoured here for up to 2 s
// after it returned. Each revocation gives the revocation mark (one row, grants/rows.ts) a new value in its
// own transaction; each department's grants are kept with the mark read just before them, and a request
// that would use some reads the mark again: moved, and every department's grants are read again. A
// revocation that returned before the request committed before that read, so the request either sees the
// mark moved or its grants were read after the revocation. One row read by its key (the embedded store
// answers it from its document cache until some process writes), where a count of the department's grants
// still unrevoked was a query per request. Departments holding no grant active read nothing more. Grants
// added elsewhere still count from the next poll: granting late refuses, it never lets through.
// At most GRANT_CACHE_DEPARTMENTS departments are kept, the least recently asked dropped first: a
// forwarded request's department is any code its connected platform names (SPEC §12), and each new code
// left an entry behind until the grants next changed (found by the soak walk).
import { LRUCache } from 'lru-cache';
import { GRANT_REVOCATIONS, GRANTS, LATEST_REVOCATION } from './grants/rows.ts';
import { unrevokedGrantsFor } from './grants/listing.ts';
import { isGrantActive, type Grant } from './grant-model.ts';
import { eq, type Store } from '../store/port.ts';

/** Departments whose grants are kept; one dropped is read from the store again at its next request. */
export const GRANT_CACHE_DEPARTMENTS = 4096;

/** A department's grants as read, with the revocation mark read just before them. */
interface Kept {
  mark: Promise<string | null>;
  grants: Promise<Grant[]>;
}

export class GrantCache {
  private readonly byDept = new LRUCache<string, Kept>({ max: GRANT_CACHE_DEPARTMENTS });
  /** Bumped by every change seen; a read that started before a change is not kept. */
  private generation = 0;
  private seen: string | null = null;

  private readonly unwatch: () => void;

  constructor(private readonly store: Store) {
    this.unwatch = store.watch((collection) => {
      if (collection === GRANTS) this.changed();
    });
  }

  /** Stops listening to the store's writes. */
  stop(): void {
    this.unwatch();
  }

  /**
   * The department's grants active at `now`: all of them read from the store only after a change; when
   * some are active, the revocation mark read again, so that a revocation another process made counts at once.
   */
  async activeFor(dept: string, now: Date): Promise<Grant[]> {
    const kept = this.entryOf(dept);
    const active = await activeAt(kept, now);
    if (active.length === 0 || (await this.revocationMark()) === (await kept.mark)) return active;
    // Revoked meanwhile (here or by another process): every department's grants are read again.
    this.changed();
    return activeAt(this.entryOf(dept), now);
  }

  /** The latest revocation's mark (null before the store's first revocation). */
  private async revocationMark(): Promise<string | null> {
    // Its collection is made with the grants' indexes (rows.ts ensureGrantIndexes: a grant's adding, a
    // list), not here: a request writes nothing (test/workflow-locked.test.ts). Before it is made (a store
    // whose grants an older release made, none added or revoked since) the read is answered as empty.
    const rows = await this.store.find(GRANT_REVOCATIONS, { filter: eq('key', LATEST_REVOCATION), projection: ['value'], limit: 1 });
    return rows.length === 0 ? null : String(rows[0].value);
  }

  /** The department's grants as kept, read from the store (after the revocation mark) after a change. */
  private entryOf(dept: string): Kept {
    let kept = this.byDept.get(dept);
    if (!kept) {
      const generation = this.generation;
      const mark = this.revocationMark();
      // Every grant of the department that is not revoked, whatever its dates: activity is decided per request.
      kept = { mark, grants: mark.then(() => unrevokedGrantsFor(this.store, dept)) };
      this.byDept.set(dept, kept);
      const entry = kept;
      kept.grants.then(
        () => {
          if (generation !== this.generation && this.byDept.peek(dept) === entry) this.byDept.delete(dept);
        },
        () => {
          if (this.byDept.peek(dept) === entry) this.byDept.delete(dept);
        },
      );
    }
    return kept;
  }

  /** How many departments' grants are kept (tests). */
  get kept(): number {
    return this.byDept.size;
  }

  /** Forgets every department's grants. */
  changed(): void {
    this.generation++;
    this.byDept.clear();
  }

  /** Looks for changes other instances made (the publication poll calls it). */
  async poll(): Promise<boolean> {
    const [all, unrevoked] = await Promise.all([this.store.count(GRANTS), this.store.count(GRANTS, eq('revokedAt', null))]);
    const signature = `${all}:${unrevoked}`;
    // The first poll has nothing to compare with: what was cached before it may predate a change another
    // instance made meanwhile, so it is forgotten too.
    const moved = signature !== this.seen;
    this.seen = signature;
    if (moved) this.changed();
    return moved;
  }
}

/** The kept grants active at `now`. */
async function activeAt(kept: Kept, now: Date): Promise<Grant[]> {
  return (await kept.grants).filter((g) => isGrantActive(g, now));
}
