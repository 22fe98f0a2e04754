// The MongoDB store (SPEC §11) on the official driver: a thin translation of the port.
//
// - Filters become MongoDB queries; `eq: null`, `ne`, `in` with null already have the port's meaning in
//   MongoDB; gt/gte/lt/lte with null and an empty `or` become a condition that matches nothing.
// - Rows never carry `_id` (projection `{ _id: 0 }`); a projection returns every projected field, null
//   when the document has none, as the SQLite store does. ROW_ORDER is `_id` itself: sorted by, compared
//   with (as the hex string a row carries it as) and projected as that string. An ObjectId orders by the
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
//   nobody reads (the next import into the collection drops it). Two concurrent imports into one
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
//   as null; a field whose value is undefined is left out (an update sets it null). See toStored.

import {
  Decimal128,
  MongoClient,
  MongoError,
  ObjectId,
  type ClientSession,
  type Collection,
  type Db,
  type Document,
  type Filter as MongoFilter,
} from 'mongodb';
import {
  checkClaim,
  checkMeterStep,
  DuplicateKeyError,
  filterValue,
  ROW_ORDER,
  StoreUnavailableError,
  uniqueIndexRefused,
  type Filter,
  type IndexSpec,
  type MeterReading,
  type Row,
  type SortKey,
  type Store,
  type UpsertResult,
  type Value,
} from './port.ts';
import { announceWrites } from './changes.ts';
import { refuseForeignMongoDatabase } from './mongo-foreign.ts';
import { Decimal, plainDecimalText } from '../formats/decimal.ts';

const DEFAULT_DB = 'govgraph';
/** The collection of keys claimed once (Store.claimOnce); `_` names are the platform's, never a resource's. */
const CLAIMS = '_govgraph_once';
const FIELD = /^[_A-Za-z][_0-9A-Za-z]*$/;
const NEVER: MongoFilter<Document> = { _id: { $in: [] } };
/** The latest (and, negated, earliest) time a JavaScript Date holds, in ms since the epoch. */
const MAX_DATE_MS = 8.64e15;
/** The most indexes MongoDB keeps on one collection, `_id`'s included. */
const MAX_INDEXES = 64;

function checkField(field: string): string {
  if (typeof field !== 'string' || !FIELD.test(field) || field === '_id') {
    throw new Error(`invalid field name ${JSON.stringify(field)}`);
  }
  return field;
}

/** The database named in the URI path (`mongodb://host/name?...`), if any. */
export function databaseFromUri(uri: string): string | undefined {
  const match = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(uri);
  return match && match[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * User text as a literal regular expression: metacharacters escaped, and NUL written `\x00` (MongoDB
 * refuses a pattern holding a NUL byte, so a `contains` of one failed as "store unavailable").
 */
const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\0/g, '\\x00');

/** A port value as BSON: a decimal as Decimal128 (its text, digits and scale). */
export const toBson = (value: Value): unknown => (value instanceof Decimal ? Decimal128.fromString(value.text) : value);

/**
 * A BSON value as a port value: a Decimal128 as a decimal with its text. One that govgraph cannot have
 * written (NaN, Infinity, written by another program) is returned as its text.
 */
export function fromBson(value: unknown): unknown {
  if (!(value instanceof Decimal128)) return value;
  const text = value.toString();
  return /^-?\d/.test(text) ? Decimal.fromStored(plainDecimalText(text)) : text;
}

/**
 * A row's value as a document holds it: as JSON text holds it, which is what the embedded store keeps and
 * what port.ts promises (JSON scalars). BSON would keep -0, NaN and the infinities as they are, so a row
 * read back differed from SQLite's (0, null, null) and `eq: null` missed a NaN: -0 is written 0, NaN and
 * ±Infinity null.
 */
export function toStored(value: Value): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null; // -0 + 0 is 0
  return toBson(value);
}

/**
 * A row as a document to write: decimals as Decimal128, numbers as toStored writes them. A field whose
 * value is undefined is left out, as JSON.stringify leaves it out (the driver would write it null).
 */
export function toDocument(row: Row): Document {
  const doc: Document = {};
  for (const field in row) if (row[field] !== undefined) doc[field] = toStored(row[field]);
  return doc;
}

/** The `$set` of an update: as toDocument, but a field set to undefined is set to null, as SQLite's update does. */
export function toSetDocument(set: Row): Document {
  const doc: Document = {};
  for (const field in set) doc[field] = toStored(set[field] ?? null);
  return doc;
}

