// One action, two paths: a GraphQL field and the command that do one thing take the same input the same
// way (codes and names trimmed, in any case where codes ignore it), refuse the same input, and record the
// same in the audit log. On a platform of its own (650000, written here), not the demo's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getGrant } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { getSharingRequest } from '../src/workflow/sharing.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'govgraph-paths-'));
const platformFile = join(dir, 'platform.yaml');
const catalogueFile = join(dir, 'register.yaml');
const laterFile = join(dir, 'permits.yaml');

writeFileSync(platformFile, `platform:
  region: "650000"
  level: province
  name: Paths Test Platform
  competentDepartment: "650000-SJJ"
purposes:
  - { code: aid-review, name: Aid review }
  - { code: tax-check, name: Tax check }
departments:
  - { code: "650000-SJJ", name: Data Bureau, graphqlName: dataBureau, level: province, region: "650000" }
  - { code: "650000-GAT", name: Public Security, graphqlName: security, level: province, region: "650000" }
  - { code: "650000-MZT", name: Civil Affairs, graphqlName: civil, level: province, region: "650000" }
  - { code: "650000-SWJ", name: Taxation, graphqlName: tax, level: province, region: "650000" }
connected: []
`);
writeFileSync(catalogueFile, `id: XJ-Gat
kind: departmental
title: Residents register
compiler: "650000-GAT"
resources:
  - code: "650000-GAT-R01"
    name: Residents
    provider: "650000-GAT"
    graphql: { type: Resident, list: residents, byKey: resident }
    key: pid
    share:
      type: conditional
      conditions: aid only
      basis: register law
      methods: [api]
      scope: { purposes: [aid-review, tax-check] }
    items:
      - { name: pid, type: string, required: true, sensitivity: personal, mask: idcard, element: XJ-E1 }
      - { name: fullName, type: string, sensitivity: personal, mask: name, element: XJ-E2 }
      - { name: area, type: string, length: 6 }
`);
const aidFile = join(dir, 'aid.yaml');
writeFileSync(aidFile, `id: XJ-Mzt
kind: departmental
title: Aid register
compiler: "650000-MZT"
resources:
  - code: "650000-MZT-A01"
    name: Aid cases
    provider: "650000-MZT"
    graphql: { type: AidCase, list: aidCases, byKey: aidCase }
    key: pid
    share: { type: unconditional, methods: [api] }
    items:
      - { name: pid, type: string, required: true, element: XJ-E1 }
      - { name: fullName, type: string, element: XJ-E2 }
`);

writeFileSync(laterFile, `id: XJ-Gat-Permits
kind: departmental
title: Permits register
compiler: "650000-GAT"
resources:
  - code: "650000-GAT-P01"
    name: Permits
    provider: "650000-GAT"
    graphql: { type: Permit, list: permits, byKey: permit }
    key: permitNo
    share: { type: conditional, conditions: permit checks, basis: permit rules, methods: [api], scope: { purposes: [aid-review] } }
    items:
      - { name: permitNo, type: string, required: true }
      - { name: holder, type: string }
`);

let gw: TestGateway;
const govgraph = (...args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: gw.dataDir, GOVGRAPH_PLATFORM: platformFile }) });

const REQUEST = `mutation($i: SharingRequestInput!) { requestSharing(input: $i) { id resource items purposes } }`;
const DECIDE = `mutation($i: SharingDecisionInput!) { decideSharingRequest(input: $i) { id status grant { items unmasked } } }`;
const APPLICANT = (dept: string) => ({ dept, roles: ['applicant' as const] });
const GAT_APPROVER = { dept: '650000-GAT', roles: ['approver' as const] };

