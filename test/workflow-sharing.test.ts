// Conditional sharing through GraphQL (SPEC §9): a department requests a conditional resource, the
// provider's approver decides, the grant the rules use appears, the data appears masked as decided,
// and a revocation ends it at once. Every refusal carries its code and changes nothing.
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDayCalendar, platformDate } from '../src/calendar/working-days.ts';
import { ROW_ORDER } from '../src/store/port.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GA_APPROVER, RST_APPLICANT } from './helpers/workflow.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

const REQUEST = `mutation($input: SharingRequestInput!) { requestSharing(input: $input) {
  id requester resource provider items purposes status until dueDate overdue } }`;
const DECIDE = `mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) {
  id status reason decidedBy grant { id items purposes unmasked until active requester resource } } }`;
const REVOKE = `mutation($id: ID!) { revokeGrant(id: $id, reason: "Licensing project closed") { id active revokedBy } }`;
const READ = `{ publicSecurity { householdRegistrations(first: 3) { nodes { idNumber fullName birthDate phone } } } }`;
const EMPLOYMENT = { ...RST_APPLICANT, purpose: 'employment-services' };

const household = {
  resource: '430000-GA-00001',
  items: ['idNumber', 'fullName', 'birthDate', 'phone'],
  purposes: ['employment-services'],
  justification: 'Identity checks for unemployment registration',
  until: '2027-12-31',
};

