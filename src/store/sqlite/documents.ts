// Documents as stored (store.ts): each row as JSON text, a decimal field's text kept beside its order key.
//
// Decimals (port.ts): a decimal field holds its order key (`Decimal.orderKey`: a string whose order is the
// order of values, equal for equal values), and the document keeps the text that was written in a map
// `"#decimals": { field: text }`. Filters, sorts, indexes, cursors and `compareJoined` therefore see only
// the key and compare by value with the same expressions as any field ("450.1" = "450.10",
// "9.75" < "10.5", 34 digits exact); a read puts the text back in place of the key. A field holds one type:
// numbers written into a decimal field by an earlier version sort before every key (re-import them).

import type { Row } from '../port.ts';
import { Decimal } from '../../formats/decimal.ts';

/** The member of a document holding the texts of its decimal fields (not a valid field name). */
export const DECIMALS = '#decimals';
export const DECIMALS_PATH = `'$."${DECIMALS}"'`;

/** A row as document text: decimal fields become their order keys, their texts go to `#decimals`. */
function docText(row: Row): string {
  let doc: Record<string, unknown> = row;
  let texts: Record<string, string> | undefined;
  for (const field in row) {
    const value = row[field];
    if (value instanceof Decimal) {
      if (texts === undefined) {
        texts = {};
        doc = { ...row };
      }
      texts[field] = value.text;
      doc[field] = value.orderKey;
    }
  }
  if (Object.hasOwn(row, DECIMALS)) throw new Error(`invalid field name ${JSON.stringify(DECIMALS)}`);
  if (texts !== undefined) doc[DECIMALS] = texts;
  return JSON.stringify(doc);
}

/** A parsed document as a row: decimal fields (those projected) get their texts back in place of their keys. */
/** A stored document's text as a row. */
export const parseDoc = (text: string): Row => fromDoc(JSON.parse(text) as Record<string, unknown>);

function fromDoc(doc: Record<string, unknown>): Row {
  if (!(DECIMALS in doc)) return doc as Row;
  const texts = doc[DECIMALS] as Record<string, unknown> | null;
  delete doc[DECIMALS];
  if (texts !== null && typeof texts === 'object') {
    for (const field in texts) {
      const text = texts[field];
      if (typeof doc[field] === 'string' && typeof text === 'string') doc[field] = Decimal.fromStored(text);
    }
  }
  return doc as Row;
}

export function stringifyRow(row: Row, collection: string, index: number): string {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw new Error(`${collection}: row ${index + 1} is not an object`);
  }
  return docText(row);
}

/** The rows as JSON text, after checking that each has a value for `key`. */
export function keyedDocs(collection: string, key: string, rows: Row[]): string[] {
  return rows.map((row, i) => {
    const value = row?.[key];
    if (value === null || value === undefined) throw new Error(`upsert into ${collection}: row ${i + 1} has no value for key ${key}`);
    return stringifyRow(row, collection, i);
  });
}
