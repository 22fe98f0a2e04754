// Attacks through the text the workflow keeps of its callers (src/model/input-bounds.ts): an applicant
// stored a 900 KB justification, a demand's description, an objection's reason and proposed value, each
// then shown to every provider and supervisor who lists them (checked on the demo). Every action that
// stores a caller's text refuses it over its bound with BAD_USER_INPUT naming the path and the limit,
// stores nothing, and its refusal's audit entry repeats none of it. The commands that call the same
// actions (`request decide`, `catalogue review`) and the operator's `grant add` refuse it too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS, publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { MAX_LIST, MAX_NAME, MAX_TEXT, MAX_USER } from '../src/model/input-bounds.ts';
import { eq } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { OBJECTIONS } from '../src/workflow/objections.ts';
import { requestSharing, SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';
import { demoCatalogue, GA_APPROVER, GA_COMPILER, REVIEW, SUBMIT, ZWB_AUDITOR } from './helpers/workflow.ts';

const BIG = 'x'.repeat(900_000);
const HALF = 'y'.repeat(450_000);
const RST = { dept: '430000-RST', roles: ['applicant' as const], purpose: 'employment-services' };
const ENTERPRISE = '91430102MA43W8YMXW';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  const scjg = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '430000-SCJG-00001')!;
  await gw.store.insert(collectionOf(scjg), [{ creditCode: ENTERPRISE, name: '长沙市五岭科技有限责任公司' }]);
}, 30_000);
afterAll(() => gw?.close());

/** The one refusal of `r`: BAD_USER_INPUT with these problems, each named in the message, no stack trace. */
function refusedOver(r: GraphQLResponse, problems: { path: string; message: string }[]) {
  expect(r.errors).toHaveLength(1);
  const [e] = r.errors!;
  expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', problems });
  for (const p of problems) expect(e.message).toContain(`\n  ${p.path}: ${p.message}`);
  expect(e.message.length).toBeLessThan(1000);
}

/** The audit entries of the refusals of `action`: refused, each short (the text is not in them). */
async function refusalsOf(action: string) {
  const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', action) })).map(fromRow).filter((e) => e.outcome === 'refused');
  for (const e of entries) expect(JSON.stringify(e).length).toBeLessThan(3000);
  return entries;
}

const over = (n: number, max = MAX_TEXT) => `has ${n} characters; at most ${max}`;

