// The embedded store's reads on the gateway's request path, code against code: the same reads of the
// demo's records through `openSqliteStore` of two checkouts (A: `--a`, default /work/main; B: this one),
// two connections on one folder, alternated in short blocks, CPU µs per read (process.cpuUsage), median
// of the rounds. Run it with two copies of the same code (`--a X --b Y`, both the code before) for the
// A/A noise.
//   - page: the list's 100 + 1 records in key order, 12 items (a read through the document cache);
//   - links: the page's employers (findByValues, 97 distinct values);
//   - lookup: one record by key (a read past the cache).
// Run: npx tsx bench/store-reads.ts [--a DIR] [--b DIR] [--data DIR] [--rounds 21] [--reads 200]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Store } from '../src/store/port.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { benchPlatform, ITEMS } from './demo-queries.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const ROUNDS = Number(arg('--rounds', '21'));
const READS = Number(arg('--reads', '200'));
const dirs = { a: resolve(arg('--a', '/work/main')), b: resolve(arg('--b', join(import.meta.dirname, '..'))) };
const data = arg('--data', '') || mkdtempSync(join(tmpdir(), 'gg-store-reads-'));

type Open = (dir: string) => Promise<Store>;
const opener = async (checkout: string): Promise<Open> =>
  ((await import(join(checkout, 'src/store/sqlite.ts'))) as { openSqliteStore: Open }).openSqliteStore;

const setup = await (await opener(dirs.b))(data);
await ensureDemo(setup, benchPlatform(0).platform);
await setup.close();
const stores = { a: await (await opener(dirs.a))(data), b: await (await opener(dirs.b))(data) };

const REGISTRATIONS = 'r_430000_rst_00001';
const ENTERPRISES = 'r_430000_scjg_00001';
const sort = [{ field: 'registrationNo', direction: 'asc' as const }];
const page = { projection: ITEMS, sort, limit: 101 };
const rows = await stores.a.find(REGISTRATIONS, page);
const employers = [...new Set(rows.slice(0, 100).map((r) => r.employerCode!))];
const key = rows[50]!.registrationNo!;
const lookup = { filter: { kind: 'compare' as const, field: 'registrationNo', op: 'eq' as const, value: key }, projection: ITEMS, limit: 1 };

const cases: [string, (s: Store) => Promise<unknown>][] = [
  ['page: 101 records, 12 items', (s) => s.find(REGISTRATIONS, page)],
  [`links: findByValues, ${employers.length} values`, (s) => s.findByValues(ENTERPRISES, 'creditCode', employers, ['creditCode', 'name'])],
  ['lookup by key', (s) => s.find(REGISTRATIONS, lookup)],
];

// Both read the same thing.
for (const [label, read] of cases) {
  const [x, y] = [JSON.stringify(await read(stores.a)), JSON.stringify(await read(stores.b))];
  if (x !== y) throw new Error(`${label}: A and B read different rows`);
}

const median = (xs: number[]) => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)]!;
console.log(`A ${dirs.a}\nB ${dirs.b}\n${READS} reads per block, ${ROUNDS} rounds alternated; CPU µs per read, medians\n`);
console.log('| read | A µs | B µs | B / A |');
console.log('|---|---:|---:|---:|');
for (const [label, read] of cases) {
  const times = { a: [] as number[], b: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const which of round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
      for (let k = 0; k < 20; k++) await read(stores[which]);
      const started = process.cpuUsage();
      for (let k = 0; k < READS; k++) await read(stores[which]);
      const used = process.cpuUsage(started);
      times[which].push((used.user + used.system) / READS);
    }
  }
  const [a, b] = [median(times.a), median(times.b)];
  console.log(`| ${label} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(b / a).toFixed(3)} |`);
}
await Promise.all([stores.a.close(), stores.b.close()]);
