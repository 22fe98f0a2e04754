// The usage figures (SPEC §10, §15: the `usage` query and `govgraph usage`) of a province that its city
// forwards requests to (SPEC §12), when the province lists a department of the code the city forwarded
// (a department moved, or listed on both platforms). A platform's department codes are its own: the audit
// log keeps the city's 530100-MZJ (entries `via` 530100) apart from the province's own 530100-MZJ
// (query.ts ownRequest), but the usage figures were by department code alone, and summed them into one
// row `530100-MZJ` (requests: 3), the province's department credited with the city's reads. Their masked
// probes were kept apart, but the report named the city's bureau `530100-MZJ@530100`, a code no department has.
// Two real gateway processes on loopback (test/fixtures/yunnan-connected), each with its own store; the
// command runs on the province's data folder beside its gateway.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { auditKey } from '../src/audit/key.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { signToken } from '../src/identity/token.ts';
import type { Role } from '../src/identity/roles.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { freePort } from './helpers/guizhou.ts';
import { waitReady } from './helpers/served.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/yunnan-connected', name);

interface Side { dir: string; file: string; url: string; port: number; secret: string; proc?: ChildProcess }
let work: string;
let province: Side;
let city: Side;

async function start(s: Side): Promise<void> {
  s.proc = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--platform', s.file, '--data', s.dir, '--port', String(s.port)], {
    env: { ...process.env, GOVGRAPH_FROM_SOURCE: '1', GOVGRAPH_JWT_SECRET: s.secret, GOVGRAPH_LOG_LEVEL: 'error', NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(s.url, 90_000);
}

async function stop(s: Side): Promise<void> {
  const proc = s.proc;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
}

async function query(s: Side, dept: string, document: string, roles: Role[] = []) {
  const token = await signToken(new TextEncoder().encode(s.secret), { dept, user: `user-of-${dept}`, roles, ttl: '1h' });
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'minimum-living-allowance' },
    body: JSON.stringify({ query: document }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/** The province's department list with the city's civil affairs bureau added, as a province might list it. */
const listingKunmingCivil = (text: string) =>
  text.replace('connected:', '  - { code: "530100-MZJ", name: 昆明市民政局, graphqlName: kunmingCivilAffairs, level: city, region: "530100" }\nconnected:');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-usage-own-'));
  // GOVGRAPH_TEST_PORT: the first of two ports to serve on, where only some may be used.
  const base = Number(process.env.GOVGRAPH_TEST_PORT ?? 0);
  const side = async (name: string, n: number): Promise<Side> => {
    const port = base ? base + n : await freePort();
    return { dir: join(work, name), file: join(work, `${name}.yaml`), port, url: `http://127.0.0.1:${port}`, secret: `secret-of-${name}-${port}-0123456789abcdef` };
  };
  province = await side('province', 0);
  city = await side('city', 1);
  writeFileSync(province.file, readFileSync(fixture('province.yaml'), 'utf8').replace('CITY_URL', city.url));
  writeFileSync(city.file, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', province.url).replace(/^.*COUNTY_URL.*\n/m, ''));
  for (const [s, catalogue, records] of [[province, 'province-catalogue.yaml', 'residents.jsonl'], [city, 'city-catalogue.yaml', 'recipients.jsonl']] as const) {
    const store = await openSqliteStore(s.dir);
    await auditKey(store, { GOVGRAPH_JWT_SECRET: s.secret });
    try {
      const [imported] = await importCatalogueFiles(store, loadPlatform(s.file), [fixture(catalogue)], { publish: true });
      const rows = readFileSync(fixture(records), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      await store.insert(collectionOf(imported.version.catalogue.resources[0]), rows);
    } finally {
      await store.close();
    }
  }
  await Promise.all([start(province), start(city)]);
}, 180_000);

afterAll(async () => {
  await stop(city);
  await stop(province);
  rmSync(work, { recursive: true, force: true });
});

const RESIDENTS = '530000-GAT-R01';
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10); // the platform's day (UTC+08:00)
const USAGE = (day: string) =>
  `{ usage(from: "${day}", to: "${day}") { resources { resource provider requests records byRequester { department via purpose requests records denied } } maskedProbes { department via resource values } } }`;

it("keeps the city's forwarded department apart from the province's own department of the same code, in the query and the command", async () => {
  // The city's bureau reads the province's residents twice under its namespace (Kunming's rows: 3).
  await eventually(async () => {
    const res = await query(city, '530100-MZJ', '{ yunnan { police { residents { totalCount nodes { residentNo } } } } }');
    expect(res.errors).toBeUndefined();
    expect(res.data?.yunnan?.police?.residents?.totalCount).toBe(3);
  }, 30_000);
  // The second compares one value with the name, masked for it: the city's bureau's masked-probe quota.
  const again = await query(city, '530100-MZJ', '{ yunnan { police { residents(filter: { xm: { eq: "张三" } }) { nodes { xm } } } } }');
  expect(again.errors).toBeUndefined();
  expect(again.data?.yunnan?.police?.residents?.nodes).toHaveLength(1);

  // The province lists a department of that code from now on, which reads the residents once itself.
  await stop(province);
  writeFileSync(province.file, listingKunmingCivil(readFileSync(province.file, 'utf8')));
  await start(province);
  const mine = await query(province, '530100-MZJ', '{ police { residents(first: 1, filter: { xm: { in: ["张三", "李四"] } }) { nodes { residentNo } } } }');
  expect(mine.errors).toBeUndefined();
  expect(mine.data.police.residents.nodes).toHaveLength(1);

  const day = today();
  const rows = [
    { department: '530100-MZJ', via: null, purpose: 'minimum-living-allowance', requests: 1, records: 1, denied: 0 },
    { department: '530100-MZJ', via: '530100', purpose: 'minimum-living-allowance', requests: 2, records: 4, denied: 0 },
  ];
  const resources = [{ resource: RESIDENTS, provider: '530000-GAT', requests: 3, records: 5, byRequester: rows }];
  // Their masked probes, each department's quota, named the same way (not as a code `530100-MZJ@530100`).
  const maskedProbes = [
    { department: '530100-MZJ', via: null, resource: RESIDENTS, values: 2 },
    { department: '530100-MZJ', via: '530100', resource: RESIDENTS, values: 1 },
  ];
  // The competent department's supervisor, and the provider: the same figures, two requesters.
  const supervisor = await query(province, '530000-SZJ', USAGE(day), ['supervisor']);
  expect(supervisor.errors).toBeUndefined();
  expect(supervisor.data.usage).toEqual({ resources, maskedProbes });
  const provider = await query(province, '530000-GAT', USAGE(day));
  expect(provider.data.usage).toEqual({ resources, maskedProbes });
  // The province's 530100-MZJ provides nothing: it sees no figures, its own or the city's bureau's.
  const namesake = await query(province, '530100-MZJ', USAGE(day));
  expect(namesake.errors).toBeUndefined();
  expect(namesake.data.usage).toEqual({ resources: [], maskedProbes: [] });

  // The command, as the provider sees them: the city's bureau named with its platform, as the audit log does.
  const env = cliEnv({ GOVGRAPH_FROM_SOURCE: '1', GOVGRAPH_JWT_SECRET: province.secret });
  const cli = await runGovgraph(['usage', '--from', day, '--to', day, '--dept', '530000-GAT', '--platform', province.file, '--data', province.dir], { env });
  expect(cli.code).toBe(0);
  const lines = cli.stdout.split('\n').map((l) => l.trim().split(/\s{2,}/));
  expect(lines).toContainEqual(['530100-MZJ', 'minimum-living-allowance', '1', '1', '0']);
  expect(lines).toContainEqual(['530100-MZJ via 530100', 'minimum-living-allowance', '2', '4', '0']);
  expect(lines).toContainEqual([day, '530100-MZJ', RESIDENTS, '2', '0']);
  expect(lines).toContainEqual([day, '530100-MZJ via 530100', RESIDENTS, '1', '0']);
}, 180_000);
