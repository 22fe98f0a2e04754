// The access table of SPEC §6 proved from the outside: HTTP requests with real tokens and the purpose
// header against the demo platform, every row on a list, a lookup by key and a link, with the exact
// errors (`code`, `resource`, `item`) and the rest of the response standing; every mask; item
// tightening; and the ways around the rules (filters, orders, counts, cursors, messages, links).
//
// Besides the demo, one test catalogue of the Xiangtan Civil Affairs Bureau (which publishes nothing in
// the demo) gives two link fields whose own item is not shared or not offered through the API: the demo
// has no such link.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execute, GraphQLObjectType, isIntrospectionType, parse } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, GRANTS, revokeGrant, type Grant, type GrantInput } from '../src/access/grants.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { connectionTypeName } from '../src/model/names.ts';
import { signToken } from '../src/identity/token.ts';
import { dataRules } from '../src/rules/data-rules.ts';
import { eq, ROW_ORDER, type Filter, type Row } from '../src/store/port.ts';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';
import { masked } from './helpers/oracle.ts';

let gw: TestGateway;
let tmp: string;

type Rec = Record<string, any>;

/** The first records of the household register, as their provider (430000-GA) reads them. */
let people: Rec[];

const XIANGTAN_CATALOGUE = `
id: HN-430300-MZ-TEST
kind: departmental
title: Xiangtan Civil Affairs Bureau test catalogue
compiler: "430300-MZ"
resources:
  - code: "430300-MZ-00001"
    name: Xiangtan temporary assistance
    summary: Temporary assistance paid by Xiangtan, for the access rule tests.
    provider: "430300-MZ"
    providerUnit: Social Assistance Section
    classification: "3-05-201"
    format: database
    updateCycle: monthly
    open: false
    graphql: { type: TemporaryAssistance, list: temporaryAssistances, byKey: temporaryAssistance }
    key: caseNo
    share:
      type: unconditional
      methods: [api, download]
    items:
      - { name: caseNo, title: Case number, type: string, required: true }
      - { name: amount, title: Amount (yuan), type: int }
      - { name: personId, title: Person's ID number, type: string,
          share: { type: none, basis: Kept by the provider },
          link: { resource: "430000-GA-00001", item: idNumber, field: person } }
      - { name: guardianId, title: Guardian's ID number, type: string,
          share: { methods: [download] },
          link: { resource: "430000-GA-00001", item: idNumber, field: guardian } }
`;

beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
  tmp = mkdtempSync(join(tmpdir(), 'govgraph-access-'));
  const file = join(tmp, 'xiangtan.yaml');
  writeFileSync(file, XIANGTAN_CATALOGUE);
  await importCatalogueFiles(gw.store, gw.platform, [file], { publish: true });
  const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 50) { nodes {
    idNumber fullName gender birthDate phone address ethnicity regionCode employerCode } } } }`, { dept: '430000-GA' });
  people = r.data!.publicSecurity.householdRegistrations.nodes;
  await gw.store.insert('r_430300_mz_00001', [
    { caseNo: 'LS0001', amount: 500, personId: people[0].idNumber, guardianId: people[1].idNumber },
    { caseNo: 'LS0002', amount: 800, personId: people[2].idNumber, guardianId: null },
  ]);
  await gw.gateway.holder.refresh();
}, 60_000);

afterAll(async () => {
  await gw?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------------------------------

/** The errors of a response as `{ path, code, resource, item }`, list indices as `*`, in path order
 * (the order in which fields resolve is not part of the contract). */
function errorsOf(r: GraphQLResponse): Rec[] {
  return (r.errors ?? [])
    .map((e) => ({ path: (e.path ?? []).map((p) => (typeof p === 'number' ? '*' : p)).join('.'), ...e.extensions }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const made: Grant[] = [];

async function grant(input: Omit<GrantInput, 'createdBy'>, now?: Date): Promise<Grant> {
  const g = await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, { createdBy: 'access-test', ...input }, now);
  made.push(g);
  return g;
}

// Each test starts without grants.
afterEach(async () => {
  for (const g of made.splice(0)) await revokeGrant(gw.store, g.id, 'access-test');
});

const MZ = { dept: '430000-MZ', purpose: 'social-assistance' };

/** What a household read by a department holding a grant for these items looks like. */
const HOUSEHOLD_GRANT = {
  requester: '430000-MZ',
  resource: '430000-GA-00001',
  items: ['idNumber', 'fullName', 'gender', 'birthDate', 'phone', 'address', 'employerCode'],
  purposes: ['social-assistance', 'administrative-licensing'],
};

// ---- the table, row by row -----------------------------------------------------------------------------

describe('row 0: the provider reads everything, unmasked', () => {
  it('on a list, a lookup and a link to another of its resources, without a purpose', async () => {
    const p = people[0];
    const r = await gw.query(`query($id: String!) { publicSecurity {
      householdRegistrations(first: 1) { nodes { idNumber fullName phone address } }
      householdRegistration(idNumber: $id) { fullName phone address }
      criminalCaseFiles(first: 3) { nodes { caseNo notes suspect { idNumber fullName } } } } }`, { dept: '430000-GA', variables: { id: p.idNumber } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.publicSecurity.householdRegistrations.nodes).toEqual([
      { idNumber: '43010219350227846X', fullName: '赵艳娟', phone: '18506432240', address: p.address },
    ]);
    expect(r.data!.publicSecurity.householdRegistration).toEqual({ fullName: '赵艳娟', phone: '18506432240', address: p.address });
    const cases = r.data!.publicSecurity.criminalCaseFiles.nodes;
    expect(cases).toHaveLength(3);
    for (const c of cases) {
      expect(c.notes).not.toMatch(/\*\*/);
      if (c.suspect) expect(c.suspect.fullName).not.toContain('*');
    }
    expect(cases.some((c: Rec) => c.suspect !== null)).toBe(true);
  });
});

describe('row 1: NOT_SHARED', () => {
  it('a resource shared with no one: its list and lookup are null', async () => {
    const r = await gw.query(`{ publicSecurity {
      criminalCaseFiles(first: 2) { nodes { caseNo } totalCount }
      criminalCaseFile(caseNo: "A430000000000001") { caseNo } } }`, MZ);
    expect(r.data).toEqual({ publicSecurity: { criminalCaseFiles: null, criminalCaseFile: null } });
    expect(errorsOf(r)).toEqual([
      { path: 'publicSecurity.criminalCaseFile', code: 'NOT_SHARED', resource: '430000-GA-00002' },
      { path: 'publicSecurity.criminalCaseFiles', code: 'NOT_SHARED', resource: '430000-GA-00002' },
    ]);
    expect(r.errors![0].message).toBe('430000-GA-00002 (Criminal case files) is not shared; only its provider 430000-GA can read it.');
  });

  it('an item tightened to none, on a list and a lookup: null, the other items returned', async () => {
    const r = await gw.query(`{ humanResources {
      employmentRegistrations(first: 2) { nodes { registrationNo position monthlyWage } }
      employmentRegistration(registrationNo: "JY000000000001") { registrationNo monthlyWage } } }`, MZ);
    const list = r.data!.humanResources.employmentRegistrations.nodes;
    expect(list.map((n: Rec) => n.registrationNo)).toEqual(['JY000000000001', 'JY000000000002']);
    for (const n of list) {
      expect(n.monthlyWage).toBeNull();
      expect(typeof n.position).toBe('string');
    }
    expect(r.data!.humanResources.employmentRegistration).toEqual({ registrationNo: 'JY000000000001', monthlyWage: null });
    expect(errorsOf(r)).toEqual([
      { path: 'humanResources.employmentRegistration.monthlyWage', code: 'NOT_SHARED', resource: '430000-RST-00001', item: 'monthlyWage' },
      { path: 'humanResources.employmentRegistrations.nodes.*.monthlyWage', code: 'NOT_SHARED', resource: '430000-RST-00001', item: 'monthlyWage' },
    ]);
    expect(r.errors![0].message).toBe('Item `monthlyWage` of 430000-RST-00001 (Employment registration) is not shared; only its provider 430000-RST can read it.');
  });

  it('a link whose own item is not shared is null, though the linked record is readable', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const r = await gw.query(`{ xiangtanCivilAffairs { temporaryAssistances { nodes { caseNo amount person { fullName } } }
      temporaryAssistance(caseNo: "LS0001") { amount person { fullName } } } }`, MZ);
    expect(r.data).toEqual({ xiangtanCivilAffairs: {
      temporaryAssistances: { nodes: [{ caseNo: 'LS0001', amount: 500, person: null }, { caseNo: 'LS0002', amount: 800, person: null }] },
      temporaryAssistance: { amount: 500, person: null },
    } });
    expect(errorsOf(r)).toEqual([
      { path: 'xiangtanCivilAffairs.temporaryAssistance.person', code: 'NOT_SHARED', resource: '430300-MZ-00001', item: 'personId' },
      { path: 'xiangtanCivilAffairs.temporaryAssistances.nodes.*.person', code: 'NOT_SHARED', resource: '430300-MZ-00001', item: 'personId' },
    ]);
  });
});

describe('row 2: METHOD_NOT_API', () => {
  it('a resource offered only by other methods: null, the message names the methods', async () => {
    const r = await gw.query(`{ naturalResources {
      realEstateRegistrations(first: 2) { nodes { certificateNo } }
      realEstateRegistration(certificateNo: "BDC-4300000000001") { certificateNo } } }`, { dept: '430000-MZ', purpose: 'land-management' });
    expect(r.data).toEqual({ naturalResources: { realEstateRegistrations: null, realEstateRegistration: null } });
    expect(errorsOf(r)).toEqual([
      { path: 'naturalResources.realEstateRegistration', code: 'METHOD_NOT_API', resource: '430000-ZRZYT-00001' },
      { path: 'naturalResources.realEstateRegistrations', code: 'METHOD_NOT_API', resource: '430000-ZRZYT-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      '430000-ZRZYT-00001 (Real estate registration) is shared by online-query, download, not through the API; ask its provider 430000-ZRZYT for it by one of those methods.');
  });

  it('an item whose methods exclude api, on a list and a lookup', async () => {
    const r = await gw.query(`{ naturalResources {
      landUseRights(first: 2) { nodes { parcelNo boundary } }
      landUseRight(parcelNo: "430102-00000010") { parcelNo landUse boundary } } }`, { dept: '430000-SCJG', purpose: 'market-regulation' });
    expect(r.data!.naturalResources.landUseRights.nodes).toEqual([
      { parcelNo: '430102-00000010', boundary: null }, { parcelNo: '430102-00000019', boundary: null },
    ]);
    expect(r.data!.naturalResources.landUseRight).toMatchObject({ parcelNo: '430102-00000010', boundary: null });
    expect(r.data!.naturalResources.landUseRight.landUse).toMatch(/^[A-Z_]+$/);
    expect(errorsOf(r)).toEqual([
      { path: 'naturalResources.landUseRight.boundary', code: 'METHOD_NOT_API', resource: '430000-ZRZYT-00002', item: 'boundary' },
      { path: 'naturalResources.landUseRights.nodes.*.boundary', code: 'METHOD_NOT_API', resource: '430000-ZRZYT-00002', item: 'boundary' },
    ]);
    expect(r.errors![0].message).toBe(
      'Item `boundary` of 430000-ZRZYT-00002 (State-owned land use rights) is shared by download, not through the API; ask its provider 430000-ZRZYT for it by one of those methods.');
  });

  it('a link whose own item is offered only by download', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const r = await gw.query(`{ xiangtanCivilAffairs { temporaryAssistances { nodes { caseNo guardian { fullName } } } } }`, MZ);
    expect(r.data!.xiangtanCivilAffairs.temporaryAssistances.nodes).toEqual([
      { caseNo: 'LS0001', guardian: null }, { caseNo: 'LS0002', guardian: null },
    ]);
    expect(errorsOf(r)).toEqual([
      { path: 'xiangtanCivilAffairs.temporaryAssistances.nodes.*.guardian', code: 'METHOD_NOT_API', resource: '430300-MZ-00001', item: 'guardianId' },
    ]);
  });
});

describe('row 3: OUT_OF_SCOPE', () => {
  const household = (id: string) => `
    householdRegistrations(first: 2) { nodes { gender } totalCount }
    householdRegistration(idNumber: "${id}") { gender }`;

  it('by department pattern: Xiangtan matches neither 430000-* nor 4301*, on a list, a lookup and a link', async () => {
    const r = await gw.query(`{ publicSecurity { ${household(people[0].idNumber)} }
      adminService { electronicLicences(first: 2) { nodes { licenceNo holder { gender } } } } }`, { dept: '430300-MZ', purpose: 'social-assistance' });
    expect(r.data).toEqual({
      publicSecurity: { householdRegistrations: null, householdRegistration: null },
      adminService: { electronicLicences: { nodes: [
        { licenceNo: 'HN-CJZ-0000000003', holder: null }, { licenceNo: 'HN-CJZ-0000000012', holder: null },
      ] } },
    });
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicences.nodes.*.holder', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistration', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistrations', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      '430000-GA-00001 (Household registration) is shared only with departments 430000-*, 4301* at the province, city levels; department 430300-MZ (city) is outside that scope.');
  });

  it('by level: Changsha County matches 4301* but is a county, on a list, a lookup and a link', async () => {
    const r = await gw.query(`{ publicSecurity { ${household(people[0].idNumber)} }
      changshaCivilAffairs { elderlyCareSubsidies(first: 2) { nodes { subsidyNo beneficiary { gender } } } } }`, { dept: '430121-MZ', purpose: 'social-assistance' });
    expect(r.data).toEqual({
      publicSecurity: { householdRegistrations: null, householdRegistration: null },
      changshaCivilAffairs: { elderlyCareSubsidies: { nodes: [
        { subsidyNo: 'YL000000000001', beneficiary: null }, { subsidyNo: 'YL000000000002', beneficiary: null },
      ] } },
    });
    expect(errorsOf(r)).toEqual([
      { path: 'changshaCivilAffairs.elderlyCareSubsidies.nodes.*.beneficiary', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistration', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistrations', code: 'OUT_OF_SCOPE', resource: '430000-GA-00001' },
    ]);
    expect(r.errors![0].message).toContain('department 430121-MZ (county) is outside that scope.');
  });

  it('the elderly care subsidies of Changsha are out of scope for a province department', async () => {
    const r = await gw.query(`{ changshaCivilAffairs { elderlyCareSubsidies(first: 1) { nodes { subsidyNo } } } }`, MZ);
    expect(errorsOf(r)).toEqual([{ path: 'changshaCivilAffairs.elderlyCareSubsidies', code: 'OUT_OF_SCOPE', resource: '430100-MZ-00001' }]);
    expect(r.errors![0].message).toBe(
      '430100-MZ-00001 (Changsha elderly care subsidies) is shared only with departments 4301*; department 430000-MZ (province) is outside that scope.');
  });
});

describe('row 4: PURPOSE_REQUIRED', () => {
  it('without the x-purpose header, on a list and a lookup', async () => {
    const r = await gw.query(`{ humanResources {
      employmentRegistrations(first: 2) { nodes { position } }
      employmentRegistration(registrationNo: "JY000000000001") { position } } }`, { dept: '430000-MZ' });
    expect(r.data).toEqual({ humanResources: { employmentRegistrations: null, employmentRegistration: null } });
    expect(errorsOf(r)).toEqual([
      { path: 'humanResources.employmentRegistration', code: 'PURPOSE_REQUIRED', resource: '430000-RST-00001' },
      { path: 'humanResources.employmentRegistrations', code: 'PURPOSE_REQUIRED', resource: '430000-RST-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      '430000-RST-00001 (Employment registration) is read only for a stated purpose; send the `x-purpose` header with one of: employment-services, social-assistance, administrative-licensing, public-credit.');
  });

  it('on a link: the provider of the household register reads its own records, but the employer needs a purpose', async () => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 2) { nodes { fullName employer { name } } } } }`, { dept: '430000-GA' });
    expect(r.data!.publicSecurity.householdRegistrations.nodes).toEqual([
      { fullName: '赵艳娟', employer: null }, { fullName: '李轩磊', employer: null },
    ]);
    expect(errorsOf(r)).toEqual([
      { path: 'publicSecurity.householdRegistrations.nodes.*.employer', code: 'PURPOSE_REQUIRED', resource: '430000-SCJG-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      "430000-SCJG-00001 (Enterprise registration) is read only for a stated purpose; send the `x-purpose` header with one of the platform's purpose codes.");
  });
});

