// Rows as MongoDB documents and back (store.ts): decimals as Decimal128, numbers as JSON holds them, a
// projection's fields each present (null when the document has none), ROW_ORDER as `_id`'s hex string
// (row-order.ts: as another text for an `_id` of another kind, which another program may have written).

import { Decimal128, type Document } from 'mongodb';
import { ROW_ORDER, type Row, type Value } from '../port.ts';
import { Decimal, plainDecimalText } from '../../formats/decimal.ts';
import { LONE_SURROGATE } from '../../formats/well-formed.ts';
import { rowOrderOf } from './row-order.ts';

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
 * ±Infinity null. Text holding a lone surrogate is refused (the whole write, nothing written): BSON (UTF-8)
 * would store U+FFFD in its place without a word (js-bson encodes with Buffer's UTF-8), a value other than the one written (SQLite keeps it), which then also equalled
 * a text holding U+FFFD itself. Never quoted: it may be a record's.
 */
function toStored(field: string, value: Value): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null; // -0 + 0 is 0
  if (typeof value === 'string' && LONE_SURROGATE.test(value)) {
    throw new Error(`${field}: text holding a lone surrogate (a UTF-16 unit from U+D800 to U+DFFF without its pair) is not Unicode, and MongoDB cannot store it; nothing was written`);
  }
  return toBson(value);
}

/**
 * A row as a document to write: decimals as Decimal128, numbers as toStored writes them. A field whose
 * value is undefined is left out, as JSON.stringify leaves it out (the driver would write it null).
 */
export function toDocument(row: Row): Document {
  const doc: Document = {};
  for (const field in row) if (row[field] !== undefined) doc[field] = toStored(field, row[field]);
  return doc;
}

/** The `$set` of an update: as toDocument, but a field set to undefined is set to null, as SQLite's update does. */
export function toSetDocument(set: Row): Document {
  const doc: Document = {};
  for (const field in set) doc[field] = toStored(field, set[field] ?? null);
  return doc;
}

/** A document read as a row: Decimal128 values as decimals (changed in place). */
function fromDocument(doc: Document): Row {
  for (const field in doc) if (doc[field] instanceof Decimal128) doc[field] = fromBson(doc[field]);
  return doc as Row;
}

/** Documents read as rows: every projected field (null when missing), ROW_ORDER as row-order.ts carries `_id`. */
export function projectRows(docs: Document[], projection: string[] | undefined): Row[] {
  if (projection === undefined) return docs.map(fromDocument);
  return docs.map((doc) => {
    const row: Row = {};
    for (const field of projection) {
      row[field] = field === ROW_ORDER ? rowOrderOf(doc._id) : ((fromBson(doc[field]) as Value | undefined) ?? null);
    }
    return row;
  });
}
