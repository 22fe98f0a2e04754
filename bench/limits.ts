// What the limits of SPEC §13 cost, measured in one run beside a baseline without them:
// - per document: parsing and validating the benchmark's queries with graphql's rules alone, and with the
//   limits' rules too. Apollo keeps a validated document, so this is paid once per new document;
// - per request, with autocannon against gateways in a child process on the demo data: limits off; limits
//   on with the rates off (the per-request walk of the arguments); limits and rates on (buckets large enough
//   never to refuse: one store step per bucket and request).
// Run: npx tsx bench/limits.ts [--seconds 5] [--connections 10] [--rounds 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { documentLimitRules } from '../src/limits/document.ts';
import { DEFAULT_LIMITS, limitsOf } from '../src/model/platform.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 5);
const CONNECTIONS = arg('connections', 10);
const ROUNDS = arg('rounds', 3);

const ITEMS = ['registrationNo', 'idNumber', 'fullName', 'gender', 'employerCode', 'employerName', 'position',
  'contractType', 'contractStart', 'contractEnd', 'weeklyHours', 'insured'];
const LIST_QUERY = `{ humanResources { employmentRegistrations(first: 100, filter: { contractType: { in: [OPEN_ENDED, FIXED_TERM] } }) { nodes { ${ITEMS.join(' ')} employer { creditCode name } } } } }`;

interface Servers { off: string; on: string; rates: string; token: string; key: string }

async function serve() {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-limits-'));
  const loaded = loadPlatform(DEMO_PLATFORM_FILE);
  const noRates = { ...loaded, limits: { ...limitsOf(loaded), rate: { perDepartment: null, perUser: null } } };
  const bigBuckets = { ...loaded, limits: { ...limitsOf(loaded), rate: { perDepartment: { requests: 1e9, perMs: 60_000 }, perUser: { requests: 1e9, perMs: 60_000 } } } };
  const store = await openSqliteStore(dir);
  process.stderr.write('loading the demo data...\n');
  await ensureDemo(store, loaded);
  const off = await startGateway({ platform: noRates, store, port: 0, pollMs: 0, limits: false });
  const on = await startGateway({ platform: noRates, store, port: 0, pollMs: 0 });
  const rates = await startGateway({ platform: bigBuckets, store, port: 0, pollMs: 0 });
  const token = await signToken(on.secret, { dept: '430000-MZ', user: 'bench', roles: [], ttl: '1h' });
  const key = String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
  console.log(JSON.stringify({ off: off.url, on: on.url, rates: rates.url, token, key } satisfies Servers));
  process.stdin.on('data', () => {});
  process.stdin.on('end', async () => {
    for (const g of [off, on, rates]) await g.close();
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

async function main() {
  const schema = buildSchema(readFileSync(new URL('../schema/demo.graphql', import.meta.url), 'utf8'));
  const lookupDoc = `{ humanResources { employmentRegistration(registrationNo: "JY000000000501") { ${ITEMS.join(' ')} } } }`;
  console.log('| document | graphql rules, µs | + limits rules, µs |');
  console.log('|---|---:|---:|');
  for (const [name, q] of [['list 100 x 12 items + link + filter', LIST_QUERY], ['lookup by key', lookupDoc]] as const) {
    const [base, limited] = validationMicros(q, [specifiedRules, [...specifiedRules, ...documentLimitRules(DEFAULT_LIMITS, 1000)]], schema);
    console.log(`| ${name} | ${base.toFixed(0)} | ${limited.toFixed(0)} |`);
  }

  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const s = JSON.parse((await lines.next()).value as string) as Servers;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'x-purpose': 'social-assistance' };
  const lookup = `{ humanResources { employmentRegistration(registrationNo: "${s.key}") { ${ITEMS.join(' ')} } } }`;
  const post = (url: string, query: string): autocannon.Options => ({ url: `${url}/graphql`, method: 'POST', headers, body: JSON.stringify({ query }) });
  for (const url of [s.off, s.on, s.rates]) {
    const body = (await (await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: LIST_QUERY }) })).json()) as { errors?: unknown };
    if (body.errors) throw new Error(`bad answer from ${url}: ${JSON.stringify(body).slice(0, 400)}`);
  }
  const cases: Array<[string, autocannon.Options]> = [
    ['list: limits off', post(s.off, LIST_QUERY)],
    ['list: limits on, rates off', post(s.on, LIST_QUERY)],
    ['list: limits and rates on', post(s.rates, LIST_QUERY)],
    ['lookup: limits off', post(s.off, lookup)],
    ['lookup: limits on, rates off', post(s.on, lookup)],
    ['lookup: limits and rates on', post(s.rates, lookup)],
  ];
  for (const [name, o] of cases) {
    process.stderr.write(`warming up ${name}...\n`);
    await autocannon({ connections: CONNECTIONS, duration: 2, ...o });
  }
  const runs = new Map<string, { rps: number; errors: number }[]>();
  for (let i = 0; i < ROUNDS; i++) {
    for (const [name, o] of i % 2 ? [...cases].reverse() : cases) {
      process.stderr.write(`measuring ${name}...\n`);
      const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...o });
      runs.set(name, [...(runs.get(name) ?? []), { rps: r.requests.average, errors: r.errors + r.non2xx }]);
    }
  }
  child.stdin.end();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rps = (name: string) => median(runs.get(name)!.map((r) => r.rps));
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per case and round, median of ${ROUNDS} rounds, node ${process.version}\n`);
  console.log('| case | req/s | vs limits off | errors |');
  console.log('|---|---:|---:|---:|');
  for (const [name] of cases) {
    const off = rps(name.replace(/:.*/, ': limits off'));
    console.log(`| ${name} | ${rps(name).toFixed(0)} | ${(rps(name) / off).toFixed(2)} | ${runs.get(name)!.reduce((n, r) => n + r.errors, 0)} |`);
  }
}

if (process.argv.includes('--serve')) await serve();
else await main();
