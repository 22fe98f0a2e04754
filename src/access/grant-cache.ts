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
// after it returned. So a request that would use grants counts, in one indexed read, how many of them are
// still unrevoked; one fewer than it holds, and the department's grants are read again. Grants added
// elsewhere still count from the next poll: granting late refuses, it never lets through.
// At most GRANT_CACHE_DEPARTMENTS departments are kept, the least recently asked dropped first: a
// forwarded request's department is any code its connected platform names (SPEC §12), and each new code
// left an entry behind until the grants next changed (found by the soak walk).
import { LRUCache } from 'lru-cache';
import { GRANTS } from './grants/rows.ts';
import { unrevokedGrantsFor } from './grants/listing.ts';
import { isGrantActive, type Grant } from './grant-model.ts';
import { and, eq, type Store } from '../store/port.ts';

/** Departments whose grants are kept; one dropped is read from the store again at its next request. */
export const GRANT_CACHE_DEPARTMENTS = 4096;

export class GrantCache {
  private readonly byDept = new LRUCache<string, Promise<Grant[]>>({ max: GRANT_CACHE_DEPARTMENTS });
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
   * The department's grants active at `now`: all of them read from the store only after a change; those
   * active confirmed unrevoked by one count, so that a revocation another process made counts at once.
   */
  async activeFor(dept: string, now: Date): Promise<Grant[]> {
    const active = await this.keptActiveFor(dept, now);
    if (active.length === 0 || (await this.unrevoked(dept, active)) === active.length) return active;
    // Revoked meanwhile by another process: every department's grants are read again.
    this.changed();
    return this.keptActiveFor(dept, now);
  }

  /** How many of `grants` (the department's) are not revoked in the store now. */
  private unrevoked(dept: string, grants: readonly Grant[]): Promise<number> {
    const ids = { kind: 'in' as const, field: 'id', values: grants.map((g) => g.id) };
    return this.store.count(GRANTS, and(eq('requester', dept), eq('revokedAt', null), ids));
  }

  /** The department's grants as kept (read from the store after a change), those active at `now`. */
  private async keptActiveFor(dept: string, now: Date): Promise<Grant[]> {
    let grants = this.byDept.get(dept);
    if (!grants) {
      const generation = this.generation;
      // Every grant of the department that is not revoked, whatever its dates: activity is decided per request.
      grants = unrevokedGrantsFor(this.store, dept);
      this.byDept.set(dept, grants);
      grants.then(
        () => {
          if (generation !== this.generation && this.byDept.peek(dept) === grants) this.byDept.delete(dept);
        },
        () => {
          if (this.byDept.peek(dept) === grants) this.byDept.delete(dept);
        },
      );
    }
    return (await grants).filter((g) => isGrantActive(g, now));
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
