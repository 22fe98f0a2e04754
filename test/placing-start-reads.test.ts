// A gateway's start reads, for every resource of the catalogues in effect, whether it has records stored
// without a place in a masked key's list (src/server/record-places.ts): its indexes, then one read through
// the place index. On MongoDB each is a network round trip, and they ran one resource after another (about
// 4 s for 2,000 resources at 1 ms a trip) before the gateway said it had started; now a dozen resources at
// a time (START_READS_AT_ONCE). Here on a real embedded store of Guilin's (test/fixtures/guilin-placing), 40
// resources, each of the store's operations answered after a few milliseconds (later ones sooner, so that
// the reads end out of order): how many run at once is counted, never timed, and the answer (what is placed,
// what is left, the log line's order) is the one the reads one after another gave.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { placeRecordsAtStart, resourcesToPlace, START_READS_AT_ONCE } from '../src/server/record-places.ts';
import { ROW_ORDER, type Store } from '../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import { guilinIdNumber, manyResidentRegisters } from './helpers/guilin-placing.ts';
import { lineSink } from './helpers/log-sink.ts';
import { unplacedCount } from './helpers/urumqi-unplaced.ts';

const TOTAL = 40;
const catalogues = manyResidentRegisters(TOTAL);
const resources = catalogues[0].resources;
const collection = (n: number) => `gl_res_${n}`;
/** Resources whose reads fail (the store's message): left unfinished, the others read all the same. */
const failing = (n: number) => n % 10 === 4;
/** What the nth resource's collection holds: records to place (with the place index, or without: a release before places published it), or none. */
const kind = (n: number) => (failing(n) ? 'failing' : (['unplaced', 'placed', 'unindexed', 'empty', 'unplaced'] as const)[n % 5]);

let dir: string;
let store: SqliteStore;

/** The store, each of its operations answered `2 + (7n mod 6)` ms late for the nth resource's collection, counting how many are under way. */
function delayed(inner: Store) {
  const seen = { now: 0, most: 0 };
  const proxy = new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        seen.now++;
        seen.most = Math.max(seen.most, seen.now);
        try {
          const n = Number(/^gl_res_(\d+)$/.exec(String(args[0]))?.[1] ?? 0);
          await new Promise((r) => setTimeout(r, 2 + ((7 * n) % 6)));
          if (prop === 'listIndexes' && failing(n)) throw new Error(`listIndexes on ${String(args[0])}: refused by the test`);
          return await value.apply(target, args);
        } finally {
          seen.now--;
        }
      };
    },
  });
  return { store: proxy as Store, seen };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-start-reads-'));
  store = await openSqliteStore(dir);
  for (let n = 0; n < TOTAL; n++) {
    const rows = (placed: boolean) => [0, 1, 2].map((i) => ({ idNumber: guilinIdNumber(n * 10 + i), tag: `r${n}-${i}`, ...(placed ? { [RECORD_ORDER_FIELD]: n * 10 + i } : {}) }));
    if (kind(n) !== 'unindexed' && kind(n) !== 'failing') await store.ensureIndex(collection(n), { fields: [RECORD_ORDER_FIELD, ROW_ORDER] });
    if (kind(n) === 'unplaced' || kind(n) === 'unindexed') await store.insert(collection(n), rows(false));
    if (kind(n) === 'placed') await store.insert(collection(n), rows(true));
  }
}, 60_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const numbers = Array.from({ length: TOTAL }, (_, n) => n);
const toPlace = numbers.filter((n) => kind(n) === 'unplaced' || kind(n) === 'unindexed');
const failed = numbers.filter(failing);

describe("the start's reads of every resource", () => {
  it('run more than one at once and at most START_READS_AT_ONCE, answering in the order of the resources as reads one after another did', async () => {
    const pairs = resources.map((r, n): [string, string] => [collection(n), r.code]);
    const one = delayed(store);
    const unfinishedOne: Record<string, string> = {};
    const oneByOne = await resourcesToPlace(one.store, pairs, unfinishedOne, 1);
    const many = delayed(store);
    const unfinishedMany: Record<string, string> = {};
    const atOnce = await resourcesToPlace(many.store, pairs, unfinishedMany);
    expect(one.seen.most).toBe(1);
    expect(many.seen.most).toBeGreaterThan(1);
    expect(many.seen.most).toBeLessThanOrEqual(START_READS_AT_ONCE);
    expect(atOnce).toEqual(oneByOne);
    expect(atOnce.map((w) => w.collection)).toEqual(toPlace.map(collection));
    expect(atOnce.map((w) => w.unindexed)).toEqual(toPlace.map((n) => kind(n) === 'unindexed'));
    // Same keys in the same order: the log line names them so.
    expect(Object.entries(unfinishedMany)).toEqual(Object.entries(unfinishedOne));
    expect(Object.keys(unfinishedMany)).toEqual(failed.map((n) => resources[n].code));
  });

  it('by the gateway start (placeRecordsAtStart): a dozen at a time at most, then every record placed and one log line a level, in the resources\' order', async () => {
    const logged: Record<string, unknown>[] = [];
    const logger = createLogger(lineSink((l) => logged.push(JSON.parse(l) as Record<string, unknown>)), 'info');
    const { store: slow, seen } = delayed(store);
    const placing = await placeRecordsAtStart(slow, catalogues, logger);
    // Before: one read at a time, every resource after the one before.
    expect(seen.most).toBeGreaterThan(1);
    expect(seen.most).toBeLessThanOrEqual(START_READS_AT_ONCE);
    expect(placing.pending).toBe(true);
    await eventually(async () => expect(placing.pending).toBe(false));
    const lines = logged.filter((l) => l.event === 'record-places');
    expect(lines).toHaveLength(2);
    const [placed, unfinished] = lines;
    expect(Object.entries(placed.resources as object)).toEqual(toPlace.map((n) => [resources[n].code, 3]));
    expect(placed.placed).toBe(3 * toPlace.length);
    expect(Object.entries(unfinished.unfinished as object)).toEqual(failed.map((n) => [resources[n].code, `listIndexes on ${collection(n)}: refused by the test`]));
    for (const n of toPlace) expect(await unplacedCount(store, collection(n))).toBe(0);
  });
});
