// Row scope (SPEC §6) attacked on a platform no other fixture has: Hainan (460000), whose market regulator
// registers enterprises under row scope by their registration division, read by Haikou's tax bureau
// (460100: sees 4601…), its Xiuying district (460105), Sanya's (460200) and the provincial statistics
// bureau narrowed by a grant's rows. Stored divisions include Haikou's prefix itself (4601), a code it
// begins (46010), a province-administered county (469001), a padded code and none. The attacks: filters
// and orders on a denied and a masked item, ranges and counts, cursors of another department and of a
// revoked wider grant, links out of the rows and back in, lookups, objections, grant rows spelled
// otherwise, and the audit log as the requester and a supervisor read it. test/fixtures/hainan-rows.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, revokeGrant, GrantInputError } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type GraphQLResponse, type TestGateway } from './helpers/gateway.ts';

const fixture = (path: string) => fileURLToPath(new URL(`./fixtures/hainan-rows/${path}`, import.meta.url));
const ENTERPRISES = '460000-SJ-00001';
const INSPECTIONS = '460000-SJ-00002';
const HAIKOU = '460100-SW';
const XIUYING = '460105-SW';
const SANYA = '460200-SW';
const STATS = '460000-TJ';
const SUPERVISOR = '460000-DSJ';
const code = (n: number) => `9146${String(n).padStart(14, '0')}`;
// [creditCode, division, entName, capital, legalPerson, headOffice]
const enterprises = [
  [code(1), '460105', '秀英港务有限公司', 100, '王海生', code(3)], // Xiuying, a branch of a Sanya head office
  [code(2), '460106', '龙华椰林商贸有限公司', 200, '李琼花', null], // Longhua (Haikou)
  [code(3), '460202', '海棠湾旅业有限公司', 300, '陈椰风', null], // Sanya
  [code(4), '460203', '吉阳潜水有限公司', 400, '符岛明', code(1)], // Sanya, a branch of a Haikou head office
  [code(5), '4601', '短码贸易有限公司', 500, '吴短码', null], // Haikou's prefix itself
  [code(6), '46010', '半码科技有限公司', 600, '郑半码', null], // a code Haikou's prefix begins
  [code(7), '469001', '五指山茶业有限公司', 700, '黎茶香', null], // province-administered county
  [code(8), null, '无区划实业有限公司', 800, '蒙无名', null],
  [code(9), ' 460105', '空格秀英有限公司', 900, '林空格', null], // padded: no requester's
].map(([creditCode, division, entName, capital, legalPerson, headOffice]) => ({ creditCode, division, entName, capital, legalPerson, headOffice }));
const inspections = [
  { inspectionNo: 'C1', creditCode: code(1), result: '未发现问题' },
  { inspectionNo: 'C2', creditCode: code(3), result: '责令整改' },
  { inspectionNo: 'C3', creditCode: code(4), result: '未发现问题' },
];
const HAIKOU_SEES = [code(1), code(2), code(5), code(6)];
// What Haikou is never shown: the other records' codes, divisions, names and legal persons.
const HIDDEN_FROM_HAIKOU = new RegExp([3, 4, 7, 8, 9].flatMap((n) => {
  const e = enterprises[n - 1];
  return [e.creditCode as string, e.entName as string, e.legalPerson as string, ...(e.division && String(e.division).trim() !== '460105' ? [e.division as string] : [])];
}).join('|'));

let gw: TestGateway;
const catalogues = async () => ({ platform: gw.platform, catalogues: await publishedCatalogues(gw.store) });
const grant = async (requester: string, items: string[], purposes: string[], rows: string[] | null = null, unmasked: string[] = []) =>
  addGrant(gw.store, await catalogues(), { requester, resource: ENTERPRISES, items, purposes, rows, unmasked, createdBy: 'test' });
const as = (dept: string, document: string, variables?: Record<string, unknown>, purpose = 'tax-collection', roles?: ('applicant' | 'supervisor')[]) =>
  gw.query(document, { dept, purpose, variables, roles });
