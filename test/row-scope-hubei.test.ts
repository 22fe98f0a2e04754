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
import { decide } from '../src/access/decide.ts';
import { effectiveItems } from '../src/access/effective-share.ts';
import { addGrant, listGrants, storeGrant, type Grant } from '../src/access/grants.ts';
import { decideFigureRows, decideRows } from '../src/access/row-scope.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { readDocument } from '../src/catalogue/read.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import type { Department } from '../src/model/platform.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { freePort } from './helpers/guizhou.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/hubei/${name}`, import.meta.url));
// The two platforms name each other's address in their files: ports free when the file starts (freePort),
// not fixed ones (4852, 4853), which another run on the machine may hold.
let PROVINCE_PORT: number;
let CITY_PORT: number;
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
  [PROVINCE_PORT, CITY_PORT] = [await freePort(), await freePort()];
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

describe("grants' rows: the operator's and the approver's", () => {
  const REQUEST = `mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }`;
  const DECIDE = `mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) { status grant { id rows } } }`;
  const REVOKE = `mutation($id: ID!) { revokeGrant(id: $id) { revokedAt } }`;
  const APPROVER = { dept: '420000-GAT', roles: ['approver' as const] };
  const ask = async (dept: string) => {
    const asked = await province.query(REQUEST, { dept, roles: ['applicant'], purpose: 'census', variables: { input: {
      resource: RESIDENTS, items: ['rkbh', 'qh', 'xm', 'dzbh'], purposes: ['census'], justification: '人口普查',
    } } });
    expect(asked.errors).toBeUndefined();
    return asked.data!.requestSharing.id as string;
  };
  const refusals = async (id: string, rows: unknown) => {
    const r = await province.query(DECIDE, { ...APPROVER, variables: { input: { id, decision: 'APPROVE', rows } } });
    expect(r.data?.decideSharingRequest ?? null).toBeNull();
    return r.errors?.[0].extensions?.code === 'BAD_USER_INPUT'
      ? (r.errors[0].extensions.problems as { path: string; message: string }[]).map((p) => `${p.path}: ${p.message}`)
      : [String(r.errors?.[0].message)];
  };

  it("the approver narrows a city's rows within its region, never past it, another province's, or to nothing", async () => {
    const id = await ask('420100-MZJ');
    expect(await refusals(id, ['420000'])).toEqual(['rows[0]: 420000 lies outside the region 420100 of 420100-MZJ; a grant may narrow the rows a department sees, never widen them.']);
    expect(await refusals(id, ['420502'])).toEqual(['rows[0]: 420502 lies outside the region 420100 of 420100-MZJ; a grant may narrow the rows a department sees, never widen them.']);
    expect(await refusals(id, ['430102'])).toEqual(['rows[0]: 430102 lies outside the region 420100 of 420100-MZJ; a grant may narrow the rows a department sees, never widen them.']);
    expect(await refusals(id, [])).toEqual(['rows: List at least one division code, or leave rows out for the whole region.']);
    expect(await refusals(id, ['  '])).toEqual(['rows: List at least one division code, or leave rows out for the whole region.']);
    for (const odd of ['4201', '42010', '4201020', '42O102', '420102a', '４２０１０２']) {
      expect((await refusals(id, [odd]))[0]).toMatch(/^rows\[0\]: .* is not a division code/);
    }
    // A code holding a hidden character is refused for it, naming it (src/model/identifier-text.ts).
    expect((await refusals(id, ['420102\u200b']))[0]).toMatch(/^rows\[0\]: holds U\+200B ZERO WIDTH SPACE/);
    // Padded and repeated codes are one code; the request stays pending through every refusal.
    const approved = await province.query(DECIDE, { ...APPROVER, variables: { input: { id, decision: 'APPROVE', rows: [' 420102', '420102 ', '420102'] } } });
    expect(approved.errors).toBeUndefined();
    expect(approved.data!.decideSharingRequest).toMatchObject({ status: 'APPROVED', grant: { rows: ['420102'] } });
  });

  it('the approver of another department, or the requester itself, cannot set rows', async () => {
    const id = await ask('420500-MZJ');
    for (const who of [{ dept: '420500-MZJ', roles: ['approver' as const] }, { dept: '420000-MZT', roles: ['approver' as const] }]) {
      const r = await province.query(DECIDE, { ...who, variables: { input: { id, decision: 'APPROVE', rows: ['420500'] } } });
      expect(r.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
  });

  it("the approved rows narrow the city's lists, counts, cursors, filters, orders, lookups and links; revoked, they are gone", async () => {
    // 420100-MZJ also holds the subsidy grant of the first test (its whole city); census is the approved one.
    const read = (doc: string, variables: Record<string, unknown> = {}) => province.query(doc, { dept: '420100-MZJ', purpose: 'census', variables });
    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await read(`query($after: String) { police { residents(first: 1, after: $after, orderBy: [{ field: rkbh, direction: DESC }], filter: { or: [{ qh: { startsWith: "42" } }, { rkbh: { in: ["R2", "R3", "R4", "R5", "R6"] } }] }) {
        nodes { rkbh qh xm } totalCount pageInfo { hasNextPage endCursor } } } }`, { after });
      expect(r.errors).toBeUndefined();
      const c = r.data!.police.residents;
      expect(c.totalCount).toBe(1);
      walked.push(...c.nodes.map((n: { rkbh: string; xm: string }) => `${n.rkbh}:${n.xm}`));
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(walked).toEqual(['R1:张**']);
    // The province's cursor after R1 in key order, handed to the city: nothing past its rows.
    const provinceCursor = (await province.query('{ police { residents(first: 1) { pageInfo { endCursor } } } }', { dept: '420000-GAT' })).data!.police.residents.pageInfo.endCursor;
    const next = await read('query($after: String) { police { residents(first: 5, after: $after) { nodes { rkbh } totalCount } } }', { after: provinceCursor });
    expect(next.data!.police.residents).toEqual({ nodes: [], totalCount: 1 });
    for (const key of ['R1', 'R2', 'R3', 'R4', 'R5', 'R6']) {
      const r = await read(`{ police { resident(rkbh: "${key}") { rkbh address { dzbh } } permit(zbh: "Z${key.slice(1)}") { zbh holder { rkbh qh } } } }`);
      expect(r.errors).toBeUndefined();
      const seen = key === 'R1';
      expect(r.data!.police.resident).toEqual(seen ? { rkbh: 'R1', address: { dzbh: 'D1' } } : null);
      expect(r.data!.police.permit).toEqual({ zbh: `Z${key.slice(1)}`, holder: seen ? { rkbh: 'R1', qh: '420102' } : null });
    }
    // The addresses (unconditional) show the whole city, grants or none: a resident's address link too.
    const addresses = await read('{ police { addresses { totalCount } } }');
    expect(addresses.data!.police.addresses.totalCount).toBe(3);
    // grant list shows the rows; the revocation ends them.
    const [g] = (await listGrants(province.store, { requester: '420100-MZJ', active: true })).filter((x) => x.purposes.includes('census'));
    expect(g.rows).toEqual(['420102']);
    const revoked = await province.query(REVOKE, { ...APPROVER, variables: { id: g.id } });
    expect(revoked.errors).toBeUndefined();
    const after2 = await read('{ police { residents { nodes { rkbh } totalCount } } }');
    expect(after2.data).toEqual({ police: { residents: null } });
    expect(after2.errors?.[0].extensions?.code).toBe('GRANT_REQUIRED');
  });

  it("the operator's --rows: a province department narrowed to two cities, a county refused a city", async () => {
    await grant('420000-MZT', ['420100', '420500'], ['rkbh', 'qh']).then((g) => expect(g.rows).toEqual(['420100', '420500']));
    // With its earlier grant for the whole province beside it, it sees the province; that one revoked, the two cities.
    const [whole] = (await listGrants(province.store, { requester: '420000-MZT', active: true })).filter((g) => g.rows === null);
    await province.query(REVOKE, { ...APPROVER, variables: { id: whole.id } });
    const r = await province.query('{ police { residents { nodes { rkbh } totalCount } } }', { dept: '420000-MZT', purpose: 'subsidy' });
    expect(r.data!.police.residents.totalCount).toBe(4);
    await expect(grant('420102-MZJ', ['420100'])).rejects.toThrow('420100 lies outside the region 420102 of 420102-MZJ');
    await expect(grant('420500-TJJ', ['420502'])).rejects.toThrow('420502 lies outside the region 420100 of 420500-TJJ');
  });
});

describe('a publication changing the row scope while grants with rows exist', () => {
  const SUBMIT = `mutation($doc: String!) { submitCatalogue(document: $doc) { version { id version } warnings { kind path message resource item grants } } }`;
  const document = (rows: string | null) => {
    const text = readFileSync(fixture('police.yaml'), 'utf8');
    return rows === null ? text.replace('        rows: { item: qh }\n', '') : text.replace('rows: { item: qh }', `rows: { item: ${rows} }`);
  };
  it('is warned of: dropping it would show the grants\' holders every record, another item would narrow by other values', async () => {
    const narrowed = await grant('420500-MZJ', ['420502'], ['rkbh', 'qh', 'dzbh']);
    for (const [rows, words] of [[null, 'no longer has row scope'], ['dzbh', 'by dzbh instead of qh']] as const) {
      const r = await province.query(SUBMIT, { dept: '420000-GAT', roles: ['compiler'], variables: { doc: document(rows) } });
      expect(r.errors).toBeUndefined();
      const w = (r.data!.submitCatalogue.warnings as { kind: string; message: string; grants: string[] | null }[]).filter((x) => x.kind === 'BREAKS_GRANT');
      expect(w).toEqual([expect.objectContaining({ resource: RESIDENTS, item: null, grants: expect.arrayContaining([narrowed.id]) })]);
      expect(w[0].message).toContain(words);
    }
  });
});

describe('the audit log and usage figures of forwarded and direct reads', () => {
  it('count only the records within the rows of the department, on both platforms', async () => {
    const doc = 'query CountedVia { hubei { police { addresses(first: 10) { nodes { dzbh } totalCount } permits(first: 10) { nodes { holder { rkbh } } } } } }';
    const r = await city.query(doc, { dept: '420102-RSJ', purpose: 'subsidy' });
    expect(r.data!.hubei.police.addresses).toEqual({ nodes: [{ dzbh: 'D1' }], totalCount: 1 });
    const direct = await province.query('query CountedHere { police { addresses(first: 10) { totalCount } a: address(dzbh: "D3") { dzbh } b: address(dzbh: "D1") { dzbh } } }', { dept: '420102-MZJ', purpose: 'subsidy' });
    expect(direct.data!.police).toEqual({ addresses: { totalCount: 1 }, a: null, b: { dzbh: 'D1' } });
    const log = await province.query('{ auditLog(first: 50) { nodes { department via operationName resources { resource records counted } } } }', { dept: '420000-DSJ', roles: ['supervisor'] });
    const entries = log.data!.auditLog.nodes as { department: string; via: string | null; operationName: string; resources: { resource: string; records: number }[] }[];
    const records = (name: string) => Object.fromEntries(entries.find((e) => e.operationName === name)!.resources.map((x) => [x.resource, x.records]));
    const forwarded = entries.find((e) => e.operationName === 'CountedVia')!;
    expect([forwarded.department, forwarded.via]).toEqual(['420102-RSJ', '420100']);
    // Addresses: one in the county; permits: 6 listed (unconditional, no row scope); residents: no grant, denied.
    expect(records('CountedVia')).toMatchObject({ '420000-GAT-00003': 1, '420000-GAT-00002': 6 });
    expect(records('CountedHere')).toMatchObject({ '420000-GAT-00003': 1 }); // a count returns no record; D3 lies in Yichang
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const usage = await province.query(`{ usage(from: "${today}", to: "${today}", resource: "420000-GAT-00003") { resources { records byRequester { department records } } } }`, { dept: '420000-DSJ', roles: ['supervisor'] });
    const by = Object.fromEntries((usage.data!.usage.resources[0].byRequester as { department: string; records: number }[]).map((x) => [x.department, x.records]));
    // Every entry of the two counties counts at most the one address of their county, and usage is their sum.
    for (const dept of ['420102-RSJ', '420102-MZJ']) {
      const counts = entries.filter((e) => e.department === dept).map((e) => e.resources.find((x) => x.resource === '420000-GAT-00003')?.records ?? 0);
      expect(Math.max(...counts)).toBe(1);
      expect(Object.entries(by).filter(([k]) => k.startsWith(dept)).reduce((n, [, v]) => n + v, 0)).toBe(counts.reduce((n, c) => n + c, 0));
    }
  });
});

describe('the access table for a forwarded department (pure)', () => {
  it('gives it no grant: the resource is GRANT_REQUIRED and its rows the region, whatever is stored under its code', () => {
    const resource = (readDocument(fixture('police.yaml')) as Catalogue).resources[0];
    const g: Grant = {
      id: 'g', requester: '420102-RSJ', resource: RESIDENTS, items: ['rkbh', 'qh'], purposes: ['subsidy'], unmasked: [], rows: ['420102'],
      from: '2026-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'x', requestId: null,
    };
    const own: Department = { code: '420102-RSJ', name: 'x', graphqlName: 'x', level: 'county', region: '420102' };
    const q = (requester: Department) => ({ requester, purpose: 'subsidy', resource, item: effectiveItems(resource).get('rkbh')!, grants: [g], now: new Date() });
    expect(decide(q(own))).toEqual({ allowed: true, mask: null });
    expect(decide(q({ ...own, via: '420100' }))).toMatchObject({ allowed: false, code: 'GRANT_REQUIRED' });
    // Not sent to ask its provider for a grant it cannot hold here.
    const message = (decide(q({ ...own, via: '420100' })) as { message: string }).message;
    expect(message).toContain('by grants this platform gives to its own departments only');
    expect(message).toContain('the platform of 420100 forwarded');
    expect(message).not.toContain('request sharing');
    expect(message).toMatch(/do not read this item\.$/);
    // Asked for the resource itself (no item), the message speaks of the resource, not of an item.
    const whole = (decide({ ...q({ ...own, via: '420100' }), item: null }) as { code: string; message: string });
    expect(whole.code).toBe('GRANT_REQUIRED');
    expect(whole.message).toMatch(/^420\S+ \(.*\) is shared on conditions, by grants this platform gives to its own departments only: .* do not read this resource\.$/);
    const city: Department = { ...own, level: 'city', region: '420100' };
    expect(decideRows(q(city))).toEqual({ item: 'qh', prefixes: ['420102'] });
    expect(decideRows(q({ ...city, via: '420100' }))).toEqual({ item: 'qh', prefixes: ['4201'] });
    expect(decideFigureRows({ ...q({ ...city, via: '420100' }), purpose: null })).toEqual({ item: 'qh', prefixes: ['4201'] });
  });
});
