// Row scope (SPEC §6) through the gateway, trying to get around it: another region's records by list,
// filter, count, cursor, lookup and link; grants that narrow it; the catalogue checks of `scope.rows`.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, GrantInputError } from '../src/access/grants.ts';
import { decideRows, regionPrefix } from '../src/access/row-scope.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { validateCatalogue } from '../src/catalogue/validate.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/rows/${name}`, import.meta.url));
const PARCELS = '610000-ZR-00001';
const DIVISIONS = ['610101', '610102', '610102', '610201', '610202', '620101', null];
// P01 610101, P02 610102, P03 610102, P04 610201, P05 610202, P06 620101 (another province), P07 no division
const parcels = DIVISIONS.map((division, i) => ({ parcelNo: `P0${i + 1}`, division, area: 100 * (i + 1), holder: '张三丰' }));
const permits = parcels.map((p, i) => ({ permitNo: `B0${i + 1}`, parcelNo: p.parcelNo }));

let gw: TestGateway;
const LIST = `query($after: String, $first: Int, $filter: ParcelFilter) { naturalResources { parcels(first: $first, after: $after, filter: $filter) {
  nodes { parcelNo division } totalCount pageInfo { hasNextPage endCursor } } } }`;

async function grant(requester: string, rows: string[] | null = null) {
  const catalogues = await publishedCatalogues(gw.store);
  return addGrant(gw.store, { platform: gw.platform, catalogues }, {
    requester, resource: PARCELS, items: ['parcelNo', 'division', 'area'], purposes: ['land-survey'], rows, createdBy: 'test',
  });
}

const list = async (dept: string, variables: Record<string, unknown> = {}) => {
  const res = await gw.query(LIST, { dept, purpose: 'land-survey', variables: { first: 20, ...variables } });
  expect(res.errors).toBeUndefined();
  return res.data!.naturalResources.parcels as { nodes: { parcelNo: string; division: string | null }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
};
const keys = (c: { nodes: { parcelNo: string }[] }) => c.nodes.map((n) => n.parcelNo);

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')] });
  const catalogues = await publishedCatalogues(gw.store);
  const [r1, r2] = catalogues[0].resources;
  await gw.store.insert(collectionOf(r1), parcels);
  await gw.store.insert(collectionOf(r2), permits);
  await grant('610000-JT'); // province
  await grant('610100-ZJ'); // first city, whole region
  await grant('610102-ZJ'); // county
  await grant('610200-ZJ', ['610202']); // second city, narrowed to one county
}, 30_000);
afterAll(() => gw?.close());

describe('the row filter (pure)', () => {
  it('cuts trailing 00 pairs from the region', () => {
    expect(['610000', '610100', '610102', '000000'].map(regionPrefix)).toEqual(['61', '6101', '610102', '']);
  });
  it('gives the provider every row and another department its region', async () => {
    const [parcelsResource] = (await publishedCatalogues(gw.store))[0].resources;
    const ask = (code: string) => decideRows({
      requester: gw.platform.departments.find((d) => d.code === code)!, purpose: 'land-survey', resource: parcelsResource, grants: [], now: new Date(),
    });
    expect(ask('610000-ZR')).toBeNull();
    expect(ask('610100-ZJ')).toEqual({ item: 'division', prefixes: ['6101'] });
  });
  it("an unconditional resource shows its region whatever grants its conditional items have: a grant's rows never narrow it", async () => {
    const [parcelsResource] = (await publishedCatalogues(gw.store))[0].resources;
    // Unconditional, but holder conditional: grants may exist (for holder), with rows.
    const open = structuredClone(parcelsResource);
    open.share = { ...open.share, type: 'unconditional' };
    open.items = open.items.map((i) => (i.name === 'holder' ? { ...i, share: { type: 'conditional' as const, conditions: 'Under a grant' } } : i));
    const grant = {
      id: 'g', requester: '610100-ZJ', resource: PARCELS, items: ['holder'], purposes: ['land-survey'], unmasked: [], rows: ['610102'],
      from: '2000-01-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2000-01-01T00:00:00Z', createdBy: 'test', requestId: null,
    };
    const city = gw.platform.departments.find((d) => d.code === '610100-ZJ')!;
    expect(decideRows({ requester: city, purpose: 'land-survey', resource: open, grants: [grant], now: new Date() })).toEqual({ item: 'division', prefixes: ['6101'] });
    // So such a grant with rows would never open its item: it is refused (nothing stored).
    const catalogues = (await publishedCatalogues(gw.store)).map((c) => ({ ...c, resources: c.resources.map((r) => (r.code === PARCELS ? open : r)) }));
    const refused = await addGrant(gw.store, { platform: gw.platform, catalogues }, {
      requester: '610100-ZJ', resource: PARCELS, items: ['holder'], purposes: ['land-survey'], rows: ['610102'], createdBy: 'test',
    }).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(GrantInputError);
    expect((refused as GrantInputError).problems).toEqual([{
      path: 'rows',
      message: `${PARCELS} (Land parcels) is shared unconditionally: its records are those of the requester's whole region, so a grant for its conditional items cannot narrow them; leave rows out.`,
    }]);
    // The same grant on the conditional resource narrows it.
    expect(decideRows({ requester: city, purpose: 'land-survey', resource: parcelsResource, grants: [grant], now: new Date() })).toEqual({ item: 'division', prefixes: ['610102'] });
  });
});