/** A document read as a row: Decimal128 values as decimals (changed in place). */
function fromDocument(doc: Document): Row {
  for (const field in doc) if (doc[field] instanceof Decimal128) doc[field] = fromBson(doc[field]);
  return doc as Row;
}

export function toMongoFilter(filter: Filter | undefined): MongoFilter<Document> {
  if (filter === undefined) return {};
  switch (filter.kind) {
    case 'and':
      return filter.filters.length === 0 ? {} : { $and: filter.filters.map(toMongoFilter) };
    case 'or':
      return filter.filters.length === 0 ? NEVER : { $or: filter.filters.map(toMongoFilter) };
    case 'compare': {
      if (filter.field === ROW_ORDER) {
        // A cursor's condition: the hex string a row carried its ObjectId as. No row's order is anything else
        // (null, a number, other text): `ne` then matches every row, as SQLite's `id IS NOT ?` does, and
        // the other operators none.
        filterValue(ROW_ORDER, filter.value);
        if (typeof filter.value !== 'string' || !ObjectId.isValid(filter.value)) return filter.op === 'ne' ? {} : NEVER;
        return { _id: { [`$${filter.op}`]: ObjectId.createFromHexString(filter.value) } };
      }
      const field = checkField(filter.field);
      const value = filterValue(field, filter.value) ?? null; // undefined: null, as SQLite reads it
      if (value === null && filter.op !== 'eq' && filter.op !== 'ne') return NEVER;
      return { [field]: { [`$${filter.op}`]: toBson(value) } };
    }
    case 'in': {
      const field = checkField(filter.field);
      return { [field]: { $in: filter.values.map((v) => toBson(filterValue(field, v) ?? null)) } };
    }
    case 'startsWith':
      return { [checkField(filter.field)]: { $regex: `^${escapeRegex(filterValue(filter.field, filter.value, true))}` } };
    case 'contains':
      return { [checkField(filter.field)]: { $regex: escapeRegex(filterValue(filter.field, filter.value, true)) } };
    default:
      throw new Error(`unknown filter ${JSON.stringify(filter satisfies never)}`);
  }
}

/**
 * A sort as MongoDB's sort document. A field named again keeps its first direction, as in SQLite's
 * ORDER BY, where a later key on it never decides anything; in a document the later one would replace
 * the direction (an orderBy of age ASC, then age DESC, sorted DESC here and ASC there, and its cursors
 * were made for ASC).
 */
export function toMongoSort(sort: SortKey[]): Document {
  const out: Document = {};
  for (const s of sort) {
    const field = s.field === ROW_ORDER ? '_id' : checkField(s.field);
    if (!(field in out)) out[field] = s.direction === 'desc' ? -1 : 1;
  }
  return out;
}

interface NamedIndex {
  name: string;
  fields: string[];
  unique: boolean;
  partial: boolean;
}

const keyOf = (fields: string[]): Document => Object.fromEntries(fields.map((f) => [f, 1]));

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

function isDuplicateKey(error: unknown): boolean {
  if (!(error instanceof MongoError)) return false;
  if (error.code === 11000) return true;
  const writeErrors = (error as { writeErrors?: { code?: number }[] }).writeErrors;
  return Array.isArray(writeErrors) && writeErrors.some((e) => e.code === 11000);
}

/**
 * The unique index a duplicate-key error names, by its fields (`keyPattern`) or else its name. Never the
 * server's message: it quotes the value (`dup key: { id: "..." }`), a record's, which would reach the
 * log or the terminal; SQLite's names only the index.
 */
function duplicateIndex(error: unknown): string {
  const writeErrors = (error as { writeErrors?: { code?: number; err?: { keyPattern?: unknown; errmsg?: unknown } }[] }).writeErrors;
  const first = Array.isArray(writeErrors) ? writeErrors.find((e) => e.code === 11000)?.err : undefined;
  const keyPattern = (error as { keyPattern?: unknown }).keyPattern ?? first?.keyPattern;
  if (keyPattern !== null && typeof keyPattern === 'object' && Object.keys(keyPattern).length > 0) return `the unique index on ${Object.keys(keyPattern).join(', ')}`;
  const name = /\bindex: (\S+) dup key/.exec(String(first?.errmsg ?? (error as Error).message ?? ''))?.[1];
  return name === undefined ? 'a unique index' : `the unique index ${name}`;
}

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

