// Collections belong to resources (issue 8): no resource may ever read a collection that another
// resource owns, of any provider, published, superseded or withdrawn, nor a platform collection.
//
// - Names are compared by their key: Unicode NFKC, surrounding whitespace removed, lower case. SQLite's
//   table names are case-insensitive and MongoDB's are not; the key is the stricter of the two for both,
//   so two names one store would take for one are one name everywhere.
// - Names starting with `_` (the platform's: audit, grants, catalogues, settings...), `system.`
//   (MongoDB's) or `sqlite_` (SQLite's) are reserved.
// - The binding of a collection (by key) to the resource code and provider that first published it is
//   kept in `_collection_owners`, under a unique index on the key. A publication claims its resources'
//   collections there before its status changes: the unique index settles two publications racing for
//   one name (in both stores an insert under a unique index is atomic), so a publication can never
//   succeed over a collection another resource has claimed. Versions published before bindings existed
//   are claimed first, in the order they were published, so the first publisher keeps its collection.
// - The resource code itself is claimed the same way, under the key `code:<code in lower case>` (no
//   collection key has a colon): two first publications of one new code with different collections
//   would otherwise both pass the history's checks (codes.ts) and both be published.
// - A publication's claim names the publication lock it was made under (`lock`, its token) and the
//   catalogue. Stopped between its claims and its publication (Ctrl-C, the lock lost, `kill -9`), a
//   publication left its claims behind, and another department's resource naming that collection or code
//   was refused for good, by a catalogue never in effect (found by review, wave 20). A claim is in force
//   while its lock is held by a live holder, or once a version ever published binds the key to the same
//   resource and provider; otherwise it is no claim: the publication releases it when it stops in order
//   (releaseClaims), and the next claim of the key takes over one a kill left. A binding without `lock`
//   (made before claims named their lock) that no published version binds was left so by an older
//   govgraph: it binds while any publication runs, and is taken over as the others are.
import { collectionOf, type Catalogue, type Resource } from '../model/catalogue.ts';
import { codeKey } from './codes.ts';
import { and, DuplicateKeyError, eq, type Row, type Store } from '../store/port.ts';
import type { Problem } from './problems.ts';
import type { CatalogueVersion } from './repository/rows.ts';
import { catalogueVersions } from './repository/versions.ts';
import { liveLockToken } from './publication-lock.ts';

export const COLLECTION_OWNERS = '_collection_owners';

const RESERVED_PREFIXES = ['_', 'system.', 'sqlite_'];

export interface CollectionOwner {
  key: string;
  collection: string;
  resource: string;
  provider: string;
}

/** The name as the stricter store compares it: NFKC, trimmed, lower case. */
export function collectionKey(name: string): string {
  return name.normalize('NFKC').trim().toLowerCase();
}

/** Why a resource may not use this collection name at all, or null. */
export function reservedCollection(name: string): string | null {
  const key = collectionKey(name);
  if (key !== name.toLowerCase() || /\s/.test(name)) return 'a collection name must be plain letters, digits and _, without spaces or look-alike characters';
  const prefix = RESERVED_PREFIXES.find((p) => key.startsWith(p));
  return prefix ? `names starting with "${prefix}" are the platform's or the store's own; a resource cannot use them` : null;
}

const pathOf = (r: Resource, i: number) => (r.source?.collection !== undefined ? `resources[${i}].source.collection` : `resources[${i}].code`);

function ownerOf(row: Row): CollectionOwner {
  return { key: String(row.key), collection: String(row.collection), resource: String(row.resource), provider: String(row.provider) };
}

const sameOwner = (o: CollectionOwner, r: { code: string; provider: string }) => o.resource === r.code && o.provider === r.provider;