describe('a department sees only the records of its region', () => {
  it('the provider sees every record, a province department those of its province', async () => {
    expect(keys(await list('610000-ZR'))).toEqual(['P01', 'P02', 'P03', 'P04', 'P05', 'P06', 'P07']);
    const province = await list('610000-JT');
    expect(keys(province)).toEqual(['P01', 'P02', 'P03', 'P04', 'P05']);
    expect(province.totalCount).toBe(5);
  });

  it('a city sees its city, a county its county: list and totalCount agree', async () => {
    const city = await list('610100-ZJ');
    expect(keys(city)).toEqual(['P01', 'P02', 'P03']);
    expect(city.totalCount).toBe(3);
    const county = await list('610102-ZJ');
    expect(keys(county)).toEqual(['P02', 'P03']);
    expect(county.totalCount).toBe(2);
  });

  it('a filter naming another region finds nothing and counts nothing', async () => {
    const c = await list('610100-ZJ', { filter: { division: { eq: '610201' } } });
    expect(c).toEqual({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } });
    const byKey = await list('610100-ZJ', { filter: { parcelNo: { in: ['P04', 'P06', 'P07'] } } });
    expect(byKey.totalCount).toBe(0);
    const or = await list('610100-ZJ', { filter: { or: [{ division: { startsWith: '6102' } }, { division: { eq: null } }] } });
    expect(or.totalCount).toBe(0);
  });

  it('cursors walk only the rows in scope, even a cursor made by a department that sees more', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page = await list('610100-ZJ', { first: 1, after });
      seen.push(...keys(page));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['P01', 'P02', 'P03']);
    // The provider's cursor after P03 leads a city department to nothing more, not to P04.
    const providerPage = await list('610000-ZR', { first: 3 });
    const rest = await list('610100-ZJ', { after: providerPage.pageInfo.endCursor });
    expect(rest.nodes).toEqual([]);
    // The provider's cursor after P00... from the start, through another region: P01 is skipped only by the cursor.
    const early = await list('610000-ZR', { first: 1 });
    expect(keys(await list('610102-ZJ', { after: early.pageInfo.endCursor }))).toEqual(['P02', 'P03']);
  });

  it('a lookup outside the region is null, as a missing record, with no error', async () => {
    const q = `{ naturalResources { a: parcel(parcelNo: "P01") { parcelNo area } b: parcel(parcelNo: "P04") { parcelNo area } c: parcel(parcelNo: "P07") { parcelNo } d: parcel(parcelNo: "NONE") { parcelNo } } }`;
    const res = await gw.query(q, { dept: '610100-ZJ', purpose: 'land-survey' });
    expect(res).toEqual({ status: 200, data: { naturalResources: { a: { parcelNo: 'P01', area: 100 }, b: null, c: null, d: null } } });
  });

  it('a link to a record outside the region is null; the linking resource itself has no row scope', async () => {
    const q = `{ naturalResources { buildingPermits(first: 10) { totalCount nodes { permitNo parcel { parcelNo division } } } } }`;
    const res = await gw.query(q, { dept: '610102-ZJ', purpose: 'land-survey' });
    expect(res.errors).toBeUndefined();
    const conn = res.data!.naturalResources.buildingPermits;
    expect(conn.totalCount).toBe(7);
    expect(conn.nodes.map((n: { parcel: unknown }) => n.parcel)).toEqual([
      null, { parcelNo: 'P02', division: '610102' }, { parcelNo: 'P03', division: '610102' }, null, null, null, null,
    ]);
  });
});

