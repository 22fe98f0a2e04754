// Row scope (SPEC §6) attacked by a city department that sees its own city's plots, in ways the other
// row-scope tests leave out: a row-scope item the department may not read (its grant leaves it out) and
// one it reads masked (an ID number as key), `ne`/`or` filters and descending orders with another
// department's cursor, links every way and nested, grants whose stored rows are odd or too wide, a
// sharing decision's padded rows, the audit entry's record counts, objections to hidden records, and
// reads made again after a record left the rows (the embedded store's document cache). Nothing got
// through. test/fixtures/rowsattack on the platform of test/fixtures/rows.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, storeGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/${path}`, import.meta.url));
const PLOTS = '610000-ZR-00101';
const PERMITS = '610000-ZR-00102';
const RESIDENTS = '610000-JT-00001'; // another provider's
const CITY = '610100-ZJ'; // sees 6101…: T1, T2; R1, R4
const R1 = '610101199001011234';
const R2 = '610201198502023456'; // the second city's resident: hidden from CITY
const R3 = '620101197003035678'; // another province's
const R4 = '610102200011117890';
// T1 and T2 lie in the first city, T3 and T6 in the second, T4 in another province, T5 has no division.
const plots = [
  { plotNo: 'T1', division: '610101', area: 100, holder: '张三丰', permitNo: 'B1', ownerId: R1 },
  { plotNo: 'T2', division: '610102', area: 200, holder: '张三丰', permitNo: 'B2', ownerId: R2 },
  { plotNo: 'T3', division: '610201', area: 300, holder: '王五', permitNo: 'B3', ownerId: R1 },
  { plotNo: 'T4', division: '620101', area: 400, holder: '赵六', permitNo: null, ownerId: R3 },
  { plotNo: 'T5', division: null, area: 500, holder: '孙八', permitNo: null, ownerId: null },
  { plotNo: 'T6', division: '610202', area: 600, holder: '周九', permitNo: null, ownerId: null },
];
const permits = ['T1', 'T2', 'T3', 'T4'].map((plotNo, i) => ({ permitNo: `B${i + 1}`, plotNo }));
const residents = [
  { idNumber: R1, fullName: '李四', plotNo: 'T1' },
  { idNumber: R2, fullName: '王五', plotNo: 'T1' }, // hidden, linking to a plot CITY sees
  { idNumber: R3, fullName: '赵六', plotNo: 'T4' },
  { idNumber: R4, fullName: '钱七', plotNo: 'T3' }, // seen, linking to a plot CITY does not see
];
// What nothing CITY is shown may contain: the hidden records' keys, divisions and names.
const HIDDEN = /T3|T4|T5|T6|610201|610202|620101|6102011985|6201011970|王五|赵六|孙八|周九/;

let gw: TestGateway;
let collection: (code: string) => string;
const catalogues = async () => ({ platform: gw.platform, catalogues: await publishedCatalogues(gw.store) });
const grantOf = (requester: string, items: string[], purposes: string[], rows: string[] | null = null) =>
  catalogues().then((ctx) => addGrant(gw.store, ctx, { requester, resource: PLOTS, items, purposes, rows, createdBy: 'test' }));
const asCity = (document: string, variables?: Record<string, unknown>, extra: { roles?: ('applicant')[] } = {}) =>
  gw.query(document, { dept: CITY, purpose: 'land-survey', variables, ...extra });
const codes = (r: GraphQLResponse) => r.errors?.map((e) => [e.extensions?.code, e.extensions?.item]);

const PLOT_LIST = `query($filter: PlotFilter, $orderBy: [PlotOrder!], $first: Int, $after: String) { naturalResources {
  plots(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { nodes { plotNo area } totalCount pageInfo { hasNextPage endCursor } } } }`;
type Page = { nodes: { plotNo: string; area: number }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const plotsOf = (r: GraphQLResponse) => r.data!.naturalResources.plots as Page;
const keys = (p: Page) => p.nodes.map((n) => n.plotNo);

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('rows/platform.yaml'), catalogueFiles: [fixture('rowsattack/catalogue.yaml'), fixture('rowsattack/housing.yaml')] });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  collection = (code: string) => collectionOf(resources.find((r) => r.code === code)!);
  await gw.store.insert(collection(PLOTS), plots);
  await gw.store.insert(collection(PERMITS), permits);
  await gw.store.insert(collection(RESIDENTS), residents);
  // The city's grant leaves the row-scope item (division) out: it may not read it.
  await grantOf(CITY, ['plotNo', 'area', 'holder', 'permitNo', 'ownerId'], ['land-survey']);
  await grantOf('610000-JT', ['plotNo', 'division', 'area'], ['land-survey']); // the province: T1, T2, T3, T6
}, 30_000);
afterAll(() => gw?.close());

