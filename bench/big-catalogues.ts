// Big catalogues (issue 9 point 3), at 500, 1000 and 2000 resources (MAX_PLATFORM_RESOURCES, in
// catalogues of MAX_CATALOGUE_RESOURCES; test/helpers/big-platform.ts), all provided by one department:
// - validateMs: CPU time of validating the last catalogue against the others (what submit and publish do,
//   on a worker thread);
// - buildMs: CPU time of the gateway schema's build (src/server/assemble.ts), at once;
// - with --old, oldBuildMs: the same schema built the way it was before the build in steps, in the same
//   run: makeExecutableSchema, shield's generate over the whole schema, applyMiddleware on the entry
//   types (quadratic: minutes at 2,000 resources; give --sizes 500,1000);
// - with --ready, over a store holding that platform: readyMs, the wall time from startGateway to ready;
//   then a new version of the last catalogue (one more item on each of its resources) submitted, reviewed
//   and published over HTTP while a probe asks /healthz every 20 ms: publishMs (wall), the probe's longest
//   wait (wall, from when it was due), and the longest the event loop was held between two of its turns,
//   in CPU time of the main thread (test/helpers/loop-hold.ts; on a loaded machine a wall-clock wait is
//   mostly other processes' time).
// - with --versions N (and --ready), the store holds N published versions of each catalogue (the gateway
//   reads the publication history at start-up and at each publication: src/access/item-since.ts): each
//   later version retitled, the first resource of each catalogue dropping its last item in odd versions and
//   publishing it again in even ones;
// - with --warnings K (and --ready), K submitted versions of the first catalogue and five grants of another
//   department to its resources, then the catalogues query listing every version's warnings, asked three
//   times by the compiler: warningsMs, the median wall time (one gateway in this process, nothing else).
// Run: npx tsx bench/big-catalogues.ts [--ready] [--old] [--sizes 500,1000,2000] [--versions N] [--warnings K]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { applyMiddleware } from '../src/rules/shield.ts';
import { pino } from 'pino';
import { dataResolvers } from '../resolvers/data/index.ts';
import { platformResolvers } from '../resolvers/platform/index.ts';
import { buildSchemaModel } from '../src/generate/model.ts';
import { scalarResolvers } from '../src/generate/scalars.ts';
import { generateTypeDefs } from '../src/generate/sdl.ts';
import { connectionTypeName } from '../src/model/names.ts';
import { dataRules } from '../src/rules/data-rules.ts';
import { platformRules } from '../src/rules/platform-rules.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { addVersion } from '../src/catalogue/repository.ts';
import { storeGrant } from '../src/access/grants.ts';
import { MAX_PLATFORM_RESOURCES } from '../src/catalogue/limits.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { signToken } from '../src/identity/token.ts';
import type { Role } from '../src/identity/roles.ts';
import { limitsOf, type Platform } from '../src/model/platform.ts';
import { buildGatewaySchema, permissions } from '../src/server/assemble.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { stopOffThread } from '../src/workflow/off-thread.ts';
import { bigPlatformCatalogues } from '../test/helpers/big-platform.ts';
import { watchLoopHolds } from '../test/helpers/loop-hold.ts';
import { PUBLISH, REVIEW, SUBMIT } from '../test/helpers/workflow.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (arg('--sizes') ?? `500,1000,${MAX_PLATFORM_RESOURCES}`).split(',').map(Number);
const READY = process.argv.includes('--ready');
const OLD = process.argv.includes('--old');
const VERSIONS = Number(arg('--versions') ?? 1);
const WARNINGS = Number(arg('--warnings') ?? 0);
const loaded = loadPlatform(DEMO_PLATFORM_FILE);
// A catalogue at the bounds is larger than the default request body; the probe's requests are not rated.
const platform: Platform = { ...loaded, limits: { ...limitsOf(loaded), maxRequestBytes: 32 * 1024 * 1024, timeoutMs: 600_000, rate: { perDepartment: null, perUser: null } } };

function cpu<T>(f: () => T): { ms: number; value: T } {
  const start = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(start);
  return { ms: Math.round((used.user + used.system) / 1000), value };
}

/** Submits, approves and publishes `doc` over HTTP while a probe asks /healthz every 20 ms. */
async function publishWhileProbing(url: string, secret: Uint8Array, doc: { id: string }) {
  const token = (dept: string, roles: Role[]) => signToken(secret, { dept, user: 'bench', roles, ttl: '1h' });
  const compiler = await token('430000-MZ', ['compiler']);
  const auditor = await token('430000-ZWB', ['auditor']);
  const post = async (bearer: string, query: string, variables: object) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    return body.data;
  };
  const started = performance.now();
  const holds = watchLoopHolds();
  let done = false;
  const publication = (async () => {
    const s = await post(compiler, SUBMIT, { doc: JSON.stringify(doc) });
    const v = s.submitCatalogue.version.version;
    await post(auditor, REVIEW, { id: doc.id, v, d: 'APPROVE' });
    await post(compiler, PUBLISH, { id: doc.id, v });
  })().finally(() => (done = true));
  let longestWait = 0;
  while (!done) {
    const due = performance.now() + 20;
    await new Promise((r) => setTimeout(r, 20));
    const h = await fetch(`${url}/healthz`);
    await h.arrayBuffer();
    longestWait = Math.max(longestWait, performance.now() - due);
  }
  await publication;
  return { publishMs: Math.round(performance.now() - started), longestWaitMs: Math.round(longestWait), longestHoldCpuMs: holds.stop() };
}