function taken(r: Resource, i: number, o: CollectionOwner): Problem {
  if (o.key.startsWith(CODE_CLAIM)) {
    return {
      path: `resources[${i}].code`,
      message: `resource code ${o.resource} was claimed by ${o.provider} a moment ago, by a publication that got there first; a resource code belongs to its first provider for good: give the resource a code of its own`,
    };
  }
  return {
    path: pathOf(r, i),
    message: `the store collection "${collectionOf(r)}" belongs to resource ${o.resource} of ${o.provider} (as "${o.collection}"); a resource can never read another resource's collection, so name another`,
  };
}

async function ensureIndex(store: Store): Promise<void> {
  await store.ensureIndex(COLLECTION_OWNERS, { fields: ['key'], unique: true });
}

const CODE_CLAIM = 'code:';

/** What a publication of the resource claims: its collection, and its code. */
function claimsOf(r: Resource): CollectionOwner[] {
  const collection = collectionOf(r);
  const owner = { collection, resource: r.code, provider: r.provider };
  return [{ key: collectionKey(collection), ...owner }, { key: CODE_CLAIM + codeKey(r.code), ...owner }];
}

/** Every key the versions ever published claim, with the resources (code and provider) they bind it to. */
type PublishedClaims = Map<string, CollectionOwner[]>;

function publishedClaims(everPublished: readonly CatalogueVersion[]): PublishedClaims {
  const claims: PublishedClaims = new Map();
  for (const v of everPublished) for (const r of v.catalogue.resources) for (const c of claimsOf(r)) claims.set(c.key, [...(claims.get(c.key) ?? []), c]);
  return claims;
}

/**
 * Whether a stored binding is in force: once a version ever published binds the key to its resource, for
 * good; before, while the publication that claimed it holds the lock (`held`, given the lock the claim
 * names, none for a binding from before claims named their lock). Otherwise it was left by a publication
 * that stopped before publishing it.
 */
function inForce(row: Row, published: PublishedClaims, held: (lock: string | null) => boolean): boolean {
  const o = ownerOf(row);
  if ((published.get(o.key) ?? []).some((p) => p.resource === o.resource && p.provider === o.provider)) return true;
  return held(typeof row.lock === 'string' ? row.lock : null);
}

/** At most this many reads and writes of one key while other processes change its binding. */
const BIND_ATTEMPTS = 10;

/**
 * Records the binding unless the key is bound by a binding in force; returns the binding in force and
 * whether this call made it. A binding no longer in force (`stale`) is taken over with a write conditional
 * on the lock it names, so that of two taking it over one wins.
 */
async function bind(store: Store, owner: CollectionOwner & { lock?: string; catalogue?: string }, now: Date, stale: (row: Row) => boolean): Promise<{ owner: CollectionOwner; made: boolean }> {
  const row = { ...owner, boundAt: now.toISOString() };
  for (let attempt = 1; ; attempt++) {
    try {
      await store.insert(COLLECTION_OWNERS, [row]);
      return { owner, made: true };
    } catch (err) {
      if (!(err instanceof DuplicateKeyError)) throw err;
      const [existing] = await store.find(COLLECTION_OWNERS, { filter: eq('key', owner.key), limit: 1 });
      if (existing && !stale(existing)) return { owner: ownerOf(existing), made: false };
      if (existing) {
        // Conditional on the row as read (its lock, none for an older one's, and when it was bound).
        const asRead = and(
          eq('key', owner.key),
          eq('lock', typeof existing.lock === 'string' ? existing.lock : null),
          ...(typeof existing.boundAt === 'string' ? [eq('boundAt', existing.boundAt)] : []),
        );
        if ((await store.update(COLLECTION_OWNERS, asRead, { lock: null, catalogue: null, ...row })) === 1) return { owner, made: true };
      }
      if (attempt >= BIND_ATTEMPTS) throw err; // released or taken over meanwhile, each time: read again
    }
  }
}

/**
 * Problems of a catalogue's collections against the bindings in force and every version ever published;
 * changes nothing. `versions`: the action's reader, when it has read (or will read) those versions anyway.
 */