describe('sharing requests', () => {
  const REQUEST = `mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id status justification } }`;
  const DECIDE = `mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) { status reason } }`;
  const input = { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'] };

  it('a justification of 900 KB is refused, naming the path and the limit, and no request is stored', async () => {
    const r = await gw.query(REQUEST, { ...RST, variables: { input: { ...input, justification: BIG } } });
    refusedOver(r, [{ path: 'justification', message: over(900_000) }]);
    expect(r.errors![0].message).toBe(`requestSharing is refused: the platform keeps no longer input.\n  justification: ${over(900_000)}`);
    expect(await gw.store.count(SHARING_REQUESTS)).toBe(0);
    expect((await refusalsOf('requestSharing')).map((e) => e.detail)).toEqual([`BAD_USER_INPUT: ${r.errors![0].message}`]);
  });

  it('a justification at the bound is kept, counted in characters as a person counts them', async () => {
    const r = await gw.query(REQUEST, { ...RST, variables: { input: { ...input, justification: '需'.repeat(MAX_TEXT - 1) + '😀' } } });
    expect(r.errors).toBeUndefined();
    expect([...r.data!.requestSharing.justification]).toHaveLength(MAX_TEXT);
  });

  it('a decision’s reason of 900 KB or a list of rows over the bound is refused, and the request stays pending', async () => {
    const [pending] = await gw.store.find(SHARING_REQUESTS, { filter: eq('status', 'pending') });
    const rejected = await gw.query(DECIDE, { ...GA_APPROVER, variables: { input: { id: pending.id, decision: 'REJECT', reason: BIG } } });
    refusedOver(rejected, [{ path: 'reason', message: over(900_000) }]);
    const rows = Array.from({ length: MAX_LIST + 1 }, () => '430100');
    const approved = await gw.query(DECIDE, { ...GA_APPROVER, variables: { input: { id: pending.id, decision: 'APPROVE', rows } } });
    refusedOver(approved, [{ path: 'rows', message: `has ${MAX_LIST + 1} entries; at most ${MAX_LIST}` }]);
    const [after] = await gw.store.find(SHARING_REQUESTS, { filter: eq('id', pending.id) });
    expect([after.status, after.reason]).toEqual(['pending', null]);
    expect(await gw.store.count(GRANTS)).toBe(0);
    expect(await refusalsOf('decideSharingRequest')).toHaveLength(2);
  });
});

describe('objections', () => {
  const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id status } }`;
  const ANSWER = `mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status answer } }`;
  const input = { resource: '430000-SCJG-00001', key: ENTERPRISE, item: 'name' };
  const who = { ...RST, purpose: 'administrative-licensing' };

  it('a reason and a proposed value of 450 KB each are refused, both named, and no objection is stored', async () => {
    const r = await gw.query(RAISE, { ...who, variables: { input: { ...input, reason: HALF, proposedValue: HALF } } });
    refusedOver(r, [{ path: 'reason', message: over(450_000) }, { path: 'proposedValue', message: over(450_000) }]);
    expect(await gw.store.count(OBJECTIONS)).toBe(0);
    expect(await refusalsOf('raiseObjection')).toHaveLength(1);
  });

  it('an answer’s reason of 900 KB is refused, and the objection stays open', async () => {
    const raised = await gw.query(RAISE, { ...who, variables: { input: { ...input, reason: 'Renamed in 2025', proposedValue: 'New Name' } } });
    expect(raised.errors).toBeUndefined();
    const id = raised.data!.raiseObjection.id;
    const r = await gw.query(ANSWER, { dept: '430000-SCJG', roles: ['approver'], variables: { input: { id, decision: 'REJECT', reason: BIG } } });
    refusedOver(r, [{ path: 'reason', message: over(900_000) }]);
    const [after] = await gw.store.find(OBJECTIONS, { filter: eq('id', id) });
    expect([after.status, after.answer]).toEqual(['open', null]);
  });
});

describe('demands', () => {
  const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id status } }`;
  const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status basis } }`;
  const input = { title: 'Homesteads', description: 'For employment subsidies', items: ['homestead number'], purposes: ['employment-services'], provider: '430000-ZRZYT' };

  it('a description of 900 KB, an item named with 50 KB and too many items are refused, and no demand is stored', async () => {
    const described = await gw.query(FILE, { ...RST, variables: { input: { ...input, description: BIG, items: ['area', 'z'.repeat(50_000)] } } });
    refusedOver(described, [{ path: 'description', message: over(900_000) }, { path: 'items[1]', message: over(50_000, 128) }]);
    const many = await gw.query(FILE, { ...RST, variables: { input: { ...input, items: Array.from({ length: 5000 }, (_, i) => `item ${i}`) } } });
    refusedOver(many, [{ path: 'items', message: `has 5000 entries; at most ${MAX_LIST}` }]);
    expect(await gw.store.count(DEMANDS)).toBe(0);
    expect(await refusalsOf('requestData')).toHaveLength(2);
  });

  it('an answer’s basis of 900 KB is refused, and the demand stays open', async () => {
    const filed = await gw.query(FILE, { ...RST, variables: { input } });
    expect(filed.errors).toBeUndefined();
    const id = filed.data!.requestData.id;
    const r = await gw.query(ANSWER, { dept: '430000-ZRZYT', roles: ['approver'], variables: { input: { id, decision: 'CANNOT_SHARE', basis: BIG } } });
    refusedOver(r, [{ path: 'basis', message: over(900_000) }]);
    const [after] = await gw.store.find(DEMANDS, { filter: eq('id', id) });
    expect([after.status, after.basis]).toEqual(['open', null]);
  });
});

describe('catalogue reviews', () => {
  it('a review’s comment of 900 KB is refused, and the version stays submitted without a comment', async () => {
    const submitted = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: JSON.stringify({ ...demoCatalogue('public-security.yaml'), title: 'Revised' }) } });
    expect(submitted.errors).toBeUndefined();
    const v = submitted.data!.submitCatalogue.version.version;
    const r = await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'REJECT', c: BIG } });
    refusedOver(r, [{ path: 'comment', message: over(900_000) }]);
    const [after] = await gw.store.find(CATALOGUE_VERSIONS, { filter: eq('version', v) });
    expect([after.status, after.reviewComment ?? null]).toEqual(['submitted', null]);
  });
});

describe('user names', () => {
  it('a token whose user is longer than the bound is refused as invalid; one at the bound is accepted', async () => {
    const long = await gw.query('{ me { user } }', { token: await gw.token('430000-RST', ['applicant'], 'u'.repeat(MAX_USER + 1)) });
    expect(long.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    const fits = await gw.query('{ me { user } }', { token: await gw.token('430000-RST', ['applicant'], '用'.repeat(MAX_USER)) });
    expect(fits.data).toEqual({ me: { user: '用'.repeat(MAX_USER) } });
  });
});

describe('the commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-input-bounds-'));
  const data = join(dir, 'data');
  const platform = loadPlatform(DEMO_PLATFORM_FILE);
  const govgraph = (...args: string[]) =>
    runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: DEMO_PLATFORM_FILE }) });
  // A command's argument is at most 128 KB on Linux: over the bound is enough.
  const LONG = 'w'.repeat(MAX_TEXT + 1);
  let requestId: string;
  beforeAll(async () => {
    await withSqliteStore(data, async (store) => {
      await importCatalogueFiles(store, platform, demoCatalogueFiles(), { publish: true });
      const rst = { dept: platform.departments.find((d) => d.code === '430000-RST')!, user: 'u', roles: ['applicant' as const], purpose: null, requestId: 'r' };
      requestId = (await requestSharing({ store, platform, now: new Date() }, rst, { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'], justification: 'checks' })).id;
    });
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // The commands run dist/, brought up to date before the tests (test/setup/build.ts).
  it('`request decide --reason` over the bound is refused in one line, and the request stays pending', async () => {
    const r = await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--reject', '--reason', LONG);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`govgraph: BAD_USER_INPUT: decideSharingRequest is refused: the platform keeps no longer input.\n  reason: ${over(MAX_TEXT + 1)}\n`);
    expect(r.stderr).not.toContain('www');
    const status = await withSqliteStore(data, async (s) => (await s.find(SHARING_REQUESTS, { filter: eq('id', requestId) }))[0].status);
    expect(status).toBe('pending');
  }, 60_000);

  it('`token --user` and a workflow command\'s `--user` longer than the bound are refused, writing nothing', async () => {
    const name = 'v'.repeat(MAX_USER + 1);
    const token = await govgraph('token', '--dept', '430000-RST', '--user', name);
    expect([token.code, token.stdout]).toEqual([1, '']);
    expect(token.stderr).toContain(`govgraph: --user: has ${MAX_USER + 1} characters; at most ${MAX_USER}\n`);
    const before = await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION));
    const decide = await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--reject', '--reason', 'no', '--user', name);
    expect(decide.code).toBe(1);
    expect(decide.stderr).toContain(`govgraph: --user: has ${MAX_USER + 1} characters; at most ${MAX_USER}\n`);
    expect(await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION))).toBe(before);
  }, 60_000);

  it('`token --user` and a workflow command\'s `--user` that show nothing or hold a control character are refused, as a gateway refuses such a sub', async () => {
    const before = await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION));
    for (const [name, said] of [
      ['\u200b', 'shows nothing (only spaces or invisible characters such as U+200B); give a name a person can read'],
      ['\u3000\u3164', 'shows nothing (only spaces or invisible characters such as U+200B); give a name a person can read'],
      ['zhao\nsupervisor', 'holds a control character (a line break, a tab, an escape); give the name on one line'],
    ]) {
      const token = await govgraph('token', '--dept', '430000-RST', '--user', name);
      expect([token.code, token.stdout, token.stderr.split('\n').find((l) => l.startsWith('govgraph: --user'))]).toEqual([1, '', `govgraph: --user: ${said}`]);
      const decide = await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--reject', '--reason', 'no', '--user', name);
      expect([decide.code, decide.stderr.split('\n').find((l) => l.startsWith('govgraph: --user'))]).toEqual([1, `govgraph: --user: ${said}`]);
    }
    expect(await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION))).toBe(before);
  }, 60_000);

  it('`consistency report --element` over the bound is refused as the GraphQL field refuses it, auditing nothing', async () => {
    const before = await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION));
    const r = await govgraph('consistency', 'report', '--element', 'E'.repeat(MAX_NAME + 1));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`govgraph: consistencyReport is refused: the platform keeps no longer input.\n  element: ${over(MAX_NAME + 1, MAX_NAME)}\n`);
    expect(await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION))).toBe(before);
  }, 60_000);

  it('`grant add` with more items than the bound is refused, and no grant is stored', async () => {
    const items = Array.from({ length: MAX_LIST + 1 }, (_, i) => `item${i}`).join(',');
    const r = await govgraph('grant', 'add', '--requester', '430000-RST', '--resource', '430000-GA-00001', '--items', items, '--purposes', 'employment-services');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`items: has ${MAX_LIST + 1} entries; at most ${MAX_LIST}`);
    expect(r.stderr).not.toContain('item17');
    expect(await withSqliteStore(data, (s) => s.count(GRANTS))).toBe(0);
  }, 60_000);
});
