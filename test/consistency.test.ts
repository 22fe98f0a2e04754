// Consistency between departments (SPEC §14, Art. 13): pairs of published resources of different
// providers holding one data element, joined on a shared key element, compared in the store. Records are
// written here, so nothing depends on the demo's sizes; only supervisors of the competent department
// read the report, its sample keys are masked, and it is audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { consistencyPairs } from '../src/workflow/consistency.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
let household: Resource;
let allowance: Resource;
beforeAll(async () => {
  gw = await startTestGateway();
  const catalogues = await publishedCatalogues(gw.store);
  const resources = catalogues.flatMap((c) => c.resources);
  // The sample keys are shown as the supervisor's department reads both resources' keys and names.
  for (const resource of ['430000-GA-00001', '430000-MZ-00001']) {
    await addGrant(gw.store, { platform: gw.platform, catalogues },
      { requester: '430000-ZWB', resource, items: ['idNumber', 'fullName'], purposes: ['social-assistance'], createdBy: 'test' });
  }
  household = resources.find((r) => r.code === '430000-GA-00001')!;
  allowance = resources.find((r) => r.code === '430000-MZ-00001')!;
  const id = (n: number) => `4301021990010${String(n).padStart(5, '0')}`;
  // Registered in Changsha (the register's row scope: a record without a region is its provider's alone).
  await gw.store.upsert(collectionOf(household), 'idNumber', [1, 2, 3, 4, 5].map((n) => ({ idNumber: id(n), fullName: `张${n}`, regionCode: '430102' })));
  await gw.store.upsert(collectionOf(allowance), 'caseNo', [
    { caseNo: 'DB43010200000001', idNumber: id(1), fullName: '张1' },
    { caseNo: 'DB43010200000002', idNumber: id(2), fullName: '张二' }, // differs
    { caseNo: 'DB43010200000004', idNumber: id(4), fullName: null }, // differs: null against a value
    { caseNo: 'DB43010200000009', idNumber: id(9), fullName: '李9' }, // no household record: not compared
  ]);
});
afterAll(() => gw?.close());

const REPORT = `query($e: String) { consistencyReport(element: $e) {
  element left right leftItem rightItem keyElement leftKey rightKey compared differing sampleKeys } }`;
const SUPERVISOR = { dept: '430000-ZWB', roles: ['supervisor' as const], purpose: 'social-assistance' };

describe('the pairs to compare', () => {
  it('joins two providers’ resources on the element of a key item both carry, each other element once', () => {
    const pairs = consistencyPairs([allowance, household]).map((p) => [p.element, p.left.code, p.right.code, p.keyElement, p.leftKey.name, p.rightKey.name]);
    expect(pairs).toEqual([['DE-0002', '430000-GA-00001', '430000-MZ-00001', 'DE-0001', 'idNumber', 'idNumber']]);
    expect(consistencyPairs([allowance, household], 'DE-0001')).toEqual([]); // the key element is not compared with itself
    expect(consistencyPairs([allowance, { ...household, provider: '430000-MZ' }])).toEqual([]); // one provider
    const noKey = { ...household, items: household.items.map((i) => (i.name === 'idNumber' ? { ...i, element: undefined } : i)) };
    expect(consistencyPairs([allowance, noKey])).toEqual([]); // no shared key element
  });
  it('takes the element asked for in another case as the element (written one way on the platform), not as none', () => {
    // `de-0002` answered no pair: read as "nothing to compare", while DE-0002's records differ.
    const asked = (e: string) => consistencyPairs([allowance, household], e).map((p) => [p.element, p.left.code, p.right.code]);
    expect(asked('de-0002')).toEqual(asked('DE-0002'));
    expect(asked('de-0002')).toEqual([['DE-0002', '430000-GA-00001', '430000-MZ-00001']]);
    expect(asked('de-0001')).toEqual([]); // the key element still is not compared with itself
  });
});

describe('consistencyReport', () => {
  it('counts the records compared and differing, with masked sample keys', async () => {
    const r = await gw.query(REPORT, { ...SUPERVISOR, variables: { e: 'DE-0002' } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{
      element: 'DE-0002', left: '430000-GA-00001', right: '430000-MZ-00001', leftItem: 'fullName', rightItem: 'fullName',
      keyElement: 'DE-0001', leftKey: 'idNumber', rightKey: 'idNumber', compared: 3, differing: 2,
      sampleKeys: ['430102********0002', '430102********0004'],
    }]);
    // Without a purpose its department reads neither key (PURPOSE_REQUIRED): the counts, no key.
    const unstated = await gw.query(REPORT, { dept: SUPERVISOR.dept, roles: SUPERVISOR.roles, variables: { e: 'DE-0002' } });
    expect(unstated.data!.consistencyReport).toEqual([expect.objectContaining({ compared: 3, differing: 2, sampleKeys: [] })]);
    const all = await gw.query(REPORT, SUPERVISOR);
    expect(all.data!.consistencyReport.map((p: { element: string }) => p.element)).toContain('DE-0002');
    // An element no published resource carries is refused, as the command refuses it (not "nothing to compare").
    const none = await gw.query(REPORT, { ...SUPERVISOR, variables: { e: 'DE-9999' } });
    expect(none.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('is for supervisors of the competent department only', async () => {
    for (const who of [{ dept: '430000-ZWB', roles: ['auditor' as const] }, { dept: '430000-GA', roles: ['supervisor' as const] }]) {
      const r = await gw.query(REPORT, { ...who, variables: { e: 'DE-0002' } });
      expect(r.data).toBeNull();
      expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN']);
    }
  });

  it('refuses an empty element (not an answer of no pairs), naming the argument', async () => {
    for (const e of ['', '  ']) {
      const r = await gw.query(REPORT, { ...SUPERVISOR, variables: { e } });
      expect(r.data).toBeNull();
      expect(r.errors!.map((x) => [x.extensions!.code, x.extensions!.problems])).toEqual([['BAD_USER_INPUT', [{ path: 'element', message: 'is empty' }]]]);
    }
  });

  it('is audited, naming both resources so that their providers see the entry', async () => {
    const q = `{ auditLog(filter: { resource: "430000-MZ-00001" }, first: 5) { nodes { action outcome detail resources { resource items } } } }`;
    const entry = (await gw.query(q, SUPERVISOR)).data!.auditLog.nodes.find((n: { action: string }) => n.action === 'consistencyReport');
    expect(entry.detail).toBe('consistency report: 1 pair of resources compared'); // no record figures (SPEC §10 readers)
    expect(entry.resources).toEqual([
      { resource: '430000-GA-00001', items: ['fullName', 'idNumber'] },
      { resource: '430000-MZ-00001', items: ['fullName', 'idNumber'] },
    ]);
    // The provider sees the entry, with its own part.
    const own = (await gw.query(q, { dept: '430000-MZ' })).data!.auditLog.nodes.find((n: { action: string }) => n.action === 'consistencyReport');
    expect(own.resources.map((x: { resource: string }) => x.resource)).toEqual(['430000-MZ-00001']);
  });
});
