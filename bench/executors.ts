// graphql-jit (the gateway's executor, src/server/executor.ts) against an executor of our own over the read
// plans (bench/own-executor.ts), in one run (issue 10 point 3: "measure both"). The own executor runs two
// ways: building every record of the answer, and answering a record by its row when the plan already
// shaped it to exactly the selected keys.
// - First, every query below answers byte for byte the same on all of them (the JSON of `{ data, errors }`
//   in process; the HTTP status and body through the gateway), or the bench stops.
// - In process: the schema the gateway serves, one context-making function (as the gateway's: the token's
//   department, the purpose, the grants, the decisions kept per access profile), one store; the executors
//   alternated request by request in turn (jit, own, own reusing rows, jit again; rotated each time), CPU
//   per operation (execution, the holder's error handling, the response's JSON), medians. jit against
//   itself (A/A) shows the noise.
// - End to end: four gateways in a child process over one store, differing only in their executor (the
//   option GatewayOptions.executor, for benchmarks only), sequential requests alternated in turn, median
//   ms per request (one at a time, a request's time is the server's whole work on it).
// Run: npx tsx bench/executors.ts [--ops 1500] [--paired 500]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { parse, type DocumentNode, type ExecutionResult } from 'graphql';
import { ensureDemo } from '../src/demo/setup.ts';
import { signToken } from '../src/identity/token.ts';
import { startGateway } from '../src/server/app.ts';
import { type GatewaySchema } from '../src/server/assemble.ts';
import { executeOperation, type Operation } from '../src/server/executor.ts';
import { dedupeErrors } from '../src/rules/errors.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { RequestContext } from '../resolvers/request.ts';
import { benchPlatform, DENIED_QUERY, LIST_QUERY, lookupQuery, PURPOSE, REQUESTER } from './demo-queries.ts';
import { executeOwn, handles } from './own-executor.ts';
import { demoInProcess } from './request-context.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const OPS = arg('ops', 1500);
const PAIRED = arg('paired', 500);

const { platform } = benchPlatform(0);

/** The bench's three queries, then what else the own executor handles (checked, not timed). */
function queries(key: string): { name: string; query: string; variables?: Record<string, unknown>; timed?: boolean }[] {
  return [
    { name: 'list: 100 records, 12 items (2 masked) + employer link', query: LIST_QUERY, timed: true },
    { name: 'the same with a denied item (monthlyWage)', query: DENIED_QUERY, timed: true },
    { name: 'lookup by key', query: lookupQuery(key), timed: true },
    // Aliases, __typename, @skip/@include, pageInfo (hasNextPage only: a cursor is sealed afresh each time)
    // and totalCount.
    { name: 'aliases, __typename, @skip/@include, pageInfo, totalCount', query: `{ __typename hr: humanResources { __typename regs: employmentRegistrations(first: 3) { __typename total: totalCount pageInfo { hasNextPage } nodes { __typename id: registrationNo fullName @include(if: true) gender @skip(if: true) employer { __typename name } } } } }` },
    { name: 'a variable and a missing key', query: 'query One($k: String!) { humanResources { employmentRegistration(registrationNo: $k) { registrationNo fullName } } }', variables: { k: 'no such key' } },
    { name: 'two departments, a resource refused whole, a page over the maximum', query: '{ publicSecurity { criminalCaseFiles(first: 2) { nodes { caseNo } } } humanResources { employmentRegistrations(first: 5000) { nodes { registrationNo } } unemploymentBenefits(first: 2) { totalCount nodes { claimNo idNumber } } } }' },
  ];
}

/** The context of a request by the requester, made as the gateway makes it (src/server/app.ts). */
type Executor = (op: Operation, built: GatewaySchema) => Promise<ExecutionResult>;
const EXECUTORS: [string, Executor][] = [
  ['graphql-jit (as served)', (op) => executeOperation(op)],
  ['own, records built', (op, built) => executeOwn(op, built.model)],
  ['own, rows reused', (op, built) => executeOwn(op, built.model, { reuseRows: true })],
  ['graphql-jit again (A/A)', (op) => executeOperation(op)],
];

/** One operation as the gateway answers it: executed, repeated denials dropped (the holder), then JSON. */
async function answer(exec: Executor, built: GatewaySchema, document: DocumentNode, context: RequestContext, variables?: Record<string, unknown>): Promise<string> {
  const result = await exec({ schema: built.schema, document, context, variables }, built);
  return JSON.stringify(result.errors ? { ...result, errors: dedupeErrors(result.errors) } : result);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system; // µs
};

