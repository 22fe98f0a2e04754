// Records stored without a place in a masked key's list (`_o`: src/records/import/placing.ts) placed when
// the gateway starts, for every resource of the catalogues in effect. An import places its own resource's,
// but a resource never imported again by a release with places kept the records an older release stored
// first in its masked lists, in the order they were stored in (a provider's file's: by ID number, so by
// birth date). The start is the cheapest safe moment: the catalogues are loaded (they name the
// collections); once every record has a place it costs two reads a resource (its indexes, then one through the index
// [_o, ROW_ORDER]), the index made here, after the start, if a release before places published the resource (the masked lists walk it too).
// The reads run a dozen resources at a time (START_READS_AT_ONCE): on MongoDB each is a round trip, and 2,000
// resources read one after another held the start about 4 s; the answer is in the resources' order all the same.
// As the audit log's indexes (audit-layout.ts): which resources have records to place is read before the
// gateway says ready (reads only, which another process's write lock does not hold up), and they are
// placed after, the missing index made first, so that /healthz answers meanwhile (a liveness probe does
// not kill a start placing a million records, about 15 s, or indexing them) and /readyz says 503
// `record-places` until done, so that the load balancer sends it no request that would list them in the
// old order. Two gateways starting at once place each record once (a place is written only where there is
// none); one killed midway leaves whole pages placed, and the next start places the rest. Not placing now
// (another process holding the store's lock longer than the store waits) stops nothing: said in the log,
// every resource left then left for later (each would wait as long again), and the gateway says ready;
// those left are tried again every RETRY_PLACING_MS while the gateway runs (below).
// A resource published while the gateway runs (records an older release stored in its collection, or
// written there straight through the store) is placed once the gateway installs the publication
// (RecordPlacing.published, from app.ts): the same reads and placing for the collections new to it, after
// the start's placing and any publication's before (one writer of places at a time in the process, never a
// collection twice but one left unfinished), not awaited and without /readyz's 503 (every instance installs it within its poll: all
// of them not ready at once would take the platform down), the same log line. Before, they waited for the
// next start.
// A resource left unfinished (at the start or at a publication: a lock held, a store that did not answer)
// is read and placed again RETRY_PLACING_MS later, and again until placed, as long as a catalogue in effect
// names it: before, it was left for the next start or import, and a gateway running for months listed its
// records to every reader who sees the key masked in the order they were stored in (by ID number: by birth
// date) once the lock was long gone. The warning is said once; the placing, when it comes, in its info line.
import type { Logger } from 'pino';
import { collectionOf, RECORD_ORDER_FIELD, type Catalogue } from '../model/catalogue.ts';
import { placeUnplaced } from '../records/import/placing.ts';
import { eq, ROW_ORDER, StoreUnavailableError, type IndexSpec, type Store } from '../store/port.ts';
import { inTurns } from './in-turns.ts';

export interface RecordPlacing {
  /** Whether the records the start found are still being placed (a publication's placing never makes it true). */
  readonly pending: boolean;
  /**
   * Resources whose records this gateway found without a place and has not placed yet: those the start or a
   * publication is placing now, and those left unfinished, tried again every RETRY_PLACING_MS
   * (`govgraph_unfinished_resources{work="record-places"}`: before, only a log line said so).
   */
  readonly unfinished: number;
  /**
   * Places the records of the resources of `catalogues` whose collections this gateway has not read yet
   * (a publication installed): not awaited, after any placing under way, never a collection twice.
   */
  published(catalogues: readonly Catalogue[]): void;
  /** Places no further resource (the gateway drains). */
  stop(): void;
}

export interface PlacedAtStart {
  /** Records placed, by resource code (those with none to place left out). */
  placed: Record<string, number>;
  /** Resources whose records could not all be placed now, with the store's reason. */
  unfinished: Record<string, string>;
}

/** A resource whose collection has records to place, and whether it lacks the index on the place (a release before places published it). */
export interface ToPlace {
  collection: string;
  code: string;
  unindexed: boolean;
}

/**
 * Resources whose reads run at once: on MongoDB each read is a round trip, 2,000 resources one after
 * another waited about 4 s before the gateway said it had started (bench/start-reads.ts). A dozen keeps
 * a pool of the driver's (100 connections by default) mostly free for the requests of other instances.
 */
export const START_READS_AT_ONCE = 12;

/**
 * How long after a placing left resources unfinished they are tried again: each try waits for another
 * process's lock as long as the store waits (5 s on the embedded store) and takes nothing meanwhile, so a
 * long import holding the lock costs a few waits a minute, and a lock released is followed within this.
 */
export const RETRY_PLACING_MS = 15_000;

