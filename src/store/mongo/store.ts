// The MongoDB store (SPEC §11) on the official driver: a thin translation of the port.
//
// - Filters become MongoDB queries; `eq: null`, `ne`, `in` with null already have the port's meaning in
//   MongoDB; gt/gte/lt/lte with null and an empty `or` become a condition that matches nothing.
// - Rows never carry `_id` (projection `{ _id: 0 }`); a projection returns every projected field, null
//   when the document has none, as the SQLite store does. ROW_ORDER is `_id` itself: sorted by, compared
//   with (as the hex string a row carries it as) and projected as that string (row-order.ts: an `_id` of
//   another kind, which another program wrote, as another text, in MongoDB's order of kinds). An ObjectId orders by the
//   second it was made in, then by the process that made it: `insert` makes its rows' ids here, in order,
//   but the new rows of `upsert` and `upsertAll` get theirs from the server, so rows stored within one
//   second by an insert and an upsert (or by two gateways) may follow another order than they were stored
//   in. Unique and total all the same, which is what a cursor needs; SQLite's rowid is the stored order.
// - Writes that must be all-or-nothing (`insert`, `upsert`, `update`) run in a transaction when the
//   deployment supports them (replica set or sharded cluster). On a standalone server they run directly
//   (one ordered bulk write, one updateMany) and, when that fails, the adapter undoes what it wrote
//   (removes the inserted documents, restores the replaced ones and the fields an update set). That undo
//   is not isolated: a reader may briefly see the partial write, and a crash in between leaves it. Run
//   MongoDB as a replica set (even of one member) for real atomicity.
// - `upsertAll` (data import) writes into a staging collection (`<collection>.importing.<id>`, a
//   server-side copy of the collection with its indexes, and those made on the collection meanwhile
//   once the rows are in) and then renames it over the collection with
//   `dropTarget`: a rename within one database is atomic, so readers see the old rows or every new one,
//   whatever the deployment, and a process killed before the rename leaves only a staging collection that
//   nobody reads, dropped by the next opening of the store once no import renews it (staging.ts), or by
//   the next import into the collection. Two concurrent imports into one
//   collection: the one begun later drops the other's staging collection, which then fails before its
//   rename, having written nothing (its staging collection's UUID changed), or had ended already.
// - A unique index treats a missing field as null and accepts one such document (SQLite accepts many):
//   unique indexes are meant for required fields, unless partial (port.ts, IndexSpec.partial: a
//   partialFilterExpression holding only the documents whose fields have a value, under a name of its
//   own; one over every row of the same fields, an older release's, is replaced: see ensureIndex).
// - Decimals (port.ts) are BSON Decimal128 values, which keep their digits and scale ("450.10") and which
//   MongoDB compares, sorts and indexes by value ("450.1" = "450.10"); a Decimal128 read back becomes a
//   Decimal with the same text (Decimal128 writes small values as "1.0E-7": made plain again).
// - Numbers are written as JSON holds them, as the embedded store keeps them: -0 as 0, NaN and ±Infinity
//   as null; a field whose value is undefined is left out (an update sets it null). Text holding a lone
//   surrogate is refused (BSON is UTF-8: the driver wrote U+FFFD in its place), and a filter by one answers
//   as on SQLite, where no MongoDB row holds one (filters.ts, loneSurrogateCompare). See toStored.

import type { Store } from '../port.ts';
import { announceWrites } from '../changes.ts';
import { claimsOf } from './claims.ts';
import { caseOnlyKeysOf, joinedComparisonOf } from './compare-joined.ts';
import { connect, standaloneWarning } from './connection.ts';
import { fillNullsOf } from './fill-nulls.ts';
import { importOf } from './import.ts';
import { indexingOf } from './indexes.ts';
import { metersOf } from './meters.ts';
import { readsOf } from './reads.ts';
import { dropStaleStaging } from './staging.ts';
import { writesOf } from './writes.ts';

/** `existing`: the database must hold a store already (NoMongoStoreError, mongo-foreign.ts). */
export async function openMongoStore(uri: string, dbName?: string, opts: { existing?: boolean } = {}): Promise<Store> {
  const conn = await connect(uri, dbName, opts.existing);
  // Leftovers of imports killed midway (staging.ts). Housekeeping: a user who may not drop collections
  // (a read-only one) still opens the store, the leftovers kept for an opening that may.
  await dropStaleStaging(conn.db).catch(() => undefined);
  const reads = readsOf(conn);
  const writes = writesOf(conn, reads.count);
  const indexing = indexingOf(conn);

  const store: Omit<Store, 'watch'> = {
    kind: 'mongodb',
    ...(conn.transactions ? {} : { warning: standaloneWarning(conn.db.databaseName) }),
    find: reads.find,
    count: reads.count,
    findByValues: reads.findByValues,
    insert: writes.insert,
    upsert: writes.upsert,
    upsertAll: importOf(conn, indexing.listIndexes),
    update: writes.update,
    fillNulls: fillNullsOf(conn),
    delete: writes.delete,
    compareJoined: joinedComparisonOf(conn),
    caseOnlyKeys: caseOnlyKeysOf(conn),
    ensureIndex: indexing.ensureIndex,
    listIndexes: indexing.listIndexes,
    dropCollection: indexing.dropCollection,
    meter: metersOf(conn),
    claimOnce: claimsOf(conn),

    async close() {
      await conn.client.close();
    },
  };
  return announceWrites(store);
}