describe('the walkthrough: request, approve, read', () => {
  let requestId: string;
  let grantId: string;

  it('denies the resource before any grant (GRANT_REQUIRED)', async () => {
    const r = await gw.query(READ, EMPLOYMENT);
    expect(r.data!.publicSecurity.householdRegistrations).toBeNull();
    expect(codes(r)).toEqual(['GRANT_REQUIRED']);
  });

  it('resourceInfo tells what a grant is needed for', async () => {
    const r = await gw.query(`{ resourceInfo(code: "430000-GA-00001") { code provider share { type purposes: scope { purposes } }
      items { name yourAccess { allowed code } } } }`, EMPLOYMENT);
    const info = r.data!.resourceInfo;
    expect(info.share.type).toBe('CONDITIONAL');
    expect(info.items.find((i: { name: string }) => i.name === 'idNumber').yourAccess).toEqual({ allowed: false, code: 'GRANT_REQUIRED' });
    expect(info.items.find((i: { name: string }) => i.name === 'address').yourAccess).toEqual({ allowed: false, code: 'PURPOSE_OUT_OF_SCOPE' });
  });

  it('refuses a justification that shows nothing (U+200B, U+3164), as an empty one', async () => {
    const r = await gw.query(REQUEST, { ...RST_APPLICANT, variables: { input: { ...household, justification: '\u200b\u3164' } } });
    expect(r.errors!.map((e) => [e.extensions!.code, e.extensions!.problems])).toEqual([
      ['BAD_USER_INPUT', [{ path: 'justification', message: 'Say why the data is needed: give a justification.' }]],
    ]);
  });

  it('records the request with its due date, 10 working days later', async () => {
    const r = await gw.query(REQUEST, { ...RST_APPLICANT, variables: { input: household } });
    expect(r.errors).toBeUndefined();
    requestId = r.data!.requestSharing.id;
    const due = workingDayCalendar(gw.platform.platform.holidays).addWorkingDays(platformDate(new Date()), 10);
    expect(r.data!.requestSharing).toEqual({
      id: requestId, requester: '430000-RST', resource: '430000-GA-00001', provider: '430000-GA',
      items: household.items, purposes: ['employment-services'], status: 'PENDING', until: '2027-12-31', dueDate: due, overdue: false,
    });
    // The provider sees it among the requests it must decide.
    const list = await gw.query(`{ sharingRequests(side: PROVIDER, status: PENDING) { id requester } }`, GA_APPROVER);
    expect(list.data!.sharingRequests).toEqual([{ id: requestId, requester: '430000-RST' }]);
    // A second pending request for the same resource is a conflict.
    const twice = await gw.query(REQUEST, { ...RST_APPLICANT, variables: { input: household } });
    expect(codes(twice)).toEqual(['CONFLICT']);
  });

  it('refuses a decision by another department’s approver, and an approval that widens the request', async () => {
    const other = await gw.query(DECIDE, { dept: '430000-MZ', roles: ['approver'], variables: { input: { id: requestId, decision: 'APPROVE' } } });
    expect(codes(other)).toEqual(['FORBIDDEN']);
    // The refusal names the resource (no items), so the provider sees another department's attempt.
    const log = await gw.query(`{ auditLog(filter: { outcome: REFUSED, kind: WORKFLOW }, first: 50) { nodes { department action resources { resource items } } } }`, { dept: '430000-GA' });
    expect(log.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'decideSharingRequest'))
      .toEqual([{ department: '430000-MZ', action: 'decideSharingRequest', resources: [{ resource: '430000-GA-00001', items: [] }] }]);
    const wider = await gw.query(DECIDE, { ...GA_APPROVER, variables: { input: { id: requestId, decision: 'APPROVE', items: ['idNumber', 'gender'] } } });
    expect(codes(wider)).toEqual(['BAD_USER_INPUT']);
    expect(wider.errors![0].extensions!.problems).toEqual([
      { path: 'items[1]', message: 'gender was not requested; an approval may only narrow the items (idNumber, fullName, birthDate, phone).' },
    ]);
    // Every problem at once: the approval's own (an item not requested) and the grant's (an unmasked item
    // not granted), not the first stage's alone.
    const both = await gw.query(DECIDE, { ...GA_APPROVER, variables: { input: { id: requestId, decision: 'APPROVE', items: ['idNumber', 'gender'], unmasked: ['fullName'] } } });
    expect(codes(both)).toEqual(['BAD_USER_INPUT']);
    expect((both.errors![0].extensions!.problems as { path: string }[]).map((p) => p.path)).toEqual(['items[1]', 'unmasked[0]']);
    const noRole = await gw.query(DECIDE, { dept: '430000-GA', roles: ['applicant'], variables: { input: { id: requestId, decision: 'APPROVE' } } });
    expect(codes(noRole)).toEqual(['FORBIDDEN']);
    const still = await gw.query(`{ sharingRequests(id: "${requestId}") { status } }`, GA_APPROVER);
    expect(still.data!.sharingRequests).toEqual([{ status: 'PENDING' }]);
  });

  it('approves narrowed: fewer items, an earlier end, the name unmasked; the grant is made', async () => {
    const r = await gw.query(DECIDE, {
      ...GA_APPROVER,
      variables: { input: { id: requestId, decision: 'APPROVE', items: ['idNumber', 'fullName', 'birthDate'], unmasked: ['fullName'], until: '2027-06-30', reason: 'Within the licensing scope' } },
    });
    expect(r.errors).toBeUndefined();
    const decided = r.data!.decideSharingRequest;
    grantId = decided.grant.id;
    expect(decided).toEqual({
      id: requestId, status: 'APPROVED', reason: 'Within the licensing scope', decidedBy: 'tester',
      grant: { id: grantId, items: ['idNumber', 'fullName', 'birthDate'], purposes: ['employment-services'], unmasked: ['fullName'], until: '2027-06-30', active: true, requester: '430000-RST', resource: '430000-GA-00001' },
    });
    const twice = await gw.query(DECIDE, { ...GA_APPROVER, variables: { input: { id: requestId, decision: 'REJECT', reason: 'changed my mind' } } });
    expect(codes(twice)).toEqual(['CONFLICT']);
    // Listed by the resource's code in any case, as requestSharing takes it.
    for (const code of ['430000-GA-00001', '430000-ga-00001']) {
      const listed = await gw.query(`{ sharingRequests(resource: "${code}") { id } grants(resource: "${code}") { id } }`, GA_APPROVER);
      expect(listed.data, code).toEqual({ sharingRequests: [{ id: requestId }], grants: [{ id: grantId }] });
    }
  });

  it('shows the data as decided: the ID masked, the name unmasked, the phone still refused', async () => {
    // In the order of each record's random place, then the order stored: the ID number is masked for the
    // applicant, and key order would tell its hidden digits.
    const sort = [{ field: RECORD_ORDER_FIELD, direction: 'asc' as const }, { field: ROW_ORDER, direction: 'asc' as const }];
    const truth = await gw.store.find(gw.gateway.holder.schema.model.byCode.get(household.resource)!.collection, { sort, limit: 3 });
    const r = await gw.query(READ, EMPLOYMENT);
    const nodes = r.data!.publicSecurity.householdRegistrations.nodes;
    expect(nodes).toHaveLength(3);
    nodes.forEach((n: Record<string, string | null>, i: number) => {
      const id = truth[i].idNumber as string;
      expect(n.idNumber).toBe(id.slice(0, 6) + '********' + id.slice(14));
      expect(n.fullName).toBe(truth[i].fullName);
      expect(n.birthDate).toBe(truth[i].birthDate);
      expect(n.phone).toBeNull();
    });
    expect(r.errors!.map((e) => [e.extensions!.code, e.extensions!.item])).toEqual([['GRANT_REQUIRED', 'phone']]);
    // Another purpose is not covered by the grant.
    const licensing = await gw.query(READ, { ...RST_APPLICANT, purpose: 'administrative-licensing' });
    expect(codes(licensing)).toEqual(['GRANT_REQUIRED']);
  });

  it('revokes the grant at once; unknown grants and other departments are refused', async () => {
    const unknown = await gw.query(REVOKE, { ...GA_APPROVER, variables: { id: 'no-such-grant' } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    const notProvider = await gw.query(REVOKE, { dept: '430000-RST', roles: ['approver'], variables: { id: grantId } });
    expect(codes(notProvider)).toEqual(['FORBIDDEN']);
    const r = await gw.query(REVOKE, { ...GA_APPROVER, variables: { id: grantId } });
    expect(r.data!.revokeGrant).toEqual({ id: grantId, active: false, revokedBy: 'tester' });
    const again = await gw.query(REVOKE, { ...GA_APPROVER, variables: { id: grantId } });
    expect(codes(again)).toEqual(['CONFLICT']);
    const read = await gw.query(READ, EMPLOYMENT);
    expect(codes(read)).toEqual(['GRANT_REQUIRED']);
  });
});

describe('requests refused at once, with the reason', () => {
  const refused = async (input: Partial<typeof household>, as: { dept: string; roles: 'applicant'[] } = RST_APPLICANT) => {
    const r = await gw.query(REQUEST, { ...as, variables: { input: { ...household, ...input } } });
    expect(r.data).toBeNull();
    return { code: r.errors![0].extensions!.code, problems: r.errors![0].extensions!.problems as { path: string; code?: string }[] | undefined, message: r.errors![0].message };
  };

  it('a resource unconditional in every item needs no request', async () => {
    const r = await refused({ resource: '430000-ZWB-00001', items: ['licenceNo'], purposes: ['employment-services'] });
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.message).toMatch(/430000-ZWB-00001 \(.*\) is shared unconditionally: no request is needed/);
  });

  it('an unconditional item needs no request (only legalRepresentativeId of this resource is conditional)', async () => {
    const r = await refused({ resource: '430000-SCJG-00001', items: ['creditCode'], purposes: ['market-regulation'] });
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.message).toMatch(/items\[0\]: Item `creditCode` of 430000-SCJG-00001 \(Enterprise registration\) is shared unconditionally: no grant is needed/);
  });

  it('a resource not shared cannot be requested', async () => {
    expect((await refused({ resource: '430000-GA-00002', items: ['caseNo'] })).code).toBe('NOT_SHARED');
  });

  it('a department outside the scope is refused', async () => {
    const r = await refused({}, { dept: '430300-MZ', roles: ['applicant'] });
    expect(r.code).toBe('OUT_OF_SCOPE');
    expect(r.problems).toEqual([expect.objectContaining({ path: 'requester', code: 'OUT_OF_SCOPE' })]);
  });

  it('a purpose outside the scope is refused, for the resource and for an item', async () => {
    expect((await refused({ purposes: ['land-management'] })).problems).toEqual([expect.objectContaining({ path: 'purposes[0]', code: 'PURPOSE_OUT_OF_SCOPE' })]);
    const item = await refused({ items: ['idNumber', 'address'] });
    expect(item.code).toBe('PURPOSE_OUT_OF_SCOPE');
    expect(item.problems).toEqual([expect.objectContaining({ path: 'items[1]', code: 'PURPOSE_OUT_OF_SCOPE' })]);
  });

  it('a purpose code the platform does not list is BAD_USER_INPUT, as in the x-purpose header, not PURPOSE_OUT_OF_SCOPE', async () => {
    // The household register lists four purposes; an unknown code is no purpose outside them, and the
    // problem says it is unknown (a developer copying another platform's codes must learn that).
    const r = await refused({ purposes: ['social-assistance', 'curiosity'] });
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.problems).toEqual([{ path: 'purposes[1]', message: expect.stringMatching(/^Unknown purpose "curiosity"; valid codes: /) }]);
  });

  it('an item that does not exist is refused', async () => {
    const r = await refused({ items: ['idNumber', 'shoeSize'] });
    expect(r.code).toBe('BAD_USER_INPUT');
    expect(r.problems).toEqual([expect.objectContaining({ path: 'items[1]' })]);
  });

  it('needs the applicant role; an unknown resource is NOT_FOUND', async () => {
    const noRole = await gw.query(REQUEST, { dept: '430000-RST', roles: ['approver'], variables: { input: household } });
    expect(codes(noRole)).toEqual(['FORBIDDEN']);
    expect((await refused({ resource: '430000-XX-00001' })).code).toBe('NOT_FOUND');
  });
});

