// Indexes of the MongoDB store (store.ts). A unique index treats a missing field as null and accepts one
// such document (SQLite accepts many): unique indexes are meant for required fields, unless partial
// (port.ts, IndexSpec.partial: a partialFilterExpression holding only the documents whose fields have a
// value, under a name of its own; one over every row of the same fields, an older release's, is
// replaced: see ensureIndex).

import { MongoError, type Document } from 'mongodb';
import { DuplicateKeyError, ROW_ORDER, StoreUnavailableError, uniqueIndexRefused, type IndexSpec, type Store } from '../port.ts';
import type { Connection } from './connection.ts';
import { checkField } from './filters.ts';

/** The most indexes MongoDB keeps on one collection, `_id`'s included. */
const MAX_INDEXES = 64;

interface NamedIndex {
  name: string;
  fields: string[];
  unique: boolean;
  partial: boolean;
}

export const keyOf = (fields: string[]): Document => Object.fromEntries(fields.map((f) => [f, 1]));

/**
 * The value types a row holds (toDocument): text, numbers (double, int, long and decimal: `number`) and
 * booleans; not null. A partial index holds the documents whose fields all have one of them, so that a
 * null and a missing field are one (port.ts), as SQLite's `IS NOT NULL`: `$exists: true` would hold a
 * field set to null, and refuse a second. Reads by the key (`eq`) find the rows without it (the rows are
 * few, and read by it only on a conflict).
 */
const VALUE_TYPES = ['string', 'number', 'bool'];

/**
 * createIndex's options of an index: a partial one gets a name of its own (its fields' default name and
 * `_partial`), so that it is not taken for the index over every row an older release made by the default name.
 */
export function indexOptions(index: IndexSpec): { unique: boolean; name?: string; partialFilterExpression?: Document } {
  const unique = index.unique === true;
  if (index.partial !== true) return { unique };
  return {
    unique,
    name: `${index.fields.map((f) => `${f}_1`).join('_')}_partial`,
    partialFilterExpression: Object.fromEntries(index.fields.map((f) => [f, { $type: VALUE_TYPES }])),
  };
}

/** IndexOptionsConflict, IndexKeySpecsConflict: the server keeps one index a key pattern. */
const isIndexConflict = (error: unknown): boolean => error instanceof MongoError && (error.code === 85 || error.code === 86);

/** The index operations of a store on `conn`. */
export function indexingOf({ coll, run }: Connection): Pick<Store, 'ensureIndex' | 'listIndexes' | 'dropCollection'> {
  /** A collection's indexes but `_id`'s, with their names; none when it does not exist. */
  const indexesOf = async (collection: string): Promise<NamedIndex[]> => {
    const indexes = await run(`listIndexes on ${collection}`, async () => {
      try {
        return await coll(collection).listIndexes().toArray();
      } catch (error) {
        if (error instanceof MongoError && error.code === 26) return []; // NamespaceNotFound
        throw error;
      }
    });
    return indexes
      .filter((i) => i.name !== '_id_')
      .map((i): NamedIndex => ({ name: String(i.name), fields: Object.keys(i.key as Document), unique: i.unique === true, partial: i.partialFilterExpression !== undefined }));
  };
  /** Drops an index by name; one already gone (another process dropped it) is dropped. */
  const dropIndexNamed = async (collection: string, name: string, what: string): Promise<void> => {
    await run(what, async () => {
      try {
        await coll(collection).dropIndex(name);
      } catch (error) {
        if (error instanceof MongoError && (error.code === 27 || error.code === 26)) return; // IndexNotFound, NamespaceNotFound
        throw error;
      }
    });
  };

  return {
    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const unique = index.unique === true;
      const partial = index.partial === true;
      // ROW_ORDER (`_id`) may end an index that is neither unique nor partial (port.ts): a sort ending with
      // it walks the index, which a single-field index does not serve.
      const fields = index.fields.map((field, i) => {
        if (field !== ROW_ORDER) return checkField(field);
        if (i === index.fields.length - 1 && !unique && !partial) return field;
        throw new Error(`ensureIndex on ${collection}: the row order may only be the last field of an index that is neither unique nor partial`);
      });
      const what = `ensureIndex on ${collection}`;
      const indexes = await indexesOf(collection);
      const same = indexes.filter((i) => i.fields.join(',') === fields.join(','));
      const made = same.find((i) => i.unique === unique && i.partial === partial);
      // An index over every row that this partial one replaces (an older release's): see below.
      const replaced = partial ? same.filter((i) => i.unique === unique && !i.partial) : [];
      const other = same.find((i) => i !== made && !replaced.includes(i));
      if (made === undefined && other !== undefined) {
        const differs = other.unique !== unique ? `unique=${other.unique}` : `partial=${other.partial}`;
        throw new Error(`${what}: an index on ${fields.join(', ')} exists with ${differs}`);
      }
      if (made !== undefined && replaced.length === 0) return;
      // MongoDB keeps at most 64 indexes a collection, `_id`'s included (a resource may have 200 items, each
      // indexed). One that is not unique only speeds reads up: past the limit it is left out, and reads
      // filtering or sorting on the field scan; a unique one is a rule, and is refused.
      if (made === undefined && indexes.length + 1 >= MAX_INDEXES) {
        if (!unique) return;
        throw new Error(`${what}: MongoDB keeps at most ${MAX_INDEXES} indexes a collection, and ${collection} has them; the unique index on ${fields.join(', ')} cannot be made`);
      }
      const spec = { fields, unique, partial };
      if (made === undefined) {
        // A partial index has a name of its own, so that it is made beside the one it replaces (MongoDB 5.0
        // keeps two indexes on one key when their partial filters differ) and that one dropped after: the
        // rule holds at every moment, whichever of several processes starting at once gets there first
        // (createIndex of an index that exists as asked does nothing; dropping one gone is done).
        const create = () => run(what, () => coll(collection).createIndex(keyOf(fields), indexOptions(spec)));
        try {
          try {
            await create();
          } catch (error) {
            // A server that keeps one index a key: the old one dropped first, then this made.
            const conflict = error instanceof StoreUnavailableError && isIndexConflict(error.cause);
            if (!conflict || replaced.length === 0) throw error;
            for (const old of replaced) await dropIndexNamed(collection, old.name, what);
            await create();
          }
        } catch (error) {
          throw error instanceof DuplicateKeyError ? uniqueIndexRefused(collection, fields) : error;
        }
      }
      for (const old of replaced) await dropIndexNamed(collection, old.name, what);
    },

    async listIndexes(collection) {
      return (await indexesOf(collection)).map(({ fields, unique, partial }): IndexSpec => ({ fields, unique, ...(partial ? { partial } : {}) }));
    },

    async dropCollection(collection) {
      await run(`dropCollection ${collection}`, () => coll(collection).drop());
    },
  };
}
