// The embedded store's sorted first page (issue 2, point 3): 100,000 synthetic records in a fresh SQLite
// store, the first 100 in a sorted order, through the store port, beside the same page computed as a
// store without indexes does it (nedb: take every candidate, filter and sort in JavaScript, slice).
//
//   npx tsx bench/store-sort.ts [records]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterFilter, encodeCursor } from '../src/store/keyset.ts';
import { eq, and, type Filter, type Row, type SortKey } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const RECORDS = Number(process.argv[2] ?? 100_000);
const PAGE = 100;
const RUNS = 200;
const BASELINE_RUNS = 15;

const CITIES = ['长沙市', '株洲市', '湘潭市', '衡阳市', '邵阳市', '岳阳市', '常德市', '张家界市', '益阳市', '郴州市', '永州市', '怀化市', '娄底市', '湘西州'];
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '周', '吴', '徐', '孙', '胡', '朱', '高', '林'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明'];

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function records(n: number): Row[] {
  const r = random(430000);
  const pick = <T>(list: T[]): T => list[Math.floor(r() * list.length)];
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const year = 1940 + Math.floor(r() * 65);
    const month = String(1 + Math.floor(r() * 12)).padStart(2, '0');
    const day = String(1 + Math.floor(r() * 28)).padStart(2, '0');
    rows.push({
      id: `P${String(i).padStart(8, '0')}`,
      name: pick(SURNAMES) + pick(GIVEN) + (r() < 0.5 ? pick(GIVEN) : ''),
      gender: r() < 0.5 ? 'M' : 'F',
      birthDate: r() < 0.02 ? null : `${year}-${month}-${day}`,
      city: pick(CITIES),
      address: `${pick(CITIES)}${Math.floor(r() * 900) + 100}号`,
      phone: `1${Math.floor(r() * 1e10)}`.padEnd(11, '0'),
      income: Math.round(r() * 2_000_000) / 100,
      insured: r() < 0.8,
      employer: r() < 0.3 ? null : `91430100${String(Math.floor(r() * 1e10)).padStart(10, '0')}`,
      registeredAt: new Date(Date.UTC(2000, 0, 1) + Math.floor(r() * 7.5e11)).toISOString(),
      status: pick(['active', 'moved', 'deceased']),
    });
  }
  return rows;
}

/** nedb's order: null first, then values by `<`; strings by code point (BMP only here). */
function comparator(sort: SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const s of sort) {
      const x = a[s.field] ?? null;
      const y = b[s.field] ?? null;
      const c = x === y ? 0 : x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
      if (c !== 0) return s.direction === 'asc' ? c : -c;
    }
    return 0;
  };
}

async function time(runs: number, body: () => Promise<unknown> | unknown): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < Math.min(5, runs); i++) await body(); // warm up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await body();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], p99: times[Math.min(runs - 1, Math.ceil(runs * 0.99) - 1)] };
}

