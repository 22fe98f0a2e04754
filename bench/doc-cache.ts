// What the embedded store's document cache (src/store/doc-cache.ts) saves on the reads a gateway makes,
// and what it costs when it cannot help. Two stores on the same folder, one with the cache and one
// without (`docCacheChars: 0`), read the same things in interleaved rounds:
//   - a page: 100 of 5,000 records sorted by an indexed key, 12 of their 20 items;
//   - its links: the 100 records of another collection whose key the page's rows name (findByValues);
//   - a lookup: one record by key;
//   - misses: the page again, but another connection commits before every read (as with several
//     gateways on one folder, whose audit entries do), so the cache must read everything again.
// Microseconds per read, median of the rounds; the records are made here, nothing depends on a demo.
// Run: npx tsx bench/doc-cache.ts [--rounds 7] [--reads 500]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const ROUNDS = arg('--rounds', 7);
const READS = arg('--reads', 500);

const dir = mkdtempSync(join(tmpdir(), 'gg-doc-cache-bench-'));
const RECORDS = 5000;
const ITEMS = Array.from({ length: 18 }, (_, i) => `item${i}`);
const record = (i: number): Row => {
  const row: Row = { code: `R${String(i).padStart(8, '0')}`, owner: `E${String(i % 2000).padStart(6, '0')}` };
  for (const item of ITEMS) row[item] = `${item} of record ${i}, some text as a register holds`;
  return row;
};
const owner = (i: number): Row => ({ ownerCode: `E${String(i).padStart(6, '0')}`, name: `Enterprise ${i}`, address: `${i} Some Road` });

const setup = await openSqliteStore(dir);
await setup.ensureIndex('records', { fields: ['code'], unique: true });
await setup.ensureIndex('owners', { fields: ['ownerCode'], unique: true });
await setup.insert('records', Array.from({ length: RECORDS }, (_, i) => record(i)));
await setup.insert('owners', Array.from({ length: 2000 }, (_, i) => owner(i)));
await setup.close();

const cached = await openSqliteStore(dir);
const plain = await openSqliteStore(dir, { docCacheChars: 0 });
const writer = await openSqliteStore(dir, { docCacheChars: 0 });

const page = { projection: ['code', 'owner', ...ITEMS.slice(0, 10)], sort: [{ field: 'code', direction: 'asc' as const }], limit: 101 };
const owners = [...new Set((await plain.find('records', page)).map((r) => r.owner!))];
const key = (await plain.find('records', { ...page, limit: 1, skip: 50 }))[0]!.code!;
const lookup = { filter: { kind: 'compare' as const, field: 'code', op: 'eq' as const, value: key }, projection: page.projection, limit: 1 };

let written = 0;
const cases: [string, (s: SqliteStore) => Promise<unknown>][] = [
  ['a page of 100 records, 12 items', (s) => s.find('records', page)],
  ["the page's links (100 keys)", (s) => s.findByValues('owners', 'ownerCode', owners, ['ownerCode', 'name'])],
  ['a lookup by key', (s) => s.find('records', lookup)],
  ['the page after another connection committed', async (s) => {
    await writer.insert('elsewhere', [{ n: written++ }]);
    return s.find('records', page);
  }],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${RECORDS} records of ${ITEMS.length + 2} items, ${READS} reads per case, store and round; median of ${ROUNDS} interleaved rounds\n`);
console.log('| read | without the cache, µs | with it, µs | with / without |');
console.log('|---|---:|---:|---:|');
for (const [label, read] of cases) {
  const times: Record<'plain' | 'cached', number[]> = { plain: [], cached: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['plain', 'cached'] as const) : (['cached', 'plain'] as const);
    for (const which of order) {
      const store = which === 'plain' ? plain : cached;
      for (let k = 0; k < 20; k++) await read(store);
      const started = performance.now();
      for (let k = 0; k < READS; k++) await read(store);
      times[which].push(((performance.now() - started) * 1000) / READS);
    }
  }
  const [p, c] = [median(times.plain), median(times.cached)];
  console.log(`| ${label} | ${p.toFixed(1)} | ${c.toFixed(1)} | ${(c / p).toFixed(2)} |`);
}
console.log('\n(the last row includes the other connection\'s insert, in both columns)');

await Promise.all([cached.close(), plain.close(), writer.close()]);
rmSync(dir, { recursive: true, force: true });
