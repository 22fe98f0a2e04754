// The platform's workflow lists without `first` (objections, demands, sharingRequests) read, for a
// department, only the entries it may see: filtered in the store, not by reading every department's
// entries and dropping the others (any department adds to those collections, so one list would cost a
// read of the whole platform's). The competent department's supervisors still read all.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { OBJECTIONS } from '../src/workflow/objections.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const WATCHED = new Set([OBJECTIONS, DEMANDS, SHARING_REQUESTS]);
/** Rows each watched collection's finds returned, since the last reset. */
const returned = new Map<string, number>();
function countingStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.find = async (collection, query) => {
    const rows = await inner.find(collection, query);
    if (WATCHED.has(collection)) returned.set(collection, (returned.get(collection) ?? 0) + rows.length);
    return rows;
  };
  return store;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true, wrapStore: countingStore });
});
afterAll(() => gw?.close());

const RST = { dept: '430000-RST', roles: ['applicant' as const], purpose: 'administrative-licensing' };
const ENTERPRISES = '{ marketRegulation { enterpriseRegistrations(first: 3) { nodes { creditCode } } } }';

it('a department with none of its own reads none of the others', async () => {
  const keys = (await gw.query(ENTERPRISES, RST)).data!.marketRegulation.enterpriseRegistrations.nodes.map((n: { creditCode: string }) => n.creditCode);
  for (const key of keys) {
    const r = await gw.query('mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }', {
      ...RST, variables: { input: { resource: '430000-SCJG-00001', key, item: 'name', reason: 'Renamed', proposedValue: 'New name' } },
    });
    expect(r.errors).toBeUndefined();
  }
  const demand = { title: 'Homesteads', description: 'For subsidies', items: ['area'], purposes: ['employment-services'], provider: '430000-ZRZYT' };
  expect((await gw.query('mutation($input: DemandInput!) { requestData(input: $input) { id } }', { ...RST, variables: { input: demand } })).errors).toBeUndefined();
  const sharing = { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'], justification: 'Identity checks', until: '2027-12-31' };
  expect((await gw.query('mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }', { ...RST, variables: { input: sharing } })).errors).toBeUndefined();

  const LISTS = '{ objections { id } demands { id } sharingRequests { id } }';
  returned.clear();
  const other = await gw.query(LISTS, { dept: '430000-MZ', roles: ['applicant'] });
  expect(other.errors).toBeUndefined();
  expect(other.data).toEqual({ objections: [], demands: [], sharingRequests: [] });
  expect(Object.fromEntries(returned)).toEqual({ [OBJECTIONS]: 0, [DEMANDS]: 0, [SHARING_REQUESTS]: 0 });

  // The raiser, and each provider on its side, still see theirs; the supervisor sees all.
  const own = await gw.query(LISTS, RST);
  expect([own.data!.objections.length, own.data!.demands.length, own.data!.sharingRequests.length]).toEqual([keys.length, 1, 1]);
  const provider = await gw.query(LISTS, { dept: '430000-SCJG', roles: ['approver'] });
  expect([provider.data!.objections.length, provider.data!.demands.length, provider.data!.sharingRequests.length]).toEqual([keys.length, 0, 0]);
  const side = await gw.query('{ sharingRequests(side: PROVIDER) { id } }', { dept: '430000-GA', roles: ['approver'] });
  expect(side.data!.sharingRequests).toHaveLength(1);
  const supervisor = await gw.query(LISTS, { dept: '430000-ZWB', roles: ['supervisor'] });
  expect([supervisor.data!.objections.length, supervisor.data!.demands.length, supervisor.data!.sharingRequests.length]).toEqual([keys.length, 1, 1]);
});