describe('a grant narrows the rows, never widens them', () => {
  it('rows on the grant narrow a city to the listed counties', async () => {
    const c = await list('610200-ZJ');
    expect(keys(c)).toEqual(['P05']);
    expect(c.totalCount).toBe(1);
    const res = await gw.query(`{ naturalResources { parcel(parcelNo: "P04") { parcelNo } } }`, { dept: '610200-ZJ', purpose: 'land-survey' });
    expect(res.data).toEqual({ naturalResources: { parcel: null } });
  });

  it('refuses rows outside the requester region, rows that are not division codes, and an empty list', async () => {
    const refused = async (input: Record<string, unknown>) => {
      try {
        await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
          requester: '610100-ZJ', resource: PARCELS, items: ['parcelNo'], purposes: ['building-control'], createdBy: 'test', ...input,
        });
      } catch (err) {
        if (err instanceof GrantInputError) return err.problems;
        throw err;
      }
      return [];
    };
    expect(await refused({ rows: ['610201', '6101', '610101'] })).toEqual([
      { path: 'rows[0]', message: '610201 lies outside the region 610100 of 610100-ZJ; a grant may narrow the rows a department sees, never widen them.' },
      { path: 'rows[1]', message: '"6101" is not a division code; write the six digits of a division, like 610100 (the region of 610100-ZJ).' },
    ]);
    expect(await refused({ rows: [] })).toEqual([{ path: 'rows', message: 'List at least one division code, or leave rows out for the whole region.' }]);
  });
});

// Several active grants of one department for one purpose. A grant without rows lets the department see
// the resource's own row scope (its region); a grant with rows, the records within them; together, the
// records within what any of them reaches, never past the region. An item is read on all of those records
// or on none: the grants listing it must reach every one (else GRANT_REQUIRED), and a mask is lifted only
// when the grants lifting it reach every one (else the item is masked). The purpose here is
// building-control, which the grants of the tests above do not cover.
describe('several grants: what each reaches, and the items each lists', () => {
  const BC = 'building-control';
  async function grantFor(requester: string, items: string[], rows: string[] | null, unmasked: string[] = []) {
    const catalogues = await publishedCatalogues(gw.store);
    return addGrant(gw.store, { platform: gw.platform, catalogues }, { requester, resource: PARCELS, items, purposes: [BC], unmasked, rows, createdBy: 'test' });
  }
  const read = (dept: string, selection: string) =>
    gw.query(`{ naturalResources { parcels(first: 20) { nodes { ${selection} } totalCount } } }`, { dept, purpose: BC });

  it('a grant without rows beside one with rows for the same items: the whole region, no further', async () => {
    await grantFor('610200-ZJ', ['parcelNo', 'division', 'area'], ['610202']);
    expect((await read('610200-ZJ', 'parcelNo area')).data?.naturalResources.parcels).toEqual({
      nodes: [{ parcelNo: 'P05', area: 500 }], totalCount: 1,
    });
    await grantFor('610200-ZJ', ['parcelNo', 'division', 'area'], null);
    const both = await read('610200-ZJ', 'parcelNo area');
    expect(both.errors).toBeUndefined();
    expect(both.data?.naturalResources.parcels).toEqual({ nodes: [{ parcelNo: 'P04', area: 400 }, { parcelNo: 'P05', area: 500 }], totalCount: 2 });
  });

  it('a grant without rows for other items does not carry the items of a grant with rows to the rest of the region', async () => {
    await grantFor('610100-ZJ', ['parcelNo', 'division', 'area', 'holder'], ['610102'], ['holder']);
    // Alone, the narrow grant shows its items on its county.
    expect((await read('610100-ZJ', 'parcelNo area holder')).data?.naturalResources.parcels).toEqual({
      nodes: [{ parcelNo: 'P02', area: 200, holder: '张三丰' }, { parcelNo: 'P03', area: 300, holder: '张三丰' }], totalCount: 2,
    });
    await grantFor('610100-ZJ', ['parcelNo', 'division'], null);
    const res = await read('610100-ZJ', 'parcelNo division area holder');
    // The city now sees every record of its region, but area and holder (listed by the grant for 610102
    // only) on none of them: P01 (610101) was never granted them.
    expect(res.data?.naturalResources.parcels).toEqual({
      nodes: [
        { parcelNo: 'P01', division: '610101', area: null, holder: null },
        { parcelNo: 'P02', division: '610102', area: null, holder: null },
        { parcelNo: 'P03', division: '610102', area: null, holder: null },
      ],
      totalCount: 3,
    });
    expect(res.errors?.map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.item])).toEqual([
      ['naturalResources.parcels.nodes.0.area', 'GRANT_REQUIRED', 'area'],
      ['naturalResources.parcels.nodes.0.holder', 'GRANT_REQUIRED', 'holder'],
    ]);
    expect(res.errors?.[0].message).toBe(
      'Item `area` of 610000-ZR-00001 (Land parcels) is shared on conditions: the active grants of department 610100-ZJ listing it for purpose `building-control` reach the records of 610102 only, not every record its grants for the purpose let it see (those of 610100); request sharing of it for those records from its provider 610000-ZR.',
    );
    const lookup = await gw.query(`{ naturalResources { parcel(parcelNo: "P01") { parcelNo area } } }`, { dept: '610100-ZJ', purpose: BC });
    expect(lookup.data).toEqual({ naturalResources: { parcel: { parcelNo: 'P01', area: null } } });
    expect(lookup.errors?.[0].extensions).toMatchObject({ code: 'GRANT_REQUIRED', item: 'area' });
  });

  it('a mask is lifted only where the grants lifting it reach every record seen', async () => {
    await grantFor('610000-JT', ['parcelNo', 'holder'], ['610102'], ['holder']);
    expect((await read('610000-JT', 'parcelNo holder')).data?.naturalResources.parcels.nodes).toEqual([
      { parcelNo: 'P02', holder: '张三丰' }, { parcelNo: 'P03', holder: '张三丰' },
    ]);
    await grantFor('610000-JT', ['parcelNo', 'holder'], null);
    const res = await read('610000-JT', 'parcelNo holder');
    expect(res.errors).toBeUndefined();
    expect(res.data?.naturalResources.parcels.nodes).toEqual(['P01', 'P02', 'P03', 'P04', 'P05'].map((parcelNo) => ({ parcelNo, holder: '张**' })));
  });
});

