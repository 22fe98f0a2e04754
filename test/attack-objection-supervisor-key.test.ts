// A supervisor's `objections` list (SPEC §14: supervisors list every objection) attacked on an item its
// department may not read (SPEC §6). An objection OPEN or CONFIRMED says that the item's value of one
// record is doubted, or held wrong by its provider: `_objections` leaves it out of a read of the record
// (attack-objections-hidden-items.test.ts). The list named the record beside it, its key as the
// department reads the key (here in clear), and so told the supervisor which home's arrears the housing
// department had confirmed wrong, arrears it may not read. Now the key is masked in full when the item
// objected to is not read, as outside the rows; the objection is still listed. test/fixtures/ningxia-doubts.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/ningxia-doubts/${name}`, import.meta.url));
const HOMES = '640000-ZJT-0001';
const PURPOSE = 'rent-relief';
const YINCHUAN = { dept: '640100-MZJ', purpose: PURPOSE }; // reads arrears
const SHIZUISHAN = { dept: '640200-MZJ', purpose: PURPOSE }; // does not
const PROVIDER = { dept: '640000-ZJT', purpose: PURPOSE };
const SUPERVISOR = { dept: '640000-DSJ', purpose: PURPOSE, roles: ['supervisor' as const] }; // does not

const LIST = '{ objections { key item status raisedBy proposedValue } }';
type Listed = { key: string; item: string; status: string; raisedBy: string; proposedValue: string | null };
const byRaiserAndItem = (list: Listed[]) => [...list].sort((a, b) => `${a.raisedBy} ${a.item}`.localeCompare(`${b.raisedBy} ${b.item}`));

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('housing.yaml')] });
  const homes = collectionOf((await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === HOMES)!);
  await gw.store.insert(homes, [
    { homeNo: 'YC-1', division: '640104', rent: 800, arrears: 1200 },
    { homeNo: 'SZS-1', division: '640202', rent: 600, arrears: 0 },
  ]);
  const raise = (who: object, key: string, item: string, proposedValue: string) => gw.query(
    'mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }',
    { ...who, roles: ['applicant'], variables: { input: { resource: HOMES, key, item, reason: 'Paid up in May', proposedValue } } },
  );
  const arrears = await raise(YINCHUAN, 'YC-1', 'arrears', '0');
  const raised = [arrears, await raise(YINCHUAN, 'YC-1', 'rent', '750'), await raise(SHIZUISHAN, 'SZS-1', 'rent', '500')];
  expect(raised.map((r) => r.errors)).toEqual([undefined, undefined, undefined]);
  const answer = await gw.query('mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }',
    { ...PROVIDER, roles: ['approver'], variables: { input: { id: arrears.data!.raiseObjection.id, decision: 'CONFIRM', reason: 'Being corrected' } } });
  expect(answer.data).toEqual({ answerObjection: { status: 'CONFIRMED' } });
}, 60_000);
afterAll(() => gw?.close());

describe('a supervisor listing objections', () => {
  it('reads the key of a record only beside an item its department reads; one to another item names no record', async () => {
    const r = await gw.query(LIST, SUPERVISOR);
    expect(r.errors).toBeUndefined();
    expect(byRaiserAndItem(r.data!.objections)).toEqual([
      // Listed, for the deadlines, but not which home's arrears the provider holds wrong.
      { key: '****', item: 'arrears', status: 'CONFIRMED', raisedBy: '640100-MZJ', proposedValue: null },
      { key: 'YC-1', item: 'rent', status: 'OPEN', raisedBy: '640100-MZJ', proposedValue: '750' },
      { key: 'SZS-1', item: 'rent', status: 'OPEN', raisedBy: '640200-MZJ', proposedValue: '500' },
    ]);
  });

  it('learns no more than a read of the record tells it, whose _objections leave the arrears out', async () => {
    const r = await gw.query('{ nxHousing { rentalHome(homeNo: "YC-1") { rent _objections { item status } } } }', SUPERVISOR);
    expect(r.errors).toBeUndefined();
    expect(r.data!.nxHousing.rentalHome).toEqual({ rent: 800, _objections: [{ item: 'rent', status: 'OPEN' }] });
  });

  it('leaves the raiser and the provider the key they typed and hold', async () => {
    for (const who of [YINCHUAN, PROVIDER]) {
      const r = await gw.query(LIST, who);
      expect(r.errors).toBeUndefined();
      const yinchuan = (r.data!.objections as Listed[]).filter((o) => o.raisedBy === '640100-MZJ');
      expect(yinchuan.map((o) => `${o.key} ${o.item} ${o.proposedValue}`).sort()).toEqual(['YC-1 arrears 0', 'YC-1 rent 750']);
    }
  });
});
