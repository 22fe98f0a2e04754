// Attacks on what a providing department sees of another department's audit entries (SPEC §10): an
// entry is narrowed to the provider's own resources, so nothing in it may tell what else the request
// touched: not the other providers' parts, nor their refusals in the entry's detail, nor the document
// (its hash, equal for equal texts, confirms a guess of the whole text, literal values included, against
// the hash of the provider's own request of the guess), nor what connected platforms
// answered. The requester and supervisors see the entry whole.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as guizhou, freePort, writeCityFile, writeProvinceFile } from './helpers/guizhou.ts';
import { ZWB_SUPERVISOR } from './helpers/workflow.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

const RST = { dept: '430000-RST', purpose: 'employment-services' };
const LOG = `query($f: AuditFilter) { auditLog(filter: $f, first: 50) { nodes { requestId department outcome detail resources { resource provider denied { item code } } } } }`;

type Node = { requestId: string; department: string; outcome: string; detail: string | null; resources: { resource: string; provider: string }[] };
async function entriesSeenBy(dept: string, requestId: string): Promise<Node[]> {
  const r = await gw.query(LOG, { token: await gw.token(dept, [], `${dept}-reader`), variables: { f: { department: '430000-RST' } } });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data!.auditLog.nodes as Node[]).filter((n) => n.requestId === requestId);
}

describe("a provider's view of a request that also read another provider's resources", () => {
  it("does not show the refusal of another provider's item in the detail", async () => {
    // One request: market regulation's enterprises (read), and the service bureau's licences ordered by a
    // masked item (refused beside it): one entry, partial, the refusal as its detail.
    const doc = `{ marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode } } }
      adminService { electronicLicences(first: 1, orderBy: [{ field: holderName }]) { nodes { licenceNo } } } }`;
    const sent = await gw.query(doc, { ...RST, headers: { 'x-request-id': 'views-1' } });
    expect(sent.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);

    // The requester sees the refusal; the provider refused sees it in its own part (the item, the code),
    // not in the detail, which is not split by resource.
    const own = await entriesSeenBy('430000-RST', 'views-1');
    expect(own).toHaveLength(1);
    expect(own[0].detail).toMatch(/holderName of 430000-ZWB-00001/);
    const zwb = await entriesSeenBy('430000-ZWB', 'views-1');
    expect(zwb[0].resources).toEqual([{ resource: '430000-ZWB-00001', provider: '430000-ZWB', denied: [{ item: 'holderName', code: 'BAD_USER_INPUT' }] }]);
    expect(JSON.stringify(zwb[0])).not.toMatch(/SCJG|enterprise|creditCode/);

    // Market regulation sees its own part only, and nothing of the licences.
    const scjg = await entriesSeenBy('430000-SCJG', 'views-1');
    expect(scjg).toHaveLength(1);
    expect(scjg[0].resources.map((p) => p.provider)).toEqual(['430000-SCJG']);
    expect(scjg[0].outcome).toBe('ALLOWED');
    expect(JSON.stringify(scjg[0])).not.toMatch(/ZWB|holderName|adminService|electronicLicences/);
  });

  it('keeps the detail for a provider whose own resources are all the entry holds', async () => {
    const doc = `{ adminService { ok: electronicLicences(first: 1) { nodes { licenceNo } } bad: electronicLicences(first: 1, orderBy: [{ field: holderName }]) { nodes { licenceNo } } } }`;
    await gw.query(doc, { ...RST, headers: { 'x-request-id': 'views-2' } });
    const zwb = await entriesSeenBy('430000-ZWB', 'views-2');
    expect(zwb[0].detail).toMatch(/^BAD_USER_INPUT: holderName of 430000-ZWB-00001 is masked/);
  });

  it("does not show the operation's name, which names what else it read", async () => {
    const NAMED = `query($f: AuditFilter) { auditLog(filter: $f, first: 50) { nodes { requestId operationName } } }`;
    const named = async (dept: string, requestId: string) => {
      const r = await gw.query(NAMED, { token: await gw.token(dept), variables: { f: { department: '430000-RST' } } });
      return (r.data!.auditLog.nodes as { requestId: string; operationName: string | null }[]).find((n) => n.requestId === requestId)!.operationName;
    };
    const both = `query EnterprisesAndCriminalCases { marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode } } }
      publicSecurity { criminalCaseFiles(first: 1) { nodes { caseNo } } } }`;
    await gw.query(both, { ...RST, headers: { 'x-request-id': 'views-named-1' } });
    expect(await named('430000-RST', 'views-named-1')).toBe('EnterprisesAndCriminalCases');
    expect(await named('430000-SCJG', 'views-named-1')).toBeNull();
    expect(await named('430000-GA', 'views-named-1')).toBeNull();
    // A request about the provider's resources alone: its name is about them.
    await gw.query(`query Enterprises { marketRegulation { enterpriseRegistrations(first: 1) { nodes { creditCode } } } }`, { ...RST, headers: { 'x-request-id': 'views-named-2' } });
    expect(await named('430000-SCJG', 'views-named-2')).toBe('Enterprises');
  });
});

