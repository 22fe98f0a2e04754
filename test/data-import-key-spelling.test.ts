// Record keys a person reads as one (test/fixtures/wenzhou-keys, Wenzhou 330300): an ID number's check
// character written 'x' and 'X', a key in full-width forms, in NFD, with blanks around it. Keys are
// compared exactly, so each became a second record that a lookup, a link and a count did not meet. The
// importer stores an ID number with 'X' (GB 11643), reads by ID number accept either spelling (also of a
// row stored with 'x' before), and refuses other keys a person reads as another, naming the spelling.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/wenzhou-keys/${p}`, import.meta.url));
const RESIDENTS = '330300-GAJ-00001';
const ALLOWANCES = '330302-MZJ-00001';
const READER = { dept: '330302-MZJ', purpose: 'elderly-care' };

/** An ID number of Lucheng whose check character is 'X', from the sequence number on. */
function idEndingInX(from: number): string {
  for (let n = from; ; n++) {
    const first17 = `33030219450101${String(n).padStart(3, '0')}`;
    if (idCardCheckDigit(first17) === 'X') return first17 + 'X';
  }
}
const ID_A = idEndingInX(1);
const ID_B = idEndingInX(Number(ID_A.slice(14, 17)) + 1);
const ID_OLD = idEndingInX(Number(ID_B.slice(14, 17)) + 1);
const lower = (id: string) => id.slice(0, 17) + 'x';

let gw: TestGateway;
let resources: Resource[];
const resource = (code: string) => resources.find((r) => r.code === code)!;
let files = 0;
function importText(code: string, text: string, options: { skipInvalid?: boolean } = {}) {
  const file = join(gw.dataDir, `records-${++files}.csv`);
  writeFileSync(file, text);
  return importRecords(gw.store, resource(code), file, options);
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml'), fixture('allowances.yaml')] });
  resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
}, 60_000);
afterAll(() => gw?.close());

describe('an ID number written with a lower-case x', () => {
  it('is stored with X, found by either spelling and linked to from another resource', async () => {
    const residents = await importText(RESIDENTS, `idNumber,fullName\n${lower(ID_A)},陈小燕\n`);
    expect(residents.problems).toEqual([]);
    expect(residents.written).toBe(1);
    const allowances = await importText(ALLOWANCES, `caseNo,idNumber,amount\nLC-1,${lower(ID_A)},100\nLC-2,${ID_A},200\n`);
    expect(allowances.problems).toEqual([]);

    for (const spelling of [ID_A, lower(ID_A)]) {
      const res = await gw.query(`{ wzPolice { resident(idNumber: "${spelling}") { idNumber fullName } residents(filter: { idNumber: { eq: "${spelling}" } }) { totalCount nodes { idNumber } } } }`, READER);
      expect(res.errors).toBeUndefined();
      expect(res.data!.wzPolice.resident).toEqual({ idNumber: ID_A, fullName: '陈小燕' });
      expect(res.data!.wzPolice.residents).toEqual({ totalCount: 1, nodes: [{ idNumber: ID_A }] });
    }
    const linked = await gw.query('{ lcCivil { allowances { nodes { caseNo idNumber resident { fullName } } } } }', READER);
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.lcCivil.allowances.nodes).toEqual([
      // The allowances' own item (no format) keeps its spelling; the link joins it to the number with X.
      { caseNo: 'LC-1', idNumber: lower(ID_A), resident: { fullName: '陈小燕' } },
      { caseNo: 'LC-2', idNumber: ID_A, resident: { fullName: '陈小燕' } },
    ]);
  });

  it('is left out by `ne` in either spelling, as `eq` in either finds it', async () => {
    for (const spelling of [ID_A, lower(ID_A)]) {
      const res = await gw.query(`{ wzPolice { residents(filter: { idNumber: { ne: "${spelling}" } }) { nodes { idNumber } } } }`, READER);
      expect(res.errors).toBeUndefined();
      expect(res.data!.wzPolice.residents.nodes).toEqual([]);
    }
  });

  it('names the record stored with X in an objection raised with x', async () => {
    const raised = await gw.query(`mutation { raiseObjection(input: { resource: "${RESIDENTS}", key: "${lower(ID_A)}", item: "fullName", reason: "姓名有误" }) { key } }`, {
      ...READER, roles: ['applicant'],
    });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.raiseObjection).toEqual({ key: ID_A });
  });

  it('and the same number with X in one file are one record: the second is refused as a key written twice', async () => {
    const summary = await importText(RESIDENTS, `idNumber,fullName\n${lower(ID_B)},林一\n${ID_B},林二\n`);
    expect(summary.refused).toBe(true);
    expect(summary.problems).toEqual([`line 3: idNumber: "${ID_B}" appears again (first on line 2); keys must be unique`]);
  });

  it('stored with x before the importer wrote X (the item took the idcard format later) is found by either spelling', async () => {
    await gw.store.upsert(collectionOf(resource(RESIDENTS)), 'idNumber', [{ idNumber: lower(ID_OLD), fullName: '周老' }]);
    await importText(ALLOWANCES, `caseNo,idNumber,amount\nLC-9,${ID_OLD},300\n`);
    for (const spelling of [ID_OLD, lower(ID_OLD)]) {
      const res = await gw.query(`{ wzPolice { resident(idNumber: "${spelling}") { fullName } residents(filter: { idNumber: { in: ["${spelling}"] } }) { totalCount } } }`, READER);
      expect(res.errors).toBeUndefined();
      expect(res.data!.wzPolice).toEqual({ resident: { fullName: '周老' }, residents: { totalCount: 1 } });
    }
    const linked = await gw.query('{ lcCivil { allowance(caseNo: "LC-9") { resident { idNumber fullName } } } }', READER);
    expect(linked.data!.lcCivil.allowance).toEqual({ resident: { idNumber: lower(ID_OLD), fullName: '周老' } });
  });
});

