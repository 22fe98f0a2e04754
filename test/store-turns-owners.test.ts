// The embedded store's operations on the event loop take turns by owner (src/store/sqlite/locks.ts). Once
// operations have run 10 ms back to back, the next ones wait for a turn of the event loop; each waited for
// its own, all at once, so a new operation went behind every one already waiting. One department's query of
// 25 aliases each reading 6 levels of links (Shanghai, 60,000 residents: test/fixtures/shanghai-load) kept 25
// reads waiting at every turn, and another department's lookup waited behind all of them at each of its
// operations: 0.5 to 3.4 s at the median, where 28 aliases of 1,000-record pages (on reader threads, whose
// reads take turns by owner) left it a few ms to a few hundred. Now the waiting operations are served one
// owner after another: the other department's read goes after at most one of each other owner's.
//
// Counted, not timed: how many of the flooding owner's reads end while one read of another owner waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';

const RESIDENTS = 'r_310000_ga_00001';
const residentNo = (i: number) => `R${String(i).padStart(8, '0')}`;
let dir: string;
let store: Store;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-store-turns-'));
  store = await openSqliteStore(dir);
  await store.ensureIndex(RESIDENTS, { fields: ['residentNo'], unique: true });
  for (let from = 0; from < 20_000; from += 5_000) {
    await store.insert(RESIDENTS, Array.from({ length: 5_000 }, (_, j) => ({ residentNo: residentNo(from + j), district: `区${(from + j) % 16}`, address: `南京路${from + j}号 Room ${from + j}` })));
  }
}, 60_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it('lets another owner’s read go after at most one of each owner’s waiting reads, however many one owner has waiting', async () => {
  // The flood: 30 reads at once, each of 1,000 records by key (a page's link), read after read.
  let ended = 0;
  let flooding = true;
  const flood = Array.from({ length: 30 }, async (_, n) => {
    for (let round = 0; flooding; round++) {
      const values = Array.from({ length: 1_000 }, (_, i) => residentNo((n * 613 + round * 1_000 + i * 7) % 20_000));
      await store.findByValues(RESIDENTS, 'residentNo', values, ['residentNo', 'district', 'address'], { owner: '310000-ZJW' });
      ended++;
    }
  });
  while (ended < 60) await new Promise((resolve) => setTimeout(resolve, 5));

  // Another department's lookups, one after another: the flood's reads that end while each waits.
  // A lookup still waiting once 500 of them have ended is given up on (the flood stops, then it ends).
  const passed: number[] = [];
  const lookups: Promise<unknown>[] = [];
  for (let i = 0; i < 15; i++) {
    const before = ended;
    let answered = false;
    let endedThen = 0;
    const lookup = store.findByValues(RESIDENTS, 'residentNo', [residentNo(i * 97)], ['residentNo', 'district'], { owner: '310000-SWJ' });
    lookups.push(lookup.then(([row]) => {
      answered = true;
      endedThen = ended;
      expect(row).toEqual({ residentNo: residentNo(i * 97), district: `区${(i * 97) % 16}` });
    }));
    while (!answered && ended - before < 500) await new Promise((resolve) => setTimeout(resolve, 1));
    passed.push((answered ? endedThen : ended) - before);
    if (!answered) break;
  }
  flooding = false;
  await Promise.all([...flood, ...lookups]);
  // Behind every waiting read of the flood, a lookup saw hundreds of them end, the flood's newer reads
  // going ahead of it turn after turn; now none, one, or two when one had just been let go as it came.
  const seen = `flood reads ended during each lookup: ${passed.join(' ')}`;
  expect(passed.length, seen).toBe(15);
  expect(median(passed), seen).toBeLessThanOrEqual(3);
  expect(Math.max(...passed), seen).toBeLessThanOrEqual(10);
}, 60_000);