describe('a row-scope item the department may not read', () => {
  it('cannot be filtered or ordered by: the list is refused whole, with no record, count or cursor', async () => {
    for (const variables of [{ filter: { division: { eq: '610201' } } }, { filter: { or: [{ area: { gt: 0 } }, { division: { eq: null } }] } }, { orderBy: [{ field: 'division', direction: 'DESC' }] }]) {
      const r = await asCity(PLOT_LIST, variables);
      expect(r.data).toEqual({ naturalResources: { plots: null } });
      expect(codes(r)).toEqual([['GRANT_REQUIRED', 'division']]);
      expect(JSON.stringify(r)).not.toMatch(HIDDEN);
    }
  });

  it('leaves ne, or, null and ranges on the other items within the rows, counts included', async () => {
    const tries: [Record<string, unknown>, string[]][] = [
      [{ plotNo: { ne: 'T1' } }, ['T2']],
      [{ or: [{ plotNo: { ne: 'T2' } }, { area: { gte: 300 } }, { permitNo: { eq: null } }, { ownerId: { eq: null } }] }, ['T1']],
      [{ and: [{ area: { gte: 300 } }] }, []],
      [{ permitNo: { eq: null } }, []],
      [{ ownerId: { ne: null } }, ['T1', 'T2']],
      [{ plotNo: { startsWith: 'T' }, area: { lt: 1000 } }, ['T1', 'T2']],
      [{ or: [] }, []],
    ];
    for (const [filter, want] of tries) {
      const r = await asCity(PLOT_LIST, { filter });
      expect(r.errors).toBeUndefined();
      expect([filter, keys(plotsOf(r)), plotsOf(r).totalCount]).toEqual([filter, want, want.length]);
      // totalCount alone (no page read) counts the same rows.
      const count = await asCity(`query($filter: PlotFilter) { naturalResources { plots(filter: $filter) { totalCount } } }`, { filter });
      expect(count.data!.naturalResources.plots.totalCount).toBe(want.length);
    }
  });
});

describe('orders and cursors', () => {
  it('a descending order on another item walks only the rows in scope, also from the province’s cursor', async () => {
    const orderBy = [{ field: 'area', direction: 'DESC' }];
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const page = plotsOf(await asCity(PLOT_LIST, { orderBy, first: 1, after }));
      walked.push(...keys(page));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(walked).toEqual(['T2', 'T1']);
    // The province's first page ends at T6 (600), a plot the city does not see: the city goes on from
    // there with its own rows only, and the count stays the city's.
    const province = plotsOf(await gw.query(PLOT_LIST, { dept: '610000-JT', purpose: 'land-survey', variables: { orderBy, first: 1 } }));
    expect(keys(province)).toEqual(['T6']);
    const rest = await asCity(PLOT_LIST, { orderBy, after: province.pageInfo.endCursor });
    expect(plotsOf(rest)).toMatchObject({ nodes: [{ plotNo: 'T2', area: 200 }, { plotNo: 'T1', area: 100 }], totalCount: 2 });
    // A cursor changed by one character is not one the platform gave out, and says nothing of any record.
    const cursor = province.pageInfo.endCursor!;
    const forged = cursor.slice(0, -2) + (cursor.at(-2) === 'A' ? 'B' : 'A') + cursor.at(-1);
    const refused = await asCity(PLOT_LIST, { orderBy, after: forged });
    expect(refused.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      ['BAD_USER_INPUT', 'The `after` cursor is not one this platform gave out; pass the endCursor of a previous page.'],
    ]);
  });
});