describe('decision deadlines', () => {
  it('lists a request still pending after its due date as overdue', async () => {
    // Monday 2026-09-21, 10:00 in Changsha. The National Day holidays fall within the 10 working days.
    await gw.store.insert(SHARING_REQUESTS, [{
      id: 'old-request', requester: '430100-MZ', resource: '430000-GA-00001', provider: '430000-GA',
      items: '["idNumber"]', purposes: '["social-assistance"]', justification: 'Minimum living allowance checks',
      until: null, status: 'pending', requestedBy: 'someone', requestedAt: '2026-09-21T02:00:00.000Z',
      decidedBy: null, decidedAt: null, reason: null, grantId: null,
    }]);
    const r = await gw.query(`{ sharingRequests(overdue: true) { id requestedAt dueDate overdue } }`, GA_APPROVER);
    expect(r.data!.sharingRequests).toEqual([{ id: 'old-request', requestedAt: '2026-09-21T02:00:00.000Z', dueDate: '2026-10-13', overdue: true }]);
    // The requester sees it too; a department with no part in it does not.
    expect((await gw.query(`{ sharingRequests(overdue: true) { id } }`, { dept: '430100-MZ' })).data!.sharingRequests).toEqual([{ id: 'old-request' }]);
    expect((await gw.query(`{ sharingRequests { id } }`, { dept: '430000-SCJG' })).data!.sharingRequests).toEqual([]);
  });
});
