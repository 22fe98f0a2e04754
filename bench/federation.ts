// A namespace query through the connecting gateway against the same query sent straight to the connected
// one (SPEC §12, issue 11), in the same run: two gateways on loopback (a province connected to a city,
// each with its own embedded store), 100 records a query, sequential requests after a warm-up, the series
// alternated in rounds (in blocks; --interleave: request by request). The
// federated read is one extra hop (batched: one request to the city per GraphQL request, not one per
// record) and should cost at most 1.5 times the direct one.
//
// Two more series say where the difference goes: the same query sent straight to the city with a
// forwarded token (what the province's hop costs the city: the signature check and the jti insert), and
// a read of 100 of the province's own records on the province (one gateway pass: what the province's own
// pass costs, besides the hop). And two that say what the connecting side cannot go below: the province
// reading one record of its own (a gateway pass with next to no data: HTTP, Apollo, identity, limits,
// the audit entry), and the same client against a bare node:http server answering a fixed JSON (what the
// client and one loopback round trip cost, in every series).
// Run: npx tsx bench/federation.ts [--requests 300] [--rounds 3] [--interleave] [--only direct,federated]
// or compiled, as `govgraph serve` runs (no tsx loader in the gateways' path):
//   npx tsc -p tsconfig.bench.json && node .tmp/bench-build/bench/federation.js [options]
// (--only: those series alone, no ratio checked: for `node --cpu-prof --import tsx bench/federation.ts --only federated`)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as httpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { signToken } from '../src/identity/token.ts';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { packagePath } from '../src/package-root.ts';

const arg = process.argv.indexOf('--requests');
const REQUESTS = arg > 0 ? Number(process.argv[arg + 1]) : 300;
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3;
// --only direct,federated: run only these series (to profile one with node --cpu-prof; no ratio is checked).
const onlyArg = process.argv.indexOf('--only');
const ONLY = onlyArg > 0 ? new Set(process.argv[onlyArg + 1].split(',')) : null;
const INTERLEAVE = process.argv.includes('--interleave');
const fixture = (name: string) => packagePath('test', 'fixtures', 'levels', name);

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const port = (s.address() as { port: number }).port;
    s.close(() => resolve(port));
  });
});

const work = mkdtempSync(join(tmpdir(), 'govgraph-federation-bench-'));
const ports = { province: await freePort(), city: await freePort() };
const url = (p: number) => `http://127.0.0.1:${p}`;
const gateways: { level: string; store: Awaited<ReturnType<typeof openSqliteStore>>; gateway: Awaited<ReturnType<typeof startGateway>> }[] = [];
const logger = createLogger(undefined, 'error');
for (const level of ['city', 'province'] as const) {
  const dir = join(work, level);
  const file = join(work, `${level}.yaml`);
  writeFileSync(file, readFileSync(fixture(`${level}.yaml`), 'utf8')
    .replace('CITY_URL', url(ports.city)).replace('PROVINCE_URL', url(ports.province)).replace('COUNTY_URL', 'http://127.0.0.1:9')
    // The rate limits would measure themselves here: off, on both sides.
    + '\nlimits: { rate: { perDepartment: off, perUser: off } }\n');
  const platform = loadPlatform(file);
  const store = await openSqliteStore(dir);
  if (level === 'city') {
    const [imported] = await importCatalogueFiles(store, platform, [fixture('city-catalogue.yaml')], { publish: true });
    const rows = Array.from({ length: 100 }, (_, i) => ({ permitNo: `B${String(i).padStart(4, '0')}`, applicant: `申请人${i}`, fee: i }));
    await store.insert(collectionOf(imported.version.catalogue.resources[0]), rows);
  } else {
    const [imported] = await importCatalogueFiles(store, platform, [fixture('province-catalogue.yaml')], { publish: true });
    const rows = Array.from({ length: 100 }, (_, i) => ({ parcelNo: `P${String(i).padStart(4, '0')}`, division: '610101', area: i }));
    await store.insert(collectionOf(imported.version.catalogue.resources[0]), rows);
  }
  gateways.push({ level, store, gateway: await startGateway({ platform, store, port: ports[level], pollMs: 0, connectedPollMs: 500, logger }) });
}
const [city, province] = gateways;
// A bare HTTP server on loopback, answering every request with the same small JSON.
const bareAnswer = JSON.stringify({ data: { bare: true } });
const bare = httpServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(bareAnswer));
});
const barePort = await new Promise<number>((resolve) => bare.listen(0, '127.0.0.1', () => resolve((bare.address() as { port: number }).port)));
const token = async (g: (typeof gateways)[number], dept: string) => signToken(g.gateway.secret, { dept, user: 'bench', roles: [], ttl: '1h' });
type Series = 'direct' | 'forwarded' | 'federated' | 'provinceOwn' | 'provinceOne' | 'bare';
/** `records`: how many records its answer holds (0: not a gateway's answer). */
interface Target { url: string; query: string; headers: () => Promise<Record<string, string>>; records?: number }
const bearer = (token: string) => async () => ({ authorization: `Bearer ${token}`, 'x-purpose': 'land-survey' });
const targets: Record<Series, Target> = {
  direct: { url: `${city.gateway.url}/graphql`, headers: bearer(await token(city, '610100-MZ')), query: '{ cityHousing { permits(first: 100) { nodes { permitNo applicant } } } }' },
  // As the province sends it: its signed token (one per request, signed here outside the timing), the header.
  forwarded: {
    url: `${city.gateway.url}/graphql`,
    query: '{ cityHousing { permits(first: 100) { nodes { permitNo applicant } } } }',
    headers: async () => ({
      authorization: `Bearer ${await signForwarded(province.gateway.keys, { iss: '610000', aud: '610100', sub: 'bench', dept: '610000-MZ', deptLevel: 'province', deptRegion: '610000', purpose: 'land-survey' })}`,
      [FORWARDED_HEADER]: '610000',
    }),
  },
  federated: { url: `${province.gateway.url}/graphql`, headers: bearer(await token(province, '610000-MZ')), query: '{ city { cityHousing { permits(first: 100) { nodes { permitNo applicant } } } } }' },
  provinceOwn: { url: `${province.gateway.url}/graphql`, headers: bearer(await token(province, '610000-MZ')), query: '{ naturalResources { parcels(first: 100) { nodes { parcelNo division } } } }' },
  provinceOne: { url: `${province.gateway.url}/graphql`, headers: bearer(await token(province, '610000-MZ')), query: '{ naturalResources { parcels(first: 1) { nodes { parcelNo division } } } }', records: 1 },
  bare: { url: `http://127.0.0.1:${barePort}/graphql`, headers: bearer('none'), query: '{ bare }', records: 0 },
};

