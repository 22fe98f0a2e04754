// What a request of a department holding grants pays to learn that none was revoked elsewhere (SPEC §9,
// src/access/grant-cache.ts): this checkout's grant cache (one read of the revocation mark) against another
// checkout's (the code before: a count of the department's grants still unrevoked), in one process, on
// one embedded store. The department holds three active grants; the calls alternate in blocks, medians of
// the blocks' CPU µs per call. Twice: on a store no other process writes (the embedded store's document cache
// answers the mark), and with another connection writing a row between calls (another gateway's audit
// entries: every read goes to SQLite again).
// Run: npx tsx bench/grant-check.ts --base DIR [--blocks 15] [--calls 2000]
//   (DIR: a clone of the code before, with node_modules linked to the same folder as this one's)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GrantCache } from '../src/access/grant-cache.ts';
import { storeGrant } from '../src/access/grants/adding.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const base = arg('base');
if (!base) throw new Error('usage: --base DIR (a clone of the code before)');
const BLOCKS = Number(arg('blocks') ?? 15);
const CALLS = Number(arg('calls') ?? 2000);
const { GrantCache: BeforeCache } = (await import(resolve(base, 'src/access/grant-cache.ts'))) as { GrantCache: typeof GrantCache };

const DEPT = '450100-MZJ';
const grant = (id: string): Grant => ({
  id, requester: DEPT, resource: `450000-GAT-0000${id.slice(1)}`, items: ['householdNo'], purposes: ['relief-review'], unmasked: [], rows: null,
  from: '2026-01-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00Z', createdBy: 'bench',
  requestId: null, provider: '450000-GAT',
});

const dir = mkdtempSync(join(tmpdir(), 'govgraph-grant-check-'));
const store = await openSqliteStore(dir);
const other = await openSqliteStore(dir); // another process's connection
try {
  for (const id of ['g1', 'g2', 'g3']) await storeGrant(other, grant(id));
  const now = new Date();
  const caches = [['before (a count per request)', new BeforeCache(store)], ['this checkout (the revocation mark)', new GrantCache(store)]] as const;
  for (const [, c] of caches) if ((await c.activeFor(DEPT, now)).length !== 3) throw new Error('the grants were not read');
  for (const written of [false, true]) {
    const us: number[][] = caches.map(() => []);
    for (let b = 0; b < BLOCKS; b++) {
      for (let k = 0; k < caches.length; k++) {
        const i = (b + k) % caches.length;
        const cache = caches[i][1];
        // CPU time (the machine may be busy with other work), of the grant check's calls alone, not of
        // the other connection's writes; the two cpuUsage calls around each are paid by both alike.
        let cpu = 0;
        for (let n = 0; n < CALLS; n++) {
          if (written) await other.insert('_bench_writes', [{ n }]);
          const c0 = process.cpuUsage();
          await cache.activeFor(DEPT, now);
          const c = process.cpuUsage(c0);
          cpu += c.user + c.system;
        }
        us[i].push(cpu / CALLS);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`\n${written ? 'another connection writing between calls' : 'no other writer'}: ${BLOCKS} blocks of ${CALLS} calls, load average ${loadavg()[0].toFixed(1)}\n`);
    console.log('| grant check | CPU µs per request (median of blocks) |');
    console.log('|---|---:|');
    caches.forEach(([name], i) => console.log(`| ${name} | ${median(us[i]).toFixed(1)} |`));
  }
  for (const [, c] of caches) c.stop();
} finally {
  await other.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
