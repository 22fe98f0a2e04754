// graphql-jit against graphql-js, differentially (src/server/executor.ts), over what
// test/jit-differential-nanning.test.ts leaves out: the platform's own fields (catalogues, grants, sharing
// requests, objections, demands, the audit log, usage, the consistency report ...) as a department, a
// providing department's approver and the competent department's supervisor ask them, and a connected
// platform's namespace (Jinan in this process, Zhangqiu a real gateway process on loopback,
// test/fixtures/jinan-connected). Documents are drawn from the schema itself (test/helpers/
// schema-documents.ts) with a fixed seed: aliases, a key asked twice, fragments, @skip/@include above and
// inside the namespace, variables given, null or left out. Each is sent twice to one real gateway: through
// its executor and through graphql-js alone; the answers, audit entries and store reads must be the same
// (test/helpers/jit-differential.ts). For the namespace, Zhangqiu's audit entries of the forwarded request
// too: what Jinan sent it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/identity/roles.ts';
import type { Store } from '../src/store/port.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { caseRunner, recordingStore, switchableExecutor, type Run } from './helpers/jit-differential.ts';
import { askAs, jinanFixture } from './helpers/jinan-pair.ts';
import type { Case } from './helpers/nanning-documents.ts';
import { mulberry32 } from './helpers/random.ts';
import { schemaDocumentGenerator } from './helpers/schema-documents.ts';
import { jsonLines, prepareSide, startSide, stopSides, twoSides, type Side } from './helpers/yunnan-pair.ts';

const SEED = Number(process.env.JITDIFF_SEED ?? 450101);
// JITDIFF_SEED, JITDIFF_CASES: another walk; JITDIFF_OUT: a file prefix for every difference of each walk.
const CASES = Number(process.env.JITDIFF_CASES ?? 100);
const nanning = (p: string) => fileURLToPath(new URL(`./fixtures/nanning-jitdiff/${p}`, import.meta.url));

interface Asker { dept: string; roles: Role[]; purpose: string }

async function schemaOf(url: string, headers: Record<string, string>): Promise<GraphQLSchema> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  return buildClientSchema(((await res.json()) as { data: IntrospectionQuery }).data);
}

/** Walks `cases` documents through both executors and lists the cases that differ (in full to JITDIFF_OUT). */
async function walk(name: string, compiled: () => number, next: () => Case, cases: number, run: (c: Case, on: 'gateway' | 'graphql-js') => Promise<Run & { remote?: string[] }>) {
  const differ: string[] = [];
  let answered = 0;
  for (let i = 0; i < cases; i++) {
    const c = next();
    const viaGateway = await run(c, 'gateway');
    const viaGraphqlJs = await run(c, 'graphql-js');
    if (viaGateway.status === 200 && viaGateway.body.includes('"data":{')) answered++;
    if (JSON.stringify(viaGateway) !== JSON.stringify(viaGraphqlJs)) {
      differ.push(`#${i} ${JSON.stringify(c)}\n  gateway:    ${JSON.stringify(viaGateway).slice(0, 3000)}\n  graphql-js: ${JSON.stringify(viaGraphqlJs).slice(0, 3000)}`);
    }
  }
  if (process.env.JITDIFF_OUT) writeFileSync(`${process.env.JITDIFF_OUT}.${name}`, `${answered} answered, ${compiled()} compiled so far\n\n${differ.join('\n\n')}`);
  return { differ, answered };
}

