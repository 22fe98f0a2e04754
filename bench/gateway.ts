// Throughput of the gateway on the demo data, measured with autocannon in one run beside baselines:
// - raw limit: the same records in memory, node:http + JSON.stringify, token verified once (bench/peers.ts);
// - naive peer: Apollo Server 5 + a graphql-shield rule on every field + DataLoader, records in memory;
// - raw: the same records read from the same store and serialised with JSON.stringify over node:http;
// - rules off: the gateway without its graphql-shield rules (what the rules cost);
// - the floor: the gateway answering `{ __typename }` (nothing read, no audit entry), and the gateway with
//   its audit inserts dropped (what storing the entries costs; a what-if, never served);
// - rules on: the gateway as served; and once more with a denied item selected (every field wrapped).
// Each server runs in a child process of its own kind, compiled and under plain node as `govgraph serve`
// runs (serverCommand): the gateway as served (this file with --serve),
// the gateway without rules and the raw store server (--baselines), the two in-memory peers (--peers);
// autocannon runs in this one. So the load generator does not share an event loop with what it
// measures, and no server's heap or garbage weighs on another's figures (the naive peer makes a great
// deal of garbage under load; sharing a process with the gateway's heap made its collections slower).
// The comparisons of the gateway with itself (a denied item, 100 access profiles or --profiles N) and with the naive peer are also measured
// paired: sequential requests, the two queries alternated request by request, so that whatever else the
// machine does weighs on both alike; an A/A pair (the same query twice) shows what is noise.
// Run: npx tsx bench/gateway.ts [--seconds 10] [--connections 10] [--rounds 3] [--paired 1000] [--profiles 100] [--turns N] [--only WORD] [--tsx]
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Row, Store } from '../src/store/port.ts';
import { createAccessContext } from '../src/access/context.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { platformSecret } from '../src/identity/secret.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { naivePeer, rawLimit, type PeerData } from './peers.ts';
import { benchPlatform as demoBenchPlatform, DENIED_QUERY, ITEMS, LIST_QUERY, lookupQuery, PURPOSE, REQUESTER } from './demo-queries.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const SECONDS = arg('seconds', 10);
const CONNECTIONS = arg('connections', 10);
const ROUNDS = arg('rounds', 3);
// --profiles N: the access profiles sent in turn (issue 10: 100 within 10% of one; 1,000 no dearer than one).
const PROFILES = arg('profiles', 100);
if (!Number.isInteger(PROFILES) || PROFILES < 1) {
  console.error('--profiles: a whole number of access profiles from 1, like 100 or 1000');
  process.exit(2);
}
// --turns N: limits.concurrentPerDepartment of the gateways (left out, the default holds: every request is one
// department's, so over ten connections all but the bound's number wait their turn).
const TURNS = arg('turns', 0);
/** The platform served: the demo and PROFILES more departments with the requester's level and region. */
const benchPlatform = () => {
  const benched = demoBenchPlatform(PROFILES);
  if (!TURNS) return benched;
  return { ...benched, platform: { ...benched.platform, limits: { ...benched.platform.limits, concurrentPerDepartment: TURNS } } };
};
const PAIRED = arg('paired', 1000);
// --only WORD: measure only the cases whose name contains WORD (quick checks while working).
const ONLY = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

const FLOOR = 'lookup floor: the gateway answering { __typename } (token, HTTP, Apollo, plugins; nothing read, no audit entry)';
const UNAUDITED = 'lookup by key: gateway, audit entries built but not stored (a what-if: inserts into the log dropped)';
interface Servers { dir: string; raw: string; on: string; off: string; unaudited: string; naive: string; limit: string; token: string; key: string; profiles: { token: string; purpose: string | null }[] }
interface Figures { name: string; rps: number; p50: number; p99: number; errors: number }

async function rawServer(store: Store): Promise<{ url: string; close(): void }> {
  const server = http.createServer(async (req, res) => {
    if (req.url?.startsWith('/list')) {
      const rows = await store.find('r_430000_rst_00001', { projection: ITEMS, sort: [{ field: 'registrationNo', direction: 'asc' }], limit: 100 });
      const codes = [...new Set(rows.map((r) => r.employerCode))];
      const employers = await store.findByValues('r_430000_scjg_00001', 'creditCode', codes, ['creditCode', 'name']);
      const byCode = new Map(employers.map((e) => [e.creditCode, e]));
      const nodes = rows.map((r: Row) => ({ ...r, employer: byCode.get(r.employerCode) ?? null }));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { humanResources: { employmentRegistrations: { nodes } } } }));
    } else {
      const key = new URL(req.url!, 'http://x').searchParams.get('key');
      const rows = await store.find('r_430000_rst_00001', { filter: { kind: 'compare', field: 'registrationNo', op: 'eq', value: key }, projection: ITEMS, limit: 1 });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: { humanResources: { employmentRegistration: rows[0] ?? null } } }));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}

