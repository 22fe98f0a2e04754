// What a department sending large documents that the limits refuse (QUERY_TOO_COMPLEX) does to another
// department's lookups, within the burst its rate buckets allow (the platform's default rates: 1,200
// requests a minute per department, 300 per user). A rate counts requests; refusing a large document costs
// the event loop its reading, parsing and validating, and a document over maxTokens counting its tokens.
// On Dalian's platform (test/fixtures/dalian-burst), in a gateway process of its own (this file with
// --serve), real tokens, a resource of 5,000 land parcels.
//   alone: the health commission (B) sends lookups one after another (one each 20 ms at most), from a thread of its own;
//   attacked: the same, while the port authority (A) keeps 20 connections (20 users) sending a refused
//     document each, one after another, until its buckets refuse them (RATE_LIMITED) or the window ends
//     (`burst ms`: when its last connection stopped).
// Each round starts a new gateway (A's buckets full) and runs both windows, their order alternated; the
// figures are the medians over the rounds of B's p50 and p95 in each window. Two documents of A's:
//   tokens: 256 KiB of `a a a ...`, over maxTokens;
//   aliases: 31 aliases (over maxAliases), within maxTokens, after a comment of 256 KiB.
// Run: npx tsx bench/refused-burst.ts [--seconds 5] [--rounds 3] [--kib 256] [--port 0]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const option = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = option('seconds', 5);
const ROUNDS = option('rounds', 3);
const KIB = option('kib', 256);
const PORT = option('port', 0);
const CONNECTIONS = 20;
const PARCELS = 5000;
const FIXTURE = fileURLToPath(new URL('../test/fixtures/dalian-burst', import.meta.url));
const A = '210200-GKJ';
const B = '210200-WJW';

const DOCUMENTS: Record<string, string> = {
  tokens: `{ ${'a '.repeat((KIB * 1024) / 2)}}`,
  aliases: `# ${'x'.repeat(KIB * 1024)}\n{ dlLand { ${Array.from({ length: 31 }, (_, i) => `a${i}: landParcel(parcelNo: "P${i}") { parcelNo }`).join(' ')} } }`,
};
const parcelNo = (i: number) => `P${String(i % PARCELS).padStart(6, '0')}`;
const LOOKUP = (i: number) => `{ dlLand { landParcel(parcelNo: "${parcelNo(i)}") { parcelNo district use areaSqm } } }`;

interface Served { url: string; a: string[]; b: string[] }
/** B's lookups: one every B_PACE_MS at most (so two windows stay within its department's 1,200 a minute), from 10 users. */
const B_PACE_MS = 20;

/** The gateway (the child's side): Dalian's platform with its default limits, over PARCELS parcels. */
async function serve(): Promise<void> {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-refused-burst-'));
  const platform = loadPlatform(join(FIXTURE, 'platform.yaml'));
  const store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [join(FIXTURE, 'catalogue.yaml')], { publish: true });
  await store.insert('r_210200_zrzy_00001', Array.from({ length: PARCELS }, (_, i) => ({ parcelNo: parcelNo(i), district: `D${i % 10}`, use: i % 3 ? 'residential' : 'industrial', areaSqm: 100 + i })));
  const gateway = await startGateway({ platform, store, port: PORT, pollMs: 0 });
  const token = (dept: string, user: string) => signToken(gateway.secret, { dept, user, roles: [], ttl: '1h' });
  const a = await Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => token(A, `port-${i}`)));
  const b = await Promise.all(Array.from({ length: 10 }, (_, i) => token(B, `health-${i}`)));
  console.log(JSON.stringify({ url: gateway.url, a, b } satisfies Served));
  process.stdin.on('end', () => void gateway.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  }));
  process.stdin.resume();
}

async function start(): Promise<{ served: Served; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', '--port', String(PORT)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const served = JSON.parse((await lines.next()).value as string) as Served;
  return { served, stop: () => new Promise((resolve) => { child.once('exit', () => resolve()); child.stdin.end(); }) };
}