describe('the platform\'s own fields', () => {
  let gw: TestGateway;
  let store: Store & { calls: string[] };
  const executor = switchableExecutor();
  let asker: Asker;
  const run = caseRunner({
    url: () => gw.gateway.url, store: () => store, switch: executor, sameLog: true,
    headers: async () => ({ authorization: `Bearer ${await gw.token(asker.dept, asker.roles)}`, 'x-purpose': asker.purpose }),
  });

  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: nanning('platform.yaml'),
      catalogueFiles: [nanning('catalogues.yaml'), nanning('enterprises.yaml')],
      wrapStore: (s) => (store = recordingStore(s)),
      gateway: { executor: executor.executor },
    });
    // Something of each to list: a sharing request granted and one pending, an objection, a demand.
    const ask = async (query: string, dept: string, roles: Role[]) => {
      const r = await gw.query(query, { dept, roles, purpose: 'relief-review' });
      expect(r.errors).toBeUndefined();
      return r.data!;
    };
    const request = 'mutation { requestSharing(input: { resource: "450000-SCJ-00301", items: ["taxNote"], purposes: ["relief-review"], justification: "核查", until: "2099-12-31" }) { id } }';
    const { requestSharing } = await ask(request, '450100-MZJ', ['applicant']);
    await ask(`mutation { decideSharingRequest(input: { id: "${requestSharing.id}", decision: APPROVE }) { id } }`, '450000-SCJ', ['approver']);
    await ask(request, '450100-MZJ', ['applicant']);
    await ask('mutation { requestData(input: { title: "低保户车辆", description: "车辆登记", items: ["plate"], purposes: ["relief-review"], provider: "450000-GAT" }) { id } }', '450100-MZJ', ['applicant']);
  }, 60_000);
  afterAll(() => gw?.close());

  const ROOTS = ['me', 'catalogues', 'catalogue', 'resourceInfo', 'sharingRequests', 'grants', 'auditLog', 'verifyAuditChain', 'usage', 'objections', 'demands', 'consistencyReport'];
  const POOLS = {
    strings: ['GX-GAT-JIT', 'GX-SCJ-JIT', '450000-GAT-00201', '450000-SCJ-00301', '450100-MZJ', '450000-GAT', '450000-SCJ', '450000-DSJ', 'taxNote', 'idNumber', 'relief-review', '', 'nope', 'data', 'allowed'],
    ints: [0, 1, 2, 3, 50, 1001, -1],
    dates: ['2020-01-01', '2099-12-31', '2026-02-30'],
    dateTimes: ['2020-01-01T00:00:00Z', '2099-01-01T00:00:00Z'],
  };
  const ASKERS: Asker[] = [
    { dept: '450100-MZJ', roles: ['applicant'], purpose: 'relief-review' },
    { dept: '450000-SCJ', roles: ['approver', 'compiler'], purpose: 'relief-review' },
    { dept: '450000-DSJ', roles: ['supervisor', 'auditor'], purpose: 'relief-review' },
  ];

  it(`answers, audits and reads the same for each asker (seed ${SEED}, ${CASES} documents each)`, async () => {
    const schema = await schemaOf(gw.gateway.url, { authorization: `Bearer ${await gw.token('450000-DSJ', ['supervisor'])}` });
    const differ: string[] = [];
    for (const [n, a] of ASKERS.entries()) {
      asker = a;
      await run({ text: '{ me { department } }', variables: {} }, 'gateway'); // past the entries before
      const result = await walk(a.dept, () => executor.state.compiledRuns, schemaDocumentGenerator(mulberry32(SEED + n), schema, ROOTS, POOLS), CASES, run);
      differ.push(...result.differ);
      expect(result.answered).toBeGreaterThan(CASES / 3);
    }
    expect(differ.slice(0, 3)).toEqual([]);
    expect(executor.state.compiledRuns).toBeGreaterThan(CASES / 4);
  }, 120_000);
});

