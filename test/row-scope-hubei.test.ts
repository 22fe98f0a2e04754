// Row scope (SPEC §6) and grants' rows on a platform of its own (Hubei, test/fixtures/hubei), through the
// operator's grants, the sharing workflow and across levels: a real Wuhan city platform connected to the
// province forwards its departments' reads of the province's residents (SPEC §12).
// Residents: R1 420102 (Jiang'an, Wuhan), R2 420106 (Wuhan), R3 420502 (Yichang), R4 420100 (Wuhan, city
// level), R5 430102 (Hunan, another province), R6 no division. Permits link to residents; residents link
// to addresses, which have row scope of their own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, listGrants, storeGrant, type Grant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/hubei/${name}`, import.meta.url));
// Ports of this test (4852-4853): the two platforms name each other's address in their files.
const PROVINCE_PORT = 4852;
const CITY_PORT = 4853;
const RESIDENTS = '420000-GAT-00001';
const DIVISIONS: (string | null)[] = ['420102', '420106', '420502', '420100', '430102', null];
const residents = DIVISIONS.map((qh, i) => ({ rkbh: `R${i + 1}`, xm: '张三丰', qh, nl: 30 + i, dzbh: `D${i + 1}` }));
const permits = residents.map((r, i) => ({ zbh: `Z${i + 1}`, rkbh: r.rkbh }));
const addresses = residents.map((r) => ({ dzbh: r.dzbh, qh: r.qh }));

let work: string;
let province: TestGateway;
let city: TestGateway;

const LIST = `query($filter: HbResidentFilter, $after: String) { police { residents(first: 2, filter: $filter, after: $after, orderBy: [{ field: qh, direction: DESC }]) {
  nodes { rkbh qh address { dzbh qh } } totalCount pageInfo { hasNextPage endCursor } } } }`;
/** Every resident key `dept` reads, walking the pages, and the count each page gave. */
async function walk(gw: TestGateway, dept: string, filter?: unknown): Promise<{ keys: string[]; counts: number[] }> {
  const keys: string[] = [];
  const counts: number[] = [];
  let after: string | null = null;
  for (let i = 0; i < 10; i++) {
    const res = await gw.query(LIST, { dept, purpose: 'subsidy', variables: { filter, after } });
    expect(res.errors).toBeUndefined();
    const c = res.data!.police.residents;
    keys.push(...c.nodes.map((n: { rkbh: string }) => n.rkbh));
    counts.push(c.totalCount);
    for (const n of c.nodes) if (n.address) expect(n.address.qh).toBe(n.qh); // the linked address is the resident's own
    if (!c.pageInfo.hasNextPage) break;
    after = c.pageInfo.endCursor;
  }
  return { keys: keys.sort(), counts: [...new Set(counts)] };
}

async function grant(requester: string, rows: string[] | null, items = ['rkbh', 'qh', 'nl', 'dzbh']): Promise<Grant> {
  return addGrant(province.store, { platform: province.platform, catalogues: await publishedCatalogues(province.store) }, {
    requester, resource: RESIDENTS, items, purposes: ['subsidy'], rows, createdBy: 'test',
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-hubei-'));
  const provinceFile = join(work, 'province.yaml');
  writeFileSync(provinceFile, readFileSync(fixture('platform.yaml'), 'utf8').replace(/connected: \[\]/,
    `connected:\n  - { region: "420100", name: 武汉市数据共享平台, url: "http://127.0.0.1:${CITY_PORT}", namespace: wuhan, timeoutMs: 3000 }`));
  const cityFile = join(work, 'city.yaml');
  writeFileSync(cityFile, readFileSync(fixture('city.yaml'), 'utf8').replace('PROVINCE_URL', `http://127.0.0.1:${PROVINCE_PORT}`));
  province = await startTestGateway({ platformFile: provinceFile, catalogueFiles: [fixture('police.yaml')], gateway: { port: PROVINCE_PORT, connectedPollMs: 0 } });
  const [r1, r2, r3] = (readDocument(fixture('police.yaml')) as Catalogue).resources;
  await province.store.insert(collectionOf(r1), residents);
  await province.store.insert(collectionOf(r2), permits);
  await province.store.insert(collectionOf(r3), addresses);
  city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [], gateway: { port: CITY_PORT, connectedPollMs: 200 } });
}, 60_000);