describe('a row-scope item read masked (the residents, by their ID number)', () => {
  const LIST = `query($filter: PlotResidentFilter, $orderBy: [PlotResidentOrder!]) { housing {
    plotResidents(filter: $filter, orderBy: $orderBy) { nodes { idNumber fullName } totalCount } } }`;

  it('lists and counts the region only, masked', async () => {
    const r = await asCity(LIST);
    expect(r).toEqual({ status: 200, data: { housing: { plotResidents: {
      nodes: [{ idNumber: '610101********1234', fullName: '李*' }, { idNumber: '610102********7890', fullName: '钱*' }], totalCount: 2,
    } } } });
  });

  it('finds no record outside by eq or in, on it or on another masked item', async () => {
    const r1 = { nodes: [{ idNumber: '610101********1234', fullName: '李*' }], totalCount: 1 };
    const tries: [Record<string, unknown>, unknown][] = [
      [{ idNumber: { in: [R2, R3, R1] } }, r1],
      [{ idNumber: { eq: R2 } }, { nodes: [], totalCount: 0 }],
      [{ fullName: { in: ['王五', '赵六', '李四'] } }, r1],
      [{ or: [{ idNumber: { eq: R3 } }, { fullName: { eq: '李四' } }] }, r1],
    ];
    for (const [filter, want] of tries) {
      const r = await asCity(LIST, { filter });
      expect(r.errors).toBeUndefined();
      expect(r.data!.housing.plotResidents).toEqual(want);
    }
  });

  it('refuses prefixes and orders on it, so the rows cannot be probed past by range either', async () => {
    for (const variables of [{ filter: { idNumber: { startsWith: '6102' } } }, { orderBy: [{ field: 'idNumber', direction: 'ASC' }] }]) {
      const r = await asCity(LIST, variables);
      expect(r.data).toEqual({ housing: { plotResidents: null } });
      expect(codes(r)).toEqual([['BAD_USER_INPUT', 'idNumber']]);
    }
  });

  it('a lookup outside is null as a missing record, with no error', async () => {
    const q = `{ housing { a: plotResident(idNumber: "${R1}") { idNumber } b: plotResident(idNumber: "${R2}") { idNumber fullName }
      c: plotResident(idNumber: "${R3}") { idNumber } d: plotResident(idNumber: "610101199901019999") { idNumber } } }`;
    expect(await asCity(q)).toEqual({ status: 200, data: { housing: { a: { idNumber: '610101********1234' }, b: null, c: null, d: null } } });
  });
});

describe('links, every way and nested', () => {
  it('each link meets the rows of the resource it leads into, whatever resource it starts from', async () => {
    const q = `{ naturalResources {
      plotPermits(first: 10) { nodes { permitNo plot { plotNo owner { idNumber plot { plotNo } } permit { permitNo plot { plotNo } } } } }
      plots(first: 10) { nodes { plotNo owner { idNumber } permit { permitNo } } }
    } housing { plotResidents(first: 10) { nodes { idNumber plot { plotNo permit { plotNo } owner { fullName } } } } } }`;
    const r = await asCity(q);
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({
      naturalResources: {
        // Permits have no row scope: all four, their plots only where the city sees them.
        plotPermits: { nodes: [
          { permitNo: 'B1', plot: { plotNo: 'T1', owner: { idNumber: '610101********1234', plot: { plotNo: 'T1' } }, permit: { permitNo: 'B1', plot: { plotNo: 'T1' } } } },
          { permitNo: 'B2', plot: { plotNo: 'T2', owner: null, permit: { permitNo: 'B2', plot: { plotNo: 'T2' } } } }, // its owner R2 is the second city's
          { permitNo: 'B3', plot: null },
          { permitNo: 'B4', plot: null },
        ] },
        plots: { nodes: [
          { plotNo: 'T1', owner: { idNumber: '610101********1234' }, permit: { permitNo: 'B1' } },
          { plotNo: 'T2', owner: null, permit: { permitNo: 'B2' } },
        ] },
      },
      housing: {
        plotResidents: { nodes: [
          { idNumber: '610101********1234', plot: { plotNo: 'T1', permit: { plotNo: 'T1' }, owner: { fullName: '李*' } } },
          { idNumber: '610102********7890', plot: null }, // T3 is the second city's
        ] },
      },
    });
    expect(JSON.stringify(r)).not.toMatch(HIDDEN);
  });

  it("the plots' provider reads every plot, but their owners (another provider's) only within its own region", async () => {
    const r = await gw.query(`{ naturalResources { plots(first: 10) { nodes { plotNo owner { idNumber } } } } }`, { dept: '610000-ZR', purpose: 'land-survey' });
    expect(r.errors).toBeUndefined();
    expect(r.data!.naturalResources.plots.nodes).toEqual([
      { plotNo: 'T1', owner: { idNumber: '610101********1234' } },
      { plotNo: 'T2', owner: { idNumber: '610201********3456' } },
      { plotNo: 'T3', owner: { idNumber: '610101********1234' } },
      { plotNo: 'T4', owner: null }, // R3 lives in another province
      { plotNo: 'T5', owner: null },
      { plotNo: 'T6', owner: null },
    ]);
  });
});

