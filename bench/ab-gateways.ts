// This checkout's gateway against another checkout's (the code before a change), end to end, in one
// process: three gateways (before, this, before again from a second clone: the A/A), each on its own
// store of the demo data, opened with its own checkout's store code, loaded in turn by autocannon (a child process, 10 connections) in short blocks
// alternated in rotation; the process's CPU per request of each block, medians. Stops if their status
// and body differ. The list query of bench/gateway.ts, or (--query denied) the same with a denied item,
// (--query lookup) its lookup by key, (--query floor) `{ __typename }`, (--query include) the list with its
// link under @include(if: true).
// Run: npx tsx bench/ab-gateways.ts --base DIR --aa DIR2 [--blocks 15] [--seconds 2] [--query list|denied|lookup|floor|include]
//        [--turns N]
//   (DIR, DIR2: clones of the code before, with node_modules linked to the same folder as this one's)
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { benchPlatform, DENIED_QUERY, INCLUDE_QUERY, LIST_QUERY, lookupQuery, PURPOSE, REQUESTER } from './demo-queries.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const [base, aa] = [arg('base'), arg('aa')];
if (!base || !aa) throw new Error('usage: --base DIR --aa DIR2 (two clones of the code before)');
const BLOCKS = Number(arg('blocks') ?? 15);
const SECONDS = Number(arg('seconds') ?? 2);
process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';

const { platform: benched } = benchPlatform(0);
// --turns N: limits.concurrentPerDepartment of every gateway (a checkout before it ignores the key). Left
// out, this checkout's default holds, and the ten connections of one department take turns.
const turns = arg('turns');
const platform = turns ? { ...benched, limits: { ...benched.limits, concurrentPerDepartment: Number(turns) } } : benched;
const dir = mkdtempSync(join(tmpdir(), 'govgraph-ab-gateways-'));
// Each checkout loads the demo with its own code: the way records are stored changes between releases.
type Checkout = [typeof startGateway, typeof openSqliteStore, typeof ensureDemo];
const checkout = async (root: string): Promise<Checkout> => [
  (await import(resolve(root, 'src/server/app.ts'))).startGateway,
  (await import(resolve(root, 'src/store/sqlite.ts'))).openSqliteStore,
  (await import(resolve(root, 'src/demo/setup.ts'))).ensureDemo,
];
const starts: [string, Checkout][] = [
  ['before', await checkout(base)],
  ['this checkout', [startGateway, openSqliteStore, ensureDemo]],
  ['before, a second copy (A/A)', await checkout(aa)],
];
process.stderr.write('loading the demo data three times...\n');
const gateways: { name: string; store: Awaited<ReturnType<typeof openSqliteStore>>; gw: Awaited<ReturnType<typeof startGateway>>; token: string; cpu: number[] }[] = [];
for (const [k, [name, [start, open, loadDemo]]] of starts.entries()) {
  const store = await open(join(dir, String(k)));
  await loadDemo(store, platform);
  const gw = await start({ platform, store, port: 0, pollMs: 0 });
  const token = await signToken(gw.secret, { dept: REQUESTER, user: 'bench', roles: [], ttl: '1h' });
  gateways.push({ name, store, gw, token, cpu: [] });
}
const queryName = arg('query') ?? 'list';
// The lookup's key: a record of the middle of the demo's (the same in every store).
const key = async () => String((await gateways[0].store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
const queries: Record<string, () => Promise<string>> = {
  list: async () => LIST_QUERY, denied: async () => DENIED_QUERY, include: async () => INCLUDE_QUERY, lookup: async () => lookupQuery(await key()), floor: async () => '{ __typename }',
};
if (!queries[queryName]) throw new Error(`--query: one of ${Object.keys(queries).join(', ')}`);
const body = JSON.stringify({ query: await queries[queryName]() });
const headers = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE });
const answers = await Promise.all(gateways.map(async (g) => {
  const r = await fetch(`${g.gw.url}/graphql`, { method: 'POST', headers: headers(g.token), body });
  return `${r.status} ${await r.text()}`;
}));
if (answers.some((a) => a !== answers[0])) throw new Error('the answers differ');

const script = join(dir, 'load.cjs');
writeFileSync(script, `const ac = require('autocannon');
process.on('message', ({ url, seconds, headers, body }) =>
  ac({ url, method: 'POST', connections: 10, duration: seconds, headers, body }, (e, r) => process.send(e ? { error: String(e) } : { n: r.requests.total, non2xx: r.non2xx })));`);
const child = fork(script, { env: { ...process.env, NODE_PATH: resolve('node_modules') } });
const load = (g: (typeof gateways)[number], seconds: number) =>
  new Promise<{ n: number; non2xx: number; error?: string }>((done) => {
    child.once('message', done as never);
    child.send({ url: `${g.gw.url}/graphql`, seconds, headers: headers(g.token), body });
  });
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const g of gateways) await load(g, 2); // warm-up
  for (let b = 0; b < BLOCKS; b++) {
    for (let k = 0; k < gateways.length; k++) {
      const g = gateways[(b + k) % gateways.length]; // rotated: none always runs after the same one
      const c0 = cpuNow();
      const r = await load(g, SECONDS);
      if (r.error || r.non2xx) throw new Error(`${g.name}: ${r.error ?? `${r.non2xx} answers not 2xx`}`);
      g.cpu.push((cpuNow() - c0) / r.n);
    }
  }
  console.log(`${queryName} query, ${BLOCKS} blocks of ${SECONDS} s per gateway, the same answers; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
  console.log('| gateway | CPU µs per request (median of blocks) | vs before |');
  console.log('|---|---:|---:|');
  const before = median(gateways[0].cpu);
  for (const g of gateways) console.log(`| ${g.name} | ${median(g.cpu).toFixed(0)} | ${(median(g.cpu) / before).toFixed(3)} |`);
} finally {
  child.kill();
  for (const g of gateways) await g.gw.close(), await g.store.close();
  rmSync(dir, { recursive: true, force: true });
}
