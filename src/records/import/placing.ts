// Each record a data import writes gets its place in the order of a masked key's list (RECORD_ORDER_FIELD,
// model/catalogue.ts): drawn at random (crypto) for a record new to the store, or one stored before this
// release (it has none), and kept for one stored with a place, so that an update (a file imported again
// each night) does not move records under a reader walking the list. Set here, never from the file: a
// file's `_o` is not an item of the resource, and the record is refused for it (validate/record.ts).
import { randomInt } from 'node:crypto';
import { RECORD_ORDER_FIELD } from '../../model/catalogue.ts';
import { valueKey, type Row, type Store } from '../../store/port.ts';

/** The largest place drawn: below 2^48 (randomInt's bound), a whole number exact in a double and in JSON. */
const PLACES = 2 ** 48 - 1;

/** A place drawn at random. Two records drawing one place (odds 1 in 2^48 a pair) are ordered by their row order. */
export const drawnPlace = (): number => randomInt(PLACES);

/**
 * Gives each row of `batch` its place, in place: the stored record's (one read of the batch's keys, through
 * the key's index), or one drawn. Read outside the import's unit: a record written meanwhile by another
 * import (they run one at a time) only gets a place drawn anew.
 */
export async function placeRecords(store: Store, collection: string, key: string, batch: Row[]): Promise<void> {
  const stored = new Map<unknown, number>();
  const found = await store.findByValues(collection, key, batch.map((row) => row[key]), [key, RECORD_ORDER_FIELD]);
  for (const row of found) {
    const place = row[RECORD_ORDER_FIELD];
    if (typeof place === 'number') stored.set(valueKey(row[key]), place);
  }
  for (const row of batch) row[RECORD_ORDER_FIELD] = stored.get(valueKey(row[key])) ?? drawnPlace();
}