describe('grants whose rows are odd or wider than the region', () => {
  // As an older version or an edit of the store may have left them: stored as they are, not validated.
  const stored = (requester: string, purpose: string, rows: string[]) => storeGrant(gw.store, {
    id: randomUUID(), requester, resource: PLOTS, items: ['plotNo', 'division'], purposes: [purpose], unmasked: [], rows,
    from: '2020-01-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2020-01-01T00:00:00Z', createdBy: 'test', requestId: null,
  });
  const seen = async (dept: string, purpose: string) => {
    const r = await gw.query(`{ naturalResources { plots(first: 10) { nodes { plotNo division } totalCount } p: plot(plotNo: "T1") { plotNo } } }`, { dept, purpose });
    expect(r.errors).toBeUndefined();
    return r.data!.naturalResources;
  };

  it('a stored province or city code is clipped to the region; padded or shortened codes reach nothing more', async () => {
    await stored('610200-ZJ', 'building-control', ['61', ' 610201', '6101', '610201 ', '610100']);
    expect(await seen('610200-ZJ', 'building-control')).toEqual({
      plots: { nodes: [{ plotNo: 'T3', division: '610201' }, { plotNo: 'T6', division: '610202' }], totalCount: 2 }, p: null,
    });
    await stored('610102-ZJ', 'building-control', ['610100']);
    expect(await seen('610102-ZJ', 'building-control')).toEqual({ plots: { nodes: [{ plotNo: 'T2', division: '610102' }], totalCount: 1 }, p: null });
  });

  it('a stored code padded with a space or in other digits reaches no row at all', async () => {
    await stored('610000-JT', 'building-control', [' 610101', '６１０１０１']);
    expect(await seen('610000-JT', 'building-control')).toEqual({ plots: { nodes: [], totalCount: 0 }, p: null });
  });
});

describe("a sharing decision's rows", () => {
  const REQUEST = `mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }`;
  const DECIDE = `mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) { status grant { rows } } }`;
  const APPROVER = { dept: '610000-ZR', roles: ['approver' as const] };

  it('are refused when shortened, wider than the region or not ASCII digits, and trimmed when padded', async () => {
    const asked = await gw.query(REQUEST, { dept: '610200-ZJ', roles: ['applicant'], purpose: 'land-survey', variables: { input: {
      resource: PLOTS, items: ['plotNo', 'division', 'area'], purposes: ['land-survey'], justification: 'Survey of one county',
    } } });
    expect(asked.errors).toBeUndefined();
    const id = asked.data!.requestSharing.id as string;
    const decide = (rows: string[]) => gw.query(DECIDE, { ...APPROVER, variables: { input: { id, decision: 'APPROVE', rows } } });
    for (const [rows, message] of [
      [['6102'], '"6102" is not a division code'],
      [['610000'], '610000 lies outside the region 610200 of 610200-ZJ'],
      [['610100'], '610100 lies outside the region 610200 of 610200-ZJ'],
      [['６１０２０１'], '"６１０２０１" is not a division code'],
      [['610201', '6102010'], '"6102010" is not a division code'],
    ] as const) {
      const r = await decide([...rows]);
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((r.errors?.[0].extensions?.problems as { message: string }[]).map((x) => x.message).join('\n')).toContain(message);
    }
    const approved = await decide([' 610201 ']);
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.decideSharingRequest).toEqual({ status: 'APPROVED', grant: { rows: ['610201'] } });
    const r = await gw.query(`{ naturalResources { plots { nodes { plotNo division } totalCount } } }`, { dept: '610200-ZJ', purpose: 'land-survey' });
    expect(r.data!.naturalResources.plots).toEqual({ nodes: [{ plotNo: 'T3', division: '610201' }], totalCount: 1 });
  });
});

