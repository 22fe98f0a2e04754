// The identifier a workflow action is named by (an objection's or a demand's id, the resource objected to,
// the department a demand asks, ...) sent blank: empty, spaces, or characters that show nothing alone
// (U+200B, U+3164). Each is refused with BAD_USER_INPUT naming the argument (`id: is empty`), as an empty
// filter is, not answered NOT_FOUND with the blank quoted (`No objection .`, `No grant \u200b.`, in the
// answer and the refusal's audit entry); nothing is stored. A list filtered by such a blank alone is
// refused as an empty filter is, not answered with nothing. On a Guizhou platform of its own
// (test/fixtures/tongren-quality): Tongren's civil affairs bureau objects and asks, the provincial health
// commission answers.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

/** Who sends a document: a department, its roles, maybe a purpose. */
interface Sender {
  dept: string;
  roles: Role[];
  purpose?: string;
}

const FIXTURE = 'test/fixtures/tongren-quality';
const TONGREN: Sender = { dept: '520600-MZJ', roles: ['applicant'], purpose: 'elderly-care' };
const HEALTH_APPROVER: Sender = { dept: '520000-WJW', roles: ['approver'] };
const HEALTH_COMPILER: Sender = { dept: '520000-WJW', roles: ['compiler'] };
const AUDITOR: Sender = { dept: '520000-SJJ', roles: ['auditor'] };
const BLANKS = ['', '   ', '\u200b', '\u3164'];

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'health.yaml'), join(FIXTURE, 'civil.yaml')] });
}, 60_000);
afterAll(() => gw?.close());

/** Each action, sent with `blank` where it names what it acts on: who sends it, the document, and the argument's path. */
const actions = (blank: string): [string, Sender, string, string][] => {
  const b = JSON.stringify(blank);
  return [
    ['answerObjection', HEALTH_APPROVER, `mutation { answerObjection(input: { id: ${b}, decision: CONFIRM }) { id } }`, 'id'],
    ['answerDemand', HEALTH_APPROVER, `mutation { answerDemand(input: { id: ${b}, decision: CANNOT_SHARE, basis: "医疗隐私" }) { id } }`, 'id'],
    ['raiseObjection', TONGREN, `mutation { raiseObjection(input: { resource: ${b}, key: "520602199001011234", item: "xm", reason: "姓名有误" }) { id } }`, 'resource'],
    ['raiseObjection', TONGREN, `mutation { raiseObjection(input: { resource: "520000-WJW-R01", key: "520602199001011234", item: ${b}, reason: "姓名有误" }) { id } }`, 'item'],
    ['requestData', TONGREN, `mutation { requestData(input: { title: "慢病用药", description: "养老评估", items: ["药品"], purposes: ["elderly-care"], provider: ${b} }) { id } }`, 'provider'],
    ['requestSharing', TONGREN, `mutation { requestSharing(input: { resource: ${b}, items: ["xm"], purposes: ["elderly-care"], justification: "养老评估", until: "2027-06-30" }) { id } }`, 'resource'],
    ['decideSharingRequest', HEALTH_APPROVER, `mutation { decideSharingRequest(input: { id: ${b}, decision: REJECT, reason: "无依据" }) { id } }`, 'id'],
    ['revokeGrant', HEALTH_APPROVER, `mutation { revokeGrant(id: ${b}, reason: "到期") { id } }`, 'id'],
    ['reviewCatalogue', AUDITOR, `mutation { reviewCatalogue(id: ${b}, version: 1, decision: APPROVE) { id } }`, 'id'],
    ['publishCatalogue', HEALTH_COMPILER, `mutation { publishCatalogue(id: ${b}, version: 1) { id } }`, 'id'],
    ['withdrawCatalogue', HEALTH_COMPILER, `mutation { withdrawCatalogue(id: ${b}, reason: "调整") { id } }`, 'id'],
  ];
};

