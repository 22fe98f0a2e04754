// Records stored without a place in a masked key's list (`_o`: src/records/import/placing.ts) placed when
// the gateway starts, for every resource of the catalogues in effect. An import places its own resource's,
// but a resource never imported again by a release with places kept the records an older release stored
// first in its masked lists, in the order they were stored in (a provider's file's: by ID number, so by
// birth date). The start is the cheapest safe moment: the catalogues are loaded (they name the
// collections), and nothing is served yet by this gateway; once every record has a place it costs one read
// a resource, through the index [_o, ROW_ORDER], made here if a release before places published the
// resource (the masked lists walk it too). Two gateways starting at once place each record once (a place
// is written only where there is none); one killed midway leaves the pages it wrote, and the next start
// places the rest. Not placing now (another process holding the store's lock longer than the store waits)
// stops nothing: said in the log, and left for the next start or import.
import type { Logger } from 'pino';
import { collectionOf, RECORD_ORDER_FIELD, type Catalogue } from '../model/catalogue.ts';
import { placeUnplaced } from '../records/import/placing.ts';
import { ROW_ORDER, type Store } from '../store/port.ts';

export interface PlacedAtStart {
  /** Records placed, by resource code (those with none to place left out). */
  placed: Record<string, number>;
  /** Resources whose records could not all be placed now, with the store's reason. */
  unfinished: Record<string, string>;
}

export async function placeRecordsAtStart(store: Store, catalogues: readonly Catalogue[], logger: Pick<Logger, 'info' | 'warn'>): Promise<PlacedAtStart> {
  // One resource a collection (a collection named by two resources' `source` is placed once).
  const resources = new Map<string, string>();
  for (const resource of catalogues.flatMap((c) => c.resources)) {
    if (!resources.has(collectionOf(resource))) resources.set(collectionOf(resource), resource.code);
  }
  const result: PlacedAtStart = { placed: {}, unfinished: {} };
  for (const [collection, code] of resources) {
    try {
      await store.ensureIndex(collection, { fields: [RECORD_ORDER_FIELD, ROW_ORDER] });
      const placed = await placeUnplaced(store, collection);
      if (placed > 0) result.placed[code] = placed;
    } catch (err) {
      result.unfinished[code] = err instanceof Error ? err.message : String(err);
    }
  }
  const counts = Object.values(result.placed);
  if (counts.length > 0) {
    const total = counts.reduce((a, b) => a + b, 0);
    logger.info(
      { event: 'record-places', placed: total, resources: result.placed },
      `records stored without a place in a masked key's list (by a release before places): ${total} placed, in ${counts.length} resource${counts.length === 1 ? '' : 's'}`,
    );
  }
  const unfinished = Object.keys(result.unfinished);
  if (unfinished.length > 0) {
    logger.warn(
      { event: 'record-places', unfinished: result.unfinished },
      `records stored without a place in a masked key's list: not all placed now in ${unfinished.join(', ')}; they come first in its masked lists until the next start or import of the resource places them`,
    );
  }
  return result;
}