afterAll(async () => {
  await city?.close();
  await province?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('levels on the province platform', () => {
  it('the province sees its province, a city its city, a county its county; a code naming another division counts for nothing', async () => {
    await grant('420000-MZT', null);
    await grant('420100-MZJ', null);
    await grant('420500-MZJ', null);
    await grant('420102-MZJ', null);
    await grant('420500-TJJ', null);
    expect(await walk(province, '420000-GAT')).toEqual({ keys: ['R1', 'R2', 'R3', 'R4', 'R5', 'R6'], counts: [6] });
    expect(await walk(province, '420000-MZT')).toEqual({ keys: ['R1', 'R2', 'R3', 'R4'], counts: [4] });
    expect(await walk(province, '420100-MZJ')).toEqual({ keys: ['R1', 'R2', 'R4'], counts: [3] });
    expect(await walk(province, '420500-MZJ')).toEqual({ keys: ['R3'], counts: [1] });
    expect(await walk(province, '420102-MZJ')).toEqual({ keys: ['R1'], counts: [1] });
    // Coded 420500 (Yichang) but of Wuhan's region: its region decides, never its code.
    expect(await walk(province, '420500-TJJ')).toEqual({ keys: ['R1', 'R2', 'R4'], counts: [3] });
  });
});

describe('a department of the connected city platform, forwarded to the province', () => {
  const ADDRESSES = '{ hubei { police { addresses(first: 10) { nodes { dzbh qh } totalCount } } } }';
  const RESIDENTS_READ = '{ hubei { police { residents(first: 10) { nodes { rkbh qh } totalCount } } } }';
  const viaCity = async (dept: string, doc: string) => {
    for (let i = 0; i < 100; i++) { // the city adds the namespace once the province answers
      const res = await city.query(doc, { dept, purpose: 'subsidy' });
      if (res.data?.hubei !== undefined || res.errors?.some((e) => e.extensions?.code !== 'GRAPHQL_VALIDATION_FAILED')) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the city never added the namespace hubei');
  };

  it('reads a row-scoped resource by its own division: the city its city, the county its county', async () => {
    const cityDept = await viaCity('420100-RSJ', ADDRESSES);
    expect(cityDept.errors).toBeUndefined();
    expect(cityDept.data!.hubei.police.addresses.totalCount).toBe(3);
    expect(cityDept.data!.hubei.police.addresses.nodes.map((n: { dzbh: string }) => n.dzbh).sort()).toEqual(['D1', 'D2', 'D4']);
    const county = await viaCity('420102-RSJ', ADDRESSES);
    expect(county.data!.hubei.police.addresses).toEqual({ nodes: [{ dzbh: 'D1', qh: '420102' }], totalCount: 1 });
  });

  it('holds no grant of the province: a grant stored for its code (a department since moved to the city) does not travel', async () => {
    // The province once listed Jiang'an's labour bureau and granted it the residents; the bureau has since
    // moved to the city's platform, and the grant was never revoked.
    const stale: Grant = {
      id: 'stale-grant-420102-RSJ', requester: '420102-RSJ', resource: RESIDENTS, items: ['rkbh', 'qh', 'nl', 'dzbh'],
      purposes: ['subsidy'], unmasked: [], rows: null, from: '2026-01-01T00:00:00.000Z', until: null,
      revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'operator', requestId: null,
    };
    await storeGrant(province.store, stale);
    expect((await listGrants(province.store, { requester: '420102-RSJ', active: true })).map((g) => g.id)).toEqual([stale.id]);
    const res = await viaCity('420102-RSJ', RESIDENTS_READ);
    expect(res.data).toEqual({ hubei: { police: { residents: null } } });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
    // A county of the province's own with a grant reads its county: the grant is the province's department's alone.
    const own = await province.query(RESIDENTS_READ.replace('{ hubei {', '{').replace(/}$/, ''), { dept: '420102-MZJ', purpose: 'subsidy' });
    expect(own.data).toEqual({ police: { residents: { nodes: [{ rkbh: 'R1', qh: '420102' }], totalCount: 1 } } });
  });
});
