// The order a data import writes its new rows in (both adapters' `upsertAll`): drawn at random (crypto),
// not the order of the batch. The store's row order (ROW_ORDER: SQLite's rowid, MongoDB's ObjectId) is
// the order of the writes, and a list is ordered by it when its reader sees the key masked
// (resolvers/data/list.ts); written in the order of the provider's file, sorted by ID number as an export
// is, it was the key's order, which the mask hides (the birth date). Shuffled within each batch only: the
// rows of a batch keep neighbouring places in the table (a walk in key order reads neighbouring pages; rowids
// drawn over the whole collection made a filtered walk of 400,000 records five times slower), and so a
// batch's rows (1,000 of the import) still come after an earlier batch's.
import { randomBytes } from 'node:crypto';

/** `items` shuffled in place (Fisher-Yates, crypto's bytes) and returned. */
export function shuffled<T>(items: T[]): T[] {
  const bytes = randomBytes(4 * items.length);
  for (let i = items.length - 1; i > 0; i--) {
    const j = bytes.readUInt32BE(4 * i) % (i + 1); // bias below 2^-20 for a batch of under 4,000 rows
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