describe('row 5: PURPOSE_OUT_OF_SCOPE', () => {
  it('a purpose outside the resource scope, on a list and a lookup', async () => {
    const r = await gw.query(`{ adminService {
      electronicLicences(first: 2) { nodes { licenceNo } }
      electronicLicence(licenceNo: "HN-CJZ-0000000003") { licenceNo } } }`, { dept: '430000-GA', purpose: 'land-management' });
    expect(r.data).toEqual({ adminService: { electronicLicences: null, electronicLicence: null } });
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicence', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-ZWB-00001' },
      { path: 'adminService.electronicLicences', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-ZWB-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      '430000-ZWB-00001 (Electronic licences of natural persons) may be used only for administrative-licensing, social-assistance, employment-services, market-regulation; purpose `land-management` is outside its scope of use.');
  });

  it('on a link: market regulation may read licences, not the household register behind them', async () => {
    const r = await gw.query(`{ adminService { electronicLicences(first: 2) { nodes { licenceNo holder { gender } } } } }`, { dept: '430000-SCJG', purpose: 'market-regulation' });
    expect(r.data!.adminService.electronicLicences.nodes).toEqual([
      { licenceNo: 'HN-CJZ-0000000003', holder: null }, { licenceNo: 'HN-CJZ-0000000012', holder: null },
    ]);
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicences.nodes.*.holder', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-GA-00001' },
    ]);
  });

  it('an item tightened to fewer purposes (address: social assistance only), on a list, a lookup and a link', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const p = people[0];
    const r = await gw.query(`query($id: String!) {
      publicSecurity {
        householdRegistrations(first: 1) { nodes { gender address } }
        householdRegistration(idNumber: $id) { gender address } }
      adminService { electronicLicences(first: 1) { nodes { licenceNo holder { gender address } } } } }`,
    { dept: '430000-MZ', purpose: 'administrative-licensing', variables: { id: p.idNumber } });
    expect(r.data!.publicSecurity).toEqual({
      householdRegistrations: { nodes: [{ gender: await firstGender(), address: null }] },
      householdRegistration: { gender: 'FEMALE', address: null },
    });
    expect(r.data!.adminService.electronicLicences.nodes[0].holder).toMatchObject({ address: null });
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicences.nodes.*.holder.address', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-GA-00001', item: 'address' },
      { path: 'publicSecurity.householdRegistration.address', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-GA-00001', item: 'address' },
      { path: 'publicSecurity.householdRegistrations.nodes.*.address', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-GA-00001', item: 'address' },
    ]);
    expect(r.errors!.find((e) => e.path!.length === 3)!.message).toBe(
      'Item `address` of 430000-GA-00001 (Household registration) may be used only for social-assistance; purpose `administrative-licensing` is outside its scope of use.');
  });
});

