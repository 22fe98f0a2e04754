// What the limits of SPEC §13 cost, measured in one run beside a baseline without them:
// - per document: parsing and validating the benchmark's queries with graphql's rules alone, and with the
//   limits' rules too. Apollo keeps a validated document, so this is paid once per new document;
// - per request, the limits' own code measured apart (no HTTP, no execution): the limits plugin's hooks,
//   the rate buckets (leased) and the executor under the time limit, called as Apollo and the context call
//   them, against the same request without them. CPU µs per request, median of alternated rounds;
// - per request: four gateway processes, each on its own copy of the demo data, answer the same query AT
//   THE SAME TIME: limits off, limits off again (an A/A pair: what this bench cannot tell apart), limits
//   on with the rates off, limits and rates on (buckets large enough never to refuse). Whatever else runs
//   on the machine disturbs the four alike, so each window's ratios to limits off hold where figures taken
//   one after the other do not (on a shared 2-core machine those moved by ±50% between windows). Each
//   round has four windows: list and lookup, each
//     paced: the same fixed rate to every gateway, well under what one answers; the figure is the CPU time
//       each process spent per request (process.cpuUsage, asked over stdin), i.e. the work a request costs;
//     full load: 10 connections per gateway as fast as they are answered; the figure is req/s. The four
//       share the cores, so a gateway that spends more per request answers fewer.
//   Each round starts four new processes (from a copy of one prepared store), so that no process's own
//   luck (where it runs, what its JIT made of it) weighs on every round. A ratio is given as the median over
//   the rounds with a 95% bootstrap interval of that median; the cost is "within the A/A noise" when its
//   interval overlaps the A/A pair's.
// Run: npx tsx bench/limits.ts [--seconds 3] [--rounds 12] [--connections 10] [--list-rate 12] [--lookup-rate 100]
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildSchema, parse, specifiedRules, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { GatewayExecutor } from '@apollo/server-gateway-interface';
import { createAccessContext } from '../src/access/context.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { takeRequest } from '../src/limits/rates.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { withDeadline } from '../src/server/deadline.ts';
import { limitsPlugin } from '../src/server/plugins/limits.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { documentLimitRules } from '../src/limits/document.ts';
import { DEFAULT_LIMITS, limitsOf, maxPageSize } from '../src/model/platform.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 3);
const CONNECTIONS = arg('connections', 10);
const ROUNDS = arg('rounds', 12);
/** Requests per second to each gateway in the paced windows: the four together stay under one core. */
const PACE = { list: arg('list-rate', 12), lookup: arg('lookup-rate', 100) };

const ITEMS = ['registrationNo', 'idNumber', 'fullName', 'gender', 'employerCode', 'employerName', 'position',
  'contractType', 'contractStart', 'contractEnd', 'weeklyHours', 'insured'];
const LIST_QUERY = `{ humanResources { employmentRegistrations(first: 100, filter: { contractType: { in: [OPEN_ENDED, FIXED_TERM] } }) { nodes { ${ITEMS.join(' ')} employer { creditCode name } } } } }`;

type Mode = 'off' | 'on' | 'rates';
interface Served { url: string; token: string; key: string }

