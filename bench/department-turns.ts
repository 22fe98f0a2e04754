// What one department flooding a gateway with heavy queries does to another department's lookups, under
// limits.concurrentPerDepartment (src/limits/turns.ts) at several bounds (100000: in effect none). One
// gateway process per bound, on a platform of its own (two reading departments, one provider) over a
// resource of 20,000 records of six items; the clients run in this process, so that parsing A's large
// answers does not take the gateway's event loop. Two scenes per bound:
//   flood: department A keeps 50 queries in flight, each a page of 1,000 records with a `contains` that
//     one record in 20 matches, so it walks the whole resource; department B sends lookups one after another meanwhile. B's p50/p99, A's rate.
//   burst: A sends 8 queries at once of 28 aliases of 1,000 records (within every default limit); B sends
//     one lookup 50 ms later. How long B's lookup took, and A's last answer.
// Run: npx tsx bench/department-turns.ts [--seconds 8] [--bounds 100000,4,2,1]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { signToken } from '../src/identity/token.ts';
import { limitsOf } from '../src/model/platform.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const option = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const SECONDS = Number(option('seconds', '8'));
const BOUNDS = option('bounds', '100000,4,2,1').split(',').map(Number);
const RECORDS = 20_000;
const A = '460000-GT';
const B = '460000-WJ';

const PLATFORM = `platform: { region: "460000", level: province, name: Turns bench platform, competentDepartment: "460000-ZWB", holidays: [] }
purposes: [{ code: census, name: Census }]
departments:
  - { code: "460000-ZWB", name: Administrative Service Bureau, graphqlName: adminService, level: province, region: "460000" }
  - { code: "460000-TJ", name: Statistics Bureau, graphqlName: stats, level: province, region: "460000" }
  - { code: "${A}", name: Land Resources Bureau, graphqlName: land, level: province, region: "460000" }
  - { code: "${B}", name: Health Commission, graphqlName: health, level: province, region: "460000" }
`;
const CATALOGUE = `id: TURNS-BENCH
kind: departmental
title: Turns bench catalogue
compiler: "460000-TJ"
resources:
  - code: "460000-TJ-00001"
    name: Survey returns
    provider: "460000-TJ"
    graphql: { type: SurveyReturn, list: surveyReturns, byKey: surveyReturn }
    key: returnNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: returnNo, type: string, required: true }
      - { name: county, type: string }
      - { name: township, type: string }
      - { name: household, type: string }
      - { name: members, type: int }
      - { name: remark, type: string }
`;
const ITEMS = 'returnNo county township household members remark';
const CONTAINS_PAGE = `{ stats { surveyReturns(first: 1000, filter: { remark: { contains: "flagged" } }) { nodes { ${ITEMS} } } } }`;
const ALIASES_28 = `{ stats { ${Array.from({ length: 28 }, (_, i) => `a${i}: surveyReturns(first: 1000) { nodes { ${ITEMS} } }`).join(' ')} } }`;
const LOOKUP = (i: number) => `{ stats { surveyReturn(returnNo: "R${String(i % RECORDS).padStart(6, '0')}") { ${ITEMS} } } }`;

interface Served { url: string; a: string; b: string }

/** The gateway under `bound`, in this process (the child's side). */
async function serve(bound: number): Promise<void> {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-turns-'));
  writeFileSync(join(dir, 'platform.yaml'), PLATFORM);
  writeFileSync(join(dir, 'catalogue.yaml'), CATALOGUE);
  const loaded = loadPlatform(join(dir, 'platform.yaml'));
  const platform = { ...loaded, limits: { ...limitsOf(loaded), concurrentPerDepartment: bound, rate: { perDepartment: null, perUser: null } } };
  const store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [join(dir, 'catalogue.yaml')], { publish: true });
  await store.insert('r_460000_tj_00001', Array.from({ length: RECORDS }, (_, i) => ({
    returnNo: `R${String(i).padStart(6, '0')}`, county: `C${i % 40}`, township: `T${i % 400}`, household: `H${i}`, members: i % 7, remark: i % 20 === 0 ? `flagged ${i}` : `return ${i}`,
  })));
  const gateway = await startGateway({ platform, store, port: 0, pollMs: 0 });
  const token = (dept: string) => signToken(gateway.secret, { dept, user: 'bench', roles: [], ttl: '1h' });
  console.log(JSON.stringify({ url: gateway.url, a: await token(A), b: await token(B) } satisfies Served));
  process.stdin.on('end', () => void gateway.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }));
  process.stdin.resume();
}