describe('a key a person reads as another', () => {
  const file = [
    'caseNo,idNumber,amount',
    'ＬＣ-３,,1', // full-width letters and digits, as a Chinese input method types them
    ' LC-4 ,,1', // blanks around it
    'Ａ\u3000,,1', // full-width letter and an ideographic space after it
    'Lucheng-Re\u0301n,,1', // NFD: e and a combining acute accent
    `LC-5,${ID_A.slice(0, 4)}０${ID_A.slice(5)},1`, // a link to the residents' key, with one full-width digit
    'LC-6,,1',
    '鹿民（2024）12号,,1', // full-width parentheses: Chinese typography, kept
  ].join('\n') + '\n';

  it('is refused at its line, naming the spelling to write; nothing is written', async () => {
    const summary = await importText(ALLOWANCES, file);
    expect(summary.refused).toBe(true);
    expect(summary.written).toBe(0);
    const expected = (line: number, item: string, value: string, plain: string, what = 'a key') =>
      `line ${line}: ${item}: ${JSON.stringify(value)} is not written as ${what} is (NFC, ASCII letters and digits rather than full-width ones, no blanks before or after), so a lookup by its usual spelling would not find it; write ${JSON.stringify(plain)}`;
    expect(summary.problems).toEqual([
      expected(2, 'caseNo', 'ＬＣ-３', 'LC-3'),
      expected(3, 'caseNo', ' LC-4 ', 'LC-4'),
      expected(4, 'caseNo', 'Ａ\u3000', 'A'),
      expected(5, 'caseNo', 'Lucheng-Re\u0301n', 'Lucheng-Rén'),
      expected(6, 'idNumber', `${ID_A.slice(0, 4)}０${ID_A.slice(5)}`, ID_A, `a link to the key idNumber of ${RESIDENTS}`),
    ]);
    const res = await gw.query('{ lcCivil { allowance(caseNo: "LC-6") { caseNo } } }', READER);
    expect(res.data!.lcCivil.allowance).toBeNull();
  });

  it('is rejected under --skip-invalid, the others written', async () => {
    const summary = await importText(ALLOWANCES, file, { skipInvalid: true });
    expect(summary).toMatchObject({ written: 2, rejected: 5 });
    const res = await gw.query('{ lcCivil { allowance(caseNo: "鹿民（2024）12号") { caseNo } } }', READER);
    expect(res.data!.lcCivil.allowance).toEqual({ caseNo: '鹿民（2024）12号' });
  });
});
