// Attacks on the data-quality answers (SPEC §14) as a supervisor reads them: a supervisor of the
// competent department lists every objection and reads the consistency report, but the records' values
// in them (an objection's key and proposed value, the report's sample keys) it reads as its department
// reads the data: as the access table (`decide`) answers for that department, with the purpose it sends
// and its grants. An item it may not read is not shown; one it reads masked is masked. The report masks
// its keys in any case (SPEC §14: "masked"), and no less than the catalogue does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const HOUSEHOLD = '430000-GA-00001';
const ALLOWANCES = '430000-MZ-00001';
const SUBSIDIES = '430100-MZ-00001'; // shared with Changsha's departments only ("4301*"): not the supervisor's
const RAISER = { dept: '430000-MZ', roles: ['applicant' as const], purpose: 'social-assistance' };
const SUPERVISOR = { dept: '430000-ZWB', roles: ['supervisor' as const] };
const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id key proposedValue } }`;
const LIST = (resource: string) => `{ objections(resource: "${resource}") { id key item reason proposedValue raisedBy } }`;

let gw: TestGateway;
let idNumber: string;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
  const catalogues = await publishedCatalogues(gw.store);
  const grant = (requester: string, resource: string) => addGrant(gw.store, { platform: gw.platform, catalogues },
    { requester, resource, items: ['idNumber', 'fullName'], purposes: ['social-assistance'], createdBy: 'test' });
  await grant('430000-MZ', HOUSEHOLD);
  // The competent department reads both resources of the names' consistency pair, masked, for social assistance.
  await grant('430000-ZWB', HOUSEHOLD);
  await grant('430000-ZWB', ALLOWANCES);
  const resource = catalogues.flatMap((c) => c.resources).find((r) => r.code === HOUSEHOLD)!;
  [{ idNumber }] = (await gw.store.find(collectionOf(resource), { limit: 1 })) as { idNumber: string }[];
});
afterAll(() => gw?.close());

describe('an objection to a personal item, as each viewer lists it', () => {
  it('the raiser and the provider see the key and the proposed value; a supervisor as its department reads them', async () => {
    const raised = await gw.query(RAISE, { ...RAISER, variables: { input: { resource: HOUSEHOLD, key: idNumber, item: 'fullName', reason: 'Misspelt', proposedValue: '欧阳娜娜' } } });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection).toMatchObject({ key: idNumber, proposedValue: '欧阳娜娜' });

    const raiser = await gw.query(LIST(HOUSEHOLD), { dept: '430000-MZ' });
    expect(raiser.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);
    const provider = await gw.query(LIST(HOUSEHOLD), { dept: '430000-GA' });
    expect(provider.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);

    // With the purpose its grant covers, the supervisor's department reads both items masked.
    const supervisor = await gw.query(LIST(HOUSEHOLD), { ...SUPERVISOR, purpose: 'social-assistance' });
    expect(supervisor.errors).toBeUndefined();
    expect(supervisor.data!.objections).toEqual([{
      id: raised.data!.raiseObjection.id, item: 'fullName', reason: 'Misspelt', raisedBy: '430000-MZ',
      key: `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`, proposedValue: '欧***',
    }]);
    expect(JSON.stringify(supervisor.data)).not.toContain(idNumber);

    // Without a purpose it reads neither (PURPOSE_REQUIRED): the key in full mask, no proposed value.
    const unstated = await gw.query(LIST(HOUSEHOLD), SUPERVISOR);
    expect(unstated.data!.objections).toEqual([expect.objectContaining({ key: '*'.repeat(18), proposedValue: null })]);
  });
});

describe('an objection to an item the supervisor\'s department may not read', () => {
  it('shows the supervisor neither the key nor the proposed value, sensitive or not', async () => {
    // Changsha County's bureau reads the city's elderly care subsidies and objects to an amount.
    const county = { dept: '430121-MZ', roles: ['applicant' as const], purpose: 'social-assistance' };
    const read = await gw.query(`{ changshaCivilAffairs { elderlyCareSubsidies(first: 1) { nodes { subsidyNo monthlyAmount } } } }`, county);
    const [{ subsidyNo }] = read.data!.changshaCivilAffairs.elderlyCareSubsidies.nodes;
    const raised = await gw.query(RAISE, { ...county, variables: { input: { resource: SUBSIDIES, key: subsidyNo, item: 'monthlyAmount', reason: 'Raised in May', proposedValue: '333.00' } } });
    expect(raised.errors).toBeUndefined();

    // The supervisor's own read of the record is refused: the resource is shared with Changsha only.
    const own = await gw.query(`{ changshaCivilAffairs { elderlyCareSubsidy(subsidyNo: "${subsidyNo}") { monthlyAmount } } }`, { ...SUPERVISOR, purpose: 'social-assistance' });
    expect(own.errors?.map((e) => e.extensions?.code)).toEqual(['OUT_OF_SCOPE']);
    // So the objection, which it lists, shows neither.
    const listed = await gw.query(LIST(SUBSIDIES), { ...SUPERVISOR, purpose: 'social-assistance' });
    expect(listed.data!.objections).toEqual([expect.objectContaining({ key: '*'.repeat(14), item: 'monthlyAmount', proposedValue: null })]);
    // The objection's id is a random UUID, which may hold any digits: matched without it.
    const { id: _id, ...shown } = listed.data!.objections[0];
    expect(JSON.stringify(shown)).not.toMatch(new RegExp(`${subsidyNo}|333`));
  });
});

describe('the consistency report of the demo, as the supervisor\'s department reads the keys', () => {
  const REPORT = `{ consistencyReport(element: "DE-0002") { left right compared differing sampleKeys } }`;
  it('gives the sample keys masked when its department reads both resources\' keys and names', async () => {
    const r = await gw.query(REPORT, { ...SUPERVISOR, purpose: 'social-assistance' });
    expect(r.errors).toBeUndefined();
    const [pair] = r.data!.consistencyReport;
    expect(pair).toMatchObject({ left: HOUSEHOLD, right: ALLOWANCES, compared: 800, differing: 8 });
    expect(pair.sampleKeys).toHaveLength(8);
    for (const k of pair.sampleKeys) expect(k).toMatch(/^43\d{4}\*{8}\d{3}[\dX]$/);
  });

  it('gives the counts but no key when its department may not read them (no purpose: PURPOSE_REQUIRED)', async () => {
    const r = await gw.query(REPORT, SUPERVISOR);
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{ left: HOUSEHOLD, right: ALLOWANCES, compared: 800, differing: 8, sampleKeys: [] }]);
  });
});

// Two providers' resources keyed by a passport number that the catalogue masks in full: the report's
// sample keys must hide no less than the catalogue does (an idcard mask would show 10 of 12 characters).
const SECRET_FULL = ', sensitivity: secret, mask: full';
const PASSPORTS = (code: string, provider: string, type: string, list: string, byKey: string, keySensitivity = SECRET_FULL) => `
id: QT-${provider.slice(7)}-PASSPORTS
kind: departmental
title: Passports of ${provider}
compiler: "${provider}"
resources:
  - code: "${code}"
    name: Passports
    provider: "${provider}"
    graphql: { type: ${type}, list: ${list}, byKey: ${byKey} }
    key: passportNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: passportNo, type: string, required: true, element: QT-PASSPORT${keySensitivity} }
      - { name: holder, type: string, element: QT-HOLDER }
