// Attacks on what a providing department sees of another department's audit entries (SPEC §10): an
// entry is narrowed to the provider's own resources, so nothing in it may tell what else the request
// touched: not the other providers' parts, nor their refusals in the entry's detail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

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