describe("a provider's filters over another department's entries", () => {
  it("cannot stretch a resource code over the other providers' parts (a code holds no '|')", async () => {
    // Employment registrations (430000-RST) with the employer link to market regulation (430000-SCJG).
    const doc = `{ humanResources { employmentRegistrations(first: 1) { nodes { position employer { name } } } } }`;
    const sent = await gw.query(doc, { dept: '430000-MZ', purpose: 'social-assistance', headers: { 'x-request-id': 'views-3' } });
    expect(sent.errors).toBeUndefined();
    const seen = async (resource: string) => {
      const r = await gw.query(LOG, { token: await gw.token('430000-SCJG', [], 'scjg-reader'), variables: { f: { resource } } });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return (r.data!.auditLog.nodes as Node[]).filter((n) => n.requestId === 'views-3');
    };
    expect(await seen('430000-SCJG-00001')).toHaveLength(1);
    // The stored parts are '|430000-RST-00001@430000-RST|430000-SCJG-00001@430000-SCJG|': a resource
    // "code" spanning the bar would match only when the request read the other provider's resource too.
    expect(await seen('430000-RST-00001@430000-RST|430000-SCJG-00001')).toEqual([]);
    expect(await seen('430000-SCJG-00001@430000-SCJG|430000-RST-00001')).toEqual([]);
    expect(await seen('430000-GA-00001@430000-GA|430000-SCJG-00001')).toEqual([]);
  });
});

const ENTRY = `query($f: AuditFilter) { auditLog(filter: $f, first: 50) { nodes { requestId department documentHash detail resources { resource } } } }`;
type Seen = { requestId: string; department: string; documentHash: string | null; detail: string | null; resources: { resource: string }[] };

describe("a provider's view of the requester's document", () => {
  it('shows the provider no document hash: with the literal values in it, a guess of the text is confirmed', async () => {
    // A lookup of one licence by its number, the number written in the document (the log keeps no values).
    const doc = `{ adminService { electronicLicences(first: 1, filter: { licenceNo: { eq: "HN-CJZ-0000000003" } }) { nodes { licenceType } } } }`;
    expect((await gw.query(doc, { ...RST, headers: { 'x-request-id': 'views-doc' } })).errors).toBeUndefined();
    const seen = async (as: { token: string }) => {
      const r = await gw.query(ENTRY, { ...as, variables: { f: { department: '430000-RST' } } });
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      return (r.data!.auditLog.nodes as Seen[]).find((n) => n.requestId === 'views-doc')!;
    };
    const zwb = await seen({ token: await gw.token('430000-ZWB', ['approver']) });
    expect(zwb).toEqual({ requestId: 'views-doc', department: '430000-RST', documentHash: null, detail: null, resources: [{ resource: '430000-ZWB-00001' }] });
    // The requester and the supervisor see it.
    expect((await seen({ token: await gw.token('430000-RST') })).documentHash).toBe(gw.documentHash(doc));
    expect((await seen({ token: await gw.token(ZWB_SUPERVISOR.dept, ZWB_SUPERVISOR.roles) })).documentHash).toBe(gw.documentHash(doc));
  });
});