/** Runs until its stdin ends; then `close`. */
function untilStdinEnds(close: () => Promise<void>) {
  process.stdin.on('data', () => {});
  process.stdin.on('end', async () => {
    await close();
    process.exit(0);
  });
}

/** The gateway's child: the demo in a fresh store and the gateway as served; prints its address. */
async function serveGateway() {
  // One log line per request would measure the terminal; the figures are of the gateway's own work.
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-bench-'));
  const { platform, clones } = benchPlatform();
  const store = await openSqliteStore(dir);
  process.stderr.write('loading the demo data...\n');
  await ensureDemo(store, platform);
  const on = await startGateway({ platform, store, port: 0, pollMs: 0 });
  const token = await signToken(on.secret, { dept: REQUESTER, user: 'bench', roles: [], ttl: '1h' });
  // The cloned departments, each a distinct access profile with the same rights and the same answer.
  const profiles: Servers['profiles'] = [];
  for (const d of clones) profiles.push({ token: await signToken(on.secret, { dept: d.code, user: 'bench', roles: [], ttl: '1h' }), purpose: PURPOSE });
  const key = String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
  console.log(JSON.stringify({ dir, on: on.url, token, key, profiles }));
  untilStdinEnds(async () => {
    await on.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
}

/**
 * The store with every insert into the audit log dropped: the gateway still builds, hashes and chains
 * each entry and waits for its batch, but nothing reaches SQLite. A what-if for this bench only, to say
 * what storing the entries costs; no gateway is ever served like this.
 */
function withoutAuditInserts(store: Store): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'insert') return (collection: string, rows: Row[]) => (collection === AUDIT_COLLECTION ? Promise.resolve() : target.insert(collection, rows));
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The comparisons' child, over the store the gateway's child loaded: the gateway without its rules, and the raw store server. */
async function serveStoreBaselines(dir: string) {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const { platform } = benchPlatform();
  const store = await openSqliteStore(dir);
  const off = await startGateway({ platform, store, port: 0, pollMs: 0, rules: false });
  const unaudited = await startGateway({ platform, store: withoutAuditInserts(store), port: 0, pollMs: 0 });
  const raw = await rawServer(store);
  console.log(JSON.stringify({ off: off.url, unaudited: unaudited.url, raw: raw.url }));
  untilStdinEnds(async () => {
    await off.close();
    await unaudited.close();
    raw.close();
    await store.close();
  });
}

/** The peers' child, over the store the gateway's child loaded: the same records in memory, with what MZ
 * asking for social assistance may read of them. */
async function servePeers(dir: string) {
  const { platform } = benchPlatform();
  const store = await openSqliteStore(dir);
  const resource = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '430000-RST-00001')!;
  const provider = platform.departments.find((d) => d.code === resource.provider)!;
  const access = createAccessContext({ requester: platform.departments.find((d) => d.code === REQUESTER)!, purpose: PURPOSE, grants: [], now: new Date() });
  const rows = await store.find('r_430000_rst_00001', { sort: [{ field: 'registrationNo', direction: 'asc' }] });
  const employers = await store.find('r_430000_scjg_00001', {});
  const data: PeerData = {
    rows,
    linked: new Map(employers.map((e) => [e.creditCode, e])),
    key: 'registrationNo',
    linkItem: 'employerCode',
    secret: await platformSecret(store),
    items: [...ITEMS, 'monthlyWage'].map((name) => {
      const item = resource.items.find((i) => i.name === name)!;
      const d = access.item({ resource, provider }, name);
      return {
        name,
        type: item.type === 'int' ? 'Int' : item.type === 'boolean' ? 'Boolean' : 'String',
        allowed: d.allowed,
        mask: d.allowed ? d.mask : null,
        code: d.allowed ? undefined : d.code,
      } as PeerData['items'][number];
    }),
  };
  await store.close();
  const naive = await naivePeer(data);
  const limit = await rawLimit(data, ITEMS, 'monthlyWage');
  console.log(JSON.stringify({ naive: naive.url, limit: limit.url }));
  untilStdinEnds(async () => {
    limit.close();
    await naive.close();
  });
}

