// Attacks on the audit trail of data reads (issue 8, point 2): every read of resource data leaves an
// entry and fails closed, whatever it selects: only a count, only a cursor, a lookup that finds nothing,
// a link. The entry names the items used in filters and orders, never their values.
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

const RST = { dept: '430000-RST', purpose: 'employment-services' };
let n = 0;
/** Runs a query as RST with a fresh request id and returns the stored entry of that request (or null). */
async function entryOf(document: string, variables?: Record<string, unknown>) {
  const id = `attack-read-${++n}`;
  const r = await gw.query(document, { ...RST, variables, headers: { 'x-request-id': id } });
  const rows = await gw.store.find(AUDIT_COLLECTION, { filter: eq('requestId', id) });
  return { r, rows, resources: rows.length === 1 ? JSON.parse(String(rows[0].resources)) : null, outcome: rows[0]?.outcome };
}

describe('every read of resource data is on record', () => {
  it('a count-only read (totalCount and nothing else) writes an entry that says it counted, with the filter items', async () => {
    const { r, rows, resources, outcome } = await entryOf(
      `query($v: String!) { adminService { electronicLicences(filter: { holderName: { eq: $v }, licenceType: { in: [DRIVING_LICENCE] } }) { totalCount } } }`,
      { v: '张*' },
    );
    expect(r.errors).toBeUndefined();
    expect(typeof r.data!.adminService.electronicLicences.totalCount).toBe('number');
    expect(rows).toHaveLength(1);
    expect(outcome).toBe('allowed');
    expect(resources).toEqual([expect.objectContaining({
      resource: '430000-ZWB-00001', provider: '430000-ZWB', items: [], records: 0,
      counted: true, filtered: ['holderName', 'licenceType'], ordered: [],
    })]);
    // Names, never values: the compared value is nowhere in the stored row.
    expect(JSON.stringify(rows[0])).not.toContain('张*');
    expect(JSON.stringify(rows[0])).not.toContain('DRIVING_LICENCE');
  });

  it('a read of only a cursor (pageInfo) is on record, with the items it ordered by', async () => {
    const { r, resources } = await entryOf(`{ adminService { electronicLicences(first: 1, orderBy: [{ field: issuedOn, direction: DESC }]) { pageInfo { endCursor } } } }`);
    expect(r.data!.adminService.electronicLicences.pageInfo.endCursor).toEqual(expect.any(String));
    expect(resources).toEqual([expect.objectContaining({ resource: '430000-ZWB-00001', ordered: ['issuedOn'], filtered: [], counted: false })]);
  });

  it('a lookup that finds nothing is on record, with the key as the filter item', async () => {
    const { r, resources, outcome } = await entryOf(`{ adminService { electronicLicence(licenceNo: "HN-XX-0000000000") { __typename } } }`);
    expect(r.data!.adminService.electronicLicence).toBeNull();
    expect(outcome).toBe('allowed');
    expect(resources).toEqual([expect.objectContaining({ resource: '430000-ZWB-00001', records: 0, filtered: ['licenceNo'] })]);
  });

  it('a link read is on record for the linked resource, with the linked item as the filter item', async () => {
    const { r, resources } = await entryOf(`{ humanResources { employmentRegistrations(first: 2) { nodes { registrationNo employer { __typename } } } } }`);
    expect(r.errors).toBeUndefined();
    const linked = resources.find((p: { resource: string }) => p.resource === '430000-SCJG-00001');
    expect(linked).toEqual(expect.objectContaining({ provider: '430000-SCJG', filtered: ['creditCode'] }));
  });
});

describe('fail-closed', () => {
  const closed = { message: 'The audit log cannot be written, so no data is returned; try again shortly.', extensions: { code: 'AUDIT_UNAVAILABLE' } };
  it.each([
    ['a count', `{ adminService { electronicLicences(filter: { licenceType: { eq: DRIVING_LICENCE } }) { totalCount } } }`],
    ['a cursor', `{ adminService { electronicLicences(first: 1) { pageInfo { hasNextPage endCursor } } } }`],
    ['a lookup that finds nothing', `{ adminService { electronicLicence(licenceNo: "HN-XX-0000000000") { __typename } } }`],
  ])('%s returns nothing while the audit log cannot be written', async (_what, document) => {
    failing = true;
    try {
      const r = await gw.query(document, RST);
      expect(r.data).toBeNull();
      expect(r.errors).toEqual([closed]);
    } finally {
      failing = false;
    }
  });
});

describe('the entry through GraphQL', () => {
  it('shows supervisors the filter and order items and the count', async () => {
    await entryOf(`{ adminService { electronicLicences(filter: { issuedOn: { gte: "2020-01-01" } }, orderBy: [{ field: licenceType }]) { totalCount } } }`);
    const log = await gw.query(`{ auditLog(first: 1) { nodes { resources { resource filtered ordered counted } } } }`, ZWB_SUPERVISOR);
    expect(log.data!.auditLog.nodes[0].resources).toEqual([{ resource: '430000-ZWB-00001', filtered: ['issuedOn'], ordered: ['licenceType'], counted: true }]);
  });
});

describe("a provider's view of the log", () => {
  it('never reveals which other resources a request touched, through filters or the outcome', async () => {
    const id = 'attack-provider-view';
    await gw.query(
      `{ adminService { electronicLicences(first: 1) { nodes { licenceNo } } }
         humanResources { employmentRegistrations(first: 1) { nodes { registrationNo monthlyWage } } } }`,
      { dept: '430000-MZ', purpose: 'social-assistance', headers: { 'x-request-id': id } },
    );
    const zwb = { dept: '430000-ZWB', roles: [] }; // provides the licences; not a supervisor
    const LOG_OF = `query($f: AuditFilter) { auditLog(filter: $f, first: 50) { nodes { requestId outcome resources { resource provider } } } }`;
    const ids = async (f: object) => (await gw.query(LOG_OF, { ...zwb, variables: { f } })).data!.auditLog.nodes.map((n: { requestId: string }) => n.requestId);
    expect(await ids({})).toContain(id); // it sees the entry, about its own resource...
    const seen = (await gw.query(LOG_OF, { ...zwb, variables: { f: {} } })).data!.auditLog.nodes.find((n: { requestId: string }) => n.requestId === id);
    expect(seen.resources).toEqual([{ resource: '430000-ZWB-00001', provider: '430000-ZWB' }]);
    expect(seen.outcome).toBe('ALLOWED'); // ...with its own part's outcome, though the wage was denied
    // ...and no filter tells it what else the request read.
    expect(await ids({ resource: '430000-RST-00001' })).not.toContain(id);
    expect(await ids({ provider: '430000-RST' })).not.toContain(id);
    expect(await ids({ outcome: 'PARTIAL' })).not.toContain(id);
    expect(await ids({ resource: '430000-ZWB-00001', outcome: 'ALLOWED' })).toContain(id);
  });
});
