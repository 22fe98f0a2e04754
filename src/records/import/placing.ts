// Each record a data import writes gets its place in the order of a masked key's list (RECORD_ORDER_FIELD,
// model/catalogue.ts): drawn at random (crypto) for a record new to the store, or one stored before this
// release (it has none), and kept for one stored with a place, so that an update (a file imported again
// each night) does not move records under a reader walking the list. Set here, never from the file: a
// file's `_o` is not an item of the resource, and the record is refused for it (validate/record.ts).
// Records of the resource stored without a place (by a release before places, or written straight through
// the store) get one each after the import has committed, whether its file gives them or not: placeUnplaced.
import { randomInt } from 'node:crypto';
import { RECORD_ORDER_FIELD } from '../../model/catalogue.ts';
import { and, eq, valueKey, type Row, type Store, type Value } from '../../store/port.ts';

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

/** How many records without a place are read at once (through the index [_o, ROW_ORDER]: nulls come first). */
const UNPLACED_PAGE = 1000;

/**
 * Gives every record of `collection` stored without a place one drawn as the import draws it, and returns
 * how many it placed. Each record is written alone, and only if it still has none: a record another process
 * placed meanwhile (another gateway's import of the resource, a second process doing this) keeps that place.
 * Without places, such records came first in a masked key's list and in a consistency report's sample, in
 * the order they were stored in: for a file sorted by ID number, by birth date. Their first import by this
 * release places them all at once (one write each, one time); afterwards this is one read through the index.
 */
export async function placeUnplaced(store: Store, collection: string, key: string): Promise<number> {
  let placed = 0;
  for (;;) {
    const rows = await store.find(collection, { filter: eq(RECORD_ORDER_FIELD, null), projection: [key], limit: UNPLACED_PAGE });
    let now = 0;
    for (const row of rows) {
      if (row[key] === null || row[key] === undefined) continue; // no key: the import could not place it either
      now += await store.update(collection, and(eq(key, row[key]), eq(RECORD_ORDER_FIELD, null)), { [RECORD_ORDER_FIELD]: drawnPlace() });
    }
    placed += now;
    // A page of which nothing was placed (rows without a key) would be read again and again.
    if (rows.length < UNPLACED_PAGE || now === 0) return placed;
  }
}
