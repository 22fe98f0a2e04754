// What the embedded store's reader threads (src/store/sqlite-readers.ts) cost and what they give. Two stores
// on the same folder, one as the gateway opens it (long reads of a large collection on threads) and one with
// every read on the event loop (`readerThreadRows: Infinity`), read the same things in interleaved rounds:
//   - a long read: a page of 50 with a `contains` that no record matches, walked in key order over the
//     whole collection (its wall time, and the longest the event loop went without running a 1 ms timer);
//   - eight such reads at once, each its own text (the wall time until all are read, and the loop held);
//   - a short read sent to a thread: a count of one value of an item that 1 in 7 records share (through
//     its index); its cost per read is what a thread adds to a read (message, copy, wake-up).
// Milliseconds, median of the rounds; the records are made here, nothing depends on a demo.
// Run: npx tsx bench/reader-threads.ts [--records 300000] [--rounds 5] [--reads 300]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FindQuery, Row } from '../src/store/port.ts';
import { openSqliteStore, type SqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = arg('--records', 300_000);
const ROUNDS = arg('--rounds', 5);
const READS = arg('--reads', 300);
const C = 'residents';

const dir = mkdtempSync(join(tmpdir(), 'gg-reader-threads-bench-'));
const setup = await openSqliteStore(dir);
await setup.ensureIndex(C, { fields: ['id'], unique: true });
await setup.ensureIndex(C, { fields: ['region'] });
await setup.upsertAll(C, 'id', (async function* () {
  for (let from = 0; from < RECORDS; from += 10_000) {
    yield Array.from({ length: Math.min(10_000, RECORDS - from) }, (_, i): Row => {
      const n = from + i;
      return { id: `P${String(n).padStart(8, '0')}`, name: `resident ${n} of the county, some text as a register holds`, region: `R${n % 7}` };
    });
  }
})());
await setup.close();

const threads = await openSqliteStore(dir);
const inline = await openSqliteStore(dir, { readerThreadRows: Number.POSITIVE_INFINITY });

const page = (text: string): FindQuery => ({ filter: { kind: 'contains', field: 'name', value: text }, sort: [{ field: 'id', direction: 'asc' }], limit: 50 });

/** Wall time of `work` and the longest the event loop went without running a 1 ms timer meanwhile. */
async function timed(work: () => Promise<unknown>): Promise<{ ms: number; heldMs: number }> {
  let held = 0;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  await work();
  const end = performance.now();
  clearInterval(timer);
  return { ms: end - start, heldMs: Math.max(held, end - last) };
}

const series = {
  long: { threads: [] as { ms: number; heldMs: number }[], inline: [] as { ms: number; heldMs: number }[] },
  eight: { threads: [] as { ms: number; heldMs: number }[], inline: [] as { ms: number; heldMs: number }[] },
  short: { threads: [] as number[], inline: [] as number[] },
};
let text = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, store] of (round % 2 === 0 ? [['threads', threads], ['inline', inline]] : [['inline', inline], ['threads', threads]]) as [keyof typeof series.long, SqliteStore][]) {
    series.long[name].push(await timed(() => store.find(C, page(`absent ${text++}`))));
    series.eight[name].push(await timed(() => Promise.all(Array.from({ length: 8 }, () => store.find(C, page(`absent ${text++}`))))));
    const start = performance.now();
    for (let i = 0; i < READS; i++) await store.count(C, { kind: 'compare', field: 'region', op: 'eq', value: `R${i % 7}` });
    series.short[name].push((performance.now() - start) / READS);
  }
  process.stderr.write(`round ${round + 1} of ${ROUNDS}\n`);
}
await threads.close();
await inline.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const f = (x: number) => x.toFixed(x < 1 ? 3 : 1);
console.log(`\n${RECORDS.toLocaleString('en')} records, ${ROUNDS} rounds interleaved; medians, ms\n`);
console.log('| read | on the event loop: wall | held the loop | on reader threads: wall | held the loop |');
console.log('|---|---:|---:|---:|---:|');
for (const [label, s] of [['a `contains` page walking every record', series.long], ['eight of them at once', series.eight]] as const) {
  console.log(`| ${label} | ${f(median(s.inline.map((x) => x.ms)))} | ${f(median(s.inline.map((x) => x.heldMs)))} | ${f(median(s.threads.map((x) => x.ms)))} | ${f(median(s.threads.map((x) => x.heldMs)))} |`);
}
const [shortInline, shortThreads] = [median(series.short.inline), median(series.short.threads)];
console.log(`\nA count of one value 1 in 7 records share, per read: ${f(shortInline)} ms on the event loop, ${f(shortThreads)} ms on a thread (+${f(shortThreads - shortInline)} ms).`);