/** Duplicate keys become DuplicateKeyError, other driver errors StoreUnavailableError. */
export function translate(error: unknown, what: string): unknown {
  if (isDuplicateKey(error)) return new DuplicateKeyError(`${what}: duplicate key on ${duplicateIndex(error)}`);
  if (error instanceof MongoError) {
    return new StoreUnavailableError(`${what}: MongoDB failed: ${error.message}`, { cause: error });
  }
  return error;
}

function checkCount(name: string, n: number | undefined): void {
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new Error(`invalid ${name} ${n}`);
}

function projectRows(docs: Document[], projection: string[] | undefined): Row[] {
  if (projection === undefined) return docs.map(fromDocument);
  return docs.map((doc) => {
    const row: Row = {};
    for (const field of projection) {
      row[field] = field === ROW_ORDER ? (doc._id as ObjectId).toHexString() : ((fromBson(doc[field]) as Value | undefined) ?? null);
    }
    return row;
  });
}

export async function openMongoStore(uri: string, dbName?: string): Promise<Store> {
  let client: MongoClient;
  try {
    client = new MongoClient(uri);
  } catch (error) {
    throw new StoreUnavailableError(`not a MongoDB connection string: ${(error as Error).message}`, { cause: error });
  }
  let db: Db;
  let transactions: boolean;
  try {
    await client.connect();
    db = client.db(dbName ?? databaseFromUri(uri) ?? DEFAULT_DB);
    const hello = await db.admin().command({ hello: 1 });
    transactions = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new StoreUnavailableError(`cannot connect to MongoDB: ${(error as Error).message}`, { cause: error });
  }
  try {
    await refuseForeignMongoDatabase(db);
  } catch (error) {
    await client.close().catch(() => undefined);
    throw translate(error, `open the MongoDB database ${db.databaseName}`);
  }

  const coll = (name: string): Collection<Document> => {
    if (typeof name !== 'string' || name.length === 0) throw new Error(`invalid collection name ${JSON.stringify(name)}`);
    return db.collection(name);
  };

  async function run<T>(what: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw translate(error, what);
    }
  }

  /** Runs `write` in a transaction when supported, otherwise directly with `undo` on failure. */
  async function atomically<T>(
    what: string,
    write: (session?: ClientSession) => Promise<T>,
    undo: () => Promise<unknown>,
  ): Promise<T> {
    if (transactions) {
      return run(what, () => client.withSession((session) => session.withTransaction(() => write(session))));
    }
    try {
      return await write();
    } catch (error) {
      await undo().catch(() => undefined);
      throw translate(error, what);
    }
  }

  /** The UUID of a collection (a new one for a collection dropped and made again), or undefined when there is none. */
  const uuidOf = async (name: string): Promise<string | undefined> => {
    const [found] = await db.listCollections({ name }, { nameOnly: false }).toArray();
    const uuid = (found as { info?: { uuid?: { toString(encoding: 'hex'): string } } } | undefined)?.info?.uuid;
    return uuid?.toString('hex');
  };

  const find = async (collection: string, filter: Filter | undefined, projection?: string[], options: Document = {}) => {
    const fields = projection === undefined ? undefined : [...new Set(projection.map((f) => (f === ROW_ORDER ? f : checkField(f))))];
    const mongoProjection: Document = { _id: 0 };
    for (const field of fields ?? []) mongoProjection[field] = 1; // ROW_ORDER: `_id: 1`
    const docs = await run(`find in ${collection}`, () =>
      coll(collection).find(toMongoFilter(filter), { projection: mongoProjection, ...options }).toArray(),
    );
    return projectRows(docs, fields);
  };

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

  /** Meter collections whose indexes exist: the key (unique, so that two first steps cannot both insert) and a TTL. */
  const meterIndexes = new Map<string, Promise<unknown>>();
  const meterIndexesOf = (collection: string): Promise<unknown> => {
    let ready = meterIndexes.get(collection);
    if (!ready) {
      ready = Promise.all([
        coll(collection).createIndex({ key: 1 }, { unique: true }),
        coll(collection).createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }),
      ]).catch((error: unknown) => {
        meterIndexes.delete(collection);
        throw error;
      });
      meterIndexes.set(collection, ready);
    }
    return ready;
  };

  // Keys claimed once (port.ts, ClaimsOnce): one insertOne under a unique index on space and key. The
  // TTL index removes expired claims within a minute or so; one found expired before that is taken over
  // by a conditional update (atomic on the document: of two processes, one matches).
  let claimIndexes: Promise<unknown> | undefined;
  async function claimOnce(space: string, key: string, expiresAt: number): Promise<boolean> {
    checkClaim(space, key, expiresAt);
    const what = `claimOnce in ${space}`;
    const claims = coll(CLAIMS);
    claimIndexes ??= Promise.all([
      claims.createIndex({ space: 1, key: 1 }, { unique: true }),
      claims.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 }),
    ]).catch((error: unknown) => {
      claimIndexes = undefined;
      throw error;
    });
    await run(what, () => claimIndexes!);
    // A Date holds ±8.64e15 ms; past that it is invalid, and BSON writes an invalid Date as 1970: a claim
    // far in the future would be expired at once (and the key claimable again). Held at the bound instead.
    const until = new Date(Math.min(Math.max(expiresAt, -MAX_DATE_MS), MAX_DATE_MS));
    try {
      await claims.insertOne({ space, key, expiresAt: until });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw translate(error, what);
    }
    const expired = await run(what, () => claims.updateOne({ space, key, expiresAt: { $lte: new Date() } }, { $set: { expiresAt: until } }));
    return expired.matchedCount === 1;
  }

  const store: Omit<Store, 'watch'> = {
    kind: 'mongodb',

    async find(collection, query) {
      checkCount('limit', query.limit);
      checkCount('skip', query.skip);
      if (query.limit === 0) return [];
      const options: Document = {};
      if (query.sort && query.sort.length > 0) options.sort = toMongoSort(query.sort);
      if (query.skip) options.skip = query.skip;
      if (query.limit !== undefined) options.limit = query.limit;
      if (query.signal) options.signal = query.signal;
      return find(collection, query.filter, query.projection, options);
    },

    async count(collection, filter, options) {
      const signal = options?.signal;
      return run(`count in ${collection}`, () => coll(collection).countDocuments(toMongoFilter(filter), signal ? { signal } : {}));
    },

    async findByValues(collection, field, values, projection, options) {
      if (values.length === 0) return [];
      return find(collection, { kind: 'in', field, values }, projection, options?.signal ? { signal: options.signal } : {});
    },

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

    async upsertAll(collection, key, batches) {
      checkField(key);
      const what = `import into ${collection}`;
      const prefix = `${coll(collection).collectionName}.importing.`;
      const staging = `${prefix}${new ObjectId().toHexString()}`;
      const result: UpsertResult = { inserted: 0, updated: 0 };
      let begun = false;
      let stagingUuid: string | undefined;
      // The collection's indexes made on the staging collection (createIndex of one it has is a no-op).
      const indexesOntoStaging = async () => {
        for (const index of await store.listIndexes(collection)) {
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
          const written = await coll(staging).bulkWrite(
            rows.map((row) => ({ replaceOne: { filter: { [key]: toBson(row[key]) }, replacement: toDocument(row), upsert: true } })),
            { ordered: true },
          );
          result.inserted += written.upsertedCount;
          result.updated += written.matchedCount;
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
      }
    },

    async update(collection, filter, set) {
      const fields = Object.keys(set).map(checkField);
      if (fields.length === 0) return store.count(collection, filter);
      const what = `update in ${collection}`;
      const query = toMongoFilter(filter);
      // All-or-nothing, as SQLite's one UPDATE statement: updateMany is not, and a unique violation on a
      // later row left the earlier ones changed. Without a transaction, the fields set are read first (each
      // matched row's, with its _id), to put back when the write fails midway.
      const before = transactions
        ? []
        : await run(what, () => coll(collection).find(query, { projection: Object.fromEntries(fields.map((f) => [f, 1])) }).toArray());
      const result = await atomically(
        what,
        (session) => coll(collection).updateMany(query, { $set: toSetDocument(set) }, { session }),
        () => Promise.all(before.map((doc) => coll(collection).updateOne({ _id: doc._id }, restoreFields(doc, fields)))),
      );
      return result.matchedCount;
    },

    async delete(collection, filter) {
      const result = await run(`delete in ${collection}`, () => coll(collection).deleteMany(toMongoFilter(filter)));
      return result.deletedCount;
    },

    async compareJoined(left, right, sample, options) {
      checkCount('sample', sample);
      const [lo, lf, ro, rf] = [checkField(left.on), checkField(left.field), checkField(right.on), checkField(right.field)];
      // $lookup with a sub-pipeline on the right's join field (served by its index), then one $facet
      // counting the pairs and listing the first differing keys; the server streams the left side.
      const pipeline: Document[] = [
        { $match: left.filter ? { $and: [{ [lo]: { $ne: null } }, toMongoFilter(left.filter)] } : { [lo]: { $ne: null } } },
        { $project: { k: `$${lo}`, v: { $ifNull: [`$${lf}`, null] } } }, // _id kept: the sample's order
        { $lookup: { from: right.collection, localField: 'k', foreignField: ro, as: 'r', pipeline: [...(right.filter ? [{ $match: toMongoFilter(right.filter) }] : []), { $project: { _id: 0, v: { $ifNull: [`$${rf}`, null] } } }] } },
        { $unwind: '$r' },
        { $project: { k: 1, d: { $ne: ['$v', '$r.v'] } } },
        {
          $facet: {
            totals: [{ $group: { _id: null, compared: { $sum: 1 }, differing: { $sum: { $cond: ['$d', 1, 0] } } } }],
            // In the order the left rows were stored (their first row's _id), not key order: see JoinComparison.
            sample: [{ $match: { d: true } }, { $group: { _id: '$k', o: { $min: '$_id' } } }, { $sort: { o: 1 } }, { $limit: Math.max(sample, 1) }],
          },
        },
      ];
      const [out] = await run(`compare ${left.collection} with ${right.collection}`, () =>
        // The request's signal ends the aggregation (the driver's Abortable option, as find and count take it).
        coll(left.collection).aggregate(pipeline, { allowDiskUse: true, ...(options?.signal ? { signal: options.signal } : {}) }).toArray(),
      );
      const totals = (out?.totals as Document[] | undefined)?.[0];
      return {
        compared: totals?.compared ?? 0,
        differing: totals?.differing ?? 0,
        sampleKeys: sample === 0 ? [] : ((out?.sample as Document[] | undefined) ?? []).map((d) => fromBson(d._id) as Value),
      };
    },

    async ensureIndex(collection, index) {
      if (index.fields.length === 0) throw new Error(`ensureIndex on ${collection}: an index needs fields`);
      const fields = index.fields.map(checkField);
      const unique = index.unique === true;
      const partial = index.partial === true;
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

    async meter(collection, step): Promise<MeterReading> {
      checkMeterStep(step);
      // One findOneAndUpdate with an update pipeline: MongoDB applies it to the document atomically.
      // `expiresAt` is a Date so that the TTL index removes rows; an expired row not yet removed reads as 0.
      const now = new Date(step.now);
      const live = { $and: [{ $eq: [{ $type: '$level' }, 'double'] }, { $gt: ['$expiresAt', now] }] };
      const drained = {
        $cond: [live, { $max: [0, { $subtract: ['$level', { $multiply: [step.drainPerMs, { $max: [0, { $subtract: [step.now, '$at'] }] }] }] }] }, 0],
      };
      const pipeline = [
        { $set: { _drained: { $toDouble: drained } } },
        { $set: { taken: { $or: [{ $lte: [step.amount, 0] }, { $lte: [{ $add: ['$_drained', step.amount] }, step.capacity] }] } } },
        {
          $set: {
            level: { $toDouble: { $cond: ['$taken', { $max: [0, { $add: ['$_drained', step.amount] }] }, '$_drained'] } },
            at: { $cond: [live, { $max: ['$at', step.now] }, step.now] }, // a clock behind the last step's never counts time twice
          },
        },
        // From the row's time (the later of the last step's and this one's), as SQLite does: a step from a
        // clock behind does not shorten the row's life.
        { $set: { expiresAt: { $add: [new Date(0), '$at', step.ttlMs] } } },
        { $unset: '_drained' },
      ];
      await run(`meter in ${collection}`, () => meterIndexesOf(collection));
      const once = () =>
        coll(collection).findOneAndUpdate({ key: step.key }, pipeline, { upsert: true, returnDocument: 'after', projection: { _id: 0, taken: 1, level: 1 } });
      const doc = await run(`meter in ${collection}`, async () => {
        try {
          return await once();
        } catch (error) {
          // Two first steps on one key: both upsert, the unique index refuses one; it now finds the row.
          if (isDuplicateKey(error)) return once();
          throw error;
        }
      });
      if (!doc) throw new StoreUnavailableError(`meter in ${collection}: MongoDB returned no document`);
      return { taken: doc.taken === true, level: Number(doc.level) };
    },

    claimOnce,

    async close() {
      await client.close();
    },
  };
  return announceWrites(store);
}
