// The audit log through GraphQL (SPEC §10): one entry per request that reads resource data (allowed,
// partial, denied) and per workflow action, without the variables; fail-closed when it cannot be
// written; visibility per department; the chain checked by a query that names the first broken entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { eq, type Store } from '../src/store/port.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { ZWB_SUPERVISOR } from './helpers/workflow.ts';

let failing = false;
function failingAuditStore(inner: Store): Store {
  const store: Store = Object.create(inner);
  store.insert = async (collection, rows) => {
    if (failing && collection === AUDIT_COLLECTION) throw new Error('disk full');
    return inner.insert(collection, rows);
  };
  return store;
}

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true, wrapStore: failingAuditStore });
});
afterAll(() => gw?.close());

const LOG = `query($f: AuditFilter, $first: Int, $after: String) { auditLog(filter: $f, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  nodes { seq requestId department user purpose operationName documentHash kind action outcome detail
          resources { resource provider items denied { item code } masked records } } } }`;

const latest = async (as = ZWB_SUPERVISOR) => (await gw.query(LOG, { ...as, variables: { first: 1 } })).data!.auditLog.nodes[0];

describe('entries for data reads', () => {
  it('records an allowed read: items, masks, records, the document hash, never the variables', async () => {
    const doc = `query Licences($n: Int) { adminService { electronicLicences(first: $n) { nodes { licenceNo holderName } } } }`;
    const r = await gw.query(doc, { dept: '430000-RST', purpose: 'employment-services', variables: { n: 2 }, headers: { 'x-request-id': 'req-allowed-1' } });
    expect(r.errors).toBeUndefined();
    const entry = await latest();
    expect(entry).toEqual(expect.objectContaining({
      requestId: 'req-allowed-1', department: '430000-RST', user: 'tester', purpose: 'employment-services',
      operationName: 'Licences', documentHash: gw.documentHash(doc), kind: 'READ', action: null, outcome: 'ALLOWED',
      resources: [{ resource: '430000-ZWB-00001', provider: '430000-ZWB', items: ['holderName', 'licenceNo'], denied: [], masked: ['holderName'], records: 2 }],
    }));
    const stored = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'req-allowed-1') });
    expect(JSON.stringify(stored)).not.toContain('"n"');
  });

  it('records a partial read with the denied items and their codes', async () => {
    const r = await gw.query(`{ humanResources { employmentRegistrations(first: 3) { nodes { fullName monthlyWage } } } }`, { dept: '430000-MZ', purpose: 'social-assistance' });
    expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['NOT_SHARED']);
    const entry = await latest();
    expect(entry.outcome).toBe('PARTIAL');
    expect(entry.resources).toEqual([{ resource: '430000-RST-00001', provider: '430000-RST', items: ['fullName'], denied: [{ item: 'monthlyWage', code: 'NOT_SHARED' }], masked: ['fullName'], records: 3 }]);
  });

  it('records a denied read, the resource refused whole', async () => {
    const r = await gw.query(`{ publicSecurity { householdRegistrations(first: 3) { nodes { idNumber } } } }`, { dept: '430000-RST', purpose: 'employment-services' });
    expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['GRANT_REQUIRED']);
    const entry = await latest();
    expect(entry.outcome).toBe('DENIED');
    expect(entry.resources).toEqual([{ resource: '430000-GA-00001', provider: '430000-GA', items: [], denied: [{ item: '*', code: 'GRANT_REQUIRED' }], masked: [], records: 0 }]);
  });

  it('records a list refused for its filter as denied, with nothing read', async () => {
    const r = await gw.query(`{ humanResources { employmentRegistrations(filter: { monthlyWage: { gt: 1 } }) { nodes { position } } } }`, {
      dept: '430000-MZ',
      purpose: 'social-assistance',
    });
    expect(r.errors!.map((e) => e.extensions!.code)).toEqual(['NOT_SHARED']);
    const entry = await latest();
    expect(entry.outcome).toBe('DENIED');
    expect(entry.resources).toEqual([{ resource: '430000-RST-00001', provider: '430000-RST', items: [], denied: [{ item: 'monthlyWage', code: 'NOT_SHARED' }], masked: [], records: 0 }]);
  });

  it('writes no entry for a request that reads no resource data', async () => {
    const before = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 0 } })).data!.auditLog.totalCount;
    await gw.query(`{ me { user } }`, { dept: '430000-GA' });
    expect((await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 0 } })).data!.auditLog.totalCount).toBe(before);
  });
});

describe('entries for workflow actions', () => {
  it('records a refused mutation, and one the role rule stopped before its resolver', async () => {
    await gw.query(`mutation { revokeGrant(id: "nope") { id } }`, { dept: '430000-GA', roles: ['approver'] });
    const refused = await latest();
    expect(refused).toEqual(expect.objectContaining({ kind: 'WORKFLOW', action: 'revokeGrant', outcome: 'REFUSED', department: '430000-GA', detail: 'NOT_FOUND: No grant nope.' }));
    await gw.query(`mutation Sneaky { revokeGrant(id: "nope") { id } }`, { dept: '430000-GA', roles: [] });
    const stopped = await latest();
    expect(stopped).toEqual(expect.objectContaining({ kind: 'WORKFLOW', action: 'revokeGrant', outcome: 'REFUSED', operationName: 'Sneaky' }));
    expect(stopped.detail).toMatch(/^FORBIDDEN: /);
  });
});

