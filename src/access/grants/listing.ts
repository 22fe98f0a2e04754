// Reading the grants: a list by requester, resource or viewer, one by id, a department's in force.
import { and, eq, or, type Filter, type Store } from '../../store/port.ts';
import { isGrantActive, type Grant } from '../grant-model.ts';
import { GRANTS, ensureGrantIndexes, fromRow, providersOf } from './rows.ts';

interface GrantFilter {
  requester?: string;
  resource?: string;
  /** Only grants active at `now` (default: the current time). */
  active?: boolean;
  now?: Date;
  /**
   * Only the grants this department sees: those it holds and those of the resources it provides. Read
   * by the requester and provider in the store (indexed), not the platform's filtered after: any
   * department's approvals add to the grants, kept for good once revoked or ended.
   */
  seenBy?: string;
  /** The first `limit` grants only (a list refused past a bound needs read no further); not with `seenBy` or `active`. */
  limit?: number;
}

/** Grants in the order they were made. */
export async function listGrants(store: Store, filter: GrantFilter = {}): Promise<Grant[]> {
  const parts: Filter[] = [];
  if (filter.requester !== undefined) parts.push(eq('requester', filter.requester));
  if (filter.resource !== undefined) parts.push(eq('resource', filter.resource));
  if (filter.active) parts.push(eq('revokedAt', null));
  if (filter.seenBy !== undefined) {
    // Made (and old grants given their provider) on the first list; a store that cannot be written now
    // (another process's long import holds SQLite's lock) is read as it is: the filter below finds the
    // same grants, without the index, and the next list tries again.
    await ensureGrantIndexes(store).catch(() => undefined);
    // With the grants not knowing their provider (stored meanwhile by an older writer, or of a resource
    // none of whose versions is left): few, and told apart below.
    parts.push(or(eq('requester', filter.seenBy), eq('provider', filter.seenBy), eq('provider', null)));
  }
  const rows = await store.find(GRANTS, {
    filter: and(...parts),
    sort: [{ field: 'createdAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `seenBy` and `active` are told once read.
    limit: filter.seenBy === undefined && !filter.active ? filter.limit : undefined,
  });
  let grants = rows.map(fromRow);
  if (filter.seenBy !== undefined) grants = await seenBy(store, filter.seenBy, grants);
  const now = filter.now ?? new Date();
  return filter.active ? grants.filter((g) => isGrantActive(g, now)) : grants;
}

/** Those of `grants` that `dept` holds or provides; a grant without its provider is given it, as read. */
async function seenBy(store: Store, dept: string, grants: Grant[]): Promise<Grant[]> {
  const unknown = new Set(grants.filter((g) => g.provider == null && g.requester !== dept).map((g) => g.resource));
  const providers = unknown.size ? await providersOf(store, unknown) : new Map<string, string>();
  return grants.filter((g) => g.requester === dept || (g.provider ?? providers.get(g.resource)) === dept);
}

export async function getGrant(store: Store, id: string): Promise<Grant | null> {
  const rows = await store.find(GRANTS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/**
 * A grant already stored that gives what `g` would give: the same requester and resource, the same items,
 * purposes, unmasked items and rows (as sets) and the same end date, neither revoked nor ended at `now`
 * (one not yet in force counts: it will give the same), and `whole` by the caller's reckoning: in force
 * for every item it names (item-since.ts: one decided before an item it names was dropped and brought
 * back covers it no more, and the same grant made now gives more). `grant add` run twice with the same
 * arguments stored two identical grants, which a supervisor reads as two decisions and must revoke
 * twice; a grant differing in any of these (rows, purposes, end date, ...) is another grant.
 */
export async function sameGrantStored(store: Store, g: Grant, whole: (x: Grant) => boolean, now: Date = new Date()): Promise<Grant | null> {
  const same = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean => {
    if (a == null || b == null) return a == null && b == null;
    const x = new Set(a);
    const y = new Set(b);
    return x.size === y.size && [...x].every((v) => y.has(v));
  };
  const ended = (x: Grant) => !isGrantActive(x, now) && Date.parse(x.from) <= now.getTime();
  for (const x of await unrevokedGrantsFor(store, g.requester)) {
    if (x.resource === g.resource && !ended(x) && x.until === g.until && same(x.items, g.items) && same(x.purposes, g.purposes) &&
      same(x.unmasked, g.unmasked) && same(x.rows, g.rows) && whole(x)) return x;
  }
  return null;
}

/** The department's grants that are not revoked, whatever their dates: one store read. */
export async function unrevokedGrantsFor(store: Store, deptCode: string): Promise<Grant[]> {
  const rows = await store.find(GRANTS, { filter: and(eq('requester', deptCode), eq('revokedAt', null)) });
  return rows.map(fromRow);
}

/** The department's grants active at `now`: one store read (the gateway keeps them, src/access/grant-cache.ts). */
export async function activeGrantsFor(store: Store, deptCode: string, now: Date): Promise<Grant[]> {
  return (await unrevokedGrantsFor(store, deptCode)).filter((g) => isGrantActive(g, now));
}