async function inProcess(): Promise<void> {
  const { store, built, context, close } = await demoInProcess('executors');
  try {
    const key = String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
    // The same parsed document for both, as Apollo keeps one per query text.
    const cases = queries(key).map((q) => ({ ...q, document: parse(q.query) }));
    for (const c of cases) {
      const answers: string[] = [];
      for (const [, exec] of EXECUTORS) answers.push(await answer(exec, built, c.document, await context(), c.variables));
      const jit = answers[0];
      const differs = answers.findIndex((a) => a !== jit);
      if (differs > 0) throw new Error(`${c.name}: the answers differ\njit: ${jit.slice(0, 2000)}\n${EXECUTORS[differs][0]}: ${answers[differs].slice(0, 2000)}`);
      // An operation the own executor hands to graphql-jit answers the same trivially: say which it ran itself.
      const own1 = handles({ schema: built.schema, document: c.document, context: null }, built.model);
      if (c.timed && !own1) throw new Error(`${c.name}: the own executor does not handle it`);
      const count = { rows: 0, copies: 0 };
      await executeOwn({ schema: built.schema, document: c.document, context: await context(), variables: c.variables }, built.model, { reuseRows: true, count });
      const how = own1 ? `; rows reused: ${count.rows} objects answered by their row, ${count.copies} built` : ', handed to graphql-jit';
      console.log(`same answer in process, byte for byte (${jit.length} bytes${jit.includes('"errors"') ? ', with errors' : ''}${how}): ${c.name}`);
    }
    console.log(`\nin process: ${OPS} operations of each executor per query, alternated in turn; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start\n`);
    console.log('| query | executor | CPU µs/op (median) | wall µs/op (median) | CPU vs graphql-jit |');
    console.log('|---|---|---:|---:|---:|');
    for (const c of cases.filter((q) => q.timed)) {
      const cpu = EXECUTORS.map(() => [] as number[]);
      const wall = EXECUTORS.map(() => [] as number[]);
      for (let i = 0; i < OPS + 100; i++) {
        for (let j = 0; j < EXECUTORS.length; j++) {
          const k = (i + j) % EXECUTORS.length; // rotated: none always runs after the same one
          const ctx = await context();
          const [c0, w0] = [cpuNow(), performance.now()];
          await answer(EXECUTORS[k][1], built, c.document, ctx, c.variables);
          // The first 100 of each warm up.
          if (i >= 100) cpu[k].push(cpuNow() - c0), wall[k].push((performance.now() - w0) * 1000);
        }
      }
      const base = median(cpu[0]);
      for (const [k, [name]] of EXECUTORS.entries()) {
        console.log(`| ${c.name} | ${name} | ${median(cpu[k]).toFixed(0)} | ${median(wall[k]).toFixed(0)} | ${(median(cpu[k]) / base).toFixed(3)} |`);
      }
    }
  } finally {
    await close();
  }
}

/** The child: four gateways over one fresh demo store, differing only in their executor; prints their addresses. */
async function serveGateways() {
  process.env.GOVGRAPH_LOG_LEVEL ??= 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-executors-http-'));
  const store = await openSqliteStore(dir);
  await ensureDemo(store, platform);
  // In the order of EXECUTORS.
  const gateways = [
    await startGateway({ platform, store, port: 0, pollMs: 0 }),
    await startGateway({ platform, store, port: 0, pollMs: 0, executor: (op, built) => (built ? executeOwn(op, built.model) : executeOperation(op)) }),
    await startGateway({ platform, store, port: 0, pollMs: 0, executor: (op, built) => (built ? executeOwn(op, built.model, { reuseRows: true }) : executeOperation(op)) }),
    await startGateway({ platform, store, port: 0, pollMs: 0 }),
  ];
  const token = await signToken(gateways[0].secret, { dept: REQUESTER, user: 'bench', roles: [], ttl: '1h' });
  const key = String((await store.find('r_430000_rst_00001', { projection: ['registrationNo'], limit: 1, skip: 500 }))[0].registrationNo);
  console.log(JSON.stringify({ urls: gateways.map((g) => g.url), token, key }));
  process.stdin.on('data', () => {});
  process.stdin.on('end', async () => {
    for (const g of gateways) await g.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
}

/** One POST on a keep-alive connection: the status, the body and the milliseconds until it was read. */
function post(agent: http.Agent, url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/graphql`, { method: 'POST', agent, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), ms: performance.now() - started }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function endToEnd(): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const { urls, token, key } = JSON.parse((await lines.next()).value as string) as { urls: string[]; token: string; key: string };
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE, 'accept-encoding': 'identity' };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    console.log('');
    for (const q of queries(key)) {
      const body = JSON.stringify({ query: q.query, variables: q.variables });
      const answers = [];
      for (const url of urls) answers.push(await post(agent, url, headers, body));
      const jit = answers[0];
      const differs = answers.findIndex((a) => a.status !== jit.status || a.body !== jit.body);
      if (differs > 0) throw new Error(`${q.name}: the HTTP answers differ\njit ${jit.status}: ${jit.body.slice(0, 2000)}\n${EXECUTORS[differs][0]} ${answers[differs].status}: ${answers[differs].body.slice(0, 2000)}`);
      console.log(`same answer through HTTP, byte for byte (HTTP ${jit.status}, ${jit.body.length} bytes): ${q.name}`);
    }
    console.log(`\nend to end: ${PAIRED} sequential requests to each gateway per query, alternated in turn; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the start\n`);
    console.log('| query | gateway\'s executor | ms/request (median) | vs graphql-jit |');
    console.log('|---|---|---:|---:|');
    for (const q of queries(key).filter((c) => c.timed)) {
      const body = JSON.stringify({ query: q.query });
      const ms = urls.map(() => [] as number[]);
      for (let i = 0; i < PAIRED + 100; i++) {
        for (let j = 0; j < urls.length; j++) {
          const k = (i + j) % urls.length;
          const r = await post(agent, urls[k], headers, body);
          if (r.status !== 200) throw new Error(`${urls[k]}: HTTP ${r.status}`);
          if (i >= 100) ms[k].push(r.ms);
        }
      }
      const base = median(ms[0]);
      for (const [k, [name]] of EXECUTORS.entries()) console.log(`| ${q.name} | ${name} | ${median(ms[k]).toFixed(3)} | ${(median(ms[k]) / base).toFixed(3)} |`);
    }
  } finally {
    agent.destroy();
    child.stdin.end();
  }
}

if (process.argv.includes('--serve')) await serveGateways();
else {
  await inProcess();
  if (PAIRED > 0) await endToEnd();
  console.log(`\nnode ${process.version}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
}
