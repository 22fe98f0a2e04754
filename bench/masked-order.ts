// A masked key's list (resolvers/data/list.ts): its first page of 100 over 100,000 records imported from a
// file sorted by the key, in the order a masked reader gets (each record's random place `_o`, then the row
// order) beside a clear reader's (key order) and the row order alone (what a masked reader got before
// places), through the store port on a fresh embedded store, each with SQLite's plan for it.
//
//   npx tsx bench/masked-order.ts [records]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { collectionOf, RECORD_ORDER_FIELD, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { ROW_ORDER, type SortKey } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { findStatement } from '../src/store/sqlite/sql.ts';
import { SQLITE_FILE } from '../src/store/sqlite/database.ts';

const RECORDS = Number(process.argv[2] ?? 100_000);
const PAGE = 100;
const RUNS = 300;

const resource = {
  code: '310115-GAF-00009', name: 'Bench residents', provider: '310115-GAF', key: 'idNumber',
  graphql: { type: 'BenchResident', list: 'residents', byKey: 'resident' },
  share: { type: 'unconditional', methods: ['api'] },
  items: [
    { name: 'idNumber', type: 'string', length: 18, required: true, sensitivity: 'personal', mask: 'idcard' },
    { name: 'ward', type: 'int' },
    { name: 'tag', type: 'string' },
  ],
} as unknown as Resource;

const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-masked-order-'));
try {
  const lines: string[] = [];
  for (let i = 0; i < RECORDS; i++) lines.push(JSON.stringify({ idNumber: `310115${String(19_400_000_000 + i).padStart(12, '0')}`, ward: i % 40, tag: `t${i}` }));
  const file = path.join(dir, 'residents.jsonl');
  writeFileSync(file, lines.join('\n') + '\n'); // sorted by the key, as a provider's export is
  const store = await openSqliteStore(dir);
  const imported = await importRecords(store, resource, file);
  console.log(`imported ${imported.inserted} records in ${(imported.elapsedMs / 1000).toFixed(1)} s`);
  const collection = collectionOf(resource);
  const projection = ['idNumber', 'ward', 'tag'];
  const orders: [string, SortKey[]][] = [
    ['masked reader (place, row order)', [{ field: RECORD_ORDER_FIELD, direction: 'asc' }, { field: ROW_ORDER, direction: 'asc' }]],
    ['clear reader (key order)', [{ field: 'idNumber', direction: 'asc' }]],
    ['row order alone (masked, before)', [{ field: ROW_ORDER, direction: 'asc' }]],
  ];
  const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true });
  for (const [name, sort] of orders) {
    const query = { projection: [...projection, ...sort.map((s) => s.field)], sort, limit: PAGE + 1 };
    for (let i = 0; i < 20; i++) await store.find(collection, query); // warm
    const started = performance.now();
    for (let i = 0; i < RUNS; i++) await store.find(collection, query);
    const ms = (performance.now() - started) / RUNS;
    const { sql, params } = findStatement(collection, query);
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('; ');
    console.log(`${name.padEnd(34)} ${ms.toFixed(3)} ms a page of ${PAGE}   plan: ${plan}`);
  }
  db.close();
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