const LIST = `query($filter: EnterpriseFilter, $orderBy: [EnterpriseOrder!], $first: Int, $after: String) { marketRegulation {
  enterprises(filter: $filter, orderBy: $orderBy, first: $first, after: $after) { nodes { creditCode capital } totalCount pageInfo { hasNextPage endCursor } } } }`;
type Page = { nodes: { creditCode: string; capital: number }[]; totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
const page = (r: GraphQLResponse) => r.data?.marketRegulation?.enterprises as Page | null;
const keys = (r: GraphQLResponse) => page(r)!.nodes.map((n) => n.creditCode);
const codes = (r: GraphQLResponse) => r.errors?.map((e) => e.extensions?.code);

/** Every record a department pages through one at a time in `orderBy`, following its cursors. */
async function walk(dept: string, orderBy: unknown, purpose = 'tax-collection', after: string | null = null): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await as(dept, LIST, { orderBy, first: 1, after }, purpose);
    expect(r.errors).toBeUndefined();
    seen.push(...keys(r));
    if (!page(r)!.pageInfo.hasNextPage) return seen;
    after = page(r)!.pageInfo.endCursor;
  }
  throw new Error('no last page');
}

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')] });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const collection = (c: string) => collectionOf(resources.find((r) => r.code === c)!);
  await gw.store.insert(collection(ENTERPRISES), enterprises);
  await gw.store.insert(collection(INSPECTIONS), inspections);
  // Haikou and Xiuying read everything but the legal person; Sanya reads it masked.
  const open = ['creditCode', 'division', 'entName', 'capital', 'headOffice'];
  await grant(HAIKOU, open, ['tax-collection']);
  await grant(XIUYING, open, ['tax-collection']);
  await grant(SANYA, [...open, 'legalPerson'], ['tax-collection']);
  // The statistics bureau: Haikou's rows only for tax collection.
  await grant(STATS, open, ['tax-collection'], ['460100']);
}, 30_000);
afterAll(() => gw?.close());