async function once(t: Target, headers?: Record<string, string>): Promise<number> {
  headers ??= await t.headers();
  const started = performance.now();
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: t.query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  const nodes = JSON.stringify(body.data ?? null).match(/permitNo|parcelNo/g)?.length ?? 0;
  if (nodes !== (t.records ?? 100)) throw new Error(`expected 100 records, got ${JSON.stringify(body).slice(0, 300)}`);
  return performance.now() - started;
}

// The province sees the city's namespace once its first schema poll answered.
for (let i = 0; i < 50; i++) {
  try { await once(targets.federated); break; } catch (err) { if (i === 49) throw err; await new Promise((r) => setTimeout(r, 200)); }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SERIES: Series[] = (['direct', 'federated', 'forwarded', 'provinceOwn', 'provinceOne', 'bare'] as const).filter((k) => !ONLY || ONLY.has(k));
/**
 * One round: REQUESTS sequential requests of each series, the series one after the other in blocks
 * (direct, federated, forwarded, own), after a warm-up; with --interleave, request by request (direct,
 * federated, forwarded, own, direct, ...). Per series: the median wall time of a request, and the CPU
 * time the process spent (every thread) during its requests, per request. Wall time is what a client
 * sees; CPU time (all three parties run in this process, the client's share is alike in every series)
 * is the work done, which another process on the machine changes much less. Blocks keep each series'
 * code hot, as a gateway serving one kind of request would; interleaving mixes them in one process, which
 * weighs most on the federated read (both gateways' code and graphql-tools' in one request), and makes
 * whatever else the machine does at a moment weigh on every series alike.
 */
async function round(): Promise<Record<Series, { wall: number; cpu: number }>> {
  // Headers made before the timing (the forwarded series' tokens are signed here, as the province would).
  const headers = new Map(await Promise.all(SERIES.map(async (k) => [k, await Promise.all(Array.from({ length: REQUESTS }, () => targets[k].headers()))] as const)));
  const times = new Map(SERIES.map((k) => [k, [] as number[]]));
  const cpuUsed = new Map(SERIES.map((k) => [k, 0]));
  const timed = async (k: Series, i: number) => {
    const before = process.cpuUsage();
    times.get(k)!.push(await once(targets[k], headers.get(k)![i]));
    const used = process.cpuUsage(before);
    cpuUsed.set(k, cpuUsed.get(k)! + used.user + used.system);
  };
  if (INTERLEAVE) {
    for (const k of SERIES) for (let i = 0; i < 30; i++) await once(targets[k]); // warm-up
    for (let i = 0; i < REQUESTS; i++) for (const k of SERIES) await timed(k, i);
  } else {
    for (const k of SERIES) {
      for (let i = 0; i < 30; i++) await once(targets[k]); // warm-up
      for (let i = 0; i < REQUESTS; i++) await timed(k, i);
    }
  }
  return Object.fromEntries(SERIES.map((k) => [k, { wall: median(times.get(k)!), cpu: cpuUsed.get(k)! / 1000 / REQUESTS }])) as Record<Series, { wall: number; cpu: number }>;
}
const results: Record<Series, { wall: number; cpu: number }[]> = { direct: [], forwarded: [], federated: [], provinceOwn: [], provinceOne: [], bare: [] };
for (let r = 0; r < ROUNDS; r++) {
  const out = await round();
  for (const k of SERIES) results[k].push(out[k]);
}
if (ONLY) {
  for (const [k, r] of Object.entries(results)) if (r.length) console.log(`${k}: wall ${median(r.map((x) => x.wall)).toFixed(2)} ms, CPU ${median(r.map((x) => x.cpu)).toFixed(2)} ms per request`);
  for (const g of [province, city]) {
    await g.gateway.close();
    await g.store.close();
  }
  bare.close();
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
const wall = (k: Series) => median(results[k].map((r) => r.wall));
const cpu = (k: Series) => median(results[k].map((r) => r.cpu));
const signed = (x: number) => (x >= 0 ? '+' : '−') + Math.abs(x).toFixed(2);
const rounds = (k: Series) => results[k].map((r) => r.wall.toFixed(2)).join(' ');
const row = (label: string, k: Series, note: string) =>
  console.log(`| ${label} | ${wall(k).toFixed(2)} (${rounds(k)}) | ${cpu(k).toFixed(2)} | ${note} |`);
console.log(`${REQUESTS} sequential requests per series and round, ${INTERLEAVE ? 'the series interleaved request by request' : 'the series in blocks'}, ${ROUNDS} rounds; medians of the rounds' medians\n`);
console.log('| series | wall ms per request (rounds) | CPU ms per request | |');
console.log('|---|---:|---:|---|');
row('direct to the city', 'direct', '100 records');
row('through the province', 'federated', `namespace city, 100 records: **${(wall('federated') / wall('direct')).toFixed(2)}x** wall, ${(cpu('federated') / cpu('direct')).toFixed(2)}x CPU (bound 1.5x)`);
row('the city, forwarded token', 'forwarded', `the city's side of the hop: ${signed(cpu('forwarded') - cpu('direct'))} ms CPU (signature check, jti)`);
row('the province, 100 own records', 'provinceOwn', 'one gateway pass on the connecting side');
row('the province, 1 own record', 'provinceOne', 'a gateway pass with next to no data');
row('a bare node:http server', 'bare', 'the client and one loopback round trip');
console.log(`\nthe connecting side (federated - forwarded): ${(wall('federated') - wall('forwarded')).toFixed(2)} ms wall, ${(cpu('federated') - cpu('forwarded')).toFixed(2)} ms CPU (the province's pass, signing, the second HTTP request)`);
// What the bound leaves: a federated read is a direct read plus the hop's two sides, so 1.5x allows the
// connecting side and the city's side together half a direct read; one gateway pass of the province
// over its own records is the nearest measure of what the connecting side's pass cannot go below.
const allowed = 0.5 * wall('direct');
console.log(`the bound leaves the hop (both sides) ${allowed.toFixed(2)} ms wall; the connecting side alone takes ${((wall('federated') - wall('forwarded')) / wall('direct')).toFixed(2)}x a direct read, and one gateway pass over the province's own 100 records ${(wall('provinceOwn') / wall('direct')).toFixed(2)}x`);
// The least the hop's two sides could cost, whatever the delegation: the province's pass with next to no
// data (its 1-record read less the client's round trip) and the city's check of the forwarded token.
// The loopback round trip to the city, its answer's parse and the province's own work on 100 records
// come on top of it.
const floor = wall('provinceOne') - wall('bare') + Math.max(0, wall('forwarded') - wall('direct'));
console.log(`the least the hop could cost: the province's pass with 1 record less a bare round trip ${(wall('provinceOne') - wall('bare')).toFixed(2)} ms + the city's side of the hop ${signed(wall('forwarded') - wall('direct'))} ms = ${floor.toFixed(2)} ms wall, ${(floor / allowed).toFixed(2)}x what the bound leaves, before the round trip to the city and the province's work on 100 records`);
// The ratio round by round (the two series of a round run within seconds of each other, so a change of
// the machine's load between rounds weighs less on it than on the ratio of the series' medians).
const perRound = (f: (r: { wall: number; cpu: number }) => number) => results.federated.map((r, i) => f(r) / f(results.direct[i]));
const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' ');
console.log(`federated / direct round by round: wall ${list(perRound((r) => r.wall))} (median ${median(perRound((r) => r.wall)).toFixed(2)}x), CPU ${list(perRound((r) => r.cpu))} (median ${median(perRound((r) => r.cpu)).toFixed(2)}x)`);
for (const g of [province, city]) {
  await g.gateway.close();
  await g.store.close();
}
bare.close();
rmSync(work, { recursive: true, force: true });
if (wall('federated') / wall('direct') > 1.5) process.exitCode = 1;