const dir = mkdtempSync(path.join(tmpdir(), 'govgraph-bench-'));
try {
  const store = await openSqliteStore(dir);
  const rows = records(RECORDS);
  const C = 'r_430000_ga_00001';

  let start = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += 10_000) await store.upsert(C, 'id', rows.slice(i, i + 10_000));
  const loadMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  await store.ensureIndex(C, { fields: ['id'], unique: true });
  await store.ensureIndex(C, { fields: ['birthDate', 'id'] });
  await store.ensureIndex(C, { fields: ['city', 'birthDate', 'id'] });
  await store.ensureIndex(C, { fields: ['income'] });
  const indexMs = Number(process.hrtime.bigint() - start) / 1e6;

  const byBirth: SortKey[] = [{ field: 'birthDate', direction: 'asc' }, { field: 'id', direction: 'asc' }];
  const byBirthDesc: SortKey[] = [{ field: 'birthDate', direction: 'desc' }, { field: 'id', direction: 'desc' }];
  const byIncome: SortKey[] = [{ field: 'income', direction: 'desc' }, { field: 'id', direction: 'asc' }];
  const inCity: Filter = eq('city', '湘潭市');
  const projection = ['id', 'name', 'gender', 'birthDate', 'city', 'address', 'phone', 'income', 'insured', 'employer', 'registeredAt', 'status'];

  // A cursor deep in the order: the page after the 50,000th record.
  const ordered = [...rows].sort(comparator(byBirth));
  const deepAsc = afterFilter(byBirth, encodeCursor(byBirth, ordered[49_999]));
  const deepDesc = afterFilter(byBirthDesc, encodeCursor(byBirthDesc, ordered[ordered.length - 50_000]));
  const byIncomeOrder = [...rows].sort(comparator(byIncome));
  const deepIncome = afterFilter(byIncome, encodeCursor(byIncome, byIncomeOrder[49_999]), ['income']);

  const cases: { name: string; runs: number; run: () => Promise<Row[]> | Row[]; expect?: () => Row[] }[] = [
    { name: 'SQLite: sort by indexed field, first page', runs: RUNS, run: () => store.find(C, { sort: byBirth, limit: PAGE, projection }) },
    { name: 'SQLite: same, whole documents', runs: RUNS, run: () => store.find(C, { sort: byBirth, limit: PAGE }) },
    { name: 'SQLite: filter city + sort, first page', runs: RUNS, run: () => store.find(C, { filter: inCity, sort: byBirth, limit: PAGE, projection }) },
    { name: 'SQLite: sort (income desc, id), index on income only', runs: RUNS, run: () => store.find(C, { sort: byIncome, limit: PAGE, projection }) },
    { name: 'SQLite: cursor page after record 50,000 (ASC)', runs: RUNS, run: () => store.find(C, { filter: deepAsc, sort: byBirth, limit: PAGE, projection }) },
    { name: 'SQLite: cursor page after record 50,000 (DESC)', runs: RUNS, run: () => store.find(C, { filter: deepDesc, sort: byBirthDesc, limit: PAGE, projection }) },
    {
      name: 'SQLite: same, DESC on a non-null field (nonNull hint)',
      runs: RUNS,
      run: () => store.find(C, { filter: deepIncome, sort: byIncome, limit: PAGE, projection }),
    },
    { name: 'SQLite: count with filter city', runs: RUNS, run: async () => [{ n: await store.count(C, inCity) }] },
    { name: 'SQLite: findByValues, 100 keys', runs: RUNS, run: () => store.findByValues(C, 'id', ordered.slice(1000, 1100).map((r) => r.id), projection) },
    {
      name: 'JS baseline: all in memory, sort, slice (nedb)',
      runs: BASELINE_RUNS,
      run: () => [...rows].sort(comparator(byBirth)).slice(0, PAGE),
    },
    {
      name: 'JS baseline: in memory, filter city, sort, slice',
      runs: BASELINE_RUNS,
      run: () => rows.filter((r) => r.city === '湘潭市').sort(comparator(byBirth)).slice(0, PAGE),
    },
    {
      name: 'JS baseline: load every row from SQLite, sort, slice',
      runs: BASELINE_RUNS,
      run: async () => (await store.find(C, {})).sort(comparator(byBirth)).slice(0, PAGE),
    },
  ];

  // The pages agree before they are timed.
  const ids = (page: Row[]) => page.map((r) => r.id).join(',');
  const expected = ids(ordered.slice(0, PAGE));
  if (ids(await store.find(C, { sort: byBirth, limit: PAGE })) !== expected) throw new Error('SQLite page differs from the JS page');
  const cityPage = ids(rows.filter((r) => r.city === '湘潭市').sort(comparator(byBirth)).slice(0, PAGE));
  if (ids(await store.find(C, { filter: inCity, sort: byBirth, limit: PAGE })) !== cityPage) throw new Error('filtered pages differ');
  if (ids(await store.find(C, { filter: deepAsc, sort: byBirth, limit: PAGE })) !== ids(ordered.slice(50_000, 50_100))) {
    throw new Error('deep ASC page differs');
  }
  const reversed = [...ordered].reverse();
  if (ids(await store.find(C, { filter: deepDesc, sort: byBirthDesc, limit: PAGE })) !== ids(reversed.slice(50_000, 50_100))) {
    throw new Error('deep DESC page differs');
  }
  if (ids(await store.find(C, { filter: and(), sort: byIncome, limit: PAGE })) !== ids(byIncomeOrder.slice(0, PAGE))) {
    throw new Error('income pages differ');
  }
  if (ids(await store.find(C, { filter: deepIncome, sort: byIncome, limit: PAGE })) !== ids(byIncomeOrder.slice(50_000, 50_100))) {
    throw new Error('deep income pages differ');
  }

  console.log(`${RECORDS.toLocaleString('en')} records of 12 items: upserted in ${(loadMs / 1000).toFixed(2)} s, 4 indexes built in ${(indexMs / 1000).toFixed(2)} s`);
  console.log(`first page = ${PAGE} records; median and p99 over the runs shown\n`);
  const width = Math.max(...cases.map((c) => c.name.length));
  console.log(`${'case'.padEnd(width)}  runs  median ms     p99 ms`);
  const results: Record<string, number> = {};
  for (const c of cases) {
    const { median, p99 } = await time(c.runs, c.run);
    results[c.name] = median;
    console.log(`${c.name.padEnd(width)}  ${String(c.runs).padStart(4)}  ${median.toFixed(3).padStart(9)}  ${p99.toFixed(3).padStart(9)}`);
  }
  const sqlite = results[cases[0].name];
  const nedb = results['JS baseline: all in memory, sort, slice (nedb)'];
  console.log(`\nsorted first page: SQLite ${sqlite.toFixed(3)} ms vs sort-in-JavaScript ${nedb.toFixed(1)} ms (${Math.round(nedb / sqlite)}x)`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
