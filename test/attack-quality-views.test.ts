// Attacks on the data-quality answers (SPEC §14) as a supervisor reads them: a supervisor of the
// competent department lists every objection, but reads the data under its own department's rules, so
// an objection must not hand it the record's key or the proposed value of a personal item in clear
// (the consistency report masks its keys for the same reader, and no less than the catalogue does).
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
const RAISER = { dept: '430000-MZ', roles: ['applicant' as const], purpose: 'social-assistance' };
const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id key proposedValue } }`;
const LIST = `{ objections(resource: "${HOUSEHOLD}") { id key item reason proposedValue raisedBy } }`;

let gw: TestGateway;
let idNumber: string;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
  const catalogues = await publishedCatalogues(gw.store);
  await addGrant(gw.store, { platform: gw.platform, catalogues },
    { requester: '430000-MZ', resource: HOUSEHOLD, items: ['idNumber', 'fullName'], purposes: ['social-assistance'], createdBy: 'test' });
  const resource = catalogues.flatMap((c) => c.resources).find((r) => r.code === HOUSEHOLD)!;
  [{ idNumber }] = (await gw.store.find(collectionOf(resource), { limit: 1 })) as { idNumber: string }[];
});
afterAll(() => gw?.close());

describe('an objection to a personal item, as each viewer lists it', () => {
  it('the raiser and the provider see the key and the proposed value; a supervisor sees them masked', async () => {
    const raised = await gw.query(RAISE, { ...RAISER, variables: { input: { resource: HOUSEHOLD, key: idNumber, item: 'fullName', reason: 'Misspelt', proposedValue: '欧阳娜娜' } } });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection).toMatchObject({ key: idNumber, proposedValue: '欧阳娜娜' });

    const raiser = await gw.query(LIST, { dept: '430000-MZ' });
    expect(raiser.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);
    const provider = await gw.query(LIST, { dept: '430000-GA' });
    expect(provider.data!.objections).toEqual([expect.objectContaining({ key: idNumber, proposedValue: '欧阳娜娜' })]);

    const supervisor = await gw.query(LIST, { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(supervisor.errors).toBeUndefined();
    expect(supervisor.data!.objections).toEqual([{
      id: raised.data!.raiseObjection.id, item: 'fullName', reason: 'Misspelt', raisedBy: '430000-MZ',
      key: `${idNumber.slice(0, 6)}********${idNumber.slice(14)}`, proposedValue: '欧***',
    }]);
    expect(JSON.stringify(supervisor.data)).not.toContain(idNumber);
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
    const r = await quality.query(`{ consistencyReport(element: "QT-HOLDER") { compared differing sampleKeys } }`, { dept: '370000-DSJ', roles: ['supervisor'] });
    expect(r.errors).toBeUndefined();
    expect(r.data!.consistencyReport).toEqual([{ compared: 2, differing: 1, sampleKeys: ['************'] }]);
  });
});
