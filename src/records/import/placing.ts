// Each record a data import writes gets its place in the order of a masked key's list (RECORD_ORDER_FIELD,
// model/catalogue.ts): drawn at random (crypto) for a record new to the store, or one stored before this
// release (it has none), and kept for one stored with a place, so that an update (a file imported again
// each night) does not move records under a reader walking the list. Set here, never from the file: a
// file's `_o` is not an item of the resource, and the record is refused for it (validate/record.ts).
// Records of the resource stored without a place (by a release before places, or written straight through
// the store) get one each after the import has committed, whether its file gives them or not, and those of
// every resource when a gateway starts (src/server/record-places.ts): placeUnplaced.
import { randomInt } from 'node:crypto';
import { RECORD_ORDER_FIELD } from '../../model/catalogue.ts';
import { valueKey, type Row, type Store, type Value } from '../../store/port.ts';

/** The largest place drawn: below 2^48 (randomInt's bound), a whole number exact in a double and in JSON. */
const PLACES = 2 ** 48 - 1;

/** A place drawn at random. Two records drawing one place (odds 1 in 2^48 a pair) are ordered by their row order. */
export const drawnPlace = (): number => randomInt(PLACES);

/**
 * Gives each row of `batch` its place, in place: the stored record's (one read of the batch's keys, through
 * the key's index), or one drawn. Read outside the import's unit: a record written meanwhile by another
 * import (they run one at a time) only gets a place drawn anew. With `spellings` (the key's, model/
 * key-spellings.ts), a record stored under another spelling, which the import replaces, gives its place.
 */
export async function placeRecords(store: Store, collection: string, key: string, batch: Row[], spellings?: (key: Value) => Value[]): Promise<void> {
  const stored = new Map<unknown, number>();
  const spelled = (row: Row): Value[] => [row[key], ...(spellings?.(row[key]) ?? [])];
  const found = await store.findByValues(collection, key, batch.flatMap(spelled), [key, RECORD_ORDER_FIELD]);
  for (const row of found) {
    const place = row[RECORD_ORDER_FIELD];
    if (typeof place === 'number') stored.set(valueKey(row[key]), place);
  }
  for (const row of batch) {
    const place = spelled(row).map((v) => stored.get(valueKey(v))).find((p) => p !== undefined);
    row[RECORD_ORDER_FIELD] = place ?? drawnPlace();
  }
}

/**
 * Gives every record of `collection` stored without a place one drawn as the import draws it, and returns
 * how many it placed. Without places, such records came first in a masked key's list and in a consistency
 * report's sample, in the order they were stored in: for a file sorted by ID number, by birth date. One
 * write a page of records (Store.fillNulls: one transaction on SQLite, one bulk write on MongoDB), each
 * record placed only if it still has no place: a record another process placed meanwhile (another
 * gateway's start, an import of the resource) keeps that place. Once every record has one, this is one
 * read through the index [_o, ROW_ORDER] (nulls first).
 */
export async function placeUnplaced(store: Store, collection: string): Promise<number> {
  return store.fillNulls(collection, RECORD_ORDER_FIELD, drawnPlace);
}
