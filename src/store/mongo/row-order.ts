// ROW_ORDER on MongoDB (store.ts): a document's `_id`, carried in a row as text and compared back as `_id`.
//
// Govgraph writes an ObjectId into every `_id` (writes.ts; the server makes those of an upsert's new
// documents), carried as its 24 hex digits. A document another program wrote may carry another kind of
// `_id`: a text, a number, an object (mongoimport of a file whose lines have an `_id`, a collection copied
// by a script, an operator's `insertOne` of a checkpoint copied from a backup). Such an `_id` was read as
// `(_id as ObjectId).toHexString()`, which threw "toHexString is not a function": one such checkpoint
// made `audit verify` (and a gateway's verifyAuditChain, which pages the checkpoints by ROW_ORDER) fail
// with a TypeError instead of checking the log. It is carried as OTHER_ID and its canonical Extended JSON,
// never 24 hex digits, and a cursor's comparison with it follows MongoDB's order of `_id` kinds (type
// bracketing would confine `$gt: "text"` to texts, and a walk past the last text-`_id` row would stop
// before every ObjectId one).

import { BSON, ObjectId, type Document, type Filter as MongoFilter } from 'mongodb';
import type { CompareOp } from '../port.ts';

const { EJSON } = BSON;

/** The start of the ROW_ORDER text of an `_id` that is no ObjectId. */
export const OTHER_ID = 'id:';
const OBJECT_ID_HEX = /^[0-9a-fA-F]{24}$/;

const isObjectId = (id: unknown): id is ObjectId => (id as { _bsontype?: unknown } | null)?._bsontype === 'ObjectId';

/** A document's ROW_ORDER: its ObjectId's hex digits, or OTHER_ID and the `_id` in canonical Extended JSON. */
export function rowOrderOf(id: unknown): string {
  return isObjectId(id) ? id.toHexString() : OTHER_ID + EJSON.stringify(id ?? null, { relaxed: false });
}

/**
 * MongoDB's order of `_id` kinds (BSON comparison order, which its sorts follow), each as the `$type`
 * aliases it holds. An `_id` is never an array, a regular expression or undefined.
 */
const ID_KINDS: readonly (readonly string[])[] = [
  ['minKey'], ['null'], ['number'], ['string', 'symbol'], ['object'], ['binData'], ['objectId'], ['bool'], ['date'], ['timestamp'], ['maxKey'],
];

/** The place of an `_id` in ID_KINDS, or -1 for a value no `_id` can be (a cursor's text made up). */
function kindOf(id: unknown): number {
  if (id === null) return 1;
  if (typeof id === 'number') return 2;
  if (typeof id === 'string') return 3;
  if (typeof id === 'boolean') return 7;
  if (id instanceof Date) return 8;
  if (typeof id !== 'object' || Array.isArray(id)) return -1;
  const type = (id as { _bsontype?: unknown })._bsontype;
  if (type === undefined) return Object.getPrototypeOf(id) === Object.prototype ? 4 : -1;
  const byType: Record<string, number> = {
    MinKey: 0, Int32: 2, Double: 2, Long: 2, Decimal128: 2, BSONSymbol: 3, Binary: 5, ObjectId: 6, Timestamp: 9, MaxKey: 10,
  };
  return typeof type === 'string' && type in byType ? byType[type] : -1;
}

/** The `_id` a ROW_ORDER text stands for, or undefined when it stands for none (not one a row carries). */
function idOf(text: string): unknown {
  if (OBJECT_ID_HEX.test(text)) return ObjectId.createFromHexString(text);
  if (!text.startsWith(OTHER_ID)) return undefined;
  try {
    const id = EJSON.parse(text.slice(OTHER_ID.length), { relaxed: false });
    return kindOf(id) < 0 ? undefined : id;
  } catch {
    return undefined;
  }
}

/**
 * A comparison of ROW_ORDER with `value` (a cursor's: the text a row carried), in the order rows are
 * sorted in. A value no row carries (null, a number, other text) matches no row, but for `ne`, which
 * matches every row, as SQLite's `id IS NOT ?` does; `never` is the store's condition matching nothing.
 * An ObjectId's comparison stays `_id` against it alone (records' cursors, served by the indexes ending in
 * `_id`): only the rare `_id` kinds after ObjectId in the order (booleans, dates) are not reached past one.
 */
export function rowOrderFilter(op: CompareOp, value: unknown, never: MongoFilter<Document>): MongoFilter<Document> {
  const id = typeof value === 'string' ? idOf(value) : undefined;
  if (id === undefined) return op === 'ne' ? {} : never;
  const same = { _id: { [`$${op}`]: id } };
  if (op === 'eq' || op === 'ne' || isObjectId(id)) return same;
  const kind = kindOf(id);
  const others = (op === 'gt' || op === 'gte' ? ID_KINDS.slice(kind + 1) : ID_KINDS.slice(0, kind)).flat();
  return others.length === 0 ? same : { $or: [same, { _id: { $type: others } }] };
}
