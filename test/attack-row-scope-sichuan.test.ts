// Row scope (SPEC §6) attacked by departments of other cities on a platform of its own: Sichuan (510000),
// whose public security department provides residents under row scope by the division of registration,
// read by Chengdu's human resources bureau (510100: sees 5101…), Mianyang's (510700) and Jinjiang's
// (510104, a county of Chengdu). Grants named in another case or with blanks, rows of another city, and
// a grant whose only item a later version drops: it gives nothing, so it must not change the rows its
// holder sees either (it widened them to the whole city, and every item of the holder's other grant,
// narrowed to one county, was refused), nor count for the resource as a whole (Deyang, 510600, holding
// only such a grant for one district, was told its grants reach that district only). test/fixtures/sichuan-rows.
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, GrantInputError } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/sichuan-rows/${path}`, import.meta.url));
const RESIDENTS = '510000-GA-00001';
const CHENGDU = '510100-RS';
const MIANYANG = '510700-RS';
const DEYANG = '510600-RS';
const JINJIANG = '510104-RS';
const PURPOSE = 'employment-services';
const residents = [
  { residentNo: 'S1', division: '510104', fullName: '张锦江', age: 30, remark: '锦江备注' },
  { residentNo: 'S2', division: '510105', fullName: '李青羊', age: 40, remark: '青羊备注' },
  { residentNo: 'S3', division: '510703', fullName: '王涪城', age: 50, remark: '涪城备注' },
  { residentNo: 'S4', division: '5101', fullName: '赵短码', age: 60, remark: '短码备注' },
  { residentNo: 'S5', division: null, fullName: '钱无名', age: 70, remark: '无名备注' },
];
const LIST = `query($filter: ScResidentFilter) { scPolice { residents(filter: $filter, first: 50) {
  nodes { residentNo division fullName age } totalCount } } }`;
const REMARKS = '{ scPolice { residents(first: 50) { nodes { remark } totalCount } } }';
const PAGE = `query($orderBy: [ScResidentOrder!], $first: Int, $after: String) { scPolice {
  residents(orderBy: $orderBy, first: $first, after: $after) { nodes { residentNo age } totalCount pageInfo { endCursor } } } }`;
const LOOKUP = 'query($no: String!) { scPolice { resident(residentNo: $no) { residentNo age } } }';

let gw: TestGateway;
const catalogues = async () => ({ platform: gw.platform, catalogues: await publishedCatalogues(gw.store) });
const grant = async (requester: string, items: string[], rows: string[] | null = null) =>
  addGrant(gw.store, await catalogues(), { requester, resource: RESIDENTS, items, purposes: [PURPOSE], rows, unmasked: [], createdBy: 'test' });
const as = (dept: string, document: string, variables?: Record<string, unknown>) => gw.query(document, { dept, purpose: PURPOSE, variables });
const codes = (r: GraphQLResponse) => r.errors?.map((e) => e.extensions?.code);
type Page = { nodes: Record<string, unknown>[]; totalCount: number };
const page = (r: GraphQLResponse) => (r.data?.scPolice?.residents ?? null) as Page | null;

/** Submits, approves and publishes a version of the residents' catalogue through the gateway. */
async function publish(text: string) {
  const s = await gw.query('mutation($d: String!) { submitCatalogue(document: $d) { version { version } } }', { dept: '510000-GA', roles: ['compiler'], variables: { d: text } });
  expect(s.errors).toBeUndefined();
  const version = s.data!.submitCatalogue.version.version as number;
  const review = await gw.query(`mutation { reviewCatalogue(id: "SC-GA", version: ${version}, decision: APPROVE, comment: "同意") { status } }`, { dept: '510000-DSJ', roles: ['auditor'] });
  expect(review.errors).toBeUndefined();
  const published = await gw.query(`mutation { publishCatalogue(id: "SC-GA", version: ${version}) { status } }`, { dept: '510000-GA', roles: ['compiler'] });
  expect(published.errors).toBeUndefined();
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('residents.yaml')] });
  const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === RESIDENTS)!;
  await gw.store.insert(collectionOf(resource), residents);
  await grant(MIANYANG, ['residentNo', 'division', 'fullName', 'age']);
}, 30_000);
afterAll(() => gw?.close());

describe('grants spelled otherwise', () => {
  it('takes a requester in another case or with blanks as the department itself, and refuses rows of another city or region', async () => {
    for (const requester of ['510700-rs', ' 510700-RS ']) expect((await grant(requester, ['age'])).requester).toBe(MIANYANG);
    const refusals: [string[], string][] = [
      [['510100'], 'rows[0]: 510100 lies outside the region 510700 of 510700-RS; a grant may narrow the rows a department sees, never widen them.'],
      [['510000'], 'rows[0]: 510000 lies outside the region 510700 of 510700-RS; a grant may narrow the rows a department sees, never widen them.'],
      [['5101'], 'rows[0]: "5101" is not a division code; write the six digits of a division, like 510700 (the region of 510700-RS).'],
      [['51070%'], 'rows[0]: "51070%" is not a division code; write the six digits of a division, like 510700 (the region of 510700-RS).'],
    ];
    for (const [rows, message] of refusals) {
      const e = await grant(MIANYANG, ['age'], rows).then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(GrantInputError);
      expect((e as Error).message).toBe(`The grant is refused:\n  ${message}`);
    }
  });
});

describe("Mianyang's bureau", () => {
  it("reads its own city's residents only, by list, count, filter, lookup and objection", async () => {
    const all = await as(MIANYANG, LIST);
    expect(all.errors).toBeUndefined();
    expect(page(all)).toEqual({ nodes: [{ residentNo: 'S3', division: '510703', fullName: '王**', age: 50 }], totalCount: 1 });
    for (const filter of [{ division: { startsWith: '5101' } }, { or: [{ age: { gte: 0 } }, { division: { eq: '510104' } }] }, { residentNo: { in: ['S1', 'S2', 'S4', 'S5'] } }]) {
      const r = await as(MIANYANG, LIST, { filter });
      expect(r.errors).toBeUndefined();
      expect(page(r)!.nodes.map((n) => n.residentNo)).toEqual(filter.or ? ['S3'] : []);
      expect(page(r)!.totalCount).toBe(filter.or ? 1 : 0);
    }
    for (const fullName of [{ startsWith: '张' }, { gt: '张' }, { contains: '锦' }]) {
      const r = await as(MIANYANG, LIST, { filter: { fullName } });
      expect([page(r), codes(r)]).toEqual([null, ['BAD_USER_INPUT']]);
    }
    const byKey = await as(MIANYANG, LOOKUP, { no: 'S1' });
    expect([byKey.data, byKey.errors]).toEqual([{ scPolice: { resident: null } }, undefined]);
    const object = (key: string) => gw.query('mutation($i: ObjectionInput!) { raiseObjection(input: $i) { id } }', {
      dept: MIANYANG, purpose: PURPOSE, roles: ['applicant'], variables: { i: { resource: RESIDENTS, key, item: 'age', reason: '年龄有误' } },
    });
    const [outside, missing] = [await object('S1'), await object('S9')];
    expect(codes(outside)).toEqual(['NOT_FOUND']);
    expect(outside.errors![0].message).toBe(missing.errors![0].message);
    expect(JSON.stringify([all, outside])).not.toMatch(/张锦江|李青羊|赵短码|钱无名|510104|510105/);
  });

  it("goes on from the provider's cursor and Jinjiang's with its own records only", async () => {
    await grant(JINJIANG, ['residentNo', 'division', 'fullName', 'age'], ['510104']);
    const orderBy = [{ field: 'age', direction: 'ASC' }];
    const cursorOf = async (dept: string) => {
      const r = await as(dept, PAGE, { orderBy, first: 1 });
      expect(r.errors).toBeUndefined();
      expect(page(r)!.nodes).toEqual([{ residentNo: 'S1', age: 30 }]);
      return (r.data!.scPolice.residents as { pageInfo: { endCursor: string } }).pageInfo.endCursor;
    };
    for (const after of [await cursorOf('510000-GA'), await cursorOf(JINJIANG)]) {
      const r = await as(MIANYANG, PAGE, { orderBy, first: 10, after });
      expect([r.errors, page(r)!.nodes, page(r)!.totalCount]).toEqual([undefined, [{ residentNo: 'S3', age: 50 }], 1]);
    }
  });

  it('reads in the audit log its own requests only, with the records it received', async () => {
    const r = await gw.query('{ auditLog(first: 200) { nodes { department resources { resource records } } } }', { dept: MIANYANG });
    expect(r.errors).toBeUndefined();
    const nodes = r.data!.auditLog.nodes as { department: string; resources: { records: number }[] }[];
    expect(nodes.length).toBeGreaterThan(0);
    expect(new Set(nodes.map((n) => n.department))).toEqual(new Set([MIANYANG]));
    expect(Math.max(...nodes.flatMap((n) => n.resources.map((x) => x.records)))).toBe(1);
  });
});

describe('a grant whose only item a later version drops', () => {
  it('no longer widens the rows its holder sees: the other grant, narrowed to Jinjiang, reads there', async () => {
    await grant(CHENGDU, ['residentNo', 'division', 'fullName', 'age'], ['510104']);
    await grant(CHENGDU, ['remark']);
    // Deyang holds a grant for remark alone, in one of its districts.
    await grant(DEYANG, ['remark'], ['510603']);
    // While remark is published, the grant for it shows the whole city (5101…, S4's code included) and the
    // other items, granted for Jinjiang only, are read on none of those records (a decision holds for all).
    const remarks = await as(CHENGDU, REMARKS);
    expect([page(remarks), remarks.errors]).toEqual([{ nodes: [{ remark: '锦江备注' }, { remark: '青羊备注' }, { remark: '短码备注' }], totalCount: 3 }, undefined]);
    expect(codes(await as(CHENGDU, LIST))).toEqual(['GRANT_REQUIRED', 'GRANT_REQUIRED', 'GRANT_REQUIRED', 'GRANT_REQUIRED']);
    await publish(readFileSync(fixture('residents.yaml'), 'utf8').replace(/^ *- \{ name: remark.*\n/m, ''));
    // Without remark the grant for it gives nothing, and the Jinjiang grant is what the department holds.
    const after = await as(CHENGDU, LIST);
    expect(after.errors).toBeUndefined();
    expect(page(after)).toEqual({ nodes: [{ residentNo: 'S1', division: '510104', fullName: '张**', age: 30 }], totalCount: 1 });
    const s2 = await as(CHENGDU, LOOKUP, { no: 'S2' });
    expect([s2.data, s2.errors]).toEqual([{ scPolice: { resident: null } }, undefined]);
    // Deyang holds nothing that gives: refused as a department without grants is, not sent to widen rows.
    const none = await as(DEYANG, LIST);
    expect([none.data, none.errors?.map((e) => [e.extensions?.code, e.message])]).toEqual([{ scPolice: { residents: null } }, [['GRANT_REQUIRED',
      '510000-GA-00001 (户籍人口) is shared on conditions: department 510600-RS holds no active grant covering it for purpose `employment-services`; request sharing from its provider 510000-GA.']]]);
    // The views say so as the reads do: the grant for remark alone is not active, remark set aside because
    // it is no longer published (nothing to request again), and Deyang's resource view is not granted.
    const GRANTS = '{ grants { items setAside setAsideNote active rows } resourceInfo(code: "510000-GA-00001") { granted } }';
    const views = await gw.query(GRANTS, { dept: CHENGDU });
    expect(views.errors).toBeUndefined();
    const dropped = 'Set aside: every item it names (remark), so it covers nothing; its resource no longer publishes them (a version of the catalogue dropped them and none published them again), so it gives nothing of them now.';
    expect(views.data!.grants).toEqual(expect.arrayContaining([
      { items: [], setAside: ['remark'], setAsideNote: dropped, active: false, rows: null },
      { items: ['residentNo', 'division', 'fullName', 'age'], setAside: [], setAsideNote: null, active: true, rows: ['510104'] },
    ]));
    expect(views.data!.resourceInfo).toEqual({ granted: true });
    const deyang = await gw.query(GRANTS, { dept: DEYANG });
    expect([deyang.data, deyang.errors]).toEqual([{ grants: [{ items: [], setAside: ['remark'], setAsideNote: dropped, active: false, rows: ['510603'] }], resourceInfo: { granted: false } }, undefined]);
  }, 60_000);
});
