// The catalogue lifecycle through GraphQL, as a department's compiler and the competent department's
// auditor use it (SPEC §9): submit → review → publish, and every bad input refused with its code and
// nothing changed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GA_COMPILER, PUBLISH, REVIEW, SUBMIT, VERSIONS, ZWB_AUDITOR, demoCatalogue } from './helpers/workflow.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw?.close());

const versions = async (id: string) => (await gw.query(VERSIONS, { ...GA_COMPILER, variables: { id } })).data!.catalogue;
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

/** HN-GA with one more item on its criminal case files. */
function gaWithDistrict() {
  const doc = demoCatalogue('public-security.yaml');
  doc.resources[0].items.push({ name: 'district', title: 'District', type: 'string', length: 6 });
  return JSON.stringify(doc);
}

describe('the lifecycle: submit, review, publish', () => {
  it('runs from submission to the new schema, superseding the previous version', async () => {
    const s = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: gaWithDistrict() } });
    expect(s.errors).toBeUndefined();
    expect(s.data!.submitCatalogue.version).toEqual({ id: 'HN-GA', version: 2, status: 'SUBMITTED' });

    // Publishing before the review is a conflict, and nothing changes.
    const early = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v: 2 } });
    expect(codes(early)).toEqual(['CONFLICT']);
    expect(early.errors![0].message).toBe('HN-GA v2 is submitted; only a version that is approved can be published.');

    const a = await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v: 2, d: 'APPROVE', c: 'Complete and consistent.' } });
    expect(a.data!.reviewCatalogue).toEqual({ id: 'HN-GA', version: 2, status: 'APPROVED', reviewedBy: 'tester', reviewComment: 'Complete and consistent.' });

    // Deciding twice is a conflict.
    const again = await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v: 2, d: 'REJECT', c: 'no' } });
    expect(codes(again)).toEqual(['CONFLICT']);

    const before = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { district } } } }`, GA_COMPILER);
    expect(codes(before)).toEqual(['GRAPHQL_VALIDATION_FAILED']);

    const p = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v: 2 } });
    expect(p.errors).toBeUndefined();
    expect(p.data!.publishCatalogue.status).toBe('PUBLISHED');
    expect(await versions('HN-GA')).toEqual({ id: 'HN-GA', published: { version: 2 }, versions: [{ version: 1, status: 'SUPERSEDED' }, { version: 2, status: 'PUBLISHED' }] });

    // The new item is in the schema at once, without a restart.
    const after = await gw.query(`{ publicSecurity { criminalCaseFiles(first: 1) { nodes { district } } } }`, GA_COMPILER);
    expect(after.errors).toBeUndefined();
  });

  it('rejects with a comment, and a rejected version cannot be published', async () => {
    const s = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: gaWithDistrict() } });
    const v = s.data!.submitCatalogue.version.version;
    const noComment = await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'REJECT' } });
    expect(codes(noComment)).toEqual(['BAD_USER_INPUT']);
    const r = await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'REJECT', c: 'Nothing changed.' } });
    expect(r.data!.reviewCatalogue.status).toBe('REJECTED');
    const p = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v } });
    expect(codes(p)).toEqual(['CONFLICT']);
    expect((await versions('HN-GA')).published).toEqual({ version: 2 });
  });
});

describe('bad input: refused with its code, nothing changed', () => {
  it('refuses a submission without the compiler role, or by another department', async () => {
    const before = await versions('HN-GA');
    const noRole = await gw.query(SUBMIT, { dept: '430000-GA', roles: ['applicant'], variables: { doc: gaWithDistrict() } });
    expect(codes(noRole)).toEqual(['FORBIDDEN']);
    expect(noRole.errors![0].message).toBe(
      "This needs the compiler role; your token's roles are: applicant. Ask for a token that carries it (an operator makes one with `govgraph token --dept 430000-GA --roles compiler`).",
    );
    // An identity provider's role in another case is not the platform's; the refusal names what it ignored.
    const upper = await gw.query(SUBMIT, { dept: '430000-GA', roles: ['COMPILER' as Role, 'applicant'], variables: { doc: gaWithDistrict() } });
    expect(upper.errors![0].message).toBe(
      'This needs the compiler role; your token\'s roles are: applicant (it also carries "COMPILER", not roles of this platform, which are matched exactly: compiler, auditor, applicant, approver, supervisor). Ask for a token that carries it (an operator makes one with `govgraph token --dept 430000-GA --roles compiler`).',
    );
    // Roles a reader could not see as written (DEL and C1 controls, bidi and zero-width format characters,
    // separators) make the token a bad one (src/model/identifier-text.ts): refused before any role is read.
    for (const role of ['\u202Etoor\u202C', 'x\u007f\u009b31m', 'ab\u2028cd\u200B', 'tag\u{E0001}']) {
      const odd = await gw.query(SUBMIT, { dept: '430000-GA', roles: ['compiler', role] as string[] as Role[], variables: { doc: gaWithDistrict() } });
      expect([odd.status, codes(odd)]).toEqual([401, ['UNAUTHENTICATED']]);
    }
    const other = await gw.query(SUBMIT, { dept: '430000-MZ', roles: ['compiler'], variables: { doc: gaWithDistrict() } });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    expect(other.errors![0].message).toBe('Only department 430000-GA may submit a catalogue compiled by 430000-GA; you act for 430000-MZ.');
    expect(await versions('HN-GA')).toEqual(before);
  });

  it('refuses a review by an auditor outside the competent department, and a publish by another department', async () => {
    const s = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: gaWithDistrict() } });
    const v = s.data!.submitCatalogue.version.version;
    const outsider = await gw.query(REVIEW, { dept: '430000-GA', roles: ['auditor'], variables: { id: 'HN-GA', v, d: 'APPROVE' } });
    expect(codes(outsider)).toEqual(['FORBIDDEN']);
    // Without the role as well, the department is what is wrong: a token of 430000-GA with the auditor
    // role would be refused all the same, so the message must not send the caller for one.
    const competent = 'This is for the competent department 430000-ZWB; you act for 430000-GA.';
    expect(outsider.errors![0].message).toBe(competent);
    const neither = await gw.query(REVIEW, { dept: '430000-GA', roles: ['compiler'], variables: { id: 'HN-GA', v, d: 'APPROVE' } });
    expect(neither.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([['FORBIDDEN', competent]]);
    // The competent department without the role is told which role to ask for.
    const noRole = await gw.query(REVIEW, { dept: '430000-ZWB', roles: ['supervisor'], variables: { id: 'HN-GA', v, d: 'APPROVE' } });
    expect(noRole.errors![0].message).toBe(
      "This needs the auditor role; your token's roles are: supervisor. Ask for a token that carries it (an operator makes one with `govgraph token --dept 430000-ZWB --roles auditor`).",
    );
    await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: 'HN-GA', v, d: 'APPROVE' } });
    const wrongDept = await gw.query(PUBLISH, { dept: '430000-MZ', roles: ['compiler'], variables: { id: 'HN-GA', v } });
    expect(codes(wrongDept)).toEqual(['FORBIDDEN']);
    const unknown = await gw.query(PUBLISH, { ...GA_COMPILER, variables: { id: 'HN-GA', v: 99 } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const state = await versions('HN-GA');
    expect(state.published).toEqual({ version: 2 });
    expect(state.versions.at(-1)).toEqual({ version: v, status: 'APPROVED' });
  });

  it('refuses an invalid document whole, listing every problem as a path and a message', async () => {
    const doc = demoCatalogue('public-security.yaml');
    doc.resources[0].name = 'x'.repeat(51);
    (doc.resources[0] as { format: string }).format = 'paper';
    const r = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: JSON.stringify(doc) } });
    expect(codes(r)).toEqual(['CATALOGUE_INVALID']);
    const problems = r.errors![0].extensions!.problems as { path: string; message: string }[];
    expect(problems.map((p) => p.path).sort()).toEqual(['resources[0].format', 'resources[0].name']);
    const syntax = await gw.query(SUBMIT, { ...GA_COMPILER, variables: { doc: 'id: [unclosed' } });
    expect(codes(syntax)).toEqual(['CATALOGUE_INVALID']);
  });

  it('refuses a catalogue that collides with another department’s', async () => {
    const doc = demoCatalogue('civil-affairs.yaml');
    doc.id = 'HN-MZ-2';
    doc.resources[0].code = '430000-GA-00001'; // a resource code already published by 430000-GA
    doc.resources[0].provider = '430000-MZ';
    const r = await gw.query(SUBMIT, { dept: '430000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
    expect(codes(r)).toEqual(['CATALOGUE_INVALID']);
    expect((r.errors![0].extensions!.problems as { path: string }[]).some((p) => p.path.startsWith('resources[0]'))).toBe(true);

    const taken = demoCatalogue('civil-affairs.yaml');
    taken.id = 'HN-GA'; // another department's catalogue id
    const t = await gw.query(SUBMIT, { dept: '430000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(taken) } });
    expect(codes(t)).toEqual(['CONFLICT']);
    expect(t.errors![0].message).toMatch(/^Catalogue id HN-GA is already used by 430000-GA's catalogue/);
    const mz = await gw.query(`{ catalogues(compiler: "430000-MZ") { id versions { version } } }`, { dept: '430000-MZ' });
    expect(mz.data!.catalogues).toEqual([
      { id: 'HN-MZ', versions: [{ version: 1 }] },
      { id: 'HN-SOCIAL-ASSISTANCE', versions: [{ version: 1 }] },
    ]);
  });
});

describe('warnings on submission', () => {
  it('names the published resource that already provides a repeated data element', async () => {
    const doc = demoCatalogue('civil-affairs.yaml');
    doc.resources[0].items[0].element = 'DE-0001'; // the citizen ID number, provided by 430000-GA-00001
    const r = await gw.query(SUBMIT, { dept: '430000-MZ', roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.submitCatalogue.warnings).toEqual([
      {
        kind: 'REPEATED_COLLECTION',
        path: 'resources[0].items[0]',
        message: expect.stringContaining('430000-GA already provides as idNumber of 430000-GA-00001'),
        element: 'DE-0001',
        useInstead: { resource: '430000-GA-00001', provider: '430000-GA', item: 'idNumber' },
        resource: null,
        item: null,
        grants: null,
      },
    ]);
    // The warnings of a version under review are the compiler's and the competent department's business.
    const q = `{ catalogue(id: "HN-MZ") { versions { version status warnings { kind } } } }`;
    const own = await gw.query(q, { dept: '430000-MZ' });
    expect(own.data!.catalogue.versions.find((v: { status: string }) => v.status === 'SUBMITTED').warnings).toEqual([{ kind: 'REPEATED_COLLECTION' }]);
    const other = await gw.query(q, { dept: '430000-RST' });
    for (const v of other.data!.catalogue?.versions ?? []) expect(v.warnings).toEqual([]);
  });
});

describe('revision deadlines', () => {
  it('lists a catalogue whose revision is past due and unpublished as overdue', async () => {
    const doc = demoCatalogue('human-resources.yaml');
    doc.revision = { trigger: 'function-change', since: '2025-03-03', note: 'Functions reassigned' };
    const s = await gw.query(SUBMIT, { dept: '430000-RST', roles: ['compiler'], variables: { doc: JSON.stringify(doc) } });
    expect(s.errors).toBeUndefined();
    const q = `{ catalogues(overdue: true) { id overdue revision { trigger since dueDate publishedAt overdue } } }`;
    const own = await gw.query(q, { dept: '430000-RST' });
    // 15 working days after Monday 2025-03-03 (no holidays of the demo platform in 2025): Monday 2025-03-24.
    expect(own.data!.catalogues).toEqual([
      { id: 'HN-RST', overdue: true, revision: { trigger: 'FUNCTION_CHANGE', since: '2025-03-03', dueDate: '2025-03-24', publishedAt: null, overdue: true } },
    ]);
    // Another department sees only published versions: no overdue draft of HN-RST.
    const other = await gw.query(q, { dept: '430000-MZ' });
    expect(other.data!.catalogues).toEqual([]);
  });
});

describe('withdrawal', () => {
  it('takes the catalogue out of effect, by its compiler only', async () => {
    const W = `mutation { withdrawCatalogue(id: "HN-430100-MZ", reason: "Merged into the provincial catalogue") { id version status } }`;
    const other = await gw.query(W, { dept: '430000-MZ', roles: ['compiler'] });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    const r = await gw.query(W, { dept: '430100-MZ', roles: ['compiler'] });
    expect(r.data!.withdrawCatalogue).toEqual({ id: 'HN-430100-MZ', version: 1, status: 'WITHDRAWN' });
    const gone = await gw.query(`{ changshaCivilAffairs { elderlyCareSubsidies(first: 1) { totalCount } } }`, { dept: '430100-MZ' });
    expect(codes(gone)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const again = await gw.query(W, { dept: '430100-MZ', roles: ['compiler'] });
    expect(codes(again)).toEqual(['CONFLICT']);
  });
});
