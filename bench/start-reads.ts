// The gateway start's reads of every resource (src/server/record-places.ts resourcesToPlace): for each, its
// indexes, then one read through the index on the place, to learn whether it has records stored without a
// place. On MongoDB each read is a round trip; here an embedded store of `--resources` resources (each with
// the index, none with records to place: every start after the upgrade), each of its operations answered
// after a simulated round trip of `--trip` ms, read one resource after another (as before 7 December) and
// START_READS_AT_ONCE at a time, in interleaved rounds of one run.
// Run: npx tsx bench/start-reads.ts [--resources 2000] [--trip 1] [--rounds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { resourcesToPlace, START_READS_AT_ONCE } from '../src/server/record-places.ts';
import { ROW_ORDER, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RESOURCES = arg('resources', 2000);
const TRIP_MS = arg('trip', 1);
const ROUNDS = arg('rounds', 5);

/** The store, each operation answered after a round trip of TRIP_MS (a timer); `--trip 0`: the store itself. */
const remote = (inner: Store): Store =>
  TRIP_MS === 0 ? inner : new Proxy(inner, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => (await sleep(TRIP_MS), value.apply(target, args));
    },
  });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-start-reads-'));
try {
  const store = await openSqliteStore(dir);
  const resources: [string, string][] = [];
  for (let n = 0; n < RESOURCES; n++) {
    const collection = `bench_res_${n}`;
    await store.ensureIndex(collection, { fields: [RECORD_ORDER_FIELD, ROW_ORDER] });
    resources.push([collection, `450300-GAJ-${10_000 + n}`]);
  }
  const slow = remote(store);
  const times: Record<'one' | 'many', number[]> = { one: [], many: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [way, atOnce] of [['one', 1], ['many', START_READS_AT_ONCE]] as const) {
      const started = performance.now();
      const waiting = await resourcesToPlace(slow, resources, {}, atOnce);
      times[way].push(performance.now() - started);
      if (waiting.length !== 0) throw new Error('a resource to place: the bench store holds none');
    }
  }
  await store.close();
  const one = median(times.one);
  const many = median(times.many);
  console.log(`the start's reads of ${RESOURCES} resources, a round trip of ${TRIP_MS} ms an operation, median of ${ROUNDS} interleaved rounds (${process.version}, ${new Date().toISOString().slice(0, 10)})\n`);
  console.log('| reads | time | against one after another |');
  console.log('|---|---:|---:|');
  console.log(`| one resource after another (before) | ${one.toFixed(0)} ms | 1.00 |`);
  console.log(`| ${START_READS_AT_ONCE} resources at a time | ${many.toFixed(0)} ms | ${(many / one).toFixed(3)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