/** The catalogues query with every version's warnings, as the compiler: the median of three. */
async function warningsQuery(url: string, secret: Uint8Array): Promise<number> {
  const bearer = await signToken(secret, { dept: '430000-MZ', user: 'bench', roles: ['compiler'], ttl: '1h' });
  const query = '{ catalogues { id versions { version status warnings { kind resource item grants } } } }';
  const ask = async () => {
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: { catalogues: { versions: { warnings: unknown[] }[] }[] }; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    const warned = body.data!.catalogues.flatMap((c) => c.versions).filter((v) => v.warnings.length).length;
    if (warned < WARNINGS) throw new Error(`${warned} versions with warnings, ${WARNINGS} expected`);
    return performance.now() - started;
  };
  const times: number[] = [];
  for (let k = 0; k < 3; k++) times.push(await ask());
  return Math.round(times.sort((a, b) => a - b)[1]);
}

/** The gateway schema as src/server/assemble.ts built it before the build in steps (commit a39a5e1). */
function oldBuild(catalogues: ReturnType<typeof bigPlatformCatalogues>) {
  const model = buildSchemaModel(platform, catalogues);
  const data = dataResolvers(model);
  const plat = platformResolvers();
  const resolvers = { ...scalarResolvers, ...data, ...plat, Query: { ...data.Query, ...plat.Query } };
  const base = makeExecutableSchema({ typeDefs: generateTypeDefs(model), resolvers });
  const d = dataRules(model);
  const p = platformRules();
  const middleware = permissions({ ...d, ...p, Query: { ...d.Query, ...p.Query } }).generate(base) as Record<string, unknown>;
  const perRow = new Set([...model.byCode.values()].flatMap((m) => [m.typeName, connectionTypeName(m.typeName)]).concat('PageInfo'));
  return applyMiddleware(base, Object.fromEntries(Object.entries(middleware).filter(([type]) => !perRow.has(type))) as never);
}

console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const total of SIZES) {
  const catalogues = bigPlatformCatalogues(total);
  const last = catalogues.at(-1)!;
  const others = catalogues.slice(0, -1);
  validateCatalogue(last, platform, others); // the JSON Schema compiled
  const validate = cpu(() => validateCatalogue(last, platform, others));
  if (validate.value.problems.length) throw new Error(JSON.stringify(validate.value.problems.slice(0, 3)));
  const whole = cpu(() => buildGatewaySchema(platform, catalogues));
  const row: Record<string, number | null> = { resources: total, validateMs: validate.ms, buildMs: whole.ms };
  if (OLD) row.oldBuildMs = cpu(() => oldBuild(catalogues)).ms;
  if (READY) {
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-big-'));
    try {
      const files = catalogues.map((c, i) => {
        const file = join(dir, `catalogue-${i}.json`);
        writeFileSync(file, JSON.stringify(c));
        return file;
      });
      const store = await openSqliteStore(join(dir, 'data'));
      await importCatalogueFiles(store, platform, files, { publish: true });
      for (let v = 2; v <= VERSIONS; v++) {
        const revised = catalogues.map((c, i) => {
          const [first, ...rest] = c.resources;
          const doc = { ...c, title: `${c.title} (version ${v})`, resources: [v % 2 ? first : { ...first, items: first.items.slice(0, -1) }, ...rest] };
          const file = join(dir, `catalogue-${i}-v${v}.json`);
          writeFileSync(file, JSON.stringify(doc));
          return file;
        });
        await importCatalogueFiles(store, platform, revised, { publish: true });
      }
      if (WARNINGS) {
        const [first] = catalogues;
        const requester = platform.departments.find((d) => d.code !== first.resources[0].provider)!.code;
        const at = new Date(Date.now() - 86_400_000).toISOString();
        for (const r of first.resources.slice(0, 5)) {
          await storeGrant(store, {
            id: randomUUID(), requester, resource: r.code, items: r.items.map((i) => i.name), purposes: ['bench'], unmasked: [],
            rows: null, from: at, until: null, revokedAt: null, revokedBy: null, createdAt: at, createdBy: 'bench', requestId: null,
          });
        }
        // Each submitted version drops an item of one resource: BREAKING_CHANGE and BREAKS_GRANT warnings.
        for (let k = 0; k < WARNINGS; k++) {
          const resources = first.resources.map((r, j) => (j === k % 5 ? { ...r, items: r.items.slice(0, -2) } : r));
          await addVersion(store, { ...first, title: `${first.title} (draft ${k})`, resources }, 'bench');
        }
      }
      const started = performance.now();
      const gateway = await startGateway({ platform, store, port: 0, pollMs: 0, auditCheckpoints: { file: null }, logger: pino({ level: 'silent' }) });
      row.readyMs = Math.round(performance.now() - started);
      const [next] = bigPlatformCatalogues(total, { items: 10 }).slice(-1);
      if (WARNINGS) row.warningsMs = await warningsQuery(gateway.url, gateway.secret);
      Object.assign(row, await publishWhileProbing(gateway.url, gateway.secret, next));
      await gateway.close();
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(JSON.stringify(row));
}
await stopOffThread();
