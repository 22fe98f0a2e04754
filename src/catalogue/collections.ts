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
import { collectionOf, type Catalogue, type Resource } from '../model/catalogue.ts';
import { codeKey } from './codes.ts';
import { and, DuplicateKeyError, eq, type Row, type Store } from '../store/port.ts';
import type { Problem } from './problems.ts';
import { catalogueVersions, type CatalogueVersions } from './repository.ts';

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

const sameOwner = (o: CollectionOwner, r: Resource) => o.resource === r.code && o.provider === r.provider;

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

/** The binding of one collection key, or null. */
async function bindingOf(store: Store, key: string): Promise<CollectionOwner | null> {
  const rows = await store.find(COLLECTION_OWNERS, { filter: eq('key', key), limit: 1 });
  return rows.length ? ownerOf(rows[0]) : null;
}

const CODE_CLAIM = 'code:';

/** What a publication of the resource claims: its collection, and its code. */
function claimsOf(r: Resource): CollectionOwner[] {
  const collection = collectionOf(r);
  const owner = { collection, resource: r.code, provider: r.provider };
  return [{ key: collectionKey(collection), ...owner }, { key: CODE_CLAIM + codeKey(r.code), ...owner }];
}

/** Records the binding unless the key is bound; returns the binding in force and whether this call made it. */
async function bind(store: Store, owner: CollectionOwner, now: Date): Promise<{ owner: CollectionOwner; made: boolean }> {
  try {
    await store.insert(COLLECTION_OWNERS, [{ ...owner, boundAt: now.toISOString() }]);
    return { owner, made: true };
  } catch (err) {
    if (!(err instanceof DuplicateKeyError)) throw err;
    const existing = await bindingOf(store, owner.key);
    if (!existing) throw err;
    return { owner: existing, made: false };
  }
}

/** Binds the collections of every version ever published, oldest publication first (stores from before bindings). */
async function bindHistory(store: Store, versions: CatalogueVersions, now: Date): Promise<void> {
  for (const v of await versions.everPublished()) for (const r of v.catalogue.resources) for (const c of claimsOf(r)) await bind(store, c, now);
}

/**
 * Problems of a catalogue's collections against the bindings and every version ever published; changes
 * nothing. `versions`: the action's reader, when it has read (or will read) those versions anyway.
 */
export async function collectionProblems(store: Store, catalogue: Catalogue, versions = catalogueVersions(store)): Promise<Problem[]> {
  const owners = new Map<string, CollectionOwner>();
  for (const row of await store.find(COLLECTION_OWNERS, {})) {
    const o = ownerOf(row);
    owners.set(o.key, o);
  }
  for (const v of await versions.everPublished()) {
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
 * Claims the collections of catalogues about to be published, for their resources' codes and providers.
 * Returns the problems of each catalogue (same order); when there is any, the bindings this call made are
 * removed again, so a refused publication leaves nothing behind. Call it right before the status change
 * and refuse the publication when it returns any problem.
 */
export async function claimCollections(
  store: Store,
  catalogues: readonly Catalogue[],
  now = new Date(),
  versions = catalogueVersions(store),
): Promise<Problem[][]> {
  await ensureIndex(store);
  await bindHistory(store, versions, now);
  const made: CollectionOwner[] = [];
  const problems = [] as Problem[][];
  for (const catalogue of catalogues) {
    const mine: Problem[] = [];
    for (const [i, r] of catalogue.resources.entries()) {
      for (const claim of claimsOf(r)) {
        const { owner, made: isNew } = await bind(store, claim, now);
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
    for (const o of made) await store.delete(COLLECTION_OWNERS, and(eq('key', o.key), eq('resource', o.resource), eq('provider', o.provider)));
  }
  return problems;
}