describe('the audit entry of a request', () => {
  it('counts only the records the request was shown: list, lookup and links', async () => {
    const q = `query Counted { naturalResources {
      plots(first: 10) { nodes { plotNo } totalCount } hidden: plot(plotNo: "T3") { plotNo }
      plotPermits(first: 10) { nodes { plot { plotNo } } }
    } housing { plotResidents(first: 10) { nodes { plot { plotNo } } } resident: plotResident(idNumber: "${R2}") { fullName } } }`;
    const r = await asCity(q);
    expect(r.errors).toBeUndefined();
    const log = await gw.query(`{ auditLog(filter: { department: "${CITY}" }, first: 20) { nodes { operationName resources { resource records } } } }`, { dept: CITY });
    const entry = log.data!.auditLog.nodes.find((n: { operationName: string | null }) => n.operationName === 'Counted');
    // Plots: 2 listed, none looked up, 1 linked from the residents (R1's T1; R4's T3 is hidden), 2 from the permits.
    expect(Object.fromEntries(entry.resources.map((x: { resource: string; records: number }) => [x.resource, x.records]))).toEqual({
      [PLOTS]: 5, [RESIDENTS]: 2, [PERMITS]: 4,
    });
  });
});

describe('objections to a record outside the rows', () => {
  const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`;
  const raise = (resource: string, key: string, item: string) =>
    asCity(RAISE, { input: { resource, key, item, reason: 'Wrong', proposedValue: '1' } }, { roles: ['applicant'] });
  const answer = (r: GraphQLResponse) => [r.data, r.errors?.map((e) => [e.extensions?.code, e.message])];

  it('are refused exactly as objections to a missing record, the key masked or not', async () => {
    for (const [resource, item, hidden, missing] of [[PLOTS, 'area', 'T3', 'T9'], [RESIDENTS, 'fullName', R2, '610201199901019999']]) {
      const outside = answer(await raise(resource, hidden, item));
      expect(outside).toEqual(answer(await raise(resource, missing, item)));
      expect(outside[1]).toEqual([['NOT_FOUND', `${resource} has no record with the ${resource === PLOTS ? 'plotNo' : 'idNumber'} given (or none your department may read).`]]);
    }
  });
});

describe('records moved out of the region after the city read them', () => {
  // The embedded store keeps documents and the ids its reads found (src/store/doc-cache.ts): a read the
  // city made before must not answer once a record has left its rows.
  const q = `{ naturalResources { plots(first: 10) { nodes { plotNo } totalCount } t1: plot(plotNo: "T1") { plotNo } t2: plot(plotNo: "T2") { plotNo }
    plotPermits(first: 10) { nodes { plot { plotNo } } } } }`;
  const seen = async () => {
    const r = (await asCity(q)).data!.naturalResources;
    return { list: keys(r.plots), count: r.plots.totalCount, t1: r.t1, t2: r.t2, linked: r.plotPermits.nodes.map((n: { plot: { plotNo: string } | null }) => n.plot?.plotNo ?? null) };
  };

  it('are gone from the next list, count, lookup and link, whichever connection moved them', async () => {
    for (let i = 0; i < 2; i++) {
      expect(await seen()).toEqual({ list: ['T1', 'T2'], count: 2, t1: { plotNo: 'T1' }, t2: { plotNo: 'T2' }, linked: ['T1', 'T2', null, null] });
    }
    // By the gateway's own connection, then by another one to the same folder (an import from the command line, another gateway).
    const other = await openSqliteStore(gw.dataDir);
    try {
      await gw.store.upsert(collection(PLOTS), 'plotNo', [{ ...plots[0], division: '610201' }]);
      expect(await seen()).toEqual({ list: ['T2'], count: 1, t1: null, t2: { plotNo: 'T2' }, linked: [null, 'T2', null, null] });
      await other.upsert(collection(PLOTS), 'plotNo', [{ ...plots[1], division: '620101' }]);
      expect(await seen()).toEqual({ list: [], count: 0, t1: null, t2: null, linked: [null, null, null, null] });
    } finally {
      await other.upsert(collection(PLOTS), 'plotNo', plots.slice(0, 2));
      await other.close();
    }
  });
});