/** One gateway (`mode`) on its own copy of the demo store `data`; each line on stdin asks for the CPU µs spent since the last. */
async function serve(mode: Mode, data: string) {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-limits-'));
  cpSync(data, dir, { recursive: true });
  const loaded = loadPlatform(DEMO_PLATFORM_FILE);
  const rate = mode === 'rates'
    ? { perDepartment: { requests: 1e9, perMs: 60_000 }, perUser: { requests: 1e9, perMs: 60_000 } }
    : { perDepartment: null, perUser: null };
  const platform = { ...loaded, limits: { ...limitsOf(loaded), rate } };
  const store = await openSqliteStore(dir);
  await ensureDemo(store, loaded);
  const gateway = await startGateway({ platform, store, port: 0, pollMs: 0, limits: mode !== 'off' });
  const token = await signToken(gateway.secret, { dept: '430000-MZ', user: 'bench', roles: [], ttl: '1h' });
  const key = String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
  console.log(JSON.stringify({ url: gateway.url, token, key } satisfies Served));
  // CPU time (user + system) since the last line; then a full garbage collection, counted in no window,
  // so that no window leaves its old garbage to the next.
  const gc = (globalThis as { gc?: () => void }).gc!;
  let since = process.cpuUsage();
  createInterface({ input: process.stdin }).on('line', () => {
    const used = process.cpuUsage(since);
    gc();
    since = process.cpuUsage();
    console.log(String(used.user + used.system));
  });
  process.stdin.on('end', async () => {
    await gateway.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

/** µs to parse and validate `query` once, with each set of rules: the best of 7 alternating rounds of 500. */
function validationMicros(query: string, ruleSets: (typeof specifiedRules)[], schema: ReturnType<typeof buildSchema>): number[] {
  const best = ruleSets.map(() => Infinity);
  for (let round = 0; round < 7; round++) {
    ruleSets.forEach((rules, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < 500; i++) validate(schema, parse(query), rules);
      best[k] = Math.min(best[k], Number(process.hrtime.bigint() - t0) / 1000 / 500);
    });
  }
  return best;
}

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
};

/** The median of `xs` and its 95% bootstrap interval (2,000 resamples, a fixed seed: the same every run). */
function medianInterval(xs: readonly number[]): { median: number; low: number; high: number } {
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const medians: number[] = [];
  for (let b = 0; b < 2000; b++) medians.push(median(xs.map(() => xs[Math.floor(random() * xs.length)])));
  medians.sort((a, b) => a - b);
  return { median: median(xs), low: medians[50], high: medians[1949] };
}

/**
 * The limits' own work per request, apart: a request as a limits-off gateway serves it (a fresh access
 * context; the executor, which takes the decisions of the items the limits look at, as the real one does),
 * and the same with the rate buckets (leased; a store step per lease), the limits plugin's hooks and the
 * executor under the time limit. Returns CPU µs per request: off, and the limits' own with rates off and on.
 */
async function limitsApart(data: string, query: string, items: string[]): Promise<{ off: number; on: number; rates: number }> {
  const loaded = loadPlatform(DEMO_PLATFORM_FILE);
  const platform = { ...loaded, limits: { ...limitsOf(loaded), rate: { perDepartment: { requests: 1e9, perMs: 60_000 }, perUser: { requests: 1e9, perMs: 60_000 } } } };
  const limits = limitsOf(platform);
  const store = await openSqliteStore(data);
  const { schema, model } = buildGatewaySchema(platform, await publishedCatalogues(store));
  const document = parse(query);
  if (validate(schema, document, [...specifiedRules, ...documentLimitRules(limits, maxPageSize(platform))]).length) throw new Error(`invalid: ${query}`);
  const operation = document.definitions[0] as OperationDefinitionNode;
  const resource = [...model.byCode.values()].find((m) => m.resource.graphql.byKey === 'employmentRegistration')!;
  const dept = platform.departments.find((d) => d.code === '430000-MZ')!;
  const plugin = limitsPlugin(platform, store, { model: () => model });
  const result = { data: {} };
  type Rc = { contextValue: ReturnType<typeof contextOf>; context: ReturnType<typeof contextOf>; document: DocumentNode; operation: OperationDefinitionNode };
  const executor = async (rc: Rc) => {
    for (const item of items) rc.context.access.peekItem(resource, item);
    return result;
  };
  const deadlined = withDeadline(executor as unknown as GatewayExecutor, limits.timeoutMs);
  const contextOf = (now: Date) => ({ requestId: 'bench', identity: { user: 'bench', dept, roles: [] }, access: createAccessContext({ requester: dept, purpose: 'social-assistance', grants: [], now }), now });
  const once = async (mode: 'off' | 'on' | 'rates') => {
    const now = new Date();
    const ctx = contextOf(now);
    const rc = { contextValue: ctx, context: ctx, document, operation, schema, request: { variables: undefined }, queryHash: 'bench', operationName: null };
    if (mode === 'off') return executor(rc);
    if (mode === 'rates') {
      const refused = await takeRequest(store, limits.rate, { dept: dept.code, user: 'bench' }, now.getTime());
      if (refused) throw refused;
    }
    const listener = await plugin.requestDidStart!(rc as never);
    await listener!.didResolveOperation!(rc as never);
    return deadlined(rc as never);
  };
  const modes = ['off', 'on', 'rates'] as const;
  const cpu: Record<string, number[]> = { off: [], on: [], rates: [] };
  const N = 20_000;
  for (let i = 0; i < 2000; i++) for (const m of modes) await once(m);
  for (let r = 0; r < 9; r++) {
    for (const m of r % 2 ? [...modes].reverse() : modes) {
      const t0 = process.cpuUsage();
      for (let i = 0; i < N; i++) await once(m);
      const t = process.cpuUsage(t0);
      cpu[m].push((t.user + t.system) / N);
    }
  }
  await store.close();
  const own = (m: 'on' | 'rates') => median(cpu[m].map((x, k) => x - cpu.off[k]));
  return { off: median(cpu.off), on: own('on'), rates: own('rates') };
}

interface Gateway { name: string; served: Served; cpuSince(): Promise<number>; close(): Promise<void> }

async function start(name: string, mode: Mode, data: string): Promise<Gateway> {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', mode, data], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const served = JSON.parse((await lines.next()).value as string) as Served;
  return {
    name,
    served,
    async cpuSince() {
      child.stdin.write('\n');
      return Number((await lines.next()).value);
    },
    close: () => new Promise((resolve) => {
      child.on('exit', () => resolve());
      child.stdin.end();
    }),
  };
}

async function main() {
  const schema = buildSchema(readFileSync(new URL('../schema/demo.graphql', import.meta.url), 'utf8'));
  const lookupDoc = `{ humanResources { employmentRegistration(registrationNo: "JY000000000501") { ${ITEMS.join(' ')} } } }`;
  console.log('| document | graphql rules, µs | + limits rules, µs |');
  console.log('|---|---:|---:|');
  for (const [name, q] of [['list 100 x 12 items + link + filter', LIST_QUERY], ['lookup by key', lookupDoc]] as const) {
    const [base, limited] = validationMicros(q, [specifiedRules, [...specifiedRules, ...documentLimitRules(DEFAULT_LIMITS, 1000)]], schema);
    console.log(`| ${name} | ${base.toFixed(0)} | ${limited.toFixed(0)} |`);
  }

  process.stderr.write('loading the demo data...\n');
  const data = mkdtempSync(join(tmpdir(), 'govgraph-bench-limits-data-'));
  const prepared = await openSqliteStore(data);
  await ensureDemo(prepared, loadPlatform(DEMO_PLATFORM_FILE));
  await prepared.close();

  console.log('\n| request, the limits\' own code apart | limits off, µs | + limits, rates off, µs | + limits and rates, µs |');
  console.log('|---|---:|---:|---:|');
  for (const [name, q] of [['list', LIST_QUERY], ['lookup', lookupDoc]] as const) {
    const r = await limitsApart(data, q, ['registrationNo', 'contractType']);
    console.log(`| ${name} | ${r.off.toFixed(1)} | ${r.on.toFixed(1)} | ${r.rates.toFixed(1)} |`);
  }
  const names = ['limits off', 'limits off again (A/A)', 'limits on, rates off', 'limits and rates on'];
  let gateways: Gateway[] = [];
  const queryOf = (g: Gateway, query: 'list' | 'lookup') => query === 'list' ? LIST_QUERY
    : `{ humanResources { employmentRegistration(registrationNo: "${g.served.key}") { ${ITEMS.join(' ')} } } }`;
  const options = (g: Gateway, query: 'list' | 'lookup'): autocannon.Options => ({
    url: `${g.served.url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${g.served.token}`, 'x-purpose': 'social-assistance' },
    body: JSON.stringify({ query: queryOf(g, query) }),
    connections: CONNECTIONS,
  });

  /** One window: every gateway under the same load at once; per gateway its req/s and CPU µs per request. */
  const windowOf = async (query: 'list' | 'lookup', seconds: number, rate?: number) => {
    await Promise.all(gateways.map((g) => g.cpuSince()));
    const results = await Promise.all(gateways.map((g) => autocannon({ ...options(g, query), duration: seconds, ...(rate ? { overallRate: rate } : {}) })));
    const cpu = await Promise.all(gateways.map((g) => g.cpuSince()));
    return gateways.map((_, k) => ({
      rps: results[k].requests.average,
      cpu: cpu[k] / Math.max(1, results[k].requests.total),
      errors: results[k].errors + results[k].non2xx,
    }));
  };

  type Sample = { rps: number; cpu: number; errors: number };
  const windows: Record<string, Sample[][]> = { 'list paced': [], 'list full': [], 'lookup paced': [], 'lookup full': [] };
  for (let i = 0; i < ROUNDS; i++) {
    process.stderr.write(`round ${i + 1}/${ROUNDS}: starting four gateways...\n`);
    gateways = await Promise.all([start(names[0], 'off', data), start(names[1], 'off', data), start(names[2], 'on', data), start(names[3], 'rates', data)]);
    for (const g of gateways) {
      for (const query of ['list', 'lookup'] as const) {
        const o = options(g, query);
        const body = (await (await fetch(o.url, { method: 'POST', headers: o.headers as Record<string, string>, body: o.body as string })).json()) as { errors?: unknown };
        if (body.errors) throw new Error(`bad answer from ${g.name}: ${JSON.stringify(body).slice(0, 400)}`);
      }
    }
    for (const query of ['list', 'lookup'] as const) await windowOf(query, 3); // warm-up
    for (const query of ['list', 'lookup'] as const) {
      windows[`${query} paced`].push(await windowOf(query, SECONDS, PACE[query]));
      windows[`${query} full`].push(await windowOf(query, SECONDS));
    }
    await Promise.all(gateways.map((g) => g.close()));
  }
  rmSync(data, { recursive: true, force: true });

  const f2 = (x: number) => x.toFixed(2);
  const shown = (x: { median: number; low: number; high: number }) => `${f2(x.median)} [${f2(x.low)}-${f2(x.high)}]`;
  const ratio = (samples: Sample[][], k: number, field: 'rps' | 'cpu') => medianInterval(samples.map((w) => w[k][field] / w[0][field]));
  console.log(`\n${ROUNDS} rounds of ${SECONDS} s windows, the four gateways at once in each; paced: list ${PACE.list}/s, lookup ${PACE.lookup}/s to each; full load: ${CONNECTIONS} connections each. Medians; in brackets the 95% interval of the median ratio. Node ${process.version}, load average at the end ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  console.log('| case | paced: CPU µs/request | vs limits off | full load: req/s | vs limits off |');
  console.log('|---|---:|---:|---:|---:|');
  let errors = 0;
  for (const query of ['list', 'lookup'] as const) {
    const paced = windows[`${query} paced`];
    const full = windows[`${query} full`];
    gateways.forEach((g, k) => {
      errors += [...paced, ...full].reduce((n, w) => n + w[k].errors, 0);
      console.log(`| ${query}: ${g.name} | ${median(paced.map((w) => w[k].cpu)).toFixed(0)} | ${k ? shown(ratio(paced, k, 'cpu')) : '1'} | ${median(full.map((w) => w[k].rps)).toFixed(0)} | ${k ? shown(ratio(full, k, 'rps')) : '1'} |`);
    });
  }
  console.log(`\nerrors and non-2xx answers: ${errors}\n`);
  for (const [field, kind, what] of [['cpu', 'paced', 'CPU per request (paced)'], ['rps', 'full', 'req/s (full load)']] as const) {
    for (const query of ['list', 'lookup'] as const) {
      const samples = windows[`${query} ${kind}`];
      const aa = ratio(samples, 1, field);
      for (const k of [2, 3]) {
        const c = ratio(samples, k, field);
        const verdict = c.low <= aa.high && aa.low <= c.high ? 'within' : 'OUTSIDE';
        console.log(`- ${what}, ${query}, ${gateways[k].name}: ${shown(c)} of limits off; A/A ${shown(aa)}: ${verdict} the A/A noise`);
      }
    }
  }
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt > 0) await serve(process.argv[serveAt + 1] as Mode, process.argv[serveAt + 2]);
else await main();