describe('row 6: GRANT_REQUIRED', () => {
  it('a conditional resource and no grant: list, lookup and link are null', async () => {
    const r = await gw.query(`{ publicSecurity {
        householdRegistrations(first: 2) { nodes { gender } }
        householdRegistration(idNumber: "${people[0].idNumber}") { gender } }
      adminService { electronicLicences(first: 1) { nodes { licenceNo holder { gender } } } } }`, MZ);
    expect(r.data).toEqual({
      publicSecurity: { householdRegistrations: null, householdRegistration: null },
      adminService: { electronicLicences: { nodes: [{ licenceNo: 'HN-CJZ-0000000003', holder: null }] } },
    });
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicences.nodes.*.holder', code: 'GRANT_REQUIRED', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistration', code: 'GRANT_REQUIRED', resource: '430000-GA-00001' },
      { path: 'publicSecurity.householdRegistrations', code: 'GRANT_REQUIRED', resource: '430000-GA-00001' },
    ]);
    expect(r.errors![0].message).toBe(
      '430000-GA-00001 (Household registration) is shared on conditions: department 430000-MZ holds no active grant covering it for purpose `social-assistance`; request sharing from its provider 430000-GA.');
  });

  it('items the grant does not list, on a list, a lookup and a link', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const r = await gw.query(`{ publicSecurity {
        householdRegistrations(first: 1) { nodes { gender ethnicity } }
        householdRegistration(idNumber: "${people[0].idNumber}") { gender ethnicity } }
      adminService { electronicLicences(first: 1) { nodes { holder { ethnicity } } } } }`, MZ);
    expect(r.data!.publicSecurity).toEqual({
      householdRegistrations: { nodes: [{ gender: await firstGender(), ethnicity: null }] },
      householdRegistration: { gender: 'FEMALE', ethnicity: null },
    });
    expect(r.data!.adminService.electronicLicences.nodes).toEqual([{ holder: { ethnicity: null } }]);
    expect(errorsOf(r)).toEqual([
      { path: 'adminService.electronicLicences.nodes.*.holder.ethnicity', code: 'GRANT_REQUIRED', resource: '430000-GA-00001', item: 'ethnicity' },
      { path: 'publicSecurity.householdRegistration.ethnicity', code: 'GRANT_REQUIRED', resource: '430000-GA-00001', item: 'ethnicity' },
      { path: 'publicSecurity.householdRegistrations.nodes.*.ethnicity', code: 'GRANT_REQUIRED', resource: '430000-GA-00001', item: 'ethnicity' },
    ]);
  });

  it('a conditional item of an unconditional resource, read directly and through a link', async () => {
    const r = await gw.query(`{
      marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode legalRepresentativeId legalRepresentativePerson { gender } } } }
      humanResources { employmentRegistrations(first: 1) { nodes { employer { name legalRepresentativeId } } } } }`, MZ);
    const e = r.data!.marketRegulation.enterpriseRegistrations.nodes[0];
    expect(e).toMatchObject({ legalRepresentativeId: null, legalRepresentativePerson: null });
    expect(e.creditCode).toHaveLength(18);
    expect(r.data!.humanResources.employmentRegistrations.nodes[0].employer).toMatchObject({ legalRepresentativeId: null });
    expect(r.data!.humanResources.employmentRegistrations.nodes[0].employer.name).toBeTruthy();
    expect(errorsOf(r)).toEqual([
      { path: 'humanResources.employmentRegistrations.nodes.*.employer.legalRepresentativeId', code: 'GRANT_REQUIRED', resource: '430000-SCJG-00001', item: 'legalRepresentativeId' },
      { path: 'marketRegulation.enterpriseRegistrations.nodes.*.legalRepresentativeId', code: 'GRANT_REQUIRED', resource: '430000-SCJG-00001', item: 'legalRepresentativeId' },
      { path: 'marketRegulation.enterpriseRegistrations.nodes.*.legalRepresentativePerson', code: 'GRANT_REQUIRED', resource: '430000-SCJG-00001', item: 'legalRepresentativeId' },
    ]);
  });
});

/**
 * The household records in the order stored: the order of a list for a reader who sees the key (the ID
 * number) masked or not at all, as key order would tell the hidden digits (test/list-order.test.ts).
 */
/** The gender of the first household a reader who sees the ID number masked is listed, as the answer says it. */
const firstGender = async (): Promise<string> => String((await storedHouseholds(1))[0]!.gender).toUpperCase();

/** The first households in a masked key's order: each record's random place, then the row order (resolvers/data/list.ts). */
const storedHouseholds = (limit: number, filter?: Filter): Promise<Row[]> =>
  gw.store.find(gw.gateway.holder.schema.model.byCode.get('430000-GA-00001')!.collection, {
    filter,
    sort: [{ field: RECORD_ORDER_FIELD, direction: 'asc' }, { field: ROW_ORDER, direction: 'asc' }],
    limit,
  });