/**
 * The try again's interval in effect: RETRY_PLACING_MS, or GOVGRAPH_TEST_PLACING_RETRY_MS, for tests only (a
 * whole number of milliseconds, 100 or more: test/placing-races.test.ts waits for the try again with it).
 * Shorter only costs more waits for a lock still held; never needed on a platform in use.
 */
export function retryPlacingMs(env: NodeJS.ProcessEnv = process.env): number {
  const set = env.GOVGRAPH_TEST_PLACING_RETRY_MS;
  return set !== undefined && /^[0-9]{3,9}$/.test(set) ? Number(set) : RETRY_PLACING_MS;
}

/** The index a masked key's list walks, and the read of records without a place: [_o, ROW_ORDER]. */
const PLACE_INDEX = [RECORD_ORDER_FIELD, ROW_ORDER];
const isPlaceIndex = (index: IndexSpec): boolean => index.fields.length === 2 && index.fields.every((f, i) => f === PLACE_INDEX[i]);

const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** One resource a collection, in the catalogues' order (a collection named by two resources' `source` is placed once), leaving out `known` ones. */
export function collectionsOf(catalogues: readonly Catalogue[], known: ReadonlySet<string>): [collection: string, code: string][] {
  const resources = new Map<string, string>();
  for (const resource of catalogues.flatMap((c) => c.resources)) {
    const collection = collectionOf(resource);
    if (!known.has(collection) && !resources.has(collection)) resources.set(collection, resource.code);
  }
  return [...resources];
}

/**
 * Which of `resources` ([collection, code]) have records to place: two reads each (its indexes, then one
 * through the place index), `atOnce` resources at a time. The answer and the resources whose reads failed
 * (in `unfinished`, with the store's reason) come in the order of `resources`, whatever order the reads end in.
 * A read that fails leaves its resource unfinished and the others are read, as when they were read one
 * after another (`atOnce` 1, what bench/start-reads.ts measures against).
 */
export async function resourcesToPlace(
  store: Store,
  resources: readonly [collection: string, code: string][],
  unfinished: Record<string, string>,
  atOnce = START_READS_AT_ONCE,
): Promise<ToPlace[]> {
  const read = await inTurns(resources, atOnce, async ([collection, code]): Promise<ToPlace | { code: string; reason: string } | null> => {
    try {
      // Without the index a read for a record without a place walks the whole collection: made after the start.
      if (!(await store.listIndexes(collection)).some(isPlaceIndex)) return { collection, code, unindexed: true };
      const unplaced = await store.find(collection, { filter: eq(RECORD_ORDER_FIELD, null), projection: [RECORD_ORDER_FIELD], limit: 1 });
      return unplaced.length > 0 ? { collection, code, unindexed: false } : null;
    } catch (err) {
      return { code, reason: reasonOf(err) };
    }
  });
  const waiting: ToPlace[] = [];
  for (const r of read) {
    if (r === null) continue;
    if ('reason' in r) unfinished[r.code] = r.reason;
    else waiting.push(r);
  }
  return waiting;
}

/** Places the records of `waiting`, one resource after another (each a write of a page at a time), into `result`. */
async function placeEach(store: Store, waiting: readonly ToPlace[], result: PlacedAtStart, stopped: () => boolean): Promise<void> {
  for (const [i, { collection, code, unindexed }] of waiting.entries()) {
    if (stopped()) break;
    try {
      if (unindexed) await store.ensureIndex(collection, { fields: PLACE_INDEX });
      const placed = await placeUnplaced(store, collection);
      if (placed > 0) result.placed[code] = placed;
    } catch (err) {
      if (stopped()) break; // the store closed under it by the drain: the next start places the rest
      result.unfinished[code] = reasonOf(err);
      // Locked by another process (a long import) or failing: each resource left would wait as long.
      if (err instanceof StoreUnavailableError) {
        for (const left of waiting.slice(i + 1)) result.unfinished[left.code] = reasonOf(err);
        break;
      }
    }
  }
}

/**
 * Reads which resources have records without a place, then places them (not awaited: RecordPlacing.pending);
 * later publications' new resources through RecordPlacing.published.
 */
