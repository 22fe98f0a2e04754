// A link to an item that is not the linked resource's key (SPEC §4), on a Guizhou platform of the test's own
// (test/fixtures/zunyi-links): Honghuagang's subsidy cases link to Zunyi's enterprises by their key, their
// name, their legal person's ID number (masked for Honghuagang) and their registration number.
// - The importer checks a link's value as the item it links to holds its values (src/records/validate/
//   links.ts): the key's spelling rules for a link to a key only; a name with blanks around it is a name.
// - Of several enterprises holding the value, a link returns the one the requester's list of them shows
//   first (the smallest key here), never one outside the requester's row scope, and the same answer
//   whether or not such a hidden one exists.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { importRecordsOf, importSummaryOf } from './helpers/records-of.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/zunyi-links/${p}`, import.meta.url));
const ENTERPRISES = '520300-SCJ-00001';
const SUBSIDIES = '520302-MZJ-00001';
const BUSINESSES = '520300-SCJ-00002';
const TRADE_NAME = '老街米粉';
const READER = { dept: '520302-MZJ', purpose: 'subsidy-review' }; // row scope: Honghuagang's enterprises
const PROVIDER = { dept: '520300-SCJ', purpose: 'subsidy-review' }; // every enterprise

const SHARED_NAME = '遵义同名商贸有限公司';
const BLANK_NAME = ' 黔北 老字号 '; // a name as the register holds it, blanks and all
const HOLDER = '520302198001011234';
const REG_NO = '520302-0001';
const enterprise = (creditCode: string, countyCode = '520302') => ({ creditCode, name: SHARED_NAME, countyCode, legalPersonId: HOLDER, regNo: REG_NO });
// Ten Honghuagang enterprises holding the same name, holder and registration number, written in no order.
const SAME = ['E17', 'E12', 'E19', 'E10', 'E15', 'E11', 'E18', 'E13', 'E16', 'E14'].map((k) => enterprise(k));

let gw: TestGateway;
let counted: CountingStore;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('enterprises.yaml'), fixture('subsidies.yaml')],
    wrapStore: (s) => (counted = countingStore(s)),
  });
  await importRecordsOf(gw.store, ENTERPRISES, [...SAME, { creditCode: 'E05', name: BLANK_NAME, countyCode: '520302' }]);
}, 60_000);
afterAll(() => gw?.close());

describe('a data import of records linking to another resource', () => {
  it('takes a value with blanks around it in a link to an item that is not the key, which holds such values', async () => {
    const summary = await importSummaryOf(gw.store, SUBSIDIES, [
      { caseNo: 'S1', enterpriseCode: 'E12', enterpriseName: SHARED_NAME, holderId: HOLDER, regNo: REG_NO, county: '520302' },
      { caseNo: 'S2', enterpriseName: BLANK_NAME },
    ]);
    expect(summary.problems).toEqual([]);
    const res = await gw.query('{ hhgCivil { subsidy(caseNo: "S2") { byName { creditCode name } } } }', READER);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hhgCivil.subsidy).toEqual({ byName: { creditCode: 'E05', name: BLANK_NAME } });
  });

  it('refuses a value that could meet no record, saying what it is a link to', async () => {
    const summary = await importSummaryOf(gw.store, SUBSIDIES, [
      { caseNo: 'S3', enterpriseCode: ' E10' },
      { caseNo: 'S4', regNo: '5203-1' },
      { caseNo: 'S5', county: '５２０３０２' },
      { caseNo: 'S6', enterpriseName: '　遵义同名商贸有限公司' }, // an ideographic space: a name may hold one
    ]);
    expect(summary.refused).toBe(true);
    expect(summary.problems).toEqual([
      'line 1: enterpriseCode: " E10" is not written as a link to the key creditCode of 520300-SCJ-00001 is (NFC, ASCII letters and digits rather than full-width ones, no blanks before or after), so a lookup by its usual spelling would not find it; write "E10"',
      'line 2: regNo: "5203-1" does not match the pattern ^5203[0-9]{2}-[0-9]{4}$, as regNo of 520300-SCJ-00001 requires, so a link to the item regNo of 520300-SCJ-00001 would meet no record',
      'line 3: county: "５２０３０２" is not written as a division code is (ASCII digits and letters, no spaces or invisible characters), and a link to the item countyCode of 520300-SCJ-00001 holds division codes so written (its row scope), so it would meet no record; write "520302"',
    ]);
  });
});