// A province (Guizhou, 520000) connected to its city (Guiyang, 520100), each a gateway of its own.
describe("a provider's view of a request that also asked a connected platform", () => {
  let work: string;
  let city: TestGateway;
  let province: TestGateway;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'govgraph-views-'));
    const provincePort = await freePort();
    const cityFile = writeCityFile(work, provincePort);
    city = await startTestGateway({ platformFile: cityFile, catalogueFiles: [guizhou('city-housing.yaml')] });
    const provinceFile = writeProvinceFile(work, `${city.gateway.url}`);
    province = await startTestGateway({
      platformFile: provinceFile,
      catalogueFiles: [guizhou('police.yaml'), guizhou('rural.yaml')],
      gateway: { port: provincePort, connectedPollMs: 0 },
    });
  }, 60_000);
  afterAll(async () => {
    await province?.close();
    await city?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const seenBy = async (token: string, requestId: string): Promise<Seen> => {
    const r = await province.query(ENTRY, { token, variables: { f: { department: '520000-SWJ' } } });
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return (r.data!.auditLog.nodes as Seen[]).find((n) => n.requestId === requestId)!;
  };

  it("does not show the provider what the connected platform answered, only what concerns its own resources", async () => {
    // Taxation reads the rural revival bureau's households and the city's homes in one request, and asks
    // for the households' `notes` (not shared): a refusal of the provider's own item.
    const doc = `query HomesAndHouseholds { guiyang { gyHousing { subsidisedHomes { totalCount } } } ruralRevival { monitoredHouseholds { nodes { hh notes } } } }`;
    const sent = await province.query(doc, { dept: '520000-SWJ', purpose: 'poverty-relief', headers: { 'x-request-id': 'views-fwd' } });
    expect(sent.data?.guiyang).toEqual({ gyHousing: { subsidisedHomes: { totalCount: 0 } } });

    const own = await seenBy(await province.token('520000-SWJ'), 'views-fwd');
    expect(own.detail).toBe('connected platforms: guiyang (520100) answered');
    expect(own.documentHash).toBe(province.documentHash(doc));

    const xczx = await seenBy(await province.token('520000-XCZX', ['approver']), 'views-fwd');
    expect(xczx).toEqual({ requestId: 'views-fwd', department: '520000-SWJ', documentHash: null, detail: null, resources: [{ resource: '520000-XCZX-0001' }] });
    // Nor the operation's name, which may name what it asked the city.
    const name = async (dept: string) => {
      const r = await province.query(`{ auditLog(filter: { department: "520000-SWJ" }, first: 50) { nodes { requestId operationName } } }`, { token: await province.token(dept) });
      return (r.data!.auditLog.nodes as { requestId: string; operationName: string | null }[]).find((n) => n.requestId === 'views-fwd')!.operationName;
    };
    expect(await name('520000-SWJ')).toBe('HomesAndHouseholds');
    expect(await name('520000-XCZX')).toBeNull();
  });

  it("keeps the refusal of the provider's own item in the detail, without the connected platform's part", async () => {
    const doc = `{ guiyang { gyHousing { subsidisedHomes { totalCount } } } ruralRevival { ok: monitoredHouseholds { totalCount } bad: monitoredHouseholds(orderBy: [{ field: sfzh }]) { nodes { hh } } } }`;
    await province.query(doc, { dept: '520000-SWJ', purpose: 'poverty-relief', headers: { 'x-request-id': 'views-fwd-2' } });
    const own = await seenBy(await province.token('520000-SWJ'), 'views-fwd-2');
    expect(own.detail).toMatch(/^BAD_USER_INPUT: sfzh of 520000-XCZX-0001 is masked .*; connected platforms: guiyang \(520100\) answered$/);
    const xczx = await seenBy(await province.token('520000-XCZX', ['approver']), 'views-fwd-2');
    expect(xczx.detail).toMatch(/^BAD_USER_INPUT: sfzh of 520000-XCZX-0001 is masked/);
    expect(xczx.detail).not.toMatch(/connected|guiyang|520100/);
  });

  it('records a refusal of the provider\'s item when the connected platform answered and nothing else was read', async () => {
    // Ordering by a masked item is refused before anything is read; beside a namespace that answered, the
    // entry held only the namespace's note: the provider never saw the attempt. Now the refusal joins the
    // entry as it joins a read's (its part denied, the outcome DENIED: nothing of it was read).
    const doc = `{ guiyang { gyHousing { subsidisedHomes { totalCount } } } ruralRevival { monitoredHouseholds(orderBy: [{ field: sfzh }]) { nodes { hh } } } }`;
    const sent = await province.query(doc, { dept: '520000-SWJ', purpose: 'poverty-relief', headers: { 'x-request-id': 'views-fwd-3' } });
    expect(sent.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const PARTS = `query($f: AuditFilter) { auditLog(filter: $f, first: 50) { nodes { requestId outcome detail resources { resource denied { item code } } } } }`;
    const seen = async (token: string) => {
      const r = await province.query(PARTS, { token, variables: { f: { department: '520000-SWJ' } } });
      return (r.data!.auditLog.nodes as { requestId: string }[]).filter((n) => n.requestId === 'views-fwd-3');
    };
    const own = await seen(await province.token('520000-SWJ'));
    expect(own).toEqual([{
      requestId: 'views-fwd-3', outcome: 'DENIED',
      detail: expect.stringMatching(/^BAD_USER_INPUT: sfzh of 520000-XCZX-0001 is masked .*; connected platforms: guiyang \(520100\) answered$/),
      resources: [{ resource: '520000-XCZX-0001', denied: [{ item: 'sfzh', code: 'BAD_USER_INPUT' }] }],
    }]);
    const xczx = await seen(await province.token('520000-XCZX', ['approver']));
    expect(xczx).toEqual([{
      requestId: 'views-fwd-3', outcome: 'DENIED', detail: expect.stringMatching(/^BAD_USER_INPUT: sfzh of 520000-XCZX-0001 is masked for you/),
      resources: [{ resource: '520000-XCZX-0001', denied: [{ item: 'sfzh', code: 'BAD_USER_INPUT' }] }],
    }]);
  });
});