describe('row 7: allowed, masked unless a grant unmasks', () => {
  const query = `query($id: String!) {
    publicSecurity {
      householdRegistrations(first: 2) { nodes { idNumber fullName gender phone } }
      householdRegistration(idNumber: $id) { idNumber fullName phone } }
    adminService { electronicLicence(licenceNo: "HN-CJZ-0000000003") { holderName holder { idNumber fullName } } } }`;

  it('with a grant: personal items masked, on a list, a lookup and a link', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const r = await gw.query(query, { ...MZ, variables: { id: people[0].idNumber } });
    expect(r.errors).toBeUndefined();
    const first = await storedHouseholds(2);
    expect(r.data).toEqual({
      publicSecurity: {
        // In the order stored: the ID number is masked for MZ.
        householdRegistrations: { nodes: first.map((p) => ({
          idNumber: masked('idcard', p.idNumber as string), fullName: masked('name', p.fullName as string), gender: (p.gender as string).toUpperCase(), phone: masked('phone', p.phone as string),
        })) },
        householdRegistration: { idNumber: '430102********846X', fullName: '赵**', phone: '185****2240' },
      },
      adminService: { electronicLicence: { holderName: '胡**', holder: { idNumber: '430103********2574', fullName: '胡**' } } },
    });
  });

  it('a grant that lists an item as unmasked lifts its mask, there only', async () => {
    await grant({ ...HOUSEHOLD_GRANT, unmasked: ['idNumber', 'fullName'] });
    const r = await gw.query(query, { ...MZ, variables: { id: people[0].idNumber } });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      publicSecurity: {
        householdRegistrations: { nodes: [
          { idNumber: '43010219350227846X', fullName: '赵艳娟', gender: 'FEMALE', phone: '185****2240' },
          { idNumber: '430102193504136035', fullName: '李轩磊', gender: 'MALE', phone: '199****0486' },
        ] },
        householdRegistration: { idNumber: '43010219350227846X', fullName: '赵艳娟', phone: '185****2240' },
      },
      // The licence's own holderName stays masked: the grant is for the household register.
      adminService: { electronicLicence: { holderName: '胡**', holder: { idNumber: '430103199311012574', fullName: '胡国超' } } },
    });
  });

  it('an unmasking grant for another purpose does not unmask', async () => {
    await grant({ ...HOUSEHOLD_GRANT, purposes: ['social-assistance'] });
    await grant({ ...HOUSEHOLD_GRANT, purposes: ['administrative-licensing'], unmasked: ['fullName'] });
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 1) { nodes { fullName } } } }`, MZ);
    const [first] = await storedHouseholds(1);
    expect(r.data!.publicSecurity.householdRegistrations.nodes).toEqual([{ fullName: masked('name', first.fullName as string) }]);
  });
});

// ---- masks ------------------------------------------------------------------------------------------------

describe('masks, each computed from the provider’s unmasked read of the same record', () => {
  /** Reads the same records as their provider and as `who`; returns both, in the same order. */
  async function both(field: string, selection: string, provider: string, who: { dept: string; purpose?: string }) {
    const [dept, list] = field.split('.');
    const doc = `{ ${dept} { ${list}(first: 20) { nodes { ${selection} } } } }`;
    const raw = await gw.query(doc, { dept: provider });
    const seen = await gw.query(doc, who);
    expect(raw.errors).toBeUndefined();
    expect(seen.errors).toBeUndefined();
    return { raw: raw.data![dept][list].nodes as Rec[], seen: seen.data![dept][list].nodes as Rec[] };
  }

  it('idcard keeps the first 6 and last 4, name the first character', async () => {
    const { raw, seen } = await both('adminService.electronicLicences', 'licenceNo holderIdNumber holderName', '430000-ZWB', MZ);
    expect(seen[0]).toEqual({ licenceNo: 'HN-CJZ-0000000003', holderIdNumber: '430103********2574', holderName: '胡**' });
    seen.forEach((s, i) => {
      expect(s.holderIdNumber).toBe(raw[i].holderIdNumber.slice(0, 6) + '********' + raw[i].holderIdNumber.slice(14));
      expect(s.holderName).toBe(Array.from(raw[i].holderName as string)[0] + '*'.repeat(Array.from(raw[i].holderName as string).length - 1));
    });
  });

  it('phone keeps the first 3 and last 4', async () => {
    const { raw, seen } = await both('marketRegulation.enterpriseRegistrations', 'creditCode contactPhone legalRepresentative', '430000-SCJG', MZ);
    seen.forEach((s, i) => {
      expect(s.creditCode).toBe(raw[i].creditCode);
      if (raw[i].contactPhone === null) expect(s.contactPhone).toBeNull();
      else expect(s.contactPhone).toBe(raw[i].contactPhone.slice(0, 3) + '****' + raw[i].contactPhone.slice(7));
      expect(s.legalRepresentative).toBe(masked('name', raw[i].legalRepresentative));
    });
    expect(seen.some((s) => s.contactPhone !== null)).toBe(true);
  });

  it('partial keeps the first and last character; a secret item without a mask is masked in full', async () => {
    await grant({ requester: '430000-GA', resource: '430000-SCJG-00002', items: ['decisionNo', 'informant', 'caseNotes'], purposes: ['market-regulation'] });
    const { raw, seen } = await both('marketRegulation.administrativePenalties', 'decisionNo informant caseNotes', '430000-SCJG', { dept: '430000-GA', purpose: 'market-regulation' });
    seen.forEach((s, i) => {
      expect(s.decisionNo).toBe(raw[i].decisionNo);
      const inf = Array.from((raw[i].informant ?? '') as string);
      if (raw[i].informant === null) expect(s.informant).toBeNull();
      else if (inf.length <= 2) expect(s.informant).toBe('*'.repeat(inf.length)); // nothing would be hidden: all of it is
      else expect(s.informant).toBe(inf[0] + '*'.repeat(inf.length - 2) + inf[inf.length - 1]);
      if (raw[i].caseNotes === null) expect(s.caseNotes).toBeNull();
      else expect(s.caseNotes).toBe('*'.repeat(Array.from(raw[i].caseNotes as string).length));
    });
    expect(seen.some((s) => s.informant !== null && s.caseNotes !== null)).toBe(true);
  });

  it('partial on a secret decimal, and full on a personal enum, are typed String', async () => {
    await grant({ requester: '430000-ZWB', resource: '430000-MZ-00001', items: ['caseNo', 'disabilityLevel', 'bankAccount'], purposes: ['social-assistance'] });
    const land = await both('naturalResources.landUseRights', 'parcelNo price', '430000-ZRZYT', { dept: '430000-SCJG', purpose: 'market-regulation' });
    land.seen.forEach((s, i) => expect(s.price).toBe(raw(land.raw[i].price, 'partial')));
    expect(land.seen.find((s) => s.price !== null)!.price).toMatch(/^\d\*+\d$/);
    const dibao = await both('civilAffairs.minimumLivingAllowances', 'caseNo disabilityLevel bankAccount', '430000-MZ', { dept: '430000-ZWB', purpose: 'social-assistance' });
    dibao.seen.forEach((s, i) => {
      // An enum under `full`: as long as its longest value (level_1 ... level_4), none included.
      expect(s.disabilityLevel).toBe(dibao.raw[i].disabilityLevel === null ? null : '*******');
      expect(s.bankAccount).toBe(raw(dibao.raw[i].bankAccount, 'partial'));
    });
    expect(dibao.seen.some((s) => s.disabilityLevel !== null)).toBe(true);

    function raw(v: string | null, mask: string) {
      return v === null ? null : masked(mask, v);
    }
  });
});

// ---- the ways around the rules ------------------------------------------------------------------------

describe('no leaks through filters, orders, counts and cursors', () => {
  const wage = (arg: string) => `{ humanResources { employmentRegistrations(first: 2, ${arg}) { nodes { position } totalCount pageInfo { hasNextPage endCursor } } } }`;

  it('filtering by a denied item is refused with its code: no records, count or cursor', async () => {
    for (const arg of ['filter: { monthlyWage: { gt: 1000 } }', 'filter: { or: [{ position: { eq: "x" } }, { monthlyWage: { lt: 10 } }] }',
      'filter: { and: [{ monthlyWage: { eq: 5000 } }] }', 'orderBy: [{ field: monthlyWage, direction: DESC }]']) {
      const r = await gw.query(wage(arg), MZ);
      expect(r.data, arg).toEqual({ humanResources: { employmentRegistrations: null } });
      expect(errorsOf(r), arg).toEqual([
        { path: 'humanResources.employmentRegistrations', code: 'NOT_SHARED', resource: '430000-RST-00001', item: 'monthlyWage' },
    ]);
    }
  });

  it('filtering or ordering by an item outside the grant, or outside its purposes, is refused likewise', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const q = (arg: string) => `{ publicSecurity { householdRegistrations(first: 2, ${arg}) { nodes { gender } totalCount } } }`;
    const cases: [string, typeof MZ, string, string][] = [
      ['filter: { ethnicity: { eq: "汉族" } }', MZ, 'GRANT_REQUIRED', 'ethnicity'],
      ['orderBy: [{ field: regionCode }]', MZ, 'GRANT_REQUIRED', 'regionCode'],
      [`filter: { address: { eq: "${people[0].address}" } }`, { dept: '430000-MZ', purpose: 'administrative-licensing' }, 'PURPOSE_OUT_OF_SCOPE', 'address'],
    ];
    for (const [arg, who, code, item] of cases) {
      const r = await gw.query(q(arg), who);
      expect(r.data, arg).toEqual({ publicSecurity: { householdRegistrations: null } });
      expect(errorsOf(r), arg).toEqual([{ path: 'publicSecurity.householdRegistrations', code, resource: '430000-GA-00001', item }]);
    }
  });

  it('on a masked item only eq and in are accepted', async () => {
    const phoneOf = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 3, filter: { contactPhone: { ne: null } }) { nodes { creditCode contactPhone } } } }`, { dept: '430000-SCJG' });
    const [a, b] = phoneOf.data!.marketRegulation.enterpriseRegistrations.nodes as Rec[];
    const q = (arg: string) => `{ marketRegulation { enterpriseRegistrations(first: 5, ${arg}) { nodes { creditCode contactPhone } totalCount } } }`;
    for (const arg of [`filter: { contactPhone: { startsWith: "1" } }`, `filter: { contactPhone: { contains: "${a.contactPhone.slice(3, 7)}" } }`,
      `filter: { contactPhone: { ne: "${a.contactPhone}" } }`, `filter: { or: [{ contactPhone: { startsWith: "13" } }] }`, 'orderBy: [{ field: contactPhone }]']) {
      const r = await gw.query(q(arg), MZ);
      expect(r.data, arg).toEqual({ marketRegulation: { enterpriseRegistrations: null } });
      expect(errorsOf(r), arg).toEqual([
        { path: 'marketRegulation.enterpriseRegistrations', code: 'BAD_USER_INPUT', resource: '430000-SCJG-00001', item: 'contactPhone' },
    ]);
      expect(r.errors![0].message).toBe('contactPhone of 430000-SCJG-00001 is masked for you: you may filter it only with eq or in, and not order by it. No grant lifts this: shared unconditionally, contactPhone is masked for every department but its provider 430000-SCJG.');
    }
    // A masked item is typed String, whose filter has no range operators at all.
    const gt = await gw.query(q('filter: { contactPhone: { gt: "13" } }'), MZ);
    expect(gt.data).toBeUndefined();
    expect(gt.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([['GRAPHQL_VALIDATION_FAILED', 'Field "gt" is not defined by type "StringFilter".']]);

    const byEq = await gw.query(q(`filter: { contactPhone: { eq: "${a.contactPhone}" } }`), MZ);
    expect(byEq.errors).toBeUndefined();
    expect(byEq.data!.marketRegulation.enterpriseRegistrations.nodes.map((n: Rec) => n.creditCode)).toContain(a.creditCode);
    for (const n of byEq.data!.marketRegulation.enterpriseRegistrations.nodes) expect(n.contactPhone).toBe(masked('phone', a.contactPhone));
    const byIn = await gw.query(q(`filter: { contactPhone: { in: ["${a.contactPhone}", "${b.contactPhone}"] } }`), MZ);
    expect(byIn.errors).toBeUndefined();
    expect(byIn.data!.marketRegulation.enterpriseRegistrations.nodes.map((n: Rec) => n.creditCode)).toEqual(expect.arrayContaining([a.creditCode, b.creditCode]));
  });

  it('a masked decimal keeps its decimal filter, whose range operators are refused', async () => {
    await grant({ requester: '430000-MZ', resource: '430000-RST-00002', items: ['claimNo', 'monthlyBenefit'], purposes: ['social-assistance'] });
    const r = await gw.query(`{ humanResources { unemploymentBenefits(first: 2, filter: { monthlyBenefit: { gt: 1000 } }) { nodes { claimNo } } } }`, MZ);
    expect(errorsOf(r)).toEqual([
      { path: 'humanResources.unemploymentBenefits', code: 'BAD_USER_INPUT', resource: '430000-RST-00002', item: 'monthlyBenefit' },
    ]);
    const raw = await gw.query(`{ humanResources { unemploymentBenefits(first: 1) { nodes { claimNo monthlyBenefit } } } }`, { dept: '430000-RST' });
    const first = raw.data!.humanResources.unemploymentBenefits.nodes[0];
    const byEq = await gw.query(`{ humanResources { unemploymentBenefits(first: 50, filter: { monthlyBenefit: { eq: "${first.monthlyBenefit}" } }) { nodes { claimNo monthlyBenefit } } } }`, MZ);
    expect(byEq.errors).toBeUndefined();
    expect(byEq.data!.humanResources.unemploymentBenefits.nodes).toContainEqual({ claimNo: first.claimNo, monthlyBenefit: masked('full', first.monthlyBenefit) });
  });

  it('a cursor does not hold the key, or the sort values, in clear', async () => {
    const r = await gw.query(`{ publicSecurity {
      byKey: householdRegistrations(first: 3) { nodes { idNumber } pageInfo { endCursor } }
      byName: householdRegistrations(first: 3, orderBy: [{ field: fullName }, { field: phone }]) { nodes { idNumber fullName phone } pageInfo { endCursor } } } }`, { dept: '430000-GA' });
    expect(r.errors).toBeUndefined();
    for (const conn of [r.data!.publicSecurity.byKey, r.data!.publicSecurity.byName]) {
      const cursor: string = conn.pageInfo.endCursor;
      const last = conn.nodes[conn.nodes.length - 1];
      const decoded = [Buffer.from(cursor, 'base64url'), Buffer.from(cursor, 'base64')].flatMap((b) => [b.toString('utf8'), b.toString('latin1')]).join('\n');
      for (const v of [last.idNumber, last.idNumber.slice(0, 10), last.fullName, last.phone].filter(Boolean)) {
        expect(decoded).not.toContain(v);
        expect(cursor).not.toContain(v);
      }
    }
  });

  it('totalCount and pageInfo are not there when the list is denied, whichever is asked', async () => {
    const r = await gw.query(`{ publicSecurity { a: householdRegistrations { totalCount } b: householdRegistrations { pageInfo { endCursor hasNextPage } } } }`, MZ);
    expect(r.data).toEqual({ publicSecurity: { a: null, b: null } });
    expect(errorsOf(r)).toEqual([
      { path: 'publicSecurity.a', code: 'GRANT_REQUIRED', resource: '430000-GA-00001' },
      { path: 'publicSecurity.b', code: 'GRANT_REQUIRED', resource: '430000-GA-00001' },
    ]);
  });

  it('error messages hold no value of a record', async () => {
    await grant({ ...HOUSEHOLD_GRANT, items: ['gender'] });
    const p = people[3];
    const secrets = [p.idNumber, p.fullName, p.phone, p.address, p.idNumber.slice(6, 14)];
    const asks: [string, { dept: string; purpose?: string }][] = [
      [`{ publicSecurity { householdRegistration(idNumber: "${p.idNumber}") { fullName phone address gender } } }`, MZ],
      [`{ publicSecurity { householdRegistrations(first: 3, filter: { idNumber: { eq: "${p.idNumber}" } }) { nodes { fullName phone gender } } } }`, MZ],
      [`{ publicSecurity { householdRegistrations(first: 3, filter: { fullName: { startsWith: "${p.fullName.slice(0, 1)}" } }) { nodes { gender } } } }`, MZ],
      [`{ publicSecurity { householdRegistration(idNumber: "${p.idNumber}") { fullName } } }`, { dept: '430300-MZ', purpose: 'social-assistance' }],
      [`{ publicSecurity { householdRegistration(idNumber: "${p.idNumber}") { fullName } } }`, { dept: '430000-MZ' }],
      [`{ publicSecurity { householdRegistrations(first: 3, filter: { phone: { contains: "${p.phone.slice(3, 7)}" } }) { nodes { gender } } } }`, { dept: '430000-ZWB', purpose: 'public-credit' }],
      [`{ publicSecurity { householdRegistrations(first: 3, filter: { birthDate: { eq: "${p.birthDate}" } }) { nodes { fullName address } } } }`, { dept: '430000-MZ', purpose: 'employment-services' }],
    ];
    let errors = 0;
    for (const [doc, who] of asks) {
      const r = await gw.query(doc, who);
      errors += r.errors?.length ?? 0;
      const messages = (r.errors ?? []).map((e) => e.message).join('\n');
      for (const s of secrets) expect(messages, doc).not.toContain(s);
      const text = JSON.stringify(r.data ?? null);
      for (const s of [p.fullName, p.phone, p.address]) expect(text, doc).not.toContain(s);
    }
    expect(errors).toBeGreaterThanOrEqual(asks.length);
  });
});