export async function placeRecordsAtStart(store: Store, catalogues: readonly Catalogue[], logger: Pick<Logger, 'info' | 'warn'>, retryMs = retryPlacingMs()): Promise<RecordPlacing> {
  /** Every collection read so far (the start's, then each publication's new ones): never read or placed twice, but for one left unfinished. */
  const known = new Map<string, string>();
  /** The catalogues in effect last told (the start's, then each publication's): those a try again reads. */
  let inEffect = catalogues;
  const claim = (catalogues: readonly Catalogue[]) => {
    const resources = collectionsOf(catalogues, new Set(known.keys()));
    for (const [collection, code] of resources) known.set(collection, code);
    return resources;
  };
  const result: PlacedAtStart = { placed: {}, unfinished: {} };
  const waiting = await resourcesToPlace(store, claim(catalogues), result.unfinished);
  // Said as the start finds it, each resource once, as an unfinished import is (unfinished-at-start.ts):
  // before, a start that placed them said so only once done (level 30), and one that could not, at the end.
  for (const { code } of waiting) {
    logger.warn(
      { event: 'unfinished-work', work: 'record-places', resource: code, next: 'govgraph serve (this gateway: placing them now)' },
      `${code}: records stored without a place in its masked key's list (by a release before places, or written other than by an import); ` +
        'a reader who sees its key masked gets them first until placed; to finish: this gateway places them now (/readyz 503 `record-places` until done, ' +
        `tried again every ${retryMs / 1000} s if it cannot); the next \`govgraph data import --resource ${code} FILE\` places them too`,
    );
  }
  /** The codes of the resources with records still to place (RecordPlacing.unfinished): set when found, cleared when a placing of them ends. */
  const left = new Set<string>([...waiting.map((w) => w.code), ...Object.keys(result.unfinished)]);
  /** After a placing of `resources`: those it left unfinished stay, the others are done. */
  const settle = (resources: readonly string[], unfinished: Record<string, string>) => {
    for (const code of resources) left.delete(code);
    for (const code of Object.keys(unfinished)) left.add(code);
  };
  let pending = waiting.length > 0;
  let stopped = false;
  const isStopped = () => stopped;
  let retry: NodeJS.Timeout | undefined;
  /** Resources left unfinished no longer claimed, and tried again later (once, whatever the number left). */
  const tryAgainLater = (unfinished: Record<string, string>) => {
    const codes = new Set(Object.keys(unfinished));
    if (codes.size === 0 || stopped) return;
    for (const [collection, code] of known) if (codes.has(code)) known.delete(collection);
    retry ??= setTimeout(() => {
      retry = undefined;
      // A resource no catalogue in effect names any more (withdrawn meanwhile) is no longer this gateway's to place.
      const named = new Set(inEffect.flatMap((c) => c.resources.map((r) => r.code)));
      for (const code of left) if (!named.has(code)) left.delete(code);
      place(inEffect, false);
    }, retryMs).unref();
  };
  // The placings one after another, the start's first: one writer of places at a time in this process.
  let turn: Promise<void> = (async () => {
    if (waiting.length > 0) await placeEach(store, waiting, result, isStopped);
    report(result, logger, true, retryMs);
    settle(waiting.map((w) => w.code), result.unfinished);
    tryAgainLater(result.unfinished);
    pending = false;
  })();
  /** Reads and places the resources of `catalogues` not claimed yet, after the placings under way; `warn`: says those left unfinished. */
  const place = (catalogues: readonly Catalogue[], warn: boolean) => {
    if (stopped) return;
    const resources = claim(catalogues);
    if (resources.length === 0) return; // the same catalogues installed again, or none new (the usual publication)
    turn = turn.catch(() => undefined).then(async () => {
      if (stopped) return;
      const placed: PlacedAtStart = { placed: {}, unfinished: {} };
      try {
        const found = await resourcesToPlace(store, resources, placed.unfinished);
        for (const { code } of found) left.add(code);
        await placeEach(store, found, placed, isStopped);
      } catch (err) {
        for (const [, code] of resources) placed.unfinished[code] ??= reasonOf(err);
      }
      if (stopped) return;
      report(placed, logger, warn, retryMs);
      settle(resources.map(([, code]) => code), placed.unfinished);
      tryAgainLater(placed.unfinished);
    });
  };
  return {
    get pending() {
      return pending;
    },
    get unfinished() {
      return left.size;
    },
    published(catalogues) {
      inEffect = catalogues;
      place(catalogues, true);
    },
    stop() {
      stopped = true;
      clearTimeout(retry);
    },
  };
}

function report(result: PlacedAtStart, logger: Pick<Logger, 'info' | 'warn'>, warn: boolean, retryMs: number): void {
  const counts = Object.values(result.placed);
  if (counts.length > 0) {
    const total = counts.reduce((a, b) => a + b, 0);
    logger.info(
      { event: 'record-places', placed: total, resources: result.placed },
      `records stored without a place in a masked key's list (by a release before places): ${total} placed, in ${counts.length} resource${counts.length === 1 ? '' : 's'}; ready`,
    );
  }
  const unfinished = Object.keys(result.unfinished);
  if (warn && unfinished.length > 0) {
    logger.warn(
      { event: 'record-places', unfinished: result.unfinished },
      `records stored without a place in a masked key's list: not all placed now in ${unfinished.join(', ')}; they come first in its masked lists until placed: tried again every ${retryMs / 1000} s while the gateway runs`,
    );
  }
}
