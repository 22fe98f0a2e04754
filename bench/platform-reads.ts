// The platform fields whose reads grow with the platform's history, this checkout against another (the
// code before a change), on a Hebei platform of the bench's own (bench/hebei-platform.ts: 60 catalogues x
// 12 versions of 200 resources, 20,000 grants, 200,000 audit entries by default). One store is made, then
// copied for each gateway; each gateway is opened with its own checkout's code. Each query is sent to the
// two gateways in turn, `--runs` times, and the wall time of each answer is taken; medians. Stops if the
// two answers differ.
// The platform's timeoutMs is 120 s on both, so that the code before answers at all.
// Run: npx tsx bench/platform-reads.ts --base DIR [--runs 5] [--small] [--made STORE] [--only 1,5,8]
//   (DIR: a clone of the code before, with node_modules linked to this one's; STORE: a folder to keep the
//   platform's store in and take it from on the next run: the full platform takes ~5 minutes to make)
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { limitsOf } from '../src/model/platform.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { stopOffThread } from '../src/workflow/off-thread.ts';
import { BENCH_SIZES, HB, catalogueId, compilerOf, fillHebei, writeHebeiPlatform } from './hebei-platform.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const base = arg('base');
if (!base) throw new Error('usage: --base DIR (a clone of the code before)');
const RUNS = Number(arg('runs') ?? 5);
const sizes = process.argv.includes('--small') ? { catalogues: 12, versions: 6, resources: 40, grants: 2000, audit: 20_000 } : BENCH_SIZES;

const dir = mkdtempSync(join(tmpdir(), 'govgraph-platform-reads-'));
const loaded = loadPlatform(writeHebeiPlatform(dir));
const platform = { ...loaded, limits: { ...limitsOf(loaded), timeoutMs: 120_000 } };
const madeDir = arg('made') ?? join(dir, 'made');
let t = performance.now();
if (!existsSync(madeDir)) {
  process.stderr.write(`making the Hebei platform (${JSON.stringify(sizes)})...\n`);
  const made = await openSqliteStore(madeDir);
  await fillHebei(made, sizes);
  await made.close();
  process.stderr.write(`made in ${Math.round(performance.now() - t)} ms\n`);
}

const starts: [string, typeof startGateway, typeof openSqliteStore][] = [
  ['before', (await import(resolve(base, 'src/server/app.ts'))).startGateway, (await import(resolve(base, 'src/store/sqlite.ts'))).openSqliteStore],
  ['this checkout', startGateway, openSqliteStore],
];
const gateways = [];
for (const [k, [name, start, open]] of starts.entries()) {
  cpSync(madeDir, join(dir, String(k)), { recursive: true });
  const store = await open(join(dir, String(k)));
  const gw = await start({ platform, store, port: 0, pollMs: 0, auditCheckpoints: { file: null }, logger: pino({ level: 'silent' }) });
  gateways.push({ name, store, gw });
}

const compiler = compilerOf(0);
const supervisorRoles = ['supervisor', 'auditor'];
const cases: { name: string; dept: string; roles: string[]; query: string }[] = [
  { name: 'catalogues { id title versions { version status } } (a department)', dept: HB.city, roles: [], query: '{ catalogues { id title versions { version status } } }' },
  { name: 'catalogues { id title versions { version status } } (the supervisor)', dept: HB.supervisor, roles: supervisorRoles, query: '{ catalogues { id title versions { version status } } }' },
  { name: '5 aliases of catalogue(id) { versions { version } } (a department)', dept: HB.city, roles: [], query: `{ ${[0, 1, 2, 3, 4].map((c) => `c${c}: catalogue(id: "${catalogueId(c)}") { versions { version } }`).join(' ')} }` },
  { name: 'catalogue(id) { published { resources { code } } }', dept: HB.city, roles: [], query: `{ catalogue(id: "${catalogueId(1)}") { published { resources { code } } } }` },
  { name: "catalogue(id) { versions { warnings } } (its compiler, 2 drafts)", dept: compiler, roles: [], query: `{ catalogue(id: "${catalogueId(0)}") { versions { version warnings { kind resource usedBy } } } }` },
  { name: '3 aliases of that warnings query (its compiler)', dept: compiler, roles: [], query: `{ ${[0, 1, 2].map((a) => `a${a}: catalogue(id: "${catalogueId(0)}") { versions { version warnings { kind resource usedBy } } }`).join(' ')} }` },
  { name: 'catalogues(status: SUBMITTED) { versions { warnings } } (the supervisor)', dept: HB.supervisor, roles: supervisorRoles, query: '{ catalogues(compiler: "' + compiler + '") { id versions { version warnings { kind } } } }' },
  { name: 'grants { id provider } (the supervisor)', dept: HB.supervisor, roles: ['supervisor'], query: '{ grants { id provider } }' },
  { name: 'grants { id provider } (a department)', dept: HB.departments[1], roles: [], query: '{ grants { id provider } }' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: string[] = [];
// --only 1,5,8: those cases alone (numbered from 1, as listed above).
const only = arg('only')?.split(',').map(Number);
for (const c of cases.filter((_, i) => !only || only.includes(i + 1))) {
  const tokens = await Promise.all(gateways.map(({ gw }) => signToken(gw.secret, { dept: c.dept, user: 'bench', roles: c.roles as never, ttl: '1h' })));
  const times: number[][] = gateways.map(() => []);
  const timedOut = [false, false];
  for (let run = 0; run < RUNS; run++) {
    const bodies: string[] = [];
    // Alternated: the order of the two turns round at each run.
    const order = run % 2 === 0 ? [0, 1] : [1, 0];
    for (const k of order) {
      t = performance.now();
      const res = await fetch(`${gateways[k].gw.url}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k]}` }, body: JSON.stringify({ query: c.query }),
      });
      bodies[k] = await res.text();
      times[k].push(performance.now() - t);
      // Stopped at the time limit (the code before, on the full platform): told as such, not compared.
      if (bodies[k].includes('"limit":"timeoutMs"')) timedOut[k] = true;
      else if (res.status !== 200 || bodies[k].includes('"errors"')) throw new Error(`${gateways[k].name}: ${c.name}: ${res.status} ${bodies[k].slice(0, 400)}`);
    }
    if (!timedOut[0] && !timedOut[1] && bodies[0] !== bodies[1]) throw new Error(`${c.name}: the answers differ (${bodies[0].length} and ${bodies[1].length} characters)`);
  }
  const [before, now] = times.map(median);
  const shown = (ms: number, k: number) => (timedOut[k] ? `stopped at ${Math.round(ms / 1000)} s (timeoutMs)` : String(Math.round(ms)));
  rows.push(`| ${c.name} | ${shown(before, 0)} | ${shown(now, 1)} | ${timedOut[0] || timedOut[1] ? '' : `${(before / now).toFixed(1)}x`} |`);
  process.stderr.write(`${rows.at(-1)}\n`);
}
console.log(`| query (${JSON.stringify(sizes)}) | before, ms | this checkout, ms | |\n|---|---:|---:|---:|\n${rows.join('\n')}`);
for (const { gw, store } of gateways) {
  await gw.close();
  await store.close();
}
await stopOffThread();
rmSync(dir, { recursive: true, force: true });