`;

describe.each([
  ['both keys', SECRET_FULL],
  // The left resource's key is not sensitive, the right's is: both join items hold the sample keys.
  ['the right resource\'s key only', ''],
])('the consistency report of a key masked in full (%s)', (_, leftKey) => {
  let quality: TestGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-quality-views-'));
    const police = join(dir, 'police.yaml');
    const health = join(dir, 'health.yaml');
    writeFileSync(police, PASSPORTS('370000-GAT-90', '370000-GAT', 'PolicePassport', 'policePassports', 'policePassport', leftKey));
    writeFileSync(health, PASSPORTS('370000-WJW-90', '370000-WJW', 'HealthPassport', 'healthPassports', 'healthPassport'));
    quality = await startTestGateway({ platformFile: fileURLToPath(new URL('./fixtures/quality/platform.yaml', import.meta.url)), catalogueFiles: [police, health] });
    const resources = (await publishedCatalogues(quality.store)).flatMap((c) => c.resources);
    const of = (code: string) => collectionOf(resources.find((r) => r.code === code)!);
    await quality.store.insert(of('370000-GAT-90'), [{ passportNo: 'E12345678901', holder: 'A' }, { passportNo: 'E98765432109', holder: 'B' }]);
    await quality.store.insert(of('370000-WJW-90'), [{ passportNo: 'E12345678901', holder: 'A' }, { passportNo: 'E98765432109', holder: 'C' }]);
  });
  afterAll(async () => {
    await quality?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('masks the sample keys with the key items\' own mask when it hides more than an idcard mask', async () => {
    const r = await quality.query(`{ consistencyReport(element: "QT-HOLDER") { compared differing sampleKeys } }`, { dept: '370000-DSJ', roles: ['supervisor'], purpose: 'benefit-check' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{ compared: 2, differing: 1, sampleKeys: ['************'] }]);
  });
});