export async function collectionProblems(store: Store, catalogue: Catalogue, versions = catalogueVersions(store)): Promise<Problem[]> {
  const everPublished = await versions.everPublished();
  const published = publishedClaims(everPublished);
  // A claim binds while its lock is live; one from before claims named their lock, while any publication runs.
  const live = await liveLockToken(store);
  const held = (lock: string | null) => (lock === null ? live !== null : lock === live);
  const owners = new Map<string, CollectionOwner>();
  for (const row of await store.find(COLLECTION_OWNERS, {})) {
    if (!inForce(row, published, held)) continue;
    const o = ownerOf(row);
    owners.set(o.key, o);
  }
  for (const v of everPublished) {
    for (const r of v.catalogue.resources) {
      const key = collectionKey(collectionOf(r));
      if (!owners.has(key)) owners.set(key, { key, collection: collectionOf(r), resource: r.code, provider: r.provider });
    }
  }
  const problems: Problem[] = [];
  catalogue.resources.forEach((r, i) => {
    const o = owners.get(collectionKey(collectionOf(r)));
    if (o && !sameOwner(o, r)) problems.push(taken(r, i, o));
  });
  return problems;
}

/**
 * Claims the collections of catalogues about to be published, for their resources' codes and providers,
 * under the publication lock the caller holds (`held`, publication-lock.ts). Returns the problems of each
 * catalogue (same order); when there is any, the bindings this call made are removed again, so a refused
 * publication leaves nothing behind. Call it right before the status change and refuse the publication
 * when it returns any problem; call releaseClaims once the publication is over, however it ended.
 */
export async function claimCollections(
  store: Store,
  catalogues: readonly Catalogue[],
  held: { readonly token: string },
  now = new Date(),
  versions = catalogueVersions(store),
): Promise<Problem[][]> {
  await ensureIndex(store);
  const everPublished = await versions.everPublished();
  const published = publishedClaims(everPublished);
  // Holding the lock, no other publication is under way: a claim of another lock's, or of none (an older
  // govgraph's), that no published version binds was left by one that stopped. The lock's row is read too,
  // for a caller whose lock was taken over meanwhile (it is refused at its next step).
  const live = new Set([held.token, await liveLockToken(store)]);
  const stale = (row: Row) => !inForce(row, published, (lock) => lock !== null && live.has(lock));
  // The collections of every version ever published bound first, oldest publication first (stores from before bindings).
  for (const v of everPublished) for (const r of v.catalogue.resources) for (const c of claimsOf(r)) await bind(store, c, now, stale);
  const made: CollectionOwner[] = [];
  const problems = [] as Problem[][];
  for (const catalogue of catalogues) {
    const mine: Problem[] = [];
    for (const [i, r] of catalogue.resources.entries()) {
      for (const claim of claimsOf(r)) {
        const { owner, made: isNew } = await bind(store, { ...claim, lock: held.token, catalogue: catalogue.id }, now, stale);
        if (isNew) made.push(owner);
        if (!sameOwner(owner, r)) {
          mine.push(taken(r, i, owner)); // one problem a resource: its collection's, else its code's
          break;
        }
      }
    }
    problems.push(mine);
  }
  if (problems.some((p) => p.length)) {
    for (const o of made) await store.delete(COLLECTION_OWNERS, and(eq('key', o.key), eq('lock', held.token)));
  }
  return problems;
}

/**
 * Gives back the claims made under `held`'s lock that no published version binds: a publication that
 * stopped (Ctrl-C, the lock lost, a failure) or published only some of its catalogues leaves no claim of
 * what it did not publish. Call it holding the lock, once the publication is over, however it ended.
 */
export async function releaseClaims(store: Store, held: { readonly token: string }): Promise<void> {
  const claims = await store.find(COLLECTION_OWNERS, { filter: eq('lock', held.token) });
  if (!claims.length) return;
  const published = publishedClaims(await catalogueVersions(store).everPublished());
  for (const row of claims) {
    if (!inForce(row, published, () => false)) await store.delete(COLLECTION_OWNERS, and(eq('key', String(row.key)), eq('lock', held.token)));
  }
}
