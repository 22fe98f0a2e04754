// The generated schema served over HTTP, read by each resource's own provider (row 0 of the access
// table: everything, unmasked), so that these tests are about generation, paging and reads alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
let counted: CountingStore;

beforeAll(async () => {
  gw = await startTestGateway({ demo: true, wrapStore: (s) => (counted = countingStore(s)) });
});
afterAll(() => gw?.close());

const GA = { dept: '430000-GA' };
// The employer link reads another department's resource, which needs a purpose.
const RST = { dept: '430000-RST', purpose: 'employment-services' };

describe('lists, pages and lookups', () => {
  it('returns a page in key order with a cursor, and totalCount', async () => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 3) {
      nodes { idNumber gender } pageInfo { hasNextPage endCursor } totalCount } } }`, GA);
    expect(r.errors).toBeUndefined();
    const conn = r.data!.publicSecurity.householdRegistrations;
    expect(conn.nodes).toHaveLength(3);
    const ids = conn.nodes.map((n: { idNumber: string }) => n.idNumber);
    expect([...ids].sort()).toEqual(ids);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(conn.totalCount).toBeGreaterThanOrEqual(10_000);
    expect(['MALE', 'FEMALE']).toContain(conn.nodes[0].gender);
  });

  it('walks pages with after: no record twice, none skipped, same as one big page', async () => {
    const q = `query($after: String) { publicSecurity { householdRegistrations(first: 40, after: $after,
      filter: { regionCode: { eq: "430102" } }, orderBy: [{ field: birthDate, direction: DESC }]) {
      nodes { idNumber } pageInfo { hasNextPage endCursor } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const r = await gw.query(q, { ...GA, variables: { after } });
      expect(r.errors).toBeUndefined();
      const c = r.data!.publicSecurity.householdRegistrations;
      seen.push(...c.nodes.map((n: { idNumber: string }) => n.idNumber));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    const all = await gw.query(`{ publicSecurity { householdRegistrations(first: 1000,
      filter: { regionCode: { eq: "430102" } }, orderBy: [{ field: birthDate, direction: DESC }]) { nodes { idNumber } totalCount } } }`, GA);
    const whole = all.data!.publicSecurity.householdRegistrations;
    expect(seen.length).toBe(whole.totalCount);
    expect(seen).toEqual(whole.nodes.map((n: { idNumber: string }) => n.idNumber));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(40);
  });

  it('looks a record up by key, and answers null for a key that is not there', async () => {
    const page = await gw.query(`{ publicSecurity { householdRegistrations(first: 1) { nodes { idNumber fullName birthDate } } } }`, GA);
    const first = page.data!.publicSecurity.householdRegistrations.nodes[0];
    const r = await gw.query(`query($id: String!) { publicSecurity { householdRegistration(idNumber: $id) { idNumber fullName birthDate } } }`, {
      ...GA,
      variables: { id: first.idNumber },
    });
    expect(r.data!.publicSecurity.householdRegistration).toEqual(first);
    const none = await gw.query(`{ publicSecurity { householdRegistration(idNumber: "000000000000000000") { idNumber } } }`, GA);
    expect(none.errors).toBeUndefined();
    expect(none.data!.publicSecurity.householdRegistration).toBeNull();
  });
});

