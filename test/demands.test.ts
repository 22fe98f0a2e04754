// Demand (SPEC §14): a department files a demand for data no catalogue offers, the asked department's
// approver answers it, and a promise is FULFILLED when a catalogue version publishing the promised code
// is published. Refusals carry their codes and store nothing; every step is audited; due dates count
// the platform's `deadlines.demandDays` working days.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformDate, workingDayCalendar } from '../src/calendar/working-days.ts';
import { DEMANDS, demandDeadline, listDemands } from '../src/workflow/demands.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { demoCatalogue, PUBLISH, REVIEW, SUBMIT, ZWB_AUDITOR } from './helpers/workflow.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(() => gw?.close());

const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);
const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id title status provider requester items purposes dueDate overdue resource } }`;
const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { id status basis resource answeredBy } }`;
const RST = { dept: '430000-RST', roles: ['applicant' as const] };
const ZRZYT_APPROVER = { dept: '430000-ZRZYT', roles: ['approver' as const] };
const demand = {
  title: 'Rural homestead registrations',
  description: 'Needed to check housing for rural employment subsidies',
  items: ['homestead number', 'holder ID number', 'area'],
  purposes: ['employment-services'],
  provider: '430000-ZRZYT',
};

let id: string;

describe('a demand', () => {
  it('is filed OPEN, due demandDays working days later', async () => {
    const r = await gw.query(FILE, { ...RST, variables: { input: demand } });
    expect(r.errors).toBeUndefined();
    id = r.data!.requestData.id;
    const due = workingDayCalendar(gw.platform.platform.holidays).addWorkingDays(platformDate(new Date()), 10);
    expect(r.data!.requestData).toEqual({
      id, title: demand.title, status: 'OPEN', provider: '430000-ZRZYT', requester: '430000-RST',
      items: demand.items, purposes: demand.purposes, dueDate: due, overdue: false, resource: null,
    });
  });

  it('refuses bad input with every problem and stores nothing', async () => {
    const before = await gw.store.count(DEMANDS);
    const bad = await gw.query(FILE, { ...RST, variables: { input: { ...demand, title: ' ', items: [], purposes: ['nope'], provider: '430000-XX' } } });
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0].extensions!.problems.map((p: { path: string }) => p.path)).toEqual(['title', 'items', 'purposes[0]', 'provider']);
    // Text that shows nothing (trim() leaves U+200B and U+3164) is empty as spaces are.
    const invisible = await gw.query(FILE, { ...RST, variables: { input: { ...demand, title: '\u200b', description: '\u3164 \ufeff', items: ['\u200b', '\u2800'] } } });
    expect(invisible.errors![0].extensions!.problems).toEqual([
      { path: 'title', message: 'is empty; say in a few words what data is needed' },
      { path: 'description', message: 'is empty; say what the data is needed for' },
      { path: 'items', message: 'name at least one data item wanted' },
    ]);
    expect(codes(await gw.query(FILE, { ...RST, variables: { input: { ...demand, provider: '430000-RST' } } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gw.query(FILE, { dept: '430000-RST', roles: ['approver'], variables: { input: demand } }))).toEqual(['FORBIDDEN']);
    expect(await gw.store.count(DEMANDS)).toBe(before);
  });

  it('is seen by its requester, the asked department and supervisors only', async () => {
    const LIST = `{ demands { id } }`;
    expect((await gw.query(LIST, { dept: '430000-RST' })).data!.demands).toEqual([{ id }]);
    expect((await gw.query(LIST, { dept: '430000-ZRZYT' })).data!.demands).toEqual([{ id }]);
    expect((await gw.query(LIST, { dept: '430000-ZWB', roles: ['supervisor'] })).data!.demands).toEqual([{ id }]);
    expect((await gw.query(LIST, { dept: '430000-ZWB' })).data!.demands).toEqual([]);
    expect((await gw.query(LIST, { dept: '430000-GA' })).data!.demands).toEqual([]);
  });

  it('is answered only by the asked department’s approver, once', async () => {
    expect(codes(await gw.query(ANSWER, { dept: '430000-GA', roles: ['approver'], variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '430000-ZRZYT-00003' } } }))).toEqual(['FORBIDDEN']);
    expect(codes(await gw.query(ANSWER, { ...ZRZYT_APPROVER, variables: { input: { id: 'nope', decision: 'CANNOT_SHARE', basis: 'x' } } }))).toEqual(['NOT_FOUND']);
    expect(codes(await gw.query(ANSWER, { ...ZRZYT_APPROVER, variables: { input: { id, decision: 'CANNOT_SHARE' } } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await gw.query(ANSWER, { ...ZRZYT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: 'homesteads' } } }))).toEqual(['BAD_USER_INPUT']);
    const ok = await gw.query(ANSWER, { ...ZRZYT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: '430000-ZRZYT-00003' } } });
    expect(ok.data!.answerDemand).toEqual({ id, status: 'WILL_CATALOGUE', basis: null, resource: '430000-ZRZYT-00003', answeredBy: 'tester' });
    const again = await gw.query(ANSWER, { ...ZRZYT_APPROVER, variables: { input: { id, decision: 'CANNOT_SHARE', basis: 'x' } } });
    expect(codes(again)).toEqual(['CONFLICT']);
    // The answer given is named as the schema's enum writes it, as the client sent it and reads it back.
    expect(again.errors![0].message).toMatch(new RegExp(`^Demand ${id} was already answered \\(WILL_CATALOGUE\\) by tester on `));
  });

  it('is FULFILLED when a version publishing the promised resource is published', async () => {
    const c = demoCatalogue('natural-resources.yaml');
    const homesteads = structuredClone(c.resources[1]);
    Object.assign(homesteads, {
      code: '430000-ZRZYT-00003', name: 'Rural homesteads',
      graphql: { type: 'RuralHomestead', list: 'ruralHomesteads', byKey: 'ruralHomestead' },
    });
    homesteads.items = homesteads.items.map((i) => ({ ...i, element: undefined, link: undefined }));
    delete homesteads.source;
    c.resources.push(homesteads);
    const compiler = { dept: '430000-ZRZYT', roles: ['compiler' as const] };
    const sub = await gw.query(SUBMIT, { ...compiler, variables: { doc: JSON.stringify(c) } });
    expect(sub.errors).toBeUndefined();
    const v = sub.data!.submitCatalogue.version.version;
    await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id: c.id, v, d: 'APPROVE' } });
    const pub = await gw.query(PUBLISH, { ...compiler, variables: { id: c.id, v } });
    expect(pub.errors).toBeUndefined();
    const r = await gw.query(`{ demands(id: "${id}") { status fulfilledBy fulfilledAt } }`, { dept: '430000-RST' });
    expect(r.data!.demands[0]).toEqual({ status: 'FULFILLED', fulfilledBy: `${c.id}@${v}`, fulfilledAt: expect.any(String) });
    const audit = await gw.query(`{ auditLog(filter: { resource: "430000-ZRZYT-00003" }, first: 10) { nodes { action department } } }`,
      { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(audit.data!.auditLog.nodes.map((n: { action: string }) => n.action)).toEqual(expect.arrayContaining(['fulfilDemand', 'answerDemand']));
  });
});

describe('deadlines', () => {
  it('count the platform file’s demandDays working days, and a demand is overdue only while OPEN', async () => {
    const platform = { ...gw.platform, deadlines: { demandDays: 2 } };
    const d = (await listDemands({ store: gw.store, platform, now: new Date() }, { dept: '430000-RST', roles: [] }))[0];
    const monday = { ...d, requestedAt: '2026-11-30T02:00:00Z', status: 'open' as const, answeredAt: null, answeredBy: null };
    const at = (now: string) => demandDeadline({ store: gw.store, platform, now: new Date(now) }, monday);
    expect(at('2026-12-02T10:00:00Z')).toEqual({ dueDate: '2026-12-02', overdue: false, late: false });
    expect(at('2026-12-03T10:00:00Z')).toEqual({ dueDate: '2026-12-02', overdue: true, late: false });
    expect(demandDeadline({ store: gw.store, platform, now: new Date('2026-12-03T10:00:00Z') }, { ...monday, status: 'cannot-share' }).overdue).toBe(false);
  });
});