describe("Haikou's tax bureau", () => {
  it("lists and counts 4601…, the prefix itself and a code it begins included; Xiuying 460105 only", async () => {
    const r = await as(HAIKOU, LIST, { first: 50 });
    expect(r.errors).toBeUndefined();
    expect(keys(r).sort()).toEqual(HAIKOU_SEES);
    expect(page(r)!.totalCount).toBe(4);
    const x = await as(XIUYING, LIST, { first: 50 });
    expect([keys(x), page(x)!.totalCount]).toEqual([[code(1)], 1]);
    expect(JSON.stringify(r)).not.toMatch(HIDDEN_FROM_HAIKOU);
  });

  it('cannot filter or order by the legal person it may not read: no record, count or cursor', async () => {
    const probes = [{ eq: '陈椰风' }, { in: ['陈椰风', '王海生'] }, { startsWith: '陈' }, { contains: '椰' }, { ne: '王海生' }];
    for (const legalPerson of probes) {
      for (const filter of [{ legalPerson }, { or: [{ capital: { gt: 0 } }, { legalPerson }] }]) {
        const r = await as(HAIKOU, LIST, { filter });
        expect(r.data?.marketRegulation?.enterprises ?? null).toBeNull();
        expect(codes(r)).toEqual(['GRANT_REQUIRED']);
        expect(JSON.stringify(r)).not.toMatch(HIDDEN_FROM_HAIKOU);
      }
    }
    const o = await as(HAIKOU, LIST, { orderBy: [{ field: 'legalPerson', direction: 'ASC' }] });
    expect([o.data?.marketRegulation?.enterprises ?? null, codes(o)]).toEqual([null, ['GRANT_REQUIRED']]);
  });

  it('finds and counts nothing outside by ranges, in, eq, startsWith or contains on the items it reads', async () => {
    const cases: [unknown, string[]][] = [
      [{ capital: { gte: 250 } }, [code(5), code(6)]],
      [{ capital: { in: [300, 400, 700, 800, 900] } }, []],
      [{ creditCode: { in: [code(3), code(4), code(1)] } }, [code(1)]],
      [{ division: { startsWith: '4602' } }, []],
      [{ division: { startsWith: '46' } }, HAIKOU_SEES],
      [{ division: { contains: '0' } }, HAIKOU_SEES],
      [{ division: { in: ['469001', ' 460105', '4602', '46'] } }, []],
      [{ division: { eq: null } }, []],
      [{ division: { ne: '460105' } }, [code(2), code(5), code(6)]],
      [{ entName: { contains: '海棠' } }, []],
      [{ headOffice: { eq: code(1) } }, []], // Sanya's branch of the Haikou head office
      [{ headOffice: { ne: null } }, [code(1)]],
    ];
    for (const [filter, expected] of cases) {
      const r = await as(HAIKOU, LIST, { filter, first: 50 });
      expect([filter, keys(r).sort(), page(r)!.totalCount]).toEqual([filter, expected, expected.length]);
    }
  });

  it('pages in any order through its own records only, whoever made the cursor', async () => {
    for (const orderBy of [[{ field: 'capital', direction: 'DESC' }], [{ field: 'division', direction: 'ASC' }], [{ field: 'headOffice', direction: 'DESC' }], []]) {
      expect((await walk(HAIKOU, orderBy)).sort()).toEqual(HAIKOU_SEES);
    }
    // Sanya's cursor after its first record (capital 300, above Haikou's 200 and below its 500): Haikou
    // continues with its own records after that place, never Sanya's.
    const sanya = await as(SANYA, LIST, { orderBy: [{ field: 'capital', direction: 'ASC' }], first: 1, after: null });
    const cursor = page(sanya)!.pageInfo.endCursor;
    expect(keys(sanya)).toEqual([code(3)]);
    const r = await as(HAIKOU, LIST, { orderBy: [{ field: 'capital', direction: 'ASC' }], first: 50, after: cursor });
    expect([keys(r), page(r)!.totalCount]).toEqual([[code(5), code(6)], 4]);
    expect(JSON.stringify(r)).not.toMatch(HIDDEN_FROM_HAIKOU);
  });

  it('looks up a record outside as a missing one, and follows no link out of its rows', async () => {
    const r = await as(HAIKOU, `{ marketRegulation {
      outside: enterprise(creditCode: "${code(3)}") { creditCode } missing: enterprise(creditCode: "${code(99)}") { creditCode }
      padded: enterprise(creditCode: "${code(9)}") { creditCode }
      branch: enterprise(creditCode: "${code(1)}") { creditCode headOffice head { creditCode entName division } }
      inspections(first: 10) { nodes { inspectionNo enterprise { creditCode head { creditCode } } } } } }`);
    expect(r.errors).toBeUndefined();
    const m = r.data!.marketRegulation;
    expect([m.outside, m.missing, m.padded]).toEqual([null, null, null]);
    // Its own record names the head office's code (an item it reads), but the head office is not given.
    expect(m.branch).toEqual({ creditCode: code(1), headOffice: code(3), head: null });
    expect(m.inspections.nodes).toEqual([
      { inspectionNo: 'C1', enterprise: { creditCode: code(1), head: null } },
      { inspectionNo: 'C2', enterprise: null },
      { inspectionNo: 'C3', enterprise: null },
    ]);
  });

  it('is refused an objection to a record outside exactly as to a missing one', async () => {
    const raise = (key: string) => as(HAIKOU, `mutation($key: String!) { raiseObjection(input: { resource: "${ENTERPRISES}", key: $key, item: "capital", reason: "注册资本有误" }) { id } }`,
      { key }, 'tax-collection', ['applicant']);
    const [outside, missing] = [await raise(code(3)), await raise(code(99))];
    expect(outside.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(outside.errors)).toBe(JSON.stringify(missing.errors));
  });

  it("writes in the audit log, for itself and the supervisor, only the records it was shown", async () => {
    const r = await as(HAIKOU, `query HaikouProbe { marketRegulation { enterprises(first: 50) { nodes { creditCode head { creditCode } } totalCount }
      enterprise(creditCode: "${code(4)}") { creditCode } } }`);
    expect(r.errors).toBeUndefined();
    const AUDIT = `{ auditLog(filter: { department: "${HAIKOU}" }, first: 5) { nodes { operationName detail resources { resource records filtered } } } }`;
    for (const reader of [as(HAIKOU, AUDIT), as(SUPERVISOR, AUDIT, undefined, 'tax-collection', ['supervisor'])]) {
      const log = await reader;
      expect(log.errors).toBeUndefined();
      const entry = log.data!.auditLog.nodes.find((n: { operationName: string }) => n.operationName === 'HaikouProbe');
      // The list's 4 and the link's none (the head office lies outside); the lookup found nothing.
      expect(entry.resources).toEqual([{ resource: ENTERPRISES, records: 4, filtered: ['creditCode'] }]);
      expect(JSON.stringify(log)).not.toMatch(HIDDEN_FROM_HAIKOU);
    }
  });
});