describe('filters and orders', () => {
  const ids = async (filter: string, order = '') => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 1000, filter: ${filter} ${order}) {
      nodes { idNumber birthDate gender regionCode fullName } totalCount } } }`, GA);
    expect(r.errors).toBeUndefined();
    return r.data!.publicSecurity.householdRegistrations;
  };

  it('applies string, date, enum operators and and/or, and counts what matches', async () => {
    const c = await ids(`{ birthDate: { gte: "1990-01-01", lt: "1990-03-01" }, gender: { eq: FEMALE } }`);
    expect(c.nodes.length).toBeGreaterThan(0);
    expect(c.totalCount).toBe(c.nodes.length);
    for (const n of c.nodes) {
      expect(n.birthDate >= '1990-01-01' && n.birthDate < '1990-03-01').toBe(true);
      expect(n.gender).toBe('FEMALE');
    }
    const prefix = await ids(`{ regionCode: { startsWith: "4301" }, or: [{ gender: { eq: MALE } }, { birthDate: { lt: "1950-01-01" } }] }`);
    for (const n of prefix.nodes) {
      expect(n.regionCode.startsWith('4301')).toBe(true);
      expect(n.gender === 'MALE' || n.birthDate < '1950-01-01').toBe(true);
    }
    const some = c.nodes.slice(0, 2).map((n: { idNumber: string }) => n.idNumber);
    const inList = await ids(`{ idNumber: { in: ${JSON.stringify(some)} } }`);
    expect(inList.nodes.map((n: { idNumber: string }) => n.idNumber)).toEqual([...some].sort());
  });

  it('orders by several fields', async () => {
    const c = await ids(`{ regionCode: { eq: "430102" } }`, `, orderBy: [{ field: gender }, { field: birthDate, direction: DESC }]`);
    const keys = c.nodes.map((n: { gender: string; birthDate: string }) => `${n.gender === 'FEMALE' ? 0 : 1}|${n.birthDate}`);
    for (let i = 1; i < keys.length; i++) {
      const [g0, d0] = keys[i - 1].split('|');
      const [g1, d1] = keys[i].split('|');
      expect(g0 < g1 || (g0 === g1 && d0 >= d1)).toBe(true);
    }
  });
});

describe('efficient reads', () => {
  it('a page of 100 records with a link costs 2 store reads, and no count unless totalCount is asked', async () => {
    counted.reset();
    const r = await gw.query(`{ humanResources { employmentRegistrations(first: 100) { nodes {
      registrationNo employerCode position employer { creditCode name } } } } }`, RST);
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.humanResources.employmentRegistrations.nodes;
    expect(nodes).toHaveLength(100);
    for (const n of nodes) expect(n.employer?.creditCode).toBe(n.employerCode);
    const reads = counted.calls.filter((c) => /^(find|findByValues|count) r_/.test(c));
    expect(reads).toEqual(['find r_430000_rst_00001', 'findByValues r_430000_scjg_00001']);

    counted.reset();
    await gw.query(`{ humanResources { employmentRegistrations(first: 5) { totalCount } } }`, RST);
    expect(counted.calls.filter((c) => c.includes(' r_'))).toEqual(['count r_430000_rst_00001']);
  });

  it('reads a link selected under two aliases once, each alias answering what it selects', async () => {
    counted.reset();
    const r = await gw.query(`{ humanResources { employmentRegistrations(first: 20) { nodes {
      employerCode a: employer { name } b: employer { creditCode } } } } }`, RST);
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.humanResources.employmentRegistrations.nodes;
    expect(nodes).toHaveLength(20);
    for (const n of nodes) {
      expect(Object.keys(n.a)).toEqual(['name']);
      expect(Object.keys(n.b)).toEqual(['creditCode']);
      expect(n.b.creditCode).toBe(n.employerCode);
    }
    expect(counted.calls.filter((c) => /^(find|findByValues|count) r_/.test(c))).toEqual(['find r_430000_rst_00001', 'findByValues r_430000_scjg_00001']);
  });

  /** The projections of the record reads `run` makes. */
  async function projectionsOf(run: () => Promise<unknown>): Promise<unknown[]> {
    const seen: unknown[] = [];
    const original = counted.find.bind(counted);
    counted.find = (async (c: string, q: { projection?: string[] }) => {
      if (c.startsWith('r_')) seen.push(q.projection);
      return original(c, q);
    }) as typeof counted.find;
    try {
      await run();
    } finally {
      counted.find = original;
    }
    return seen;
  }

  it('reads only the selected items from the store', async () => {
    const seen = await projectionsOf(() => gw.query(`{ humanResources { employmentRegistrations(first: 2) { nodes { position } } } }`, RST));
    expect(seen).toEqual([['registrationNo', 'position']]);
  });

  it('never reads from the store an item the requester may not read', async () => {
    const seen = await projectionsOf(async () => {
      const r = await gw.query(`{ humanResources { employmentRegistrations(first: 2) { nodes { position monthlyWage } } } }`, {
        dept: '430000-MZ',
        purpose: 'social-assistance',
      });
      expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_SHARED']);
    });
    expect(seen).toEqual([['registrationNo', 'position']]);
  });
});

describe('bad input', () => {
  it('refuses a first above the platform maximum before reading anything', async () => {
    counted.reset();
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 1000000) { nodes { idNumber } } } }`, GA);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toBe('first may be at most 1000 on this platform; got 1000000. Page through with after.');
    expect(r.data?.publicSecurity.householdRegistrations).toBeNull();
    expect(counted.calls.filter((c) => c.includes(' r_'))).toEqual([]);
  });

  it('refuses a filter value of the wrong type with a message naming it', async () => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(filter: { birthDate: { gt: "1990-02-30" } }) { nodes { idNumber } } } }`, GA);
    expect(r.errors?.[0].extensions?.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    expect(r.errors?.[0].message).toContain('"1990-02-30" is not a date');
    // It points at the value, so that GraphiQL and an editor underline it.
    expect(r.errors?.[0].locations).toEqual([{ line: 1, column: 70 }]);
  });

  it('refuses a bad decimal or date-time, and compares good ones by value', async () => {
    const SCJG = { dept: '430000-SCJG' };
    const bad = await gw.query(`{ marketRegulation { enterpriseRegistrations(filter: { registeredCapital: { gt: "12,5" } }) { totalCount } } }`, SCJG);
    expect(bad.errors?.[0].message).toContain('"12,5" is not a decimal');
    const badTime = await gw.query(`{ humanResources { employmentRegistrations(filter: { registeredAt: { gt: "2026-13-01T00:00:00Z" } }) { totalCount } } }`, RST);
    expect(badTime.errors?.[0].message).toContain('"2026-13-01T00:00:00Z" is not a date and time');
    const r = await gw.query(`{ marketRegulation { enterpriseRegistrations(first: 1000, filter: { registeredCapital: { gte: "500.5" } }) {
      nodes { registeredCapital } totalCount } } }`, SCJG);
    const caps = r.data!.marketRegulation.enterpriseRegistrations.nodes.map((n: { registeredCapital: string }) => n.registeredCapital);
    expect(caps.length).toBeGreaterThan(0);
    for (const c of caps) {
      expect(typeof c).toBe('string'); // decimals travel as strings, so no digit is lost
      expect(Number(c)).toBeGreaterThanOrEqual(500.5);
    }
    // An offset is a point in time: +08:00 midnight is 16:00 the day before in UTC.
    const local = await gw.query(`{ humanResources { employmentRegistrations(filter: { registeredAt: { lt: "2020-01-01T08:00:00+08:00" } }) { totalCount } } }`, RST);
    const utc = await gw.query(`{ humanResources { employmentRegistrations(filter: { registeredAt: { lt: "2020-01-01T00:00:00Z" } }) { totalCount } } }`, RST);
    expect(local.data!.humanResources.employmentRegistrations.totalCount).toBe(utc.data!.humanResources.employmentRegistrations.totalCount);
  });

  it('refuses a cursor of another resource or another orderBy', async () => {
    const page = await gw.query(`{ civilAffairs { marriageRegistrations(first: 1) { pageInfo { endCursor } } } }`, { dept: '430000-MZ' });
    const foreign = page.data!.civilAffairs.marriageRegistrations.pageInfo.endCursor;
    const r = await gw.query(`query($a: String) { humanResources { employmentRegistrations(after: $a) { nodes { position } } } }`, {
      ...RST,
      variables: { a: foreign },
    });
    expect(r.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'The `after` cursor belongs to another resource; pass the endCursor of a page of this one.'],
    ]);
    const own = await gw.query(`{ humanResources { employmentRegistrations(first: 1) { pageInfo { endCursor } } } }`, RST);
    const cursor = own.data!.humanResources.employmentRegistrations.pageInfo.endCursor;
    const reordered = await gw.query(`query($a: String) { humanResources { employmentRegistrations(after: $a, orderBy: [{ field: position }]) { nodes { position } } } }`, {
      ...RST,
      variables: { a: cursor },
    });
    expect(reordered.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'The `after` cursor was made for a different orderBy; start again without after.'],
    ]);
  });

  it('refuses a missing or ill-typed variable with BAD_USER_INPUT naming it, not an internal error', async () => {
    const doc = `query Page($n: Int!) { humanResources { employmentRegistrations(first: $n) { nodes { position } } } }`;
    const missing = await gw.query(doc, RST);
    expect(missing.status).toBe(400);
    expect(missing.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'Variable "$n" of required type "Int!" was not provided.'],
    ]);
    const wrong = await gw.query(doc, { ...RST, variables: { n: 'two' } });
    expect(wrong.status).toBe(400);
    expect(wrong.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'Variable "$n" got invalid value "two"; Int cannot represent non-integer value: "two"'],
    ]);
  });

  it('refuses a cursor it did not make', async () => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(after: "bm90LWEtY3Vyc29y") { nodes { idNumber } } } }`, GA);
    expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].message).toContain('cursor');
  });
});
