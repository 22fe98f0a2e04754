// The connecting side's own share of a namespace read, in one process and without the rest of a gateway
// pass (SPEC §12, issue 11): the province's stitched schema (src/federation/connected.ts) runs a
// 100-record namespace query compiled with graphql-jit, as the gateway's executor does, against a
// stand-in platform that answers each distinct delegated request with the same bytes every time (its
// answer made once by graphql-js against the platform's data schema). What is measured is graphql-tools'
// delegation and merged resolvers, the transforms, signing the forwarded token and the HTTP request over
// loopback with the answer's parse; the stand-in's own cost is small and the same for any code of the
// connecting side. Far less noisy than bench/federation.ts on a shared machine: to compare two versions of
// the connecting side, run this same file in both checkouts, alternated.
// Run: npx tsx bench/federation-delegation.ts [--requests 500] [--blocks 8]
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, parse } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import type { Platform } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const REQUESTS = arg('--requests', 500);
const BLOCKS = arg('--blocks', 8);

const sdl = 'type Query { cityHousing: CityHousingResources } type CityHousingResources { permits(first: Int): PermitConnection } '
  + 'type PermitConnection { nodes: [Permit] } type Permit { permitNo: String applicant: String fee: Int }';
const data = makeExecutableSchema({
  typeDefs: sdl,
  resolvers: {
    Query: { cityHousing: () => ({}) },
    CityHousingResources: { permits: (_: unknown, a: { first: number }) => ({ nodes: Array.from({ length: a.first }, (_, i) => ({ permitNo: `B${String(i).padStart(4, '0')}`, applicant: `申***${i}`, fee: i })) }) },
  },
});
const answers = new Map<string, string>();
const platformServer = createServer(async (req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/.well-known/govgraph/schema')) {
    res.end(JSON.stringify({ region: '610100', name: 'Bench City', version: 'v1', sdl }));
    return;
  }
  let body = '';
  for await (const chunk of req) body += chunk;
  let answer = answers.get(body);
  if (answer === undefined) {
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    answers.set(body, (answer = JSON.stringify(await execute({ schema: data, document: parse(query), variableValues: variables }))));
  }
  res.end(answer);
});
await new Promise<void>((r) => platformServer.listen(0, '127.0.0.1', r));
const platform = {
  platform: { region: '610000', level: 'province', name: 'Bench Province', competentDepartment: '610000-ZWB', holidays: [] },
  purposes: [],
  departments: [{ code: '610000-ZWB', name: 'Service Bureau', graphqlName: 'provinceService', level: 'province', region: '610000' }],
  connected: [{ region: '610100', name: 'Bench City', url: `http://127.0.0.1:${(platformServer.address() as { port: number }).port}`, namespace: 'city', timeoutMs: 3000 }],
} as unknown as Platform;
const dir = mkdtempSync(join(tmpdir(), 'govgraph-federation-delegation-'));
const store = await openSqliteStore(dir);
const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0 });
await connected.refresh();
const schema = connected.extend(makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: { Query: { own: () => 1 } } }));
const compiledOrErrors = compileQuery(schema, parse('{ city { cityHousing { permits(first: 100) { nodes { permitNo applicant } } } } }'));
if (!isCompiledQuery(compiledOrErrors)) throw new Error(JSON.stringify(compiledOrErrors));
const compiled = compiledOrErrors;

async function once(): Promise<void> {
  const context = { identity: { user: 'bench', dept: platform.departments[0] }, purpose: 'land-survey', forwards: [] };
  const result = await compiled.query(undefined, context, {});
  const nodes = (result.data as { city?: { cityHousing?: { permits?: { nodes?: unknown[] } } } } | undefined)?.city?.cityHousing?.permits?.nodes;
  if (nodes?.length !== 100 || result.errors) throw new Error(JSON.stringify(result).slice(0, 300));
}

for (let i = 0; i < 1500; i++) await once(); // warm-up: the compiled code and the caches settle
const cpu: number[] = [];
const wall: number[] = [];
for (let b = 0; b < BLOCKS; b++) {
  const before = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) await once();
  const used = process.cpuUsage(before);
  cpu.push((used.user + used.system) / 1000 / REQUESTS);
  wall.push((performance.now() - started) / REQUESTS);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${BLOCKS} blocks of ${REQUESTS} namespace reads (100 records each), connecting side and stand-in platform in one process`);
console.log(`CPU ms per read: median ${median(cpu).toFixed(3)} (blocks ${cpu.map((x) => x.toFixed(2)).join(' ')})`);
console.log(`wall ms per read: median ${median(wall).toFixed(3)}`);
connected.stop();
platformServer.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
