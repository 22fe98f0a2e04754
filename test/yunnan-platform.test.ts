// An unseen province's lifecycle through the real command and HTTP (test/fixtures/yunnan): Yunnan with a
// city, a county and an autonomous prefecture, long Chinese names, items named `length` and `prototype`,
// an enum value TRUE, decimals of 23 digits, links across departments, an item tightened to conditional,
// row scope narrowed by a grant, and the data-quality workflow. Commands are few (each is a process):
// what GraphQL can do is done over HTTP against the `serve` process, with tokens signed by the secret
// both are given.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../src/identity/token.ts';
import type { Role } from '../src/identity/roles.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures/yunnan', name);
const bin = join(here, '..', 'bin', 'govgraph.js');
const SECRET = 'yunnan-test-secret-of-at-least-32-bytes!';

let work: string;
let env: NodeJS.ProcessEnv;
let server: ChildProcess;
let url: string;

const govgraph = (...args: string[]) =>
  promisify(execFile)(process.execPath, [bin, ...args], { env, timeout: 30_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout + e.stderr }),
  );

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Answer = { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };

async function gql(dept: string, purpose: string | null, query: string, roles: Role[] = ['applicant']): Promise<Answer> {
  const token = await signToken(new TextEncoder().encode(SECRET), { dept, user: 'yn.tester', roles, ttl: '1h' });
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(purpose ? { 'x-purpose': purpose } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as Answer;
}
const codes = (a: Answer) => (a.errors ?? []).map((e) => [e.extensions?.code, e.extensions?.item ?? null]);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-yunnan-'));
  env = { ...process.env, GOVGRAPH_PLATFORM: fixture('platform.yaml'), GOVGRAPH_DATA_DIR: join(work, 'data'), GOVGRAPH_JWT_SECRET: SECRET };
  delete env.MONGODB_URI;
  const catalogues = ['police.yaml', 'agriculture.yaml', 'kunming.yaml', 'wuhua.yaml'].map(fixture);
  expect((await govgraph('catalogue', 'validate', ...catalogues)).code).toBe(0);
  const imported = await govgraph('catalogue', 'import', '--publish', ...catalogues);
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(/police\.yaml: YN-GAT version 1 published \(2 resources\)/);
  for (const [code, file] of [['530000-GAT-R01', 'residents.jsonl'], ['530000-NYNCT-001', 'coops.jsonl'], ['530102-MZJ-DB01', 'recipients.jsonl']]) {
    expect((await govgraph('data', 'import', '--resource', code, fixture(file))).code).toBe(0);
  }
  server = spawn(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...env, GOVGRAPH_LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  server.stdout!.on('data', (d) => (out += d));
  server.stderr!.on('data', (d) => (out += d));
  url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /GraphQL\s+(http:\/\/127\.0\.0\.1:\d+)\/graphql/.exec(out);
      if (m) { clearInterval(timer); resolve(m[1]); }
    }, 50);
    server.once('exit', (code) => { clearInterval(timer); reject(new Error(`serve exited ${code}: ${out}`)); });
  });
  for (;;) {
    if ((await fetch(`${url}/readyz`)).ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('an unseen province through the command and HTTP', () => {
  it('refuses bad records line by line and, with --skip-invalid, writes the rest and the rejects', async () => {
    const skipped = await govgraph('data', 'import', '--resource', '530000-GAT-R01', fixture('bad.jsonl'), '--skip-invalid', '--rejects', join(work, 'rejects.jsonl'));
    expect(skipped.code).toBe(3);
    const rejects = readFileSync(join(work, 'rejects.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; problems: string[] });
    expect(rejects.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(rejects[2].problems).toEqual(['line 5: minzu: "zhuang" is not one of han, yi, hani, bai, dai, naxi, other']);
    expect(rejects[3].problems).toEqual(['line 6: csrq: "1990-02-30" is not a date (YYYY-MM-DD)']);
  });

  it('serves the provider its items named length and prototype in clear, and a county its own rows through a granted request, masked', async () => {
    const own = await gql('530000-GAT', null, '{ police { residents(first: 1) { nodes { sfzh length prototype xzqh } totalCount } } }');
    expect(own).toEqual({ data: { police: { residents: { nodes: [{ sfzh: '530000195405051049', length: 154, prototype: '内部备注4', xzqh: '530000' }], totalCount: 24 } } } });
    const READ = '{ police { residents(first: 4) { nodes { sfzh xm minzu prototype xzqh } totalCount } } }';
    expect(codes(await gql('530102-MZJ', 'minimum-living-allowance', READ))).toEqual([['GRANT_REQUIRED', null]]);
    const asked = await gql('530102-MZJ', 'minimum-living-allowance',
      'mutation { requestSharing(input: { resource: "530000-GAT-R01", items: ["sfzh", "xm", "minzu", "prototype", "xzqh"], purposes: ["minimum-living-allowance"], justification: "低保复核", until: "2027-12-31" }) { id status } }');
    expect(asked.data.requestSharing.status).toBe('PENDING');
    const decided = await gql('530000-GAT', null, `mutation { decideSharingRequest(input: { id: "${asked.data.requestSharing.id}", decision: APPROVE, unmasked: ["xm"] }) { status } }`, ['approver']);
    expect(decided).toEqual({ data: { decideSharingRequest: { status: 'APPROVED' } } });
    // Wuhua (530102) sees the residents registered in 530102 only; the ID number masked, the note replaced whole.
    // In an order drawn at random by the import (the key is masked): sorted here.
    const wuhua = await gql('530102-MZJ', 'minimum-living-allowance', READ);
    wuhua.data.police.residents.nodes.sort((a: { sfzh: string }, b: { sfzh: string }) => (a.sfzh < b.sfzh ? -1 : 1));
    expect(wuhua).toEqual({ data: { police: { residents: {
      nodes: [
        { sfzh: '530102********1006', xm: '李艳', minzu: 'HAN', prototype: '*****', xzqh: '530102' },
        { sfzh: '530102********1062', xm: '阿艳', minzu: 'OTHER', prototype: '*****', xzqh: '530102' },
        { sfzh: '530102********112X', xm: '段艳', minzu: 'NAXI', prototype: '******', xzqh: '530102' },
        { sfzh: '530102********1186', xm: '杨艳', minzu: 'DAI', prototype: '******', xzqh: '530102' },
      ],
      totalCount: 4,
    } } } });
  });

  it('narrows a prefecture\'s rows by the operator\'s grant, within its region only', async () => {
    const added = await govgraph('grant', 'add', '--requester', '532500-MZJ', '--resource', '530000-GAT-R01', '--items', 'sfzh,xzqh', '--purposes', 'housing-fund', '--rows', '532501', '--unmasked', 'sfzh');
    expect(added.code).toBe(0);
    await new Promise((r) => setTimeout(r, 2500)); // the gateway's poll of grants made by another process
    const read = await gql('532500-MZJ', 'housing-fund', '{ police { residents { nodes { xzqh } totalCount } } }');
    expect(read.errors).toBeUndefined();
    expect(read.data.police.residents.totalCount).toBe(4);
    expect(new Set(read.data.police.residents.nodes.map((n: { xzqh: string }) => n.xzqh))).toEqual(new Set(['532501']));
  });

  it('orders decimals by value, serves the enum value TRUE and denies each item with its own code', async () => {
    const read = await gql('530000-SZJ', 'plateau-agriculture',
      '{ agriculture { cooperatives(first: 3, filter: { crop: { in: [COFFEE, TRUE] } }, orderBy: [{ field: registeredCapital, direction: DESC }]) { nodes { crop registeredCapital subsidy email chair { xm } } totalCount } } }');
    expect(read.data.agriculture.cooperatives).toEqual({
      nodes: [
        { crop: 'COFFEE', registeredCapital: '450.10', subsidy: null, email: null, chair: null },
        { crop: 'COFFEE', registeredCapital: '450.10', subsidy: null, email: null, chair: null },
        { crop: 'TRUE', registeredCapital: '7', subsidy: null, email: null, chair: null },
      ],
      totalCount: 4,
    });
    expect(codes(read)).toEqual([['GRANT_REQUIRED', 'subsidy'], ['METHOD_NOT_API', 'email'], ['PURPOSE_OUT_OF_SCOPE', null]]);
  });

  it('takes an objection to a decimal to CORRECTED by a data import, and a demand to FULFILLED by a publication', async () => {
    const raised = await gql('530102-MZJ', 'minimum-living-allowance',
      'mutation { raiseObjection(input: { resource: "530000-NYNCT-001", key: "93530100MA00001009", item: "registeredCapital", reason: "注册资本已变更", proposedValue: "500.00" }) { id status dueDate } }');
    expect(raised.data.raiseObjection.status).toBe('OPEN');
    const id = raised.data.raiseObjection.id as string;
    expect((await gql('530000-NYNCT', null, `mutation { answerObjection(input: { id: "${id}", decision: CONFIRM, reason: "将更正" }) { status } }`, ['approver'])).data)
      .toEqual({ answerObjection: { status: 'CONFIRMED' } });
    const fix = join(work, 'fix.jsonl');
    writeFileSync(fix, readFileSync(fixture('coops.jsonl'), 'utf8').split('\n')[0].replace('"450.10"', '"500.00"') + '\n');
    const corrected = await govgraph('data', 'import', '--resource', '530000-NYNCT-001', fix);
    expect(corrected.stdout).toContain(`objection ${id} (registeredCapital of "93530100MA00001009", raised by 530102-MZJ) is now CORRECTED`);

    const filed = await gql('530102-MZJ', 'minimum-living-allowance',
      'mutation { requestData(input: { title: "公积金贷款信息", description: "核查低保对象房产贷款", items: ["贷款编号", "贷款余额"], purposes: ["minimum-living-allowance"], provider: "530100-ZFGJJ" }) { id status } }');
    const demand = filed.data.requestData.id as string;
    expect((await gql('530100-ZFGJJ', null, `mutation { answerDemand(input: { id: "${demand}", decision: WILL_CATALOGUE, resource: "530100-ZFGJJ-02" }) { status } }`, ['approver'])).data)
      .toEqual({ answerDemand: { status: 'WILL_CATALOGUE' } });
    const v2 = readFileSync(fixture('kunming.yaml'), 'utf8') + [
      '  - code: "530100-ZFGJJ-02"',
      '    name: 住房公积金贷款',
      '    provider: "530100-ZFGJJ"',
      '    graphql: { type: FundLoan, list: fundLoans, byKey: fundLoan }',
      '    key: loanNo',
      '    share: { type: unconditional, methods: [api], scope: { purposes: [minimum-living-allowance] } }',
      '    items: [{ name: loanNo, type: string, required: true }, { name: balance, type: decimal }]',
      '',
    ].join('\n');
    const submitted = await gql('530100-ZFGJJ', null, `mutation { submitCatalogue(document: ${JSON.stringify(v2)}) { version { version status } } }`, ['compiler']);
    expect(submitted.data).toEqual({ submitCatalogue: { version: { version: 2, status: 'SUBMITTED' } } });
    expect((await gql('530000-SZJ', null, 'mutation { reviewCatalogue(id: "YN-KM-GJJ", version: 2, decision: APPROVE, comment: "同意") { status } }', ['auditor'])).data)
      .toEqual({ reviewCatalogue: { status: 'APPROVED' } });
    expect((await gql('530100-ZFGJJ', null, 'mutation { publishCatalogue(id: "YN-KM-GJJ", version: 2) { status } }', ['compiler'])).data)
      .toEqual({ publishCatalogue: { status: 'PUBLISHED' } });
    expect((await gql('530102-MZJ', null, '{ demands { id status resource } }')).data.demands)
      .toEqual([{ id: demand, status: 'FULFILLED', resource: '530100-ZFGJJ-02' }]);
  });

  it('reports the names two departments disagree on, counts a read of only the count as use, and keeps the audit chain', async () => {
    const report = await gql('530000-SZJ', null, '{ consistencyReport(element: "YN-DE-XM") { left right keyElement compared differing } }', ['supervisor']);
    expect(report.data).toEqual({ consistencyReport: [{ left: '530000-GAT-R01', right: '530102-MZJ-DB01', keyElement: 'YN-DE-SFZH', compared: 8, differing: 4 }] });

    // The provider counts its own records (no item read, nothing refused).
    await new Promise((r) => setTimeout(r, 2500)); // the gateway's poll of the publication above
    expect((await gql('530100-ZFGJJ', null, '{ kunmingHousingFund { fundLoans { totalCount } } }')).data).toEqual({ kunmingHousingFund: { fundLoans: { totalCount: 0 } } });
    const usage = await gql('530000-SZJ', null, '{ usage(from: "2026-01-01", to: "2100-01-01", resource: "530100-ZFGJJ-02") { resources { requests denied } } }', ['supervisor']);
    expect(usage.data).toEqual({ usage: { resources: [{ requests: 1, denied: 0 }] } });

    const verified = await govgraph('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain ok: \d+ entries/);
  });
});
