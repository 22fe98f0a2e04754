// The order of a list must not tell what the reader may not read. Without orderBy, records come in key
// order (SPEC §5), and ties of an orderBy are broken by the key; a reader denied the key would learn the
// order of its values (for an ID number: the region of registration, then the birth date, then the
// sequence), and so would a reader who sees it masked (an ID number masked keeps its region and last
// four: key order sorts the hidden birth dates). For such readers the store's own row order (the order
// records were stored in) breaks ties instead, and cursors walk it; a reader of the key unmasked keeps
// key order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { idCardCheckDigit } from '../src/formats/idcard.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const HOUSEHOLD = '430000-GA-00001';
const PURPOSE = 'social-assistance';
const NO_KEY = '430000-MZ'; // granted birthDate and regionCode, not idNumber
const MASKED_KEY = '430000-RST'; // granted idNumber too (masked)
const KEY = '430000-ZRZYT'; // granted idNumber unmasked

const idNumber = (region: string, date: string, seq: number): string => {
  const first17 = `${region}${date}${String(seq).padStart(3, '0')}`;
  return first17 + idCardCheckDigit(first17);
};

// Stored in this order; their key order is b, d, a, c (region first, then date).
const STORED = [
  { idNumber: idNumber('430111', '19700101', 1), birthDate: '2001-01-01' }, // a
  { idNumber: idNumber('430102', '19900101', 1), birthDate: '2002-02-02' }, // b
  { idNumber: idNumber('430121', '19500101', 1), birthDate: '2003-03-03' }, // c
  { idNumber: idNumber('430102', '19950101', 1), birthDate: '2004-04-04' }, // d
].map((r) => ({ ...r, fullName: '张三', regionCode: '430102' }));
const storedOrder = STORED.map((r) => r.birthDate);
const keyOrder = [...STORED].sort((x, y) => (x.idNumber < y.idNumber ? -1 : 1)).map((r) => r.birthDate);

const LIST = `query($first: Int, $after: String, $orderBy: [HouseholdRegistrationOrder!]) { publicSecurity {
  householdRegistrations(first: $first, after: $after, orderBy: $orderBy) { nodes { birthDate } pageInfo { hasNextPage endCursor } } } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
  const model = gw.gateway.holder.schema.model.byCode.get(HOUSEHOLD)!;
  await gw.store.insert(model.collection, STORED);
  const ctx = { platform: gw.platform, catalogues: gw.gateway.holder.schema.model.catalogues };
  await addGrant(gw.store, ctx, { requester: NO_KEY, resource: HOUSEHOLD, items: ['birthDate', 'regionCode'], purposes: [PURPOSE], createdBy: 'test' });
  await addGrant(gw.store, ctx, { requester: MASKED_KEY, resource: HOUSEHOLD, items: ['idNumber', 'birthDate', 'regionCode'], purposes: [PURPOSE], createdBy: 'test' });
  await addGrant(gw.store, ctx, { requester: KEY, resource: HOUSEHOLD, items: ['idNumber', 'birthDate', 'regionCode'], unmasked: ['idNumber'], purposes: [PURPOSE], createdBy: 'test' });
});
afterAll(() => gw?.close());

async function walk(dept: string, first: number, orderBy?: unknown): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  do {
    const res = await gw.query(LIST, { dept, purpose: PURPOSE, variables: { first, after, orderBy } });
    expect(res.errors).toBeUndefined();
    const conn = res.data!.publicSecurity.householdRegistrations;
    seen.push(...conn.nodes.map((n: { birthDate: string }) => n.birthDate));
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
  } while (after);
  return seen;
}

describe('the order of a list whose key the reader may not read', () => {
  it('keeps the key order for a reader who may read the key unmasked (SPEC §5)', async () => {
    expect(keyOrder).not.toEqual(storedOrder);
    expect(await walk(KEY, 10)).toEqual(keyOrder);
  });

  it('is the order the records were stored in, on one page and through cursors', async () => {
    expect(await walk(NO_KEY, 10)).toEqual(storedOrder);
    expect(await walk(NO_KEY, 1)).toEqual(storedOrder);
  });

  it('is the order stored too for a reader who sees the key masked: the order would show the hidden digits', async () => {
    expect(await walk(MASKED_KEY, 10)).toEqual(storedOrder);
    expect(await walk(MASKED_KEY, 1)).toEqual(storedOrder);
    expect(await walk(MASKED_KEY, 2, [{ field: 'regionCode', direction: 'DESC' }])).toEqual(storedOrder);
  });

  it('breaks the ties of an orderBy by the order stored, not by the key', async () => {
    const byRegion = [{ field: 'regionCode', direction: 'DESC' }];
    expect(await walk(KEY, 2, byRegion)).toEqual(keyOrder);
    expect(await walk(NO_KEY, 2, byRegion)).toEqual(storedOrder);
  });

  it('refuses a cursor of the key order to a reader who sees the key masked', async () => {
    const res = await gw.query(LIST, { dept: KEY, purpose: PURPOSE, variables: { first: 1 } });
    const after = res.data!.publicSecurity.householdRegistrations.pageInfo.endCursor;
    const replay = await gw.query(LIST, { dept: MASKED_KEY, purpose: PURPOSE, variables: { first: 1, after } });
    expect(replay.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(replay.data?.publicSecurity.householdRegistrations ?? null).toBeNull();
  });

  it('refuses a cursor of the key order to a reader denied the key', async () => {
    const res = await gw.query(LIST, { dept: KEY, purpose: PURPOSE, variables: { first: 1 } });
    const after = res.data!.publicSecurity.householdRegistrations.pageInfo.endCursor;
    // Sealed per resource, but made for another department's order: it cannot be replayed.
    const replay = await gw.query(LIST, { dept: NO_KEY, purpose: PURPOSE, variables: { first: 1, after } });
    expect(replay.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(replay.data?.publicSecurity.householdRegistrations ?? null).toBeNull();
  });
});