async function measure(name: string, opts: autocannon.Options): Promise<Figures> {
  const r = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts });
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx };
}


/** One POST on a keep-alive connection: the milliseconds until the whole answer was read. */
function timedPost(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.on('data', () => {});
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${url}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Sender { url: string; next(): { headers: Record<string, string>; body: string } }

/**
 * `a` and `b` alternated request by request (a b, b a, a b, ...), one request at a time, after a warm-up:
 * the median time of each and their ratio b / a.
 */
async function paired(a: Sender, b: Sender, n: number): Promise<{ a: number; b: number; ratio: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (s: Sender) => {
    const { headers, body } = s.next();
    return timedPost(agent, s.url, headers, body);
  };
  for (let i = 0; i < 100; i++) await send(a), await send(b);
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 2) tb.push(await send(b)), ta.push(await send(a));
    else ta.push(await send(a)), tb.push(await send(b));
  }
  agent.destroy();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return { a: median(ta), b: median(tb), ratio: median(tb) / median(ta) };
}

/**
 * The comparisons of the gateway with itself and with the naive peer, paired request by request
 * (sequential requests, so each is a server's whole work on one request with nothing else queued).
 */
async function pairedComparisons(s: Servers, headers: Record<string, string>) {
  const query = (q: string, url = s.on): Sender => {
    const body = JSON.stringify({ query: q });
    return { url: `${url}/graphql`, next: () => ({ headers, body }) };
  };
  let turn = 0;
  const inTurn: Sender = {
    url: `${s.on}/graphql`,
    next: () => {
      const p = s.profiles[turn++ % s.profiles.length];
      return { headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}`, ...(p.purpose ? { 'x-purpose': p.purpose } : {}) }, body: JSON.stringify({ query: LIST_QUERY }) };
    },
  };
  const pairs: Array<[string, Sender, Sender]> = [
    ['the list query against itself (A/A: the noise)', query(LIST_QUERY), query(LIST_QUERY)],
    ['with a denied item against the all-allowed list query', query(LIST_QUERY), query(DENIED_QUERY)],
    [`${s.profiles.length} access profiles in turn against one`, query(LIST_QUERY), inTurn],
    // Another server, the same client and loopback: a naive peer's request takes ten times the gateway's,
    // so what both pay outside the server weighs little on the ratio.
    ['the naive peer against the gateway (list)', query(LIST_QUERY), query(LIST_QUERY, s.naive)],
  ];
  console.log(`\npaired, request by request (${PAIRED} sequential requests of each, alternated; median ms per request):\n`);
  console.log('| comparison | a ms | b ms | b / a |');
  console.log('|---|---:|---:|---:|');
  for (const [label, a, b] of pairs) {
    process.stderr.write(`pairing ${label}...\n`);
    const r = await paired(a, b, PAIRED);
    console.log(`| ${label} | ${r.a.toFixed(2)} | ${r.b.toFixed(2)} | ${r.ratio.toFixed(3)} |`);
  }
}

/**
 * How the servers' children run: compiled by tsc (tsconfig.bench.json) and run under plain node, as
 * `govgraph serve` runs the gateway from dist/. Through tsx's loader (`--tsx`, as before 3 December) every
 * closure is named as it is made and every `require` resolved again (Apollo's query hash requires
 * `crypto` per request): 14-20% of the gateway's CPU per request, and almost nothing of the raw limit's.
 */
function serverCommand(): string[] {
  if (process.argv.includes('--tsx')) return ['--import', 'tsx', fileURLToPath(import.meta.url)];
  process.stderr.write('compiling the servers (tsconfig.bench.json)...\n');
  const root = fileURLToPath(new URL('..', import.meta.url));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.bench.json')], { stdio: 'inherit' });
  return [join(root, '.tmp/bench-build/bench/gateway.js')];
}

async function main() {
  const server = serverCommand();
  const start = async (args: string[]) => {
    const child = spawn(process.execPath, [...server, ...args, '--profiles', String(PROFILES), '--turns', String(TURNS)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return { child, first: JSON.parse((await lines.next()).value as string) as Record<string, unknown> };
  };
  // Each in a process of its own: the gateway as served, the store's baselines, the in-memory peers.
  const gateway = await start(['--serve']);
  const baselines = await start(['--baselines', gateway.first.dir as string]);
  const peers = await start(['--peers', gateway.first.dir as string]);
  const children = [peers, baselines, gateway];
  const s = { ...gateway.first, ...baselines.first, ...peers.first } as unknown as Servers;
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${s.token}`, 'x-purpose': PURPOSE };
  try {
    // Check once that each answers what it should before measuring it.
    for (const url of [s.on, s.off, s.naive]) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: LIST_QUERY }) });
      const body = (await res.json()) as { data?: any; errors?: unknown[] };
      if (body.errors || body.data.humanResources.employmentRegistrations.nodes.length !== 100) throw new Error(`bad answer from ${url}: ${JSON.stringify(body).slice(0, 500)}`);
    }
    // --only paired: the paired comparisons alone.
    if (ONLY !== 'paired') await throughput(s, headers);
    if (!ONLY || ONLY === 'paired') await pairedComparisons(s, headers);
  } finally {
    for (const c of children) c.child.stdin.end();
  }
}