describe('a connected platform\'s namespace', () => {
  let work: string;
  let zhangqiu: Side;
  let jinan: TestGateway;
  let store: Store & { calls: string[] };
  const executor = switchableExecutor();
  const own = caseRunner({
    url: () => jinan.gateway.url, store: () => store, switch: executor, sameLog: true,
    // Zhangqiu's own requests to Jinan (its schema, polled) and Jinan's signing keys read for a forwarded request.
    ignoreReads: /^claimOnce \["_forwarded_jti"|^find \["_settings"/,
    headers: async () => ({ authorization: `Bearer ${await jinan.token('370100-CL')}`, 'x-purpose': 'disability-subsidy' }),
  });
  /** Zhangqiu's newest audit entry's sequence, and the entries after it (what the forwarded request read there). */
  let zhangqiuSeq = 0;
  async function zhangqiuEntries(): Promise<string[]> {
    const res = await askAs(zhangqiu, '370114-SJJ', '{ auditLog(first: 50, filter: { via: "370100" }) { nodes { seq operationName outcome detail resources { resource items masked denied { item code } records } } } }', undefined, ['supervisor']);
    if (!res.data) throw new Error(`Zhangqiu's audit log: ${JSON.stringify(res.errors)}`);
    const nodes = (res.data.auditLog.nodes as { seq: number }[]).filter((e) => e.seq > zhangqiuSeq).reverse();
    zhangqiuSeq = Math.max(zhangqiuSeq, ...nodes.map((e) => e.seq));
    return nodes.map(({ seq: _s, ...rest }) => JSON.stringify(rest));
  }
  const run = async (c: Case, on: 'gateway' | 'graphql-js') => ({ ...(await own(c, on)), remote: await zhangqiuEntries() });

  beforeAll(async () => {
    let jinanSide: Side;
    ({ work, sides: [jinanSide, zhangqiu] } = await twoSides('govgraph-jitdiff-connected-', ['jinan', 'zhangqiu']));
    writeFileSync(jinanSide.file, readFileSync(jinanFixture('jinan.yaml'), 'utf8').replace('ZHANGQIU_URL', zhangqiu.url));
    // Jinan forwards every walk's request twice and the test reads Zhangqiu's log after each: no rates.
    writeFileSync(zhangqiu.file, `${readFileSync(jinanFixture('zhangqiu.yaml'), 'utf8').replace('JINAN_URL', jinanSide.url)}limits: { rate: { perUser: off, perDepartment: off, perPlatform: off } }\n`);
    await prepareSide(zhangqiu, jinanFixture('zhangqiu-catalogue.yaml'), [jsonLines(jinanFixture('card-holders.jsonl'))]);
    await startSide(zhangqiu);
    jinan = await startTestGateway({
      platformFile: jinanSide.file,
      catalogueFiles: [jinanFixture('jinan-catalogue.yaml')],
      wrapStore: (s) => (store = recordingStore(s)),
      gateway: { executor: executor.executor, port: jinanSide.port },
    });
    await eventually(async () => {
      const r = await jinan.query('{ zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }', { dept: '370100-CL', purpose: 'disability-subsidy' });
      expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
    }, 60_000);
  }, 180_000);
  afterAll(async () => {
    await jinan?.close();
    if (work) await stopSides(work, [zhangqiu]);
  });

  // Found by the walk: an error of Zhangqiu's answer came out compiled located at the field asked (graphql-jit
  // locates it), on graphql-js without locations (it keeps an error that knows its path as it is). Both
  // now say where it stands in the document (src/server/error-locations.ts). The refusal names Zhangqiu, which
  // refused a cursor it did not seal: "this platform" would read as Jinan.
  it('locates a connected platform\'s error at the field asked, compiled or not', async () => {
    const error = { message: 'The `after` cursor is not one the connected platform 章丘区政务信息资源共享平台 (370114), which holds this resource, gave out; pass the endCursor of a previous page.', path: ['zhangqiu', 'zhangqiuDisabled', 'a'], extensions: { code: 'BAD_USER_INPUT' } };
    const compiled = '{ zhangqiu { zhangqiuDisabled { a: cardHolders(after: "not-a-cursor") { totalCount } } } }';
    // The same read, on graphql-js: a condition over a fragment below the namespace.
    const conditioned = 'query($x: Boolean = true) { zhangqiu { zhangqiuDisabled @include(if: $x) { ... { a: cardHolders(after: "not-a-cursor") { totalCount } } } } }';
    await run({ text: '{ me { department } }', variables: {} }, 'gateway');
    const before = executor.state.compiledRuns;
    const answers = [];
    for (const text of [compiled, conditioned]) for (const on of ['gateway', 'graphql-js'] as const) answers.push(await run({ text, variables: {} }, on));
    expect(executor.state.compiledRuns).toBe(before + 1);
    expect(answers.map((a) => JSON.parse(a.body))).toEqual([
      ...[compiled, compiled, conditioned, conditioned].map((text) => ({ errors: [{ ...error, locations: [{ line: 1, column: text.indexOf('a: cardHolders') + 1 }] }], data: { zhangqiu: { zhangqiuDisabled: { a: null } } } })),
    ]);
    expect(answers[1]).toEqual(answers[0]);
  });

  it(`answers, audits and sends the same, here and there (seed ${SEED}, ${CASES} documents)`, async () => {
    const schema = await schemaOf(jinan.gateway.url, { authorization: `Bearer ${await jinan.token('370100-CL')}`, 'x-purpose': 'disability-subsidy' });
    await run({ text: '{ me { department } }', variables: {} }, 'gateway');
    const POOLS = { strings: ['37011419800101007x', '37011419800101015X', '37011419800101007X', '', 'x'], ints: [0, 1, 2, 5, -1], dates: ['2020-01-01'], dateTimes: ['2020-01-01T00:00:00Z'] };
    const result = await walk('zhangqiu', () => executor.state.compiledRuns, schemaDocumentGenerator(mulberry32(SEED), schema, ['zhangqiu', 'me'], POOLS, 4), CASES, run);
    expect(result.differ.slice(0, 3)).toEqual([]);
    expect(result.answered).toBeGreaterThan(CASES / 3);
    expect(executor.state.compiledRuns).toBeGreaterThan(CASES / 8);
  }, 120_000);
});