describe('errors: one per denied item and path, however many rows', () => {
  it('a page of 50 with two denied items, one of them through a link, gives three errors, not 150', async () => {
    await grant({ ...HOUSEHOLD_GRANT });
    const page = (sel: string) => `{ publicSecurity { householdRegistrations(first: 50, filter: { employerCode: { ne: null } }) { nodes { ${sel} } } } }`;
    const r = await gw.query(page('idNumber gender ethnicity regionCode employer { name legalRepresentativeId }'), MZ);
    const raw = await storedHouseholds(50, { kind: 'compare', field: 'employerCode', op: 'ne', value: null });
    const nodes = r.data!.publicSecurity.householdRegistrations.nodes;
    expect(nodes).toHaveLength(50);
    nodes.forEach((n: Rec, i: number) => {
      const p = raw[i];
      expect(n.idNumber).toBe(masked('idcard', p.idNumber as string));
      expect(n.gender).toBe((p.gender as string).toUpperCase());
      expect(n.ethnicity).toBeNull();
      expect(n.regionCode).toBeNull();
      expect(n.employer.name).toBeTruthy();
      expect(n.employer.legalRepresentativeId).toBeNull();
    });
    expect(errorsOf(r)).toEqual([
      { path: 'publicSecurity.householdRegistrations.nodes.*.employer.legalRepresentativeId', code: 'GRANT_REQUIRED', resource: '430000-SCJG-00001', item: 'legalRepresentativeId' },
      { path: 'publicSecurity.householdRegistrations.nodes.*.ethnicity', code: 'GRANT_REQUIRED', resource: '430000-GA-00001', item: 'ethnicity' },
      { path: 'publicSecurity.householdRegistrations.nodes.*.regionCode', code: 'GRANT_REQUIRED', resource: '430000-GA-00001', item: 'regionCode' },
    ]);
  });

  it('the same item under two aliases is two path patterns, two errors', async () => {
    const r = await gw.query(`{ humanResources { a: employmentRegistrations(first: 10) { nodes { monthlyWage } } b: employmentRegistrations(first: 10) { nodes { w: monthlyWage } } } }`, MZ);
    expect(errorsOf(r).map((e) => e.path)).toEqual(['humanResources.a.nodes.*.monthlyWage', 'humanResources.b.nodes.*.w']);
  });
});