beforeAll(async () => {
  gw = await startTestGateway({ platformFile, catalogueFiles: [catalogueFile, laterFile, aidFile] });
});
afterAll(async () => {
  await gw?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('requestSharing takes items and purposes as grant add does', () => {
  it('trims them: a purpose with a space is the purpose, not one outside the scope; the request keeps them trimmed', async () => {
    const r = await gw.query(REQUEST, {
      ...APPLICANT('650000-MZT'),
      variables: { i: { resource: '650000-GAT-R01', items: [' area', 'fullName ', 'area'], purposes: ['aid-review '], justification: 'aid cases' } },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.requestSharing).toMatchObject({ resource: '650000-GAT-R01', items: ['area', 'fullName'], purposes: ['aid-review'] });
    const stored = await getSharingRequest(gw.store, r.data!.requestSharing.id);
    expect([stored!.items, stored!.purposes]).toEqual([['area', 'fullName'], ['aid-review']]);

    // The operator's grant add, given the same, stores the same lists.
    const added = await govgraph('grant', 'add', '--requester', '650000-SWJ', '--resource', '650000-GAT-R01', '--items', ' area,fullName ', '--purposes', 'aid-review ');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/650000-SWJ may read area, fullName of 650000-GAT-R01 for aid-review, until revoked/);
    // Each entry names the items concerned, trimmed: the request's as the grant's.
    const log = (await gw.store.find(AUDIT_COLLECTION, {})).map(fromRow);
    const items = (action: string) => log.filter((e) => e.action === action).map((e) => e.resources.map((x) => x.items));
    expect([items('requestSharing'), items('addGrant')]).toEqual([[[['area', 'fullName']]], [[['area', 'fullName']]]]);
  });
});

describe('decideSharingRequest takes items as request decide does', () => {
  it('trims the items approved: "fullName " is the item requested, through the field as through the command', async () => {
    const viaField = await gw.query(REQUEST, {
      ...APPLICANT('650000-SWJ'),
      variables: { i: { resource: '650000-GAT-R01', items: ['area', 'fullName'], purposes: ['tax-check'], justification: 'tax cases' } },
    });
    const id = viaField.data!.requestSharing.id as string;
    const d = await gw.query(DECIDE, { ...GAT_APPROVER, variables: { i: { id, decision: 'APPROVE', items: ['fullName '], unmasked: [' fullName'] } } });
    expect(d.errors).toBeUndefined();
    expect(d.data!.decideSharingRequest).toMatchObject({ status: 'APPROVED', grant: { items: ['fullName'], unmasked: ['fullName'] } });

    // The same decision through the command, on a request of another department.
    const other = await gw.query(REQUEST, {
      ...APPLICANT('650000-SJJ'),
      variables: { i: { resource: '650000-GAT-R01', items: ['area', 'fullName'], purposes: ['tax-check'], justification: 'checks' } },
    });
    const otherId = other.data!.requestSharing.id as string;
    const c = await govgraph('request', 'decide', otherId, '--dept', '650000-GAT', '--approve', '--items', 'fullName ', '--unmasked', ' fullName');
    expect(c.code).toBe(0);
    const decided = await getSharingRequest(gw.store, otherId);
    expect((await getGrant(gw.store, decided!.grantId!))).toMatchObject({ items: ['fullName'], unmasked: ['fullName'] });
  });
});

describe('a filter given empty is refused, through the field as through the command', () => {
  it('names the argument (BAD_USER_INPUT), never answers everything or nothing', async () => {
    const SUPERVISOR = { dept: '650000-SJJ', roles: ['supervisor' as const] };
    const cases: [string, string[]][] = [
      ['{ sharingRequests(resource: $e) { id } }', ['resource']],
      ['{ sharingRequests(id: $e) { id } }', ['id']],
      ['{ grants(resource: $e, requester: $e) { id } }', ['resource', 'requester']],
      ['{ objections(resource: $e) { id } }', ['resource']],
      ['{ objections(id: $e) { id } }', ['id']],
      ['{ demands(id: $e) { id } }', ['id']],
      ['{ catalogues(compiler: $e) { id } }', ['compiler']],
      ['{ catalogues(id: $e) { id } }', ['id']],
      ['{ usage(from: "2026-01-01", to: "2026-01-31", resource: $e) { from } }', ['resource']],
      ['{ auditLog(filter: { resource: $e, provider: $e, department: $e }) { totalCount } }', ['filter.department', 'filter.resource', 'filter.provider']],
      ['{ auditLog(filter: { via: $e, action: $e }) { totalCount } }', ['filter.via', 'filter.action']],
      ['{ auditLog(filter: { requestId: $e }) { totalCount } }', ['filter.requestId']],
    ];
    for (const e of ['', '  ']) {
      for (const [body, paths] of cases) {
        const doc = `query($e: ${body.includes('id: $e') ? 'ID' : 'String'}!) ${body}`;
        const r = await gw.query(doc, { ...SUPERVISOR, variables: { e } });
        expect([body, r.data, r.errors?.map((x) => [x.extensions!.code, x.extensions!.problems])]).toEqual([
          body, null, [['BAD_USER_INPUT', paths.map((path) => ({ path, message: 'is empty' }))]],
        ]);
      }
    }
    // The commands refuse the same before they read anything.
    for (const args of [['request', 'list', '--resource', ''], ['grant', 'list', '--requester', ' '], ['objection', 'list', '--resource', ''], ['usage', '--from', '2026-01-01', '--to', '2026-01-31', '--resource', '']]) {
      const r = await govgraph(...args);
      expect([args, r.code, r.stderr]).toEqual([args, 1, expect.stringMatching(/: an empty value; write --\w+ <code>, or leave --\w+ out\n$/)]);
    }
  });
});

describe('grant revoke names the provider as revokeGrant does', () => {
  it('of a grant whose resource is no longer published: its provider reads the revocation', async () => {
    // Two grants, one revoked each way: the second ends on a date (the same arguments twice make one grant).
    const add = (more: string[]) => govgraph('grant', 'add', '--requester', '650000-MZT', '--resource', '650000-GAT-P01', '--items', 'holder', '--purposes', 'aid-review', ...more);
    const ids = [] as string[];
    for (const more of [[], ['--until', '2099-12-31']]) {
      const r = await add(more);
      expect(r.code).toBe(0);
      ids.push(/^grant ([0-9a-f-]+):/.exec(r.stdout)![1]);
    }
    const w = await gw.query(`mutation { withdrawCatalogue(id: "XJ-Gat-Permits", reason: "register closed") { status } }`, { dept: '650000-GAT', roles: ['compiler'] });
    expect(w.errors).toBeUndefined();

    const viaField = await gw.query(`mutation($id: ID!) { revokeGrant(id: $id) { id } }`, { ...GAT_APPROVER, variables: { id: ids[0] } });
    expect(viaField.errors).toBeUndefined();
    expect((await govgraph('grant', 'revoke', ids[1])).code).toBe(0);

    const log = (await gw.store.find(AUDIT_COLLECTION, {})).map(fromRow).filter((e) => e.action === 'revokeGrant');
    expect(log.map((e) => [e.kind, e.outcome, e.resources.map((r) => [r.resource, r.provider])])).toEqual([
      ['workflow', 'ok', [['650000-GAT-P01', '650000-GAT']]],
      ['operator', 'ok', [['650000-GAT-P01', '650000-GAT']]],
    ]);
    // And in the same words, with the same items concerned.
    expect(log.map((e) => [e.detail, e.resources[0].items])).toEqual([
      [`grant ${ids[0]} to 650000-MZT for 650000-GAT-P01 revoked`, ['holder']],
      [`grant ${ids[1]} to 650000-MZT for 650000-GAT-P01 revoked`, ['holder']],
    ]);
    // The provider's own view of the log has both.
    const seen = await gw.query(`{ auditLog(filter: { resource: "650000-GAT-P01" }) { nodes { action kind } } }`, GAT_APPROVER);
    expect(seen.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'revokeGrant')).toHaveLength(2);
  });

  it('a resource no longer published is found by its code in any case, as while it was published', async () => {
    // Its grants, and the entries about it, outlive it: the filters find them by the code as published.
    const SUPERVISOR = { dept: '650000-SJJ', roles: ['supervisor' as const] };
    const r = await gw.query(`query($c: String!) {
      grants(resource: $c) { resource }
      auditLog(filter: { resource: $c, kind: WORKFLOW }) { nodes { action } }
    }`, { ...SUPERVISOR, variables: { c: '650000-gat-p01 ' } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.grants).toEqual([{ resource: '650000-GAT-P01' }, { resource: '650000-GAT-P01' }]);
    expect(r.data!.auditLog.nodes.map((n: { action: string }) => n.action)).toEqual(['revokeGrant', 'withdrawCatalogue']);
    const listed = await govgraph('grant', 'list', '--resource', '650000-gat-p01');
    expect(listed.stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe("a listed department's code in another case is the department's in every filter", () => {
  it('finds its grants, catalogues and audit entries through the fields and the commands, as its code as listed does', async () => {
    const SUPERVISOR = { dept: '650000-SJJ', roles: ['supervisor' as const] };
    const q = `query($d: String!) {
      grants(requester: $d) { requester }
      catalogues(compiler: $d) { id }
      byRequester: auditLog(filter: { department: $d }) { totalCount }
      byProvider: auditLog(filter: { provider: $d }) { totalCount }
    }`;
    const listed = await gw.query(q, { ...SUPERVISOR, variables: { d: '650000-GAT' } });
    const otherCase = await gw.query(q, { ...SUPERVISOR, variables: { d: ' 650000-gat ' } });
    expect(listed.errors).toBeUndefined();
    expect(otherCase).toEqual(listed);
    expect(listed.data!.catalogues.length).toBeGreaterThan(0);
    expect(listed.data!.byProvider.totalCount).toBeGreaterThan(0);
    const mztGrants = async (code: string) => (await gw.query(`{ grants(requester: "${code}") { id } }`, SUPERVISOR)).data!.grants;
    expect((await mztGrants('650000-mzt')).length).toBeGreaterThan(0);
    expect(await mztGrants('650000-mzt')).toEqual(await mztGrants('650000-MZT'));

    const lines = async (...args: string[]) => {
      const r = await govgraph(...args);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(await lines('grant', 'list', '--requester', '650000-mzt')).toBe(await lines('grant', 'list', '--requester', '650000-MZT'));
    expect(await lines('grant', 'list', '--requester', '650000-MZT')).not.toBe('no grants\n');
    expect(await lines('catalogue', 'list', '--compiler', '650000-gat')).toBe(await lines('catalogue', 'list', '--compiler', '650000-GAT'));
    // A code no department has in any case, and no grant holds, is refused, naming it (not "no grants").
    const unknown = await govgraph('grant', 'list', '--requester', '650000-XYZ');
    expect([unknown.code, unknown.stdout, unknown.stderr]).toEqual([1, '', expect.stringContaining('govgraph: --requester 650000-XYZ: no such department on the platform, and no grant names it; ')]);
  });
});

describe('requestData takes purpose codes as the x-purpose header and requestSharing do', () => {
  it('trims them: " aid-review" is the purpose, not "not a purpose of this platform"', async () => {
    const r = await gw.query(`mutation($i: DemandInput!) { requestData(input: $i) { purposes items provider } }`, {
      ...APPLICANT('650000-MZT'),
      variables: { i: { title: 'Permit holders', description: 'aid cases', items: [' holder '], purposes: [' aid-review', 'tax-check '], provider: '650000-GAT' } },
    });
    expect(r.errors).toBeUndefined();
    expect(r.data!.requestData).toEqual({ purposes: ['aid-review', 'tax-check'], items: ['holder'], provider: '650000-GAT' });
  });
});

describe('raiseObjection takes an item name as requestSharing does', () => {
  it('trims it: " area" is the item, not "not an item of the resource"', async () => {
    await gw.store.insert('r_650000_gat_r01', [{ pid: '650101199001011234', fullName: 'Ali', area: '650101' }]);
    const asked = await gw.query(REQUEST, {
      ...APPLICANT('650000-SWJ'),
      variables: { i: { resource: '650000-GAT-R01', items: ['pid', 'area'], purposes: ['aid-review'], justification: 'aid checks' } },
    });
    const approved = await gw.query(DECIDE, { ...GAT_APPROVER, variables: { i: { id: asked.data!.requestSharing.id, decision: 'APPROVE' } } });
    expect(approved.errors).toBeUndefined();
    const r = await gw.query(`mutation($i: ObjectionInput!) { raiseObjection(input: $i) { item resource } }`, {
      ...APPLICANT('650000-SWJ'),
      purpose: 'aid-review',
      variables: { i: { resource: '650000-gat-r01', key: '650101199001011234', item: ' area ', reason: 'wrong area' } },
    });
    expect(r.errors?.[0]?.message).toBeUndefined();
    expect(r.data!.raiseObjection).toEqual({ item: 'area', resource: '650000-GAT-R01' });
  });
});

describe('a period that ends before it starts, over the audit log', () => {
  it('is refused by auditLog as by usage and the usage command (BAD_USER_INPUT), not answered with no entries', async () => {
    const SUPERVISOR = { dept: '650000-SJJ', roles: ['supervisor' as const] };
    const log = await gw.query(`{ auditLog(filter: { from: "2026-12-06T00:00:00Z", to: "2026-12-01T00:00:00Z" }) { totalCount } }`, SUPERVISOR);
    expect([log.data, log.errors?.map((e) => [e.extensions!.code, e.message])]).toEqual([
      null, [['BAD_USER_INPUT', 'The period ends (2026-12-01T00:00:00.000Z) before it starts (2026-12-06T00:00:00.000Z).']],
    ]);
    const usage = await gw.query(`{ usage(from: "2026-12-06", to: "2026-12-01") { from } }`, SUPERVISOR);
    expect(usage.errors?.map((e) => [e.extensions!.code, e.message])).toEqual([['BAD_USER_INPUT', 'The period ends (2026-12-01) before it starts (2026-12-06).']]);
    const command = await govgraph('usage', '--from', '2026-12-06', '--to', '2026-12-01');
    expect([command.code, command.stderr]).toEqual([1, expect.stringContaining('govgraph: BAD_USER_INPUT: The period ends (2026-12-01) before it starts (2026-12-06).\n')]);
    // A period of one instant or more is answered.
    const same = await gw.query(`{ auditLog(filter: { from: "2026-12-01T00:00:00Z", to: "2026-12-01T00:00:00Z" }) { totalCount } }`, SUPERVISOR);
    expect(same.errors).toBeUndefined();
  });
});

describe('the consistency report takes an element as the command does', () => {
  it('trims it: " XJ-E2 " is the element, through the field and the command, not a report of no pairs', async () => {
    const SUPERVISOR = { dept: '650000-SJJ', roles: ['supervisor' as const] };
    const report = (e: string) => gw.query(`query($e: String) { consistencyReport(element: $e) { element left right } }`, { ...SUPERVISOR, variables: { e } });
    const pair = { element: 'XJ-E2', left: '650000-GAT-R01', right: '650000-MZT-A01' };
    expect((await report('XJ-E2')).data!.consistencyReport).toEqual([pair]);
    expect((await report(' XJ-E2 ')).data!.consistencyReport).toEqual([pair]);
    const command = await govgraph('consistency', 'report', '--element', ' XJ-E2 ');
    expect([command.code, command.stdout]).toEqual([0, expect.stringMatching(/^XJ-E2  650000-GAT-R01\.fullName <> 650000-MZT-A01\.fullName  on XJ-E1/)]);
    const log = (await gw.store.find(AUDIT_COLLECTION, {})).map(fromRow).filter((e) => e.action === 'consistencyReport');
    expect(log.map((e) => [e.kind, e.detail])).toEqual([
      ['workflow', 'consistency report for XJ-E2: 1 pair of resources compared'],
      ['workflow', 'consistency report for XJ-E2: 1 pair of resources compared'],
      ['operator', 'consistency report for XJ-E2: 1 pair of resources compared'],
    ]);
  });
});
