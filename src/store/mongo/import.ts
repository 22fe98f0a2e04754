// Data import into the MongoDB store (`upsertAll`, store.ts): through a staging collection renamed over
// the collection, which readers see whole or not at all, whatever the deployment.

import { ObjectId, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { StoreUnavailableError, valueKey, type Row, type Store, type UpsertAllOptions, type Value, type UpsertResult } from '../port.ts';
import { shuffled } from '../write-order.ts';
import type { Connection } from './connection.ts';
import { fromBson, toBson, toDocument } from './documents.ts';
import { translate } from './errors.ts';
import { checkField, escapeRegex } from './filters.ts';
import { indexOptions, keyOf } from './indexes.ts';
import { renewWhileImporting, stagingPrefix } from './staging.ts';

/** The `upsertAll` of a store on `conn`; `listIndexes` is the store's. */
export function importOf({ coll, db }: Connection, listIndexes: Store['listIndexes']): Store['upsertAll'] {
  /** The UUID of a collection (a new one for a collection dropped and made again), or undefined when there is none. */
  const uuidOf = async (name: string): Promise<string | undefined> => {
    const [found] = await db.listCollections({ name }, { nameOnly: false }).toArray();
    const uuid = (found as { info?: { uuid?: { toString(encoding: 'hex'): string } } } | undefined)?.info?.uuid;
    return uuid?.toString('hex');
  };

  return async function upsertAll(collection, key, batches, options = {}) {
    checkField(key);
    const what = `import into ${collection}`;
    const prefix = stagingPrefix(coll(collection).collectionName);
    const staging = `${prefix}${new ObjectId().toHexString()}`;
    const result: UpsertResult = { inserted: 0, updated: 0 };
    let begun = false;
    let stagingUuid: string | undefined;
    // Renews this import's row while it runs, so that a store opened meanwhile keeps its staging collection (staging.ts).
    let stopRenewing: (() => Promise<void>) | undefined;
    // The collection's indexes made on the staging collection (createIndex of one it has is a no-op).
    const indexesOntoStaging = async () => {
      for (const index of await listIndexes(collection)) {
        await coll(staging).createIndex(keyOf(index.fields), indexOptions(index));
      }
    };
    try {
      for await (const rows of batches) {
        rows.forEach((row, i) => {
          if (row?.[key] === null || row?.[key] === undefined) {
            throw new Error(`upsert into ${collection}: row ${i + 1} has no value for key ${key}`);
          }
        });
        if (!begun) {
          begun = true;
          stopRenewing = await renewWhileImporting(db, staging);
          const leftovers = await db.listCollections({ name: { $regex: `^${escapeRegex(prefix)}` } }, { nameOnly: true }).toArray();
          for (const { name } of leftovers) await db.collection(name).drop();
          const exists = (await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length > 0;
          if (exists) await coll(collection).aggregate([{ $out: staging }]).toArray();
          else await db.createCollection(staging);
          await indexesOntoStaging();
          // `$out` of an empty collection without indexes may leave no collection behind: made here, so
          // that the UUID is the staging collection's from the start.
          if ((stagingUuid = await uuidOf(staging)) === undefined) {
            await db.createCollection(staging);
            stagingUuid = await uuidOf(staging);
          }
        }
        if (rows.length === 0) continue;
        // In an order drawn at random, not the file's: the server's ObjectIds, the store's row order, grow
        // with the writes (../write-order.ts). A key given twice in the batch is written once, its last row.
        const last = new Map(rows.map((row) => [valueKey(row[key]), row]));
        const ordered = shuffled([...last.values()]);
        const written = await coll(staging).bulkWrite(
          options.spellings
            ? await spelledWrites(coll(staging), key, ordered, options.spellings)
            : ordered.map((row) => ({ replaceOne: { filter: { [key]: toBson(row[key]) }, replacement: toDocument(row), upsert: true } })),
          { ordered: true },
        );
        result.inserted += written.upsertedCount;
        result.updated += written.matchedCount + rows.length - last.size;
      }
      if (begun) {
        // Indexes made on the collection while this import ran (a publication's, of a newly filterable
        // item) are made on the staging collection too: the rename drops the collection with them, and
        // on SQLite they are kept (the index waits for the import's transaction).
        await indexesOntoStaging();
        // Another import into the collection that began meanwhile dropped this one's staging collection
        // (as a leftover), and the writes since made a new one holding only the later batches: renaming
        // that would replace the collection with part of this import.
        if ((await uuidOf(staging)) !== stagingUuid) {
          throw new StoreUnavailableError(`${what}: another import into ${collection} began meanwhile and dropped this one's staging collection; nothing of this import was written, run it again`);
        }
        await coll(staging).rename(collection, { dropTarget: true });
      }
      return result;
    } catch (error) {
      if (begun) await coll(staging).drop().catch(() => undefined);
      throw translate(error, what);
    } finally {
      await stopRenewing?.();
    }
  };
}

/**
 * The writes of `rows` into the staging collection when a key has other spellings (UpsertAllOptions): one
 * read of the keys stored under any spelling of the batch's (the staging collection is this import's
 * alone), then, for each row in turn, the rows of the other spellings removed and the row written over
 * its own key's row, or else over the first other spelling's (which keeps its _id, the row order), or
 * inserted. A row of the batch is stored for the rows after it.
 */
async function spelledWrites(staging: Collection<Document>, key: string, rows: Row[], spellings: NonNullable<UpsertAllOptions['spellings']>): Promise<AnyBulkWriteOperation<Document>[]> {
  const spelled = rows.map((row) => spellings(row[key]).filter((v) => valueKey(v) !== valueKey(row[key])));
  const asked = rows.flatMap((row, i) => [row[key], ...spelled[i]]).map(toBson);
  const stored = new Set<unknown>();
  for (const doc of await staging.find({ [key]: { $in: asked } }, { projection: { _id: 0, [key]: 1 } }).toArray()) {
    stored.add(valueKey(fromBson(doc[key]) as Value));
  }
  return rows.flatMap((row, i): AnyBulkWriteOperation<Document>[] => {
    const others = spelled[i].filter((v) => stored.delete(valueKey(v)));
    const over = stored.has(valueKey(row[key])) ? row[key] : (others.shift() ?? row[key]);
    stored.add(valueKey(row[key]));
    const removed = others.map((v) => ({ deleteMany: { filter: { [key]: toBson(v) } } }));
    return [...removed, { replaceOne: { filter: { [key]: toBson(over) }, replacement: toDocument(row), upsert: true } }];
  });
}