describe('a denied resource gets the code of the first row that denies it', () => {
  it.each([
    ['not shared before not through the API', '{ publicSecurity { criminalCaseFiles { nodes { caseNo } } } }', { dept: '430300-MZ' }, 'NOT_SHARED', '430000-GA-00002'],
    ['not through the API before a missing purpose', '{ naturalResources { realEstateRegistrations { nodes { certificateNo } } } }', { dept: '430300-MZ' }, 'METHOD_NOT_API', '430000-ZRZYT-00001'],
    ['out of scope before a missing purpose and a grant', '{ publicSecurity { householdRegistrations { nodes { gender } } } }', { dept: '430121-MZ' }, 'OUT_OF_SCOPE', '430000-GA-00001'],
    ['a missing purpose before a grant', '{ publicSecurity { householdRegistrations { nodes { gender } } } }', { dept: '430000-MZ' }, 'PURPOSE_REQUIRED', '430000-GA-00001'],
    ['a purpose out of scope before a grant', '{ publicSecurity { householdRegistrations { nodes { gender } } } }', { dept: '430000-MZ', purpose: 'land-management' }, 'PURPOSE_OUT_OF_SCOPE', '430000-GA-00001'],
  ])('%s', async (_what, doc, who, code, resource) => {
    const r = await gw.query(doc, who);
    const field = Object.keys(Object.values(r.data!)[0] as Rec)[0];
    expect(Object.values(r.data!)[0]).toEqual({ [field]: null });
    expect(errorsOf(r).map(({ code: c, resource: res, item }) => ({ c, res, item }))).toEqual([{ c: code, res: resource, item: undefined }]);
  });
});

describe('decisions where the spec is silent', () => {
  it('a grant whose every item is denied for the purpose: the resource gets the lowest row among its items', async () => {
    // The grant lets the resource's own settings through (a grant for the purpose exists), but its only
    // item, address, is for social assistance only (row 5); the others have no grant (row 6).
    await grant({ ...HOUSEHOLD_GRANT, items: ['address'], purposes: ['administrative-licensing'] });
    const r = await gw.query(`{ publicSecurity { householdRegistrations { nodes { gender } } } }`, { dept: '430000-MZ', purpose: 'administrative-licensing' });
    expect(r.data).toEqual({ publicSecurity: { householdRegistrations: null } });
    expect(errorsOf(r)).toEqual([{ path: 'publicSecurity.householdRegistrations', code: 'PURPOSE_OUT_OF_SCOPE', resource: '430000-GA-00001' }]);
  });

  it('a link on a masked item resolves, as filtering the linked resource by eq on the full value would', async () => {
    await grant({ ...HOUSEHOLD_GRANT, unmasked: ['idNumber'] });
    const r = await gw.query(`{ adminService { electronicLicence(licenceNo: "HN-CJZ-0000000003") { holderIdNumber holder { idNumber } } } }`, MZ);
    expect(r.errors).toBeUndefined();
    expect(r.data!.adminService.electronicLicence).toEqual({ holderIdNumber: '430103********2574', holder: { idNumber: '430103199311012574' } });
  });

  it('the provider reads its own resources without a purpose; every other reader states one, even where any purpose would do', async () => {
    const own = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { contactPhone } } } }`, { dept: '430000-SCJG' });
    expect(own.errors).toBeUndefined();
    expect(own.data!.marketRegulation.enterpriseRegistrations.nodes[0].contactPhone).toMatch(/^1\d{10}$/);
    const other = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { name } } } }`, { dept: '430000-GA' });
    expect(errorsOf(other)).toEqual([{ path: 'marketRegulation.enterpriseRegistrations', code: 'PURPOSE_REQUIRED', resource: '430000-SCJG-00001' }]);
  });
});