// B's client on a thread of its own, so that A's clients in this process do not delay its timings.
const B_CLIENT = `
const { parentPort, workerData: { url, tokens, queries, until, paceMs } } = require('node:worker_threads');
(async () => {
  const times = [];
  const start = performance.now();
  for (let i = 0; i < queries.length; i++) {
    const query = queries[i];
    const ahead = start + i * paceMs - performance.now();
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    const t0 = performance.now();
    const res = await fetch(url + '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + tokens[i % tokens.length], 'x-purpose': 'planning' }, body: JSON.stringify({ query }) });
    const body = await res.json();
    if (!body.data || !body.data.dlLand || !body.data.dlLand.landParcel) throw new Error(JSON.stringify(body).slice(0, 300));
    times.push(performance.now() - t0);
    if (Date.now() > until) break;
  }
  parentPort.postMessage(times);
})();
`;

function bLookups(s: Served, untilMs: number): Promise<number[]> {
  const queries = Array.from({ length: 100_000 }, (_, i) => LOOKUP(i));
  const worker = new Worker(B_CLIENT, { eval: true, workerData: { url: s.url, tokens: s.b, queries, until: untilMs, paceMs: B_PACE_MS } });
  return new Promise((resolve, reject) => {
    worker.once('message', (times: number[]) => void worker.terminate().then(() => resolve(times)));
    worker.once('error', reject);
  });
}

/** A's connections: each sends `document` until refused RATE_LIMITED or `untilMs`; the codes of the answers, and when the last connection stopped. */
async function attack(s: Served, document: string, untilMs: number): Promise<Map<string, number>> {
  const codes = new Map<string, number>();
  const t0 = performance.now();
  const body = JSON.stringify({ query: document });
  await Promise.all(s.a.map(async (token) => {
    while (Date.now() < untilMs) {
      const res = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });
      const code = ((await res.json()) as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code ?? `HTTP ${res.status}`;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 'RATE_LIMITED') return;
    }
  }));
  codes.set('burst ms', Math.round(performance.now() - t0));
  return codes;
}

const pct = (xs: number[], p: number) => [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const median = (xs: number[]) => pct(xs, 50);
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function window(s: Served, document: string | null): Promise<{ p50: number; p95: number; n: number; codes?: Map<string, number> }> {
  const until = Date.now() + SECONDS * 1000;
  const [times, codes] = await Promise.all([bLookups(s, until), document === null ? undefined : attack(s, document, until)]);
  return { p50: pct(times, 50), p95: pct(times, 95), n: times.length, codes };
}

async function main(): Promise<void> {
  console.log(`B's lookups, ${SECONDS} s windows, ${ROUNDS} rounds, A's documents of ${KIB} KiB from ${CONNECTIONS} connections`);
  for (const [shape, document] of Object.entries(DOCUMENTS)) {
    const alone = { p50: [] as number[], p95: [] as number[] };
    const attacked = { p50: [] as number[], p95: [] as number[] };
    const codes = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const g = await start();
      try {
        for (let i = 0; i < 20; i++) { // warm
          await fetch(`${g.served.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${g.served.b[0]}` }, body: JSON.stringify({ query: LOOKUP(i) }) }).then((r) => r.arrayBuffer());
        }
        for (const attacking of round % 2 ? [true, false] : [false, true]) {
          const w = await window(g.served, attacking ? document : null);
          const into = attacking ? attacked : alone;
          into.p50.push(w.p50);
          into.p95.push(w.p95);
          for (const [code, n] of w.codes ?? []) codes.set(code, [...(codes.get(code) ?? []), n]);
        }
      } finally {
        await g.stop();
      }
    }
    const aSaid = [...codes].map(([code, ns]) => `${code} ${median(ns)}`).join(', ');
    console.log(`${shape}: B alone p50 ${ms(median(alone.p50))}, p95 ${ms(median(alone.p95))}; with A p50 ${ms(median(attacked.p50))}, p95 ${ms(median(attacked.p95))}; A's answers per window (median): ${aSaid}`);
  }
}

await (process.argv.includes('--serve') ? serve() : main());