describe("Sanya's tax bureau, reading the legal person masked", () => {
  it('may not probe it by prefix, substring, range or order; eq and in find only its own rows', async () => {
    for (const legalPerson of [{ startsWith: '王' }, { contains: '海' }, { ne: '王海生' }]) {
      const r = await as(SANYA, LIST, { filter: { legalPerson } });
      expect(r.data?.marketRegulation?.enterprises ?? null).toBeNull();
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
    }
    const o = await as(SANYA, LIST, { orderBy: [{ field: 'legalPerson', direction: 'DESC' }] });
    expect(o.data?.marketRegulation?.enterprises ?? null).toBeNull();
    const eq = await as(SANYA, LIST, { filter: { legalPerson: { in: ['王海生', '陈椰风'] } } });
    expect([keys(eq), page(eq)!.totalCount]).toEqual([[code(3)], 1]);
  });
});

describe("the statistics bureau's grant rows", () => {
  it('narrow the province to Haikou; a revoked wider grant leaves no cursor that reads past it', async () => {
    expect((await walk(STATS, [{ field: 'capital', direction: 'ASC' }])).sort()).toEqual(HAIKOU_SEES);
    const wide = await grant(STATS, ['creditCode', 'capital'], ['credit-supervision']);
    const first = await as(STATS, LIST, { orderBy: [{ field: 'capital', direction: 'ASC' }], first: 1 }, 'credit-supervision');
    expect(keys(first)).toEqual([code(1)]);
    await revokeGrant(gw.store, wide.id, 'test');
    const replayed = await as(STATS, LIST, { orderBy: [{ field: 'capital', direction: 'ASC' }], first: 50, after: page(first)!.pageInfo.endCursor }, 'credit-supervision');
    expect([replayed.data?.marketRegulation?.enterprises ?? null, codes(replayed)]).toEqual([null, ['GRANT_REQUIRED']]);
    // Under the narrow grant's purpose the cursor walks Haikou's rows only.
    const narrow = await as(STATS, LIST, { orderBy: [{ field: 'capital', direction: 'ASC' }], first: 50, after: page(first)!.pageInfo.endCursor });
    expect(keys(narrow)).toEqual([code(2), code(5), code(6)]);
  });

  it('are refused when spelled otherwise: wide digits, invisible or control characters, a prefix, or nothing', async () => {
    for (const row of ['４６０１００', '460100\u200b', '\u2060460100', '460100\n', '4601', '46010', '4601000', '46O100', '000000', '']) {
      const refused = await grant(STATS, ['creditCode'], ['tax-collection'], [row]).then(() => null, (err: unknown) => err);
      expect([row, refused instanceof GrantInputError]).toEqual([row, true]);
    }
  });
});