// ---- grants over time ------------------------------------------------------------------------------

describe('grants take effect, and stop, on the next request', () => {
  const q = `{ publicSecurity { householdRegistrations(first: 1) { nodes { gender } } } }`;
  const read = async () => {
    const r = await gw.query(q, MZ);
    return r.data!.publicSecurity.householdRegistrations === null ? r.errors![0].extensions!.code : r.data!.publicSecurity.householdRegistrations.nodes[0].gender;
  };

  it('a revoked grant stops working at once', async () => {
    expect(await read()).toBe('GRANT_REQUIRED');
    const g = await grant({ ...HOUSEHOLD_GRANT });
    expect(await read()).toBe(await firstGender());
    await revokeGrant(gw.store, g.id, 'access-test');
    expect(await read()).toBe('GRANT_REQUIRED');
  });

  it('a grant ends with its last day; one that has ended, or not begun, does nothing', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const g = await grant({ ...HOUSEHOLD_GRANT, until: today });
    expect(await read()).toBe(await firstGender());
    // The day passes: the stored end date is now yesterday.
    const yesterday = new Date(Date.now() + 8 * 3600_000 - 86_400_000).toISOString().slice(0, 10);
    await gw.store.update(GRANTS, eq('id', g.id), { until: yesterday });
    expect(await read()).toBe('GRANT_REQUIRED');

    const day = 86_400_000;
    await grant({ ...HOUSEHOLD_GRANT, until: new Date(Date.now() + 8 * 3600_000 - 2 * day).toISOString().slice(0, 10) }, new Date(Date.now() - 3 * day));
    await grant({ ...HOUSEHOLD_GRANT }, new Date(Date.now() + 2 * day));
    expect(await read()).toBe('GRANT_REQUIRED');
  });
});

// ---- identity --------------------------------------------------------------------------------------------

describe('unauthenticated requests get UNAUTHENTICATED and no data', () => {
  const data = '{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { name } } } }';
  const introspection = '{ __schema { queryType { name } types { name } } }';

  it.each([
    ['no token', async () => null],
    ['a token signed with another secret', async () => signToken(randomBytes(32), { dept: '430000-MZ', user: 'u', roles: [], ttl: '1h' })],
    ['an expired token', async () => signToken(gw.gateway.secret, { dept: '430000-MZ', user: 'u', roles: [], ttl: '1h' }, new Date(Date.now() - 2 * 3600_000))],
    ['an unknown department', async () => gw.token('439999-XX')],
    ['alg none', async () => {
      const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', dept: '430000-MZ', roles: [], exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    }],
    ['garbage', async () => 'not-a-jwt'],
  ])('%s, on data and on introspection', async (_what, token) => {
    for (const doc of [data, introspection]) {
      const r = await gw.query(doc, { token: await token(), purpose: 'market-regulation' });
      expect(r.status).toBe(401);
      expect(r.data ?? null).toBeNull();
      expect(r.errors!.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
      expect(JSON.stringify(r)).not.toContain('__Schema');
    }
  });

  it('introspection by GET needs a token as well', async () => {
    const url = `${gw.gateway.url}/graphql?query=${encodeURIComponent(introspection)}`;
    const anonymous = await fetch(url, { headers: { 'apollo-require-preflight': 'true' } });
    expect(anonymous.status).toBe(401);
    const body = await anonymous.json();
    expect(body.data ?? null).toBeNull();
    expect(body.errors.map((e: Rec) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    const signed = await fetch(url, { headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${await gw.token('430000-MZ')}` } });
    expect((await signed.json()).data.__schema.queryType.name).toBe('Query');
  });

  it('a valid token may introspect', async () => {
    const r = await gw.query(introspection, { dept: '430000-MZ' });
    expect(r.data!.__schema.queryType.name).toBe('Query');
  });

  it('an unknown purpose is BAD_USER_INPUT, with no data', async () => {
    const r = await gw.query(data, { dept: '430000-MZ', purpose: 'curiosity' });
    expect(r.status).toBe(400);
    expect(r.data ?? null).toBeNull();
    expect(r.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([[
      'BAD_USER_INPUT',
      'Unknown purpose "curiosity" in the `x-purpose` header; send one of: administrative-licensing, social-assistance, market-regulation, employment-services, land-management, public-credit.',
    ]]);
  });
});

// ---- what has no rule is denied -----------------------------------------------------------------------------

describe('the shield falls back to deny', () => {
  it('a field no rule covers is refused', async () => {
    // With no catalogue published, Query holds a placeholder field that no rule map mentions.
    const { schema } = buildGatewaySchema(gw.platform, []);
    const result = await execute({ schema, document: parse('{ _empty }'), contextValue: {} });
    expect(result.data).toEqual({ _empty: null });
    expect(result.errors!.map((e) => [e.extensions.code, e.message])).toEqual([['FORBIDDEN', 'No rule allows this field.']]);
  });

  it('every field of the generated data types has its own rule', async () => {
    const catalogues = await publishedCatalogues(gw.store);
    const { schema, model } = buildGatewaySchema(gw.platform, catalogues);
    const rules = dataRules(model) as Record<string, Record<string, unknown>>;
    const dataTypes = new Set<string>(['PageInfo']);
    for (const d of model.departments) {
      dataTypes.add(d.typeName);
      for (const m of d.resources) dataTypes.add(m.typeName).add(connectionTypeName(m.typeName));
    }
    const uncovered: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!(type instanceof GraphQLObjectType) || isIntrospectionType(type) || !dataTypes.has(type.name)) continue;
      for (const field of Object.keys(type.getFields())) if (!rules[type.name]?.[field] && !rules[type.name]?.['*']) uncovered.push(`${type.name}.${field}`);
    }
    for (const d of model.departments) if (!rules.Query[d.department.graphqlName]) uncovered.push(`Query.${d.department.graphqlName}`);
    expect(dataTypes.size).toBeGreaterThan(20);
    expect(uncovered).toEqual([]);
  });
});