describe('a link to an item several records hold', () => {
  const S1 = '{ hhgCivil { subsidy(caseNo: "S1") { byCode { creditCode } byName { creditCode } byHolder { creditCode legalPersonId } byRegNo { creditCode } } } }';
  const firstOfList = `{ zyMarket { enterprises(filter: { name: { eq: "${SHARED_NAME}" } }, first: 1) { nodes { creditCode } } } }`;
  const linkedTo = (code: string) => ({
    byCode: { creditCode: 'E12' },
    byName: { creditCode: code },
    byHolder: { creditCode: code, legalPersonId: '520302********1234' },
    byRegNo: { creditCode: code },
  });

  it('returns the first the requester\'s list shows (the smallest key), the masked item\'s link too', async () => {
    const res = await gw.query(S1, READER);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hhgCivil.subsidy).toEqual(linkedTo('E10'));
    const list = await gw.query(firstOfList, READER);
    expect(list.data!.zyMarket.enterprises.nodes).toEqual([{ creditCode: 'E10' }]);
  });

  it('answers a row-scoped requester the same once an enterprise of another county holds the value under a smaller key', async () => {
    await importRecordsOf(gw.store, ENTERPRISES, [enterprise('E00', '520303')]); // Huichuan's, outside Honghuagang's rows
    const res = await gw.query(S1, READER);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hhgCivil.subsidy).toEqual(linkedTo('E10'));
    // The provider of the enterprises sees every county: the smallest key is now the new one (unmasked, its own).
    const provider = await gw.query('{ hhgCivil { subsidy(caseNo: "S1") { byName { creditCode } byHolder { creditCode legalPersonId } byRegNo { creditCode } } } }', PROVIDER);
    expect(provider.errors).toBeUndefined();
    expect(provider.data!.hhgCivil.subsidy).toEqual({
      byName: { creditCode: 'E00' }, byHolder: { creditCode: 'E00', legalPersonId: HOLDER }, byRegNo: { creditCode: 'E00' },
    });
  });

  it('returns, where the requester reads the linked key masked, the first of their list too (not key order: it would tell of the hidden key)', async () => {
    // Twenty operators of one trade name, their ID numbers differing in the hidden birth dates and the last four.
    const operators = Array.from({ length: 20 }, (_, i) => `5203021960${String(i + 1).padStart(2, '0')}01${String(1000 + i)}`);
    await importRecordsOf(gw.store, BUSINESSES, operators.map((operatorId) => ({ operatorId, tradeName: TRADE_NAME, countyCode: '520302' })));
    await importRecordsOf(gw.store, SUBSIDIES, [{ caseNo: 'S10', tradeName: TRADE_NAME }]);
    const res = await gw.query(`{ hhgCivil { subsidy(caseNo: "S10") { byTrade { operatorId } } }
      zyMarket { businesses(filter: { tradeName: { eq: "${TRADE_NAME}" } }, first: 1) { nodes { operatorId } } } }`, READER);
    expect(res.errors).toBeUndefined();
    const first = res.data!.zyMarket.businesses.nodes[0].operatorId;
    expect(first).toMatch(/^520302\*{8}1\d{3}$/);
    expect(res.data!.hhgCivil.subsidy.byTrade).toEqual({ operatorId: first });
  });

  it('answers every row of a page linking to one value with the same record, in one read of the linked resource', async () => {
    await importRecordsOf(gw.store, SUBSIDIES, ['S7', 'S8', 'S9'].map((caseNo) => ({ caseNo, enterpriseName: SHARED_NAME, holderId: HOLDER })));
    counted.reset();
    const res = await gw.query(`{ hhgCivil { subsidies(filter: { caseNo: { in: ["S1", "S7", "S8", "S9"] } }) { nodes { caseNo byName { creditCode } byHolder { creditCode } } } } }`, READER);
    // One read of the enterprises a link (SPEC §5), whatever the rows and the records holding the value.
    const enterprises = collectionOf({ code: ENTERPRISES } as Resource);
    const reads = counted.calls.flatMap((c, i) => (c === `find ${enterprises}` || c === `findByValues ${enterprises}` ? [[c, counted.rows[i]]] : []));
    // Each read one record of the value its ten Honghuagang enterprises hold: the store picks it (a value
    // thousands of records hold would otherwise send them all, on every page that links to it).
    expect(reads).toEqual([[`find ${enterprises}`, 1], [`find ${enterprises}`, 1]]);
    expect(res.errors).toBeUndefined();
    expect(res.data!.hhgCivil.subsidies.nodes).toEqual(['S1', 'S7', 'S8', 'S9'].map((caseNo) => ({ caseNo, byName: { creditCode: 'E10' }, byHolder: { creditCode: 'E10' } })));
  });
});
