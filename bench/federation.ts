// A namespace query through the connecting gateway against the same query sent straight to the connected
// one (SPEC §12, issue 11), in the same run: two gateways on loopback (a province connected to a city,
// each with its own embedded store), 100 records a query, sequential requests after a warm-up. The
// federated read is one extra hop (batched: one request to the city per GraphQL request, not one per
// record) and should cost at most 1.5 times the direct one.
// Run: npx tsx bench/federation.ts [--requests 300]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { signToken } from '../src/identity/token.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { createLogger } from '../src/server/plugins/logging.ts';

const arg = process.argv.indexOf('--requests');
const REQUESTS = arg > 0 ? Number(process.argv[arg + 1]) : 300;
const fixture = (name: string) => fileURLToPath(new URL(`../test/fixtures/levels/${name}`, import.meta.url));

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
  }
  gateways.push({ level, store, gateway: await startGateway({ platform, store, port: ports[level], pollMs: 0, connectedPollMs: 500, logger }) });
}
const [city, province] = gateways;
const token = async (g: (typeof gateways)[number], dept: string) => signToken(g.gateway.secret, { dept, user: 'bench', roles: [], ttl: '1h' });
const direct = { url: `${city.gateway.url}/graphql`, token: await token(city, '610100-MZ'), query: '{ cityHousing { permits(first: 100) { nodes { permitNo applicant } } } }' };
const federated = { url: `${province.gateway.url}/graphql`, token: await token(province, '610000-MZ'), query: '{ city { cityHousing { permits(first: 100) { nodes { permitNo applicant } } } } }' };

async function once(t: typeof direct): Promise<number> {
  const started = performance.now();
  const res = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}`, 'x-purpose': 'land-survey' },
    body: JSON.stringify({ query: t.query }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  const nodes = JSON.stringify(body.data ?? null).match(/permitNo/g)?.length ?? 0;
  if (nodes !== 100) throw new Error(`expected 100 records, got ${JSON.stringify(body).slice(0, 300)}`);
  return performance.now() - started;
}

// The province sees the city's namespace once its first schema poll answered.
for (let i = 0; i < 50; i++) {
  try { await once(federated); break; } catch (err) { if (i === 49) throw err; await new Promise((r) => setTimeout(r, 200)); }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function run(t: typeof direct): Promise<{ median: number; total: number }> {
  for (let i = 0; i < 30; i++) await once(t); // warm-up
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) times.push(await once(t));
  return { median: median(times), total: performance.now() - started };
}
// Alternated rounds, so that a slower moment of the machine hits both.
const results = { direct: [] as number[], federated: [] as number[] };
for (let round = 0; round < 3; round++) {
  results.direct.push((await run(direct)).median);
  results.federated.push((await run(federated)).median);
}
const d = median(results.direct);
const f = median(results.federated);
console.log(`direct to the city:        median ${d.toFixed(2)} ms per request (100 records)`);
console.log(`through the province:      median ${f.toFixed(2)} ms per request (namespace city, 100 records)`);
console.log(`federated / direct:        ${(f / d).toFixed(2)}x (bound 1.5x)`);
for (const g of [province, city]) {
  await g.gateway.close();
  await g.store.close();
}
rmSync(work, { recursive: true, force: true });
if (f / d > 1.5) process.exitCode = 1;
