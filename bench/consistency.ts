// The consistency report's join (SPEC §14, Art. 13) on the embedded store: two collections of N records
// each (100,000 by default) that share a key, one item compared, 1% of the values different. Measured in
// the same run:
// - the store's `compareJoined` (what `consistencyReport` runs): counts and the first 20 differing keys,
//   streamed inside SQLite;
// - a plain join of the same data through better-sqlite3 on the same file: `SELECT count(*)` over the
//   same JOIN on the same indexed expressions, comparing nothing (the floor of joining these rows);
// - an in-memory hash join: both collections read through the store's `find` and joined in a Map (what
//   loading whole resources into memory would cost).
// Run: npx tsx bench/consistency.ts [--records 100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Row } from '../src/store/port.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';

const arg = process.argv.indexOf('--records');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const LIMIT_SECONDS = 30;

const work = mkdtempSync(join(tmpdir(), 'govgraph-consistency-bench-'));
const store = await openSqliteStore(work);
const id = (i: number) => `430102${String(19700101 + (i % 10_000)).padStart(8, '0')}${String(i).padStart(4, '0')}`;

async function* batches(side: 'left' | 'right'): AsyncGenerator<Row[]> {
  for (let i = 0; i < N; i += 1000) {
    const rows: Row[] = [];
    for (let j = i; j < Math.min(N, i + 1000); j++) {
      const name = `Name ${j}`;
      rows.push({ idNumber: id(j), fullName: side === 'right' && j % 100 === 7 ? `${name}x` : name, other: j });
    }
    yield rows;
  }
}

process.stderr.write(`loading 2 x ${N} records...\n`);
await store.upsertAll('left', 'idNumber', batches('left'));
await store.upsertAll('right', 'idNumber', batches('right'));
await store.ensureIndex('left', { fields: ['idNumber'], unique: true });
await store.ensureIndex('right', { fields: ['idNumber'], unique: true });

const seconds = async <T>(run: () => Promise<T> | T): Promise<[number, T]> => {
  const t = performance.now();
  const out = await run();
  return [(performance.now() - t) / 1000, out];
};

const [storeSeconds, result] = await seconds(() =>
  store.compareJoined({ collection: 'left', on: 'idNumber', field: 'fullName' }, { collection: 'right', on: 'idNumber', field: 'fullName' }, 20),
);
// What the report runs beside it for each pair: the keys left out for their letter case alone.
const [caseSeconds, caseOnly] = await seconds(() =>
  store.caseOnlyKeys({ collection: 'left', on: 'idNumber', field: 'fullName' }, { collection: 'right', on: 'idNumber', field: 'fullName' }),
);

const db = new Database(join(work, SQLITE_FILE), { readonly: true });
const [plainSeconds, plainCount] = await seconds(() =>
  db.prepare(`SELECT count(*) FROM "c:left" l JOIN "c:right" r ON json_extract(l.doc, '$.idNumber') = json_extract(r.doc, '$.idNumber')`).pluck().get(),
);
db.close();

const [memorySeconds, memoryDiffering] = await seconds(async () => {
  const right = new Map((await store.find('right', { projection: ['idNumber', 'fullName'] })).map((r) => [r.idNumber, r.fullName]));
  let differing = 0;
  for (const l of await store.find('left', { projection: ['idNumber', 'fullName'] })) if (right.has(l.idNumber) && right.get(l.idNumber) !== l.fullName) differing++;
  return differing;
});

await store.close();
rmSync(work, { recursive: true, force: true });

console.log(`records per side           ${N}`);
console.log(`compareJoined (store)      ${storeSeconds.toFixed(2)} s  compared ${result.compared}, differing ${result.differing}, ${result.sampleKeys.length} sample keys`);
console.log(`caseOnlyKeys (store)       ${caseSeconds.toFixed(2)} s  ${caseOnly} keys`);
console.log(`plain SQL join, count only ${plainSeconds.toFixed(2)} s  joined ${plainCount}  (compareJoined = ${(storeSeconds / plainSeconds).toFixed(2)} x)`);
console.log(`in-memory hash join        ${memorySeconds.toFixed(2)} s  differing ${memoryDiffering}  (compareJoined = ${(storeSeconds / memorySeconds).toFixed(2)} x)`);
if (result.compared !== N || result.differing !== Math.floor((N - 8) / 100) + 1) {
  console.error('unexpected result');
  process.exitCode = 1;
}
if (storeSeconds > LIMIT_SECONDS) {
  console.error(`compareJoined took more than ${LIMIT_SECONDS} s`);
  process.exitCode = 1;
}
