// Staging collections of data imports on the MongoDB store (import.ts): `<collection>.importing.<id>`,
// renamed over the collection once the import's rows are in. A process killed midway (`kill -9`, the
// machine going down) leaves its staging collection behind, a copy of the collection as big as it, until
// the next import into the same collection dropped it: a resource imported once a month kept one for a
// month. Every opening of the store now drops those no live import holds.
//
// Which are live: an import renews a row of IMPORT_RENEWALS naming its staging collection every
// RENEW_MS while it runs (an index build on the staging collection may take minutes) and removes it when
// done. A staging collection whose last renewal, or else its id's time (an ObjectId made by the importing
// process, for one from before the renewals or killed before its first), is older than STALE_MS is
// stale. Dropping a live one by mistake writes nothing wrong: that import fails before its rename (its
// staging collection's UUID changed) having written nothing.

import type { Db } from 'mongodb';

/** Renewals of running imports: `{ _id: staging collection's name, renewedAt: Date }`. Govgraph's by its name. */
export const IMPORT_RENEWALS = '_govgraph_imports';
/** A running import renews its row this often. */
export const RENEW_MS = 10_000;
/** Not renewed for this long, an import is taken for dead and its staging collection for a leftover. */
export const STALE_MS = 5 * 60_000;

const MARK = '.importing.';
/** A staging collection's name: the collection's, MARK, an ObjectId's 24 hex digits. */
const STAGING = /\.importing\.([0-9a-f]{24})$/;

export const stagingPrefix = (collectionName: string): string => `${collectionName}${MARK}`;

/** The collection a staging collection's name is of (`r_x.importing.<id>` is of `r_x`); any other name as it is. */
export const stagedCollection = (name: string): string => name.replace(STAGING, '');

/** When the staging collection `name` was made (its ObjectId's seconds), or undefined for a name of no import. */
export function stagingMadeAt(name: string): number | undefined {
  const id = STAGING.exec(name)?.[1];
  return id === undefined ? undefined : Number.parseInt(id.slice(0, 8), 16) * 1000;
}

/**
 * The staging collections among `names` that no live import holds at `now` (ms since the epoch):
 * renewed (`renewals`, by name) or else made more than STALE_MS ago, or stamped further ahead than a live
 * import's clock would (a clock set years ahead kept them for years). Names of no import are never chosen.
 */
export function staleStagingCollections(names: string[], renewals: ReadonlyMap<string, number>, now: number): string[] {
  return names.filter((name) => {
    const madeAt = stagingMadeAt(name);
    if (madeAt === undefined) return false;
    const age = now - (renewals.get(name) ?? madeAt);
    return !(Math.abs(age) <= STALE_MS);
  });
}

/**
 * Drops the staging collections of `db` that no live import holds (staleStagingCollections), with their
 * renewal rows; returns their names. Another process opening the store at the same moment may drop one
 * first: a collection gone meanwhile is no failure (`drop` answers false for it).
 */
export async function dropStaleStaging(db: Db, now = Date.now()): Promise<string[]> {
  const found = await db.listCollections({ name: { $regex: STAGING.source } }, { nameOnly: true }).toArray();
  const names = found.map((c) => c.name);
  const renewals = new Map<string, number>();
  if (names.length > 0) {
    for (const row of await db.collection<{ _id: string; renewedAt?: unknown }>(IMPORT_RENEWALS).find({ _id: { $in: names } }).toArray()) {
      if (row.renewedAt instanceof Date) renewals.set(row._id, row.renewedAt.getTime());
    }
  }
  const stale = staleStagingCollections(names, renewals, now);
  for (const name of stale) await db.collection(name).drop();
  // Renewal rows of imports whose process died (their collection dropped above, or never made).
  await db.collection(IMPORT_RENEWALS).deleteMany({ renewedAt: { $lt: new Date(now - STALE_MS) } });
  return stale;
}

/** Renews the row of the import writing `staging` until the returned function is called, which removes it. */
export async function renewWhileImporting(db: Db, staging: string): Promise<() => Promise<void>> {
  const rows = db.collection<{ _id: string; renewedAt: Date }>(IMPORT_RENEWALS);
  const renew = () => rows.updateOne({ _id: staging }, { $set: { renewedAt: new Date() } }, { upsert: true });
  await renew();
  // A renewal that fails is not the import's failure: its next one, or the import's own writes, tell.
  const timer = setInterval(() => void renew().catch(() => undefined), RENEW_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await rows.deleteOne({ _id: staging }).catch(() => undefined);
  };
}