describe('fail-closed', () => {
  it('returns no data and AUDIT_UNAVAILABLE when the entry cannot be written', async () => {
    failing = true;
    try {
      const r = await gw.query(`{ adminService { electronicLicences(first: 2) { nodes { licenceNo } } } }`, { dept: '430000-RST', purpose: 'employment-services' });
      expect(r.data).toBeNull();
      expect(r.errors).toEqual([{ message: 'The audit log cannot be written, so no data is returned; try again shortly.', extensions: { code: 'AUDIT_UNAVAILABLE' } }]);
      // A workflow action does nothing without its entry.
      const m = await gw.query(`mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id } }`, {
        dept: '430000-RST', roles: ['applicant'],
        variables: { input: { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'], justification: 'checks' } },
      });
      expect(m.data).toBeNull();
      expect(m.errors!.map((e) => e.extensions!.code)).toEqual(['AUDIT_UNAVAILABLE']);
    } finally {
      failing = false;
    }
    const requests = await gw.query(`{ sharingRequests { id } }`, { dept: '430000-RST' });
    expect(requests.data!.sharingRequests).toEqual([]);
  });
});

describe('visibility, filters and pages', () => {
  it('shows a department its own requests and the entries about its resources, a supervisor all', async () => {
    const all = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 100 } })).data!.auditLog;
    const mine = (await gw.query(LOG, { dept: '430000-RST', variables: { first: 100 } })).data!.auditLog;
    const provider = (await gw.query(LOG, { dept: '430000-GA', variables: { first: 100, f: { kind: 'READ' } } })).data!.auditLog;
    expect(all.totalCount).toBeGreaterThan(mine.totalCount);
    for (const e of mine.nodes) {
      const about = e.resources.some((r: { provider: string }) => r.provider === '430000-RST');
      expect(e.department === '430000-RST' || about).toBe(true);
    }
    // GA sees RST's denied read of its household registrations, and only GA's part of any entry.
    expect(provider.nodes.some((e: { department: string }) => e.department === '430000-RST')).toBe(true);
    for (const e of provider.nodes) {
      if (e.department !== '430000-GA') expect(e.resources.every((r: { provider: string }) => r.provider === '430000-GA')).toBe(true);
    }
    // A non-supervisor of the competent department is a department like any other.
    const zwb = (await gw.query(LOG, { dept: '430000-ZWB', variables: { first: 0 } })).data!.auditLog;
    expect(zwb.totalCount).toBeLessThan(all.totalCount);
  });

  it('filters by department, resource and outcome, and walks pages with the cursor', async () => {
    const f = { department: '430000-RST', outcome: 'ALLOWED', resource: '430000-ZWB-00001' };
    const one = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { f, first: 100 } })).data!.auditLog;
    expect(one.nodes.map((e: { requestId: string }) => e.requestId)).toEqual(['req-allowed-1']);
    // The resource's code in another case is the same resource.
    const lower = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { f: { ...f, resource: '430000-zwb-00001' }, first: 100 } })).data!.auditLog;
    expect(lower.nodes.map((e: { requestId: string }) => e.requestId)).toEqual(['req-allowed-1']);
    const p1 = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 2 } })).data!.auditLog;
    const p2 = (await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 2, after: p1.pageInfo.endCursor } })).data!.auditLog;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p2.nodes[0].seq).toBe(p1.nodes[1].seq - 1);
    const bad = await gw.query(LOG, { ...ZWB_SUPERVISOR, variables: { first: 2, after: 'junk' } });
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
  });

  it('reports usage by requesting department and purpose', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const r = await gw.query(`query($d: Date!) { usage(from: $d, to: $d, resource: "430000-ZWB-00001") { resources { resource requests records byRequester { department purpose requests records } } } }`, { ...ZWB_SUPERVISOR, variables: { d: today } });
    expect(r.data!.usage.resources).toEqual([{ resource: '430000-ZWB-00001', requests: 1, records: 2,
      byRequester: [{ department: '430000-RST', purpose: 'employment-services', requests: 1, records: 2 }] }]);
    // The code in another case is the same resource, not an empty report.
    const lower = await gw.query(`query($d: Date!) { usage(from: $d, to: $d, resource: "430000-zwb-00001") { resources { resource requests records byRequester { department purpose requests records } } } }`, { ...ZWB_SUPERVISOR, variables: { d: today } });
    expect(lower.data!.usage.resources).toEqual(r.data!.usage.resources);
  });
});

describe('the chain', () => {
  it('verifies the chain, for supervisors only, and names the first altered entry', async () => {
    const denied = await gw.query(`{ verifyAuditChain { ok } }`, { dept: '430000-GA', roles: ['supervisor'] });
    expect(denied.errors![0].extensions!.code).toBe('FORBIDDEN');
    const ok = await gw.query(`{ verifyAuditChain { ok entries firstBroken { seq } } }`, ZWB_SUPERVISOR);
    expect(ok.data!.verifyAuditChain.ok).toBe(true);
    await gw.store.update(AUDIT_COLLECTION, eq('seq', 3), { department: '430000-XX' });
    const broken = await gw.query(`{ verifyAuditChain { ok firstBroken { seq reason } } }`, ZWB_SUPERVISOR);
    expect(broken.data!.verifyAuditChain).toEqual({ ok: false, firstBroken: { seq: 3, reason: "hash does not match the entry's contents (the entry was altered, or rehashed without the platform's key; or the platform secret changed since it was written: if on purpose, record the change with govgraph audit rekey)" } });
  });
});