describe('catalogue checks of scope.rows', () => {
  const platformFile = fixture('platform.yaml');
  const resource = (rows: unknown, items: unknown[] = [{ name: 'k', type: 'string', required: true }, { name: 'division', type: 'string' }]) => ({
    id: 'X', kind: 'departmental', title: 'x', compiler: '610000-ZR',
    resources: [{
      code: '610000-ZR-00009', name: 'x', provider: '610000-ZR', graphql: { type: 'X', list: 'xs', byKey: 'x' }, key: 'k',
      share: { type: 'unconditional', methods: ['api'], scope: { rows } }, items,
    }],
  });
  const problems = async (doc: unknown) => validateCatalogue(doc, loadPlatform(platformFile), []).problems;

  it('names an existing string item readable wherever the resource is', async () => {
    expect(await problems(resource({ item: 'division' }))).toEqual([]);
    expect(await problems(resource({ item: 'region' }))).toEqual([
      { path: 'resources[0].share.scope.rows.item', message: '"region" is not an item of the resource (k, division)' },
    ]);
    expect(await problems(resource({ item: 'n' }, [{ name: 'k', type: 'string', required: true }, { name: 'n', type: 'int' }]))).toEqual([
      { path: 'resources[0].share.scope.rows.item', message: '"n" is an item of type int; row scope needs a string item holding division codes' },
    ]);
    expect(await problems(resource({ item: 'division' }, [{ name: 'k', type: 'string', required: true },
      { name: 'division', type: 'string', share: { type: 'none', basis: 'b' } }]))).toEqual([
      { path: 'resources[0].share.scope.rows.item', message: '"division" has share settings of its own; the row-scope item must be readable wherever the resource is (drop its type, methods and scope)' },
    ]);
    expect(await problems(resource({ column: 'division' }))).toEqual([
      { path: 'resources[0].share.scope.rows.item', message: 'is required' },
      { path: 'resources[0].share.scope.rows.column', message: 'is not a known property; expected one of: item' },
    ]);
  });

  it('refuses row scope on an item', async () => {
    const doc = resource(undefined, [{ name: 'k', type: 'string', required: true }, { name: 'division', type: 'string', share: { scope: { rows: { item: 'division' } } } }]);
    (doc.resources[0].share as { scope?: unknown }).scope = undefined;
    expect(await problems(doc)).toEqual([
      { path: 'resources[0].items[1].share.scope.rows', message: "row scope applies to the whole resource; set it in the resource's share.scope" },
    ]);
  });
});
