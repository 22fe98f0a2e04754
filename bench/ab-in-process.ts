// This checkout's answer path against another checkout's (the code before a change), in one process: the
// list query executed, its JSON and its UTF-8 bytes, CPU per operation, the variants alternated per
// operation in turn, medians. The A/A is a second copy of the other checkout (its modules loaded again
// from another folder): two instances of the same code, each with its own schema and JIT history.
// Each variant builds its schema with its own code, answers through its own executor and reads through
// its own store's code (a connection of its own on one folder of the demo data). Stops if the answers differ.
// Before the first measured operation each variant answers one document run on graphql-js (a key asked
// twice under different conditions: src/server/conditioned-duplicates.ts), as a gateway that has served one.
// Run: npx tsx bench/ab-in-process.ts --base DIR --aa DIR2 [--ops 2000] [--query list|denied|lookup]
//   (DIR, DIR2: clones of the code before, with node_modules linked to the same folder as this one's)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { executeOperation } from '../src/server/executor.ts';
import { utf8 } from '../src/server/http/respond.ts';
import { dedupeErrors } from '../src/rules/errors.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { benchPlatform, DENIED_QUERY, LIST_QUERY, lookupQuery } from './demo-queries.ts';
import { requestContexts } from './request-context.ts';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const OPS = Number(arg('ops') ?? 2000);
const WARM = 200;
const queryName = arg('query') ?? 'list';
if (!['list', 'denied', 'lookup'].includes(queryName)) throw new Error('--query: one of list, denied, lookup');
/** Runs on graphql-js: `a` asked twice, once under a condition. */
const ON_GRAPHQL_JS = '{ humanResources { a: employmentRegistrations(first: 1) @skip(if: false) { nodes { registrationNo } } a: employmentRegistrations(first: 1) { nodes { registrationNo } } } }';
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Variant {
  name: string;
  build: typeof buildGatewaySchema;
  execute: (op: { schema: GraphQLSchema; document: DocumentNode; context: unknown }) => Promise<ExecutionResult>;
  /** The answer's bytes as that code sends them. */
  encode: (text: string) => Buffer;
  open: typeof openSqliteStore;
}

async function checkout(name: string, dir: string): Promise<Variant> {
  const src = (file: string) => import(resolve(dir, file));
  const respond = await src('src/server/http/respond.ts');
  return {
    name,
    build: (await src('src/server/assemble.ts')).buildGatewaySchema,
    execute: (await src('src/server/executor.ts')).executeOperation,
    encode: respond.utf8 ?? ((t: string) => Buffer.from(t)),
    open: (await src('src/store/sqlite.ts')).openSqliteStore,
  };
}

const [base, aa] = [arg('base'), arg('aa')];
if (!base || !aa) throw new Error('usage: --base DIR --aa DIR2 (two clones of the code before)');
const variants: Variant[] = [
  await checkout('before', base),
  { name: 'this checkout', build: buildGatewaySchema, execute: executeOperation, encode: utf8, open: openSqliteStore },
  await checkout('before, a second copy (A/A)', aa),
];

const { platform } = benchPlatform(0);
const dir = mkdtempSync(join(tmpdir(), 'govgraph-ab-'));
const store = await openSqliteStore(dir);
try {
  process.stderr.write('loading the demo data...\n');
  await ensureDemo(store, platform);
  const catalogues: Catalogue[] = await publishedCatalogues(store);
  const runs = await Promise.all(variants.map(async (v) => {
    const built = v.build(platform, catalogues);
    const own = await v.open(dir);
    // Each its own access decisions, as each gateway keeps its own.
    return { ...v, built, store: own, context: requestContexts(platform, own, built.catalogues), exec: [] as number[], total: [] as number[] };
  }));
  // The lookup's key: a record of the middle of the demo's (as bench/ab-gateways.ts takes it).
  const key = async () => String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
  const document = parse(queryName === 'denied' ? DENIED_QUERY : queryName === 'lookup' ? lookupQuery(await key()) : LIST_QUERY);
  for (const run of runs) await run.execute({ schema: run.built.schema, document: parse(ON_GRAPHQL_JS), context: await run.context() });
  const answer = (r: ExecutionResult) => JSON.stringify(r.errors ? { ...r, errors: dedupeErrors(r.errors) } : r);
  const first = await Promise.all(runs.map(async (run) => answer(await run.execute({ schema: run.built.schema, document, context: await run.context() }))));
  if (first.some((a) => a !== first[0])) throw new Error('the answers differ');
  for (let n = 0; n < OPS + WARM; n++) {
    for (let k = 0; k < runs.length; k++) {
      const run = runs[(n + k) % runs.length]; // rotated: none always runs after the same one
      const ctx = await run.context();
      const c0 = cpuNow();
      const result = await run.execute({ schema: run.built.schema, document, context: ctx });
      const c1 = cpuNow();
      run.encode(JSON.stringify(result));
      if (n >= WARM) run.exec.push(c1 - c0), run.total.push(cpuNow() - c0);
    }
  }
  console.log(`${queryName}: ${OPS} operations of each, the same answer (${first[0].length} UTF-16 units); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
  console.log('| code | execution, CPU µs (median) | + JSON + UTF-8, CPU µs (median) | vs before |');
  console.log('|---|---:|---:|---:|');
  const b = median(runs[0].total);
  for (const run of runs) console.log(`| ${run.name} | ${median(run.exec)} | ${median(run.total)} | ${(median(run.total) / b).toFixed(3)} |`);
  for (const run of runs) await run.store.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
