// A supervisor under row scope reads an objection's key and proposed value only when the record lies
// within its department's rows (workflow/objections/viewing.ts, recordsInRows). The objection holds the
// key as stored, an ID number's 'x' maybe; once `govgraph data import` replaced that row by the file's
// 'X' one (store port, UpsertAllOptions), the record was looked up by the 'x' alone and found nowhere:
// the supervisor saw the objection to a record within its rows masked in full, as one outside them.
// So did the record's own `_objections` field (resolvers/data/objections.ts): it listed nothing. Wuxi
// 320200, test/fixtures/wuxi-left: the supervisor's grant reaches Xishan (320205), not Binhu (320211).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/wuxi-left/${p}`, import.meta.url));
const RESIDENTS = '320200-GAJ-00031';
const COLLECTION = 'r_320200_gaj_00031';
const SUPERVISOR = { dept: '320200-DSJ', roles: ['supervisor' as const], purpose: 'relief-check' };
const OBJECTIONS = `{ objections { key item proposedValue raisedBy } }`;

/** A district's first ID number whose check character is 'X'. */
function idEndingInX(district: string): string {
  for (let n = 1; ; n++) {
    const first17 = `${district}19850607${String(n).padStart(3, '0')}`;
    if (idCardCheckDigit(first17) === 'X') return first17 + 'X';
  }
}
const XISHAN = idEndingInX('320205'); // within the supervisor's rows
const BINHU = idEndingInX('320211'); // outside them
const lower = (id: string) => id.slice(0, 17) + 'x';

let gw: TestGateway;
const objectionsOfSupervisor = async () => {
  const r = await gw.query(OBJECTIONS, SUPERVISOR);
  expect(r.errors).toBeUndefined();
  return Object.fromEntries(r.data!.objections.map((o: { raisedBy: string }) => [o.raisedBy, o]));
};

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
  const ctx = { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) };
  for (const [requester, rows] of [['320200-DSJ', ['320205']], ['320205-MZJ', null], ['320211-MZJ', null]] as const) {
    await addGrant(gw.store, ctx, { requester, resource: RESIDENTS, items: ['idNumber', 'fullName', 'district'], purposes: ['relief-check'], rows: rows ? [...rows] : null, createdBy: 'test' });
  }
  // As a release before the importer wrote 'X' left them (straight through the store).
  await gw.store.upsert(COLLECTION, 'idNumber', [
    { idNumber: lower(XISHAN), fullName: '钱错', district: '320205' },
    { idNumber: lower(BINHU), fullName: '孙错', district: '320211' },
  ]);
  // Each district's bureau objects to the name of its resident, by the number as stored.
  for (const [dept, id] of [['320205-MZJ', XISHAN], ['320211-MZJ', BINHU]]) {
    const raised = await gw.query(`mutation { raiseObjection(input: { resource: "${RESIDENTS}", key: "${lower(id)}", item: "fullName", reason: "姓名有误", proposedValue: "钱对" }) { key } }`, {
      dept, roles: ['applicant'], purpose: 'relief-check',
    });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection.key).toBe(lower(id));
  }
}, 60_000);
afterAll(() => gw?.close());

describe('an objection to an ID number stored with x, as a supervisor under row scope lists it', () => {
  let before: Record<string, unknown>;

  it('before the import: the key and proposed value within its rows, neither outside them', async () => {
    before = await objectionsOfSupervisor();
    expect(before).toEqual({
      '320205-MZJ': { key: `320205********${lower(XISHAN).slice(-4)}`, item: 'fullName', proposedValue: '钱*', raisedBy: '320205-MZJ' },
      '320211-MZJ': { key: '*'.repeat(18), item: 'fullName', proposedValue: null, raisedBy: '320211-MZJ' },
    });
  });

  it('after the import that writes the numbers with X (the x rows replaced): the same', async () => {
    const file = join(gw.dataDir, 'residents.csv');
    writeFileSync(file, `idNumber,fullName,district\n${XISHAN},钱错,320205\n${BINHU},孙错,320211\n`);
    const run = await runGovgraph(['data', 'import', '--resource', RESIDENTS, file], {
      env: cliEnv({ GOVGRAPH_DATA_DIR: gw.dataDir, GOVGRAPH_PLATFORM: fixture('platform.yaml') }),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`imported 2 records into ${RESIDENTS} (0 new, 2 updated)`);
    // Within its rows as before; outside them still nothing of the record (the lookup by both spellings
    // keeps the row filter).
    expect(await objectionsOfSupervisor()).toEqual(before);
  });

  it("the record's own objections (_objections) still list it once the x row is replaced", async () => {
    const r = await gw.query(`{ wxPolice { resident(idNumber: "${XISHAN}") { idNumber _objections { item status } } } }`, { dept: '320200-GAJ', purpose: 'relief-check' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.wxPolice.resident).toEqual({ idNumber: XISHAN, _objections: [{ item: 'fullName', status: 'OPEN' }] });
  });

  it('a second objection by the same department to the same item, by the number as now stored, is refused as standing', async () => {
    // The objection's standing slot held the key as stored then ('x'): the same record under its 'X' row
    // made another slot, and a second standing objection was taken.
    const again = await gw.query(`mutation { raiseObjection(input: { resource: "${RESIDENTS}", key: "${XISHAN}", item: "fullName", reason: "姓名仍有误" }) { key } }`, {
      dept: '320205-MZJ', roles: ['applicant'], purpose: 'relief-check',
    });
    expect(again.errors?.map((e) => e.extensions?.code)).toEqual(['CONFLICT']);
  });
});