/** Each case under load (autocannon), in rounds; the table of figures and the targets. */
async function throughput(s: Servers, headers: Record<string, string>) {
  const lookup = lookupQuery(s.key);
  const post = (url: string, query: string): autocannon.Options => ({ url: `${url}/graphql`, method: 'POST', headers, body: JSON.stringify({ query }) });
  const profiles: autocannon.Options = {
    url: `${s.on}/graphql`,
    requests: s.profiles.map((p) => ({
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${p.token}`, ...(p.purpose ? { 'x-purpose': p.purpose } : {}) },
      body: JSON.stringify({ query: LIST_QUERY }),
    })),
  };
  const all: Array<[string, autocannon.Options]> = [
    ['list 100 x 12 items + link: raw limit (memory, node:http, JSON.stringify)', { url: `${s.limit}/list`, headers }],
    ['list 100 x 12 items + link: naive peer (Apollo + shield on every field + DataLoader, memory)', post(s.naive, LIST_QUERY)],
    ['list 100 x 12 items + link: raw store + JSON.stringify', { url: `${s.raw}/list` }],
    ['list 100 x 12 items + link: gateway, rules off', post(s.off, LIST_QUERY)],
    ['list 100 x 12 items + link: gateway, rules on', post(s.on, LIST_QUERY)],
    ['list 100 x 12 items + link + a denied item: raw limit', { url: `${s.limit}/denied`, headers }],
    ['list 100 x 12 items + link + a denied item: naive peer', post(s.naive, DENIED_QUERY)],
    ['list 100 x 12 items + link + a denied item: gateway, rules on', post(s.on, DENIED_QUERY)],
    [`list 100 x 12 items + link: gateway, rules on, ${s.profiles.length} access profiles in turn`, profiles],
    ['lookup by key: raw limit', { url: `${s.limit}/one?key=${s.key}`, headers }],
    ['lookup by key: naive peer', post(s.naive, lookup)],
    ['lookup by key: raw store + JSON.stringify', { url: `${s.raw}/one?key=${s.key}` }],
    ['lookup by key: gateway, rules off', post(s.off, lookup)],
    ['lookup by key: gateway, rules on', post(s.on, lookup)],
    // The gateway's floor: the same token, HTTP, Apollo pipeline and plugins, but nothing read, so no plan,
    // no store read and no audit entry: what any request costs before its own work.
    [FLOOR, post(s.on, '{ __typename }')],
    [UNAUDITED, post(s.unaudited, lookup)],
  ];
  const cases = ONLY ? all.filter(([name]) => name.includes(ONLY) || name.includes('raw limit')) : all;
  // Warm every path up first (JIT, caches), then measure each case in several rounds, every other one in
  // the reverse order, and report the median: the machine's drift favours neither side of a comparison.
  for (const [name, o] of cases) {
    process.stderr.write(`warming up ${name}...\n`);
    await autocannon({ connections: CONNECTIONS, duration: 2, ...o });
  }
  const rounds: Figures[][] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 ? [...cases].reverse() : cases;
    const round: Figures[] = [];
    for (const [name, o] of order) {
      process.stderr.write(`measuring ${name}...\n`);
      round.push(await measure(name, o));
    }
    rounds.push(round);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results: Figures[] = cases.map(([name]) => {
    const runs = rounds.map((r) => r.find((f) => f.name === name)!);
    return {
      name,
      rps: median(runs.map((f) => f.rps)),
      p50: median(runs.map((f) => f.p50)),
      p99: median(runs.map((f) => f.p99)),
      errors: runs.reduce((n, f) => n + f.errors, 0),
    };
  });
  const base = (n: string) => results.find((r) => r.name.startsWith(n.split(' ')[0]) && r.name.includes('raw limit'))!.rps;
  console.log(`\n${CONNECTIONS} connections, ${SECONDS} s per case and round, median of ${ROUNDS} rounds, node ${process.version}\n`);
  console.log('| case | req/s | p50 ms | p99 ms | vs raw limit | errors |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${(r.rps / base(r.name)).toFixed(2)} | ${r.errors} |`);
  }
  if (ONLY) return;
  const rps = (n: string) => results.find((r) => r.name === n)!.rps;
  const off100 = rps('list 100 x 12 items + link: gateway, rules off');
  const cost = 1 - rps('list 100 x 12 items + link: gateway, rules on') / off100;
  const costDenied = 1 - rps('list 100 x 12 items + link + a denied item: gateway, rules on') / off100;
  const costLookup = 1 - rps('lookup by key: gateway, rules on') / rps('lookup by key: gateway, rules off');
  console.log(`\nrules cost on the list query: ${(cost * 100).toFixed(1)}% of throughput`);
  console.log(`rules cost with a denied item selected (every field wrapped): ${(costDenied * 100).toFixed(1)}% of throughput`);
  console.log(`rules cost on the lookup: ${(costLookup * 100).toFixed(1)}% of throughput`);
  const gwList = rps('list 100 x 12 items + link: gateway, rules on');
  const naiveList = results.find((r) => r.name.startsWith('list 100 x 12 items + link: naive peer'))!.rps;
  const limitList = results.find((r) => r.name.startsWith('list 100 x 12 items + link: raw limit'))!.rps;
  const gwDenied = rps('list 100 x 12 items + link + a denied item: gateway, rules on');
  const gwProfiles = results.find((r) => r.name.includes('access profiles in turn'))!.rps;
  console.log(`\nlist query: gateway ${(gwList / naiveList).toFixed(2)}x the naive peer, ${((gwList / limitList) * 100).toFixed(0)}% of the raw limit (targets: 4x, 50%)`);
  console.log(`with a denied item: ${((gwDenied / gwList) * 100).toFixed(0)}% of the all-allowed query (target: within 10%)`);
  console.log(`${s.profiles.length} access profiles in turn: ${((gwProfiles / gwList) * 100).toFixed(0)}% of one profile (target: within 10%)`);
  console.log(`lookup by key: gateway ${((rps('lookup by key: gateway, rules on') / rps('lookup by key: raw limit')) * 100).toFixed(0)}% of the raw limit (target: 25%)`);
  // Under load the gateway's process is busy all the time, so 1 / rate is its time per request.
  const us = (rate: number) => 1e6 / rate;
  const floor = us(rps(FLOOR));
  const lookupOwn = us(rps('lookup by key: gateway, rules on')) - floor;
  const budget = us(0.25 * rps('lookup by key: raw limit')) - floor;
  console.log(`the gateway's floor (${FLOOR.split(': ')[1].split(' (')[0]}): ${((rps(FLOOR) / rps('lookup by key: raw limit')) * 100).toFixed(0)}% of the raw lookup, ${floor.toFixed(0)} µs per request;`);
  console.log(`  a lookup's own work (plan, store read, audit entry) ${lookupOwn.toFixed(0)} µs per request, against ${budget.toFixed(0)} µs left for it at 25% of the raw lookup;`);
  console.log(`  storing its audit entry ${(us(rps('lookup by key: gateway, rules on')) - us(rps(UNAUDITED))).toFixed(0)} µs of it (against the what-if that drops the inserts)`);
}

if (process.argv.includes('--serve')) await serveGateway();
else if (process.argv.includes('--baselines')) await serveStoreBaselines(process.argv[process.argv.indexOf('--baselines') + 1]);
else if (process.argv.includes('--peers')) await servePeers(process.argv[process.argv.indexOf('--peers') + 1]);
else await main();