it.each(BLANKS.map((b) => [JSON.stringify(b), b]))('an action named by %s is refused as empty, naming the argument', async (_label, blank) => {
  for (const [action, who, document, path] of actions(blank)) {
    const entriesBefore = (await gw.store.find(AUDIT_COLLECTION, {})).length;
    const answer = await gw.query(document, who);
    expect(answer.errors, `${action} ${path}`).toHaveLength(1);
    const [error] = answer.errors!;
    expect({ action, code: error.extensions?.code, problems: error.extensions?.problems, message: error.message }).toEqual({
      action, code: 'BAD_USER_INPUT', problems: [{ path, message: 'is empty' }],
      message: `${action} is refused: an identifier left blank names nothing.\n  ${path}: is empty`,
    });
    // The refusal's entry, and nothing else: the blank named nothing, so nothing was looked up or stored.
    const entries = (await gw.store.find(AUDIT_COLLECTION, {})).slice(entriesBefore);
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([[action, 'refused']]);
    expect(String(entries[0].detail)).toBe(`BAD_USER_INPUT: ${error.message}`);
  }
  for (const collection of ['_objections', '_demands', '_sharing_requests']) {
    expect(await gw.store.find(collection, {}).catch(() => [])).toEqual([]);
  }
});

it('an identifier that shows something is looked up as before: an unknown id is NOT_FOUND', async () => {
  const answer = await gw.query(`mutation { answerObjection(input: { id: "no-such-objection", decision: CONFIRM }) { id } }`, HEALTH_APPROVER);
  expect(answer.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'No objection no-such-objection.']]);
  const demand = await gw.query(`mutation { answerDemand(input: { id: "no-such-demand", decision: CANNOT_SHARE, basis: "x" }) { id } }`, HEALTH_APPROVER);
  expect(demand.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['NOT_FOUND', 'No demand no-such-demand.']]);
});

/** Each list of the workflow, filtered by `blank`: who asks, the document, and the filter's path. */
const filters = (blank: string): [string, Sender, string, string][] => {
  const b = JSON.stringify(blank);
  const SUPERVISOR: Sender = { dept: '520000-SJJ', roles: ['supervisor'] };
  return [
    ['objections', SUPERVISOR, `{ objections(resource: ${b}) { id } }`, 'resource'],
    ['objections', SUPERVISOR, `{ objections(id: ${b}) { id } }`, 'id'],
    ['demands', SUPERVISOR, `{ demands(id: ${b}) { id } }`, 'id'],
    ['usage', SUPERVISOR, `{ usage(from: "2026-01-01", to: "2027-12-31", resource: ${b}) { from } }`, 'resource'],
    ['sharingRequests', SUPERVISOR, `{ sharingRequests(resource: ${b}) { id } }`, 'resource'],
    ['grants', SUPERVISOR, `{ grants(requester: ${b}) { id } }`, 'requester'],
    ['auditLog', SUPERVISOR, `{ auditLog(filter: { resource: ${b} }) { nodes { seq } } }`, 'filter.resource'],
  ];
};

it.each(['\u200b', '\u3164', '\ufeff'].map((b) => [JSON.stringify(b), b]))('a list filtered by %s alone is refused as an empty filter, not answered with nothing', async (_label, blank) => {
  for (const [field, who, document, path] of filters(blank)) {
    const answer = await gw.query(document, who);
    expect({ field, code: answer.errors?.[0]?.extensions?.code, problems: answer.errors?.[0]?.extensions?.problems }).toEqual({
      field, code: 'BAD_USER_INPUT', problems: [{ path, message: 'is empty' }],
    });
  }
  const report = await gw.query(`query($e: String) { consistencyReport(element: $e) { left } }`, { dept: '520000-SJJ', roles: ['supervisor'], variables: { e: blank } });
  expect(report.errors?.map((e) => [e.extensions?.code, e.message, e.extensions?.problems])).toEqual([
    ['BAD_USER_INPUT', 'consistencyReport is refused: name a data element, or leave element out for every element.', [{ path: 'element', message: 'is empty' }]],
  ]);
});
