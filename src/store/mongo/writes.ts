// Writes of the MongoDB store (store.ts). Those that must be all-or-nothing (`insert`, `upsert`,
// `update`) run in a transaction when the deployment supports them; on a standalone server they run
// directly and, when that fails, what they wrote is undone (connection.ts, atomically): not isolated, see
// store.ts.

import { ObjectId, type Document } from 'mongodb';
import type { Store, UpsertResult } from '../port.ts';
import type { Connection } from './connection.ts';
import { toBson, toDocument, toSetDocument } from './documents.ts';
import { checkField, toMongoFilter } from './filters.ts';

/**
 * The update putting `fields` of a document back as `before` holds them (read before a write that failed
 * midway): those it had set again, those it had not removed.
 */
export function restoreFields(before: Document, fields: string[]): Document {
  const $set: Document = {};
  const $unset: Document = {};
  for (const f of fields) {
    if (Object.hasOwn(before, f)) $set[f] = before[f];
    else $unset[f] = '';
  }
  return { ...(Object.keys($set).length > 0 ? { $set } : {}), ...(Object.keys($unset).length > 0 ? { $unset } : {}) };
}

/** The writes of a store on `conn`; `count` is the store's (an update that sets nothing counts the rows). */
export function writesOf({ coll, run, atomically, transactions }: Connection, count: Store['count']): Pick<Store, 'insert' | 'upsert' | 'update' | 'delete'> {
  return {
    async insert(collection, rows) {
      if (rows.length === 0) return;
      const docs = rows.map((row) => ({ ...toDocument(row), _id: new ObjectId() }));
      const ids = docs.map((d) => d._id);
      await atomically(
        `insert into ${collection}`,
        (session) => coll(collection).insertMany(docs, { session, ordered: true }),
        () => coll(collection).deleteMany({ _id: { $in: ids } }),
      );
    },

    async upsert(collection, key, rows): Promise<UpsertResult> {
      checkField(key);
      rows.forEach((row, i) => {
        if (row[key] === null || row[key] === undefined) {
          throw new Error(`upsert into ${collection}: row ${i + 1} has no value for key ${key}`);
        }
      });
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      const keys = [...new Set(rows.map((row) => row[key]))].map(toBson);
      const operations = rows.map((row) => ({
        replaceOne: { filter: { [key]: toBson(row[key]) }, replacement: toDocument(row), upsert: true },
      }));
      // Only read when there is no transaction: what to restore if the bulk write fails midway.
      const before = transactions
        ? []
        : await run(`upsert into ${collection}`, () => coll(collection).find({ [key]: { $in: keys } }).toArray());
      const result = await atomically(
        `upsert into ${collection}`,
        (session) => coll(collection).bulkWrite(operations, { session, ordered: true }),
        async () => {
          await coll(collection).deleteMany({ [key]: { $in: keys } });
          if (before.length > 0) await coll(collection).insertMany(before, { ordered: false });
        },
      );
      return { inserted: result.upsertedCount, updated: result.matchedCount };
    },

    async update(collection, filter, set, mark) {
      const fields = Object.keys(set).map(checkField);
      if (fields.length === 0) return count(collection, filter);
      if (mark) coll(mark.collection); // its name checked before anything is written
      const what = `update in ${collection}`;
      const query = toMongoFilter(filter);
      const $set = toSetDocument(set); // before anything is written: it may refuse a value
      // All-or-nothing, as SQLite's one UPDATE statement: updateMany is not, and a unique violation on a
      // later row left the earlier ones changed. Without a transaction, the fields set are read first (each
      // matched row's, with its _id), to put back when the write fails midway.
      const before = transactions
        ? []
        : await run(what, () => coll(collection).find(query, { projection: Object.fromEntries(fields.map((f) => [f, 1])) }).toArray());
      const result = await atomically(
        what,
        async (session) => {
          const updated = await coll(collection).updateMany(query, { $set }, { session });
          // The mark after the rows, in the transaction; without one, a mark that fails undoes the update
          // (the unique index on its key turns a racing second insert into an update, retried by the server).
          if (mark && updated.matchedCount > 0) {
            await coll(mark.collection).updateOne({ key: mark.key }, { $set: { value: mark.value } }, { session, upsert: true });
          }
          return updated;
        },
        () => Promise.all(before.map((doc) => coll(collection).updateOne({ _id: doc._id }, restoreFields(doc, fields)))),
      );
      return result.matchedCount;
    },

    async delete(collection, filter) {
      const result = await run(`delete in ${collection}`, () => coll(collection).deleteMany(toMongoFilter(filter)));
      return result.deletedCount;
    },
  };
}