async function start(bound: number): Promise<{ served: Served; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(bound)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const served = JSON.parse((await lines.next()).value as string) as Served;
  return { served, stop: () => child.stdin.end() };
}

/** One request; its time in ms. A's large answers are checked by their start only: parsing them here would delay B's client. */
async function ask(s: Served, token: string, query: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'census' },
    body: JSON.stringify({ query }),
  });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200 || !body.subarray(0, 9).equals(Buffer.from('{"data":{'))) throw new Error(body.subarray(0, 300).toString());
  return performance.now() - t0;
}

// B's client runs on a thread of its own: its timings are the gateway's, not this process's event loop
// busy with A's answers. Plain JavaScript (a worker does not go through tsx).
const B_CLIENT = `
const { parentPort, workerData: { url, token, queries, waitMs, until } } = require('node:worker_threads');
(async () => {
  await new Promise((r) => setTimeout(r, waitMs));
  const times = [];
  for (const query of queries) {
    const t0 = performance.now();
    const res = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token, 'x-purpose': 'census' }, body: JSON.stringify({ query }) });
    const body = await res.json();
    if (body.errors) throw new Error(body.errors[0].message);
    times.push(performance.now() - t0);
    if (Date.now() > until) break;
  }
  parentPort.postMessage(times);
})();
`;

/** B's lookups, one after another from `waitMs` on, until `untilMs` (Date.now()) or the list's end. */
function bLookups(s: Served, count: number, waitMs: number, untilMs: number): Promise<number[]> {
  const queries = Array.from({ length: count }, (_, i) => LOOKUP(i));
  const worker = new Worker(B_CLIENT, { eval: true, workerData: { url: s.url, token: s.b, queries, waitMs, until: untilMs } });
  return new Promise((resolve, reject) => {
    worker.once('message', (times: number[]) => void worker.terminate().then(() => resolve(times)));
    worker.once('error', reject);
  });
}

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (x: number) => `${Math.round(x)} ms`;

async function flood(s: Served): Promise<string> {
  const until = performance.now() + SECONDS * 1000;
  let aDone = 0;
  const aClient = async () => {
    while (performance.now() < until) {
      await ask(s, s.a, CONTAINS_PAGE);
      aDone++;
    }
  };
  // From 500 ms on (A's flood under way) to the flood's end.
  const b = bLookups(s, 100_000, 500, Date.now() + SECONDS * 1000);
  const [bTimes] = await Promise.all([b, ...Array.from({ length: 50 }, aClient)]);
  return `flood: B lookups ${bTimes.length}, mean ${ms(bTimes.reduce((x, y) => x + y, 0) / bTimes.length)}, p50 ${ms(pct(bTimes, 50))}, p99 ${ms(pct(bTimes, 99))}; A ${(aDone / SECONDS).toFixed(1)} pages/s`;
}

async function burst(s: Served): Promise<string> {
  const t0 = performance.now();
  const aTimes = Array.from({ length: 8 }, () => ask(s, s.a, ALIASES_28));
  const [b] = await bLookups(s, 1, 50, Infinity);
  const aLast = Math.max(...(await Promise.all(aTimes)));
  return `burst: B lookup ${ms(b)}; A's eight answered by ${ms(aLast)} (${ms(performance.now() - t0)} in all)`;
}

async function main(): Promise<void> {
  for (const bound of BOUNDS) {
    const g = await start(bound);
    try {
      await ask(g.served, g.served.b, LOOKUP(0)); // warm
      const alone: number[] = [];
      for (let i = 0; i < 200; i++) alone.push(await ask(g.served, g.served.b, LOOKUP(i)));
      console.log(`concurrentPerDepartment ${bound}: B alone p50 ${pct(alone, 50).toFixed(1)} ms; ${await flood(g.served)}; ${await burst(g.served)}`);
    } finally {
      g.stop();
    }
  }
}

const serving = process.argv.indexOf('--serve');
await (serving > 0 ? serve(Number(process.argv[serving + 1])) : main());
