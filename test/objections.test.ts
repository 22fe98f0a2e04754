// Objections (SPEC §14) through GraphQL on a real gateway: raised only on what the department may read
// (the access decision's code otherwise), one standing objection per record, item and department (kept
// by the store's unique index, also against a race), answered only by the provider's approver, carried
// by every read of the record (one store read per page), CORRECTED by a data import that changes the
// item, and every step in the audit log. Each refusal leaves `_objections` as it was.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformDate, workingDayCalendar } from '../src/calendar/working-days.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { RECORD_ORDER_FIELD, collectionOf } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { addGrant } from '../src/access/grants.ts';
import { importCorrecting, listObjections, objectionDeadline, OBJECTIONS } from '../src/workflow/objections.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

let gw: TestGateway;
let counting: CountingStore;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true, wrapStore: (s) => (counting = countingStore(s)) });
});
afterAll(() => gw?.close());

const ENTERPRISES = '430000-SCJG-00001';
const RST = { dept: '430000-RST', roles: ['applicant' as const], purpose: 'administrative-licensing' };
const SCJG_APPROVER = { dept: '430000-SCJG', roles: ['approver' as const] };
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

const RAISE = `mutation($input: ObjectionInput!) { raiseObjection(input: $input) {
  id resource key item status raisedBy provider reason proposedValue dueDate overdue answer } }`;
const ANSWER = `mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { id status answer answeredBy } }`;
const PAGE = `{ marketRegulation { enterpriseRegistrations(first: 3) { nodes { creditCode name _objections { id item status dueDate } } } } }`;

let keys: string[];
let objectionId: string;
const stored = () => gw.store.count(OBJECTIONS);

describe('raising an objection', () => {
  it('is recorded OPEN with its due date, objectionDays working days later', async () => {
    const page = await gw.query(PAGE, RST);
    expect(page.errors).toBeUndefined();
    keys = page.data!.marketRegulation.enterpriseRegistrations.nodes.map((n: { creditCode: string }) => n.creditCode);
    const r = await gw.query(RAISE, { ...RST, variables: { input: { resource: ENTERPRISES, key: keys[0], item: 'name', reason: 'Renamed in 2025', proposedValue: 'Hunan New Name Co., Ltd.' } } });
    expect(r.errors).toBeUndefined();
    objectionId = r.data!.raiseObjection.id;
    const due = workingDayCalendar(gw.platform.platform.holidays).addWorkingDays(platformDate(new Date()), 5);
    expect(r.data!.raiseObjection).toEqual({
      id: objectionId, resource: ENTERPRISES, key: keys[0], item: 'name', status: 'OPEN', raisedBy: '430000-RST',
      provider: '430000-SCJG', reason: 'Renamed in 2025', proposedValue: 'Hunan New Name Co., Ltd.', dueDate: due, overdue: false, answer: null,
    });
  });

  it('refuses bad input with its code and stores nothing', async () => {
    const before = await stored();
    const raise = (input: Record<string, unknown>, who: Record<string, unknown> = RST) =>
      gw.query(RAISE, { ...who, variables: { input: { resource: ENTERPRISES, key: keys[1], item: 'name', reason: 'Wrong', ...input } } });
    expect(codes(await raise({ key: '91430000MA4L000000' }))).toEqual(['NOT_FOUND']); // no such record
    expect(codes(await raise({ resource: '430000-XX-00001' }))).toEqual(['NOT_FOUND']);
    expect(codes(await raise({ item: 'legalRepresentativeId' }))).toEqual(['GRANT_REQUIRED']); // not readable without a grant
    // named like a read's denial, so that /metrics counts it under the resource (not `-`)
    expect((await raise({ item: 'legalRepresentativeId' })).errors?.[0].extensions).toEqual({ code: 'GRANT_REQUIRED', resource: ENTERPRISES, item: 'legalRepresentativeId' });
    expect(codes(await raise({}, { ...RST, purpose: undefined }))).toEqual(['PURPOSE_REQUIRED']);
    expect(codes(await raise({ item: 'nosuchitem' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await raise({ reason: '  ' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await raise({}, { ...RST, roles: ['approver'] }))).toEqual(['FORBIDDEN']);
    // The same record and item again by the same department, even spelled with another case of the item.
    expect(codes(await raise({ key: keys[0] }))).toEqual(['CONFLICT']);
    expect(codes(await raise({ key: keys[0], item: 'Name' }))).toEqual(['BAD_USER_INPUT']);
    // The provider corrects its own data instead.
    expect(codes(await raise({}, { dept: '430000-SCJG', roles: ['applicant'], purpose: 'administrative-licensing' }))).toEqual(['BAD_USER_INPUT']);
    expect(await stored()).toBe(before);
  });

  it('keeps one standing objection per record and item when two are raised at once', async () => {
    const input = { resource: ENTERPRISES, key: keys[2], item: 'address', reason: 'Moved' };
    const both = await Promise.all([1, 2].map(() => gw.query(RAISE, { ...RST, variables: { input } })));
    expect(both.map((r) => codes(r)?.[0] ?? 'ok').sort()).toEqual(['CONFLICT', 'ok']);
    expect(await gw.store.count(OBJECTIONS, eq('item', 'address'))).toBe(1);
    // Another department may object to the same item.
    const other = await gw.query(RAISE, { dept: '430000-MZ', roles: ['applicant'], purpose: 'administrative-licensing', variables: { input } });
    expect(other.errors).toBeUndefined();
  });
});

describe('row scope', () => {
  it('a record outside the department’s rows is NOT_FOUND, as a missing one; one inside can be objected to', async () => {
    // Changsha Civil Affairs (region 430100) may read household registrations of its own city only.
    const CHANGSHA = { dept: '430100-MZ', roles: ['applicant' as const], purpose: 'social-assistance' };
    await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) },
      { requester: '430100-MZ', resource: '430000-GA-00001', items: ['idNumber', 'fullName', 'regionCode'], purposes: ['social-assistance'], createdBy: 'test' });
    const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === '430000-GA-00001')!;
    const [outside] = await gw.store.find(collectionOf(resource), { filter: { kind: 'compare', field: 'regionCode', op: 'gte', value: '430200' }, limit: 1 });
    const [inside] = await gw.store.find(collectionOf(resource), { filter: { kind: 'startsWith', field: 'regionCode', value: '4301' }, limit: 1 });
    const before = await stored();
    const raise = (idNumber: unknown) => gw.query(RAISE, { ...CHANGSHA, variables: { input: { resource: '430000-GA-00001', key: idNumber, item: 'fullName', reason: 'Wrong name' } } });
    expect(codes(await raise(outside.idNumber))).toEqual(['NOT_FOUND']);
    expect(await stored()).toBe(before);
    expect((await raise(inside.idNumber)).errors).toBeUndefined();
  });
});

describe('every read of the record carries it', () => {
  it('in _objections, read in one store read for the page', async () => {
    counting.reset();
    const page = await gw.query(PAGE, { dept: '430000-ZRZYT', purpose: 'land-management' });
    expect(page.errors).toBeUndefined();
    const nodes = page.data!.marketRegulation.enterpriseRegistrations.nodes;
    expect(nodes[0]._objections).toEqual([{ id: objectionId, item: 'name', status: 'OPEN', dueDate: expect.any(String) }]);
    expect(nodes[1]._objections).toEqual([]);
    expect(nodes[2]._objections.map((o: { item: string }) => o.item)).toEqual(['address', 'address']);
    expect(counting.calls.filter((c) => c.endsWith(OBJECTIONS))).toEqual([`find ${OBJECTIONS}`]);
  });

  it('in a lookup too', async () => {
    const r = await gw.query(`{ marketRegulation { enterpriseRegistration(creditCode: "${keys[0]}") { _objections { id status } } } }`, RST);
    expect(r.data!.marketRegulation.enterpriseRegistration._objections).toEqual([{ id: objectionId, status: 'OPEN' }]);
  });
});

describe('listing and answering', () => {
  const LIST = `{ objections { id item raisedBy } }`;

  it('shows the raiser its own, the provider those about its resources, a supervisor all, others none', async () => {
    const mine = await gw.query(LIST, { dept: '430000-RST' });
    expect(mine.data!.objections.map((o: { raisedBy: string }) => o.raisedBy)).toEqual(['430000-RST', '430000-RST']);
    const provider = await gw.query(LIST, { dept: '430000-SCJG' });
    expect(provider.data!.objections).toHaveLength(3);
    const supervisor = await gw.query(LIST, { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(supervisor.data!.objections).toHaveLength(4); // also the one about a household registration
    const stranger = await gw.query(LIST, { dept: '430000-ZRZYT' });
    expect(stranger.data!.objections).toEqual([]);
    const filtered = await gw.query(`{ objections(status: OPEN, resource: "${ENTERPRISES}", overdue: false) { id } }`, { dept: '430000-SCJG' });
    expect(filtered.data!.objections).toHaveLength(3);
    // The code in another case names the same resource, as when the objection was raised.
    const lower = await gw.query(`{ objections(status: OPEN, resource: "${ENTERPRISES.toLowerCase()}", overdue: false) { id } }`, { dept: '430000-SCJG' });
    expect(lower.data!.objections).toEqual(filtered.data!.objections);
  });

  it('is answered only by the provider’s approver, once', async () => {
    const before = await gw.store.find(OBJECTIONS, { filter: eq('id', objectionId) });
    expect(codes(await gw.query(ANSWER, { dept: '430000-MZ', roles: ['approver'], variables: { input: { id: objectionId, decision: 'CONFIRM' } } }))).toEqual(['FORBIDDEN']);
    expect(codes(await gw.query(ANSWER, { dept: '430000-SCJG', roles: ['applicant'], variables: { input: { id: objectionId, decision: 'CONFIRM' } } }))).toEqual(['FORBIDDEN']);
    expect(codes(await gw.query(ANSWER, { ...SCJG_APPROVER, variables: { input: { id: 'no-such-id', decision: 'CONFIRM' } } }))).toEqual(['NOT_FOUND']);
    expect(codes(await gw.query(ANSWER, { ...SCJG_APPROVER, variables: { input: { id: objectionId, decision: 'REJECT' } } }))).toEqual(['BAD_USER_INPUT']);
    expect(await gw.store.find(OBJECTIONS, { filter: eq('id', objectionId) })).toEqual(before);

    const ok = await gw.query(ANSWER, { ...SCJG_APPROVER, variables: { input: { id: objectionId, decision: 'CONFIRM', reason: 'Will be corrected' } } });
    expect(ok.data!.answerObjection).toEqual({ id: objectionId, status: 'CONFIRMED', answer: 'Will be corrected', answeredBy: 'tester' });
    const again = await gw.query(ANSWER, { ...SCJG_APPROVER, variables: { input: { id: objectionId, decision: 'REJECT', reason: 'No' } } });
    expect(codes(again)).toEqual(['CONFLICT']);
    // CONFIRMED still stands: reads carry it, and the raiser cannot raise a second one yet.
    const r = await gw.query(`{ marketRegulation { enterpriseRegistration(creditCode: "${keys[0]}") { _objections { status } } } }`, RST);
    expect(r.data!.marketRegulation.enterpriseRegistration._objections).toEqual([{ status: 'CONFIRMED' }]);
  });
});

describe('overdue', () => {
  it('lists only the OPEN objections past their due date under overdue: true, the others under false', async () => {
    const env = (now: Date) => ({ store: gw.store, platform: gw.platform, now });
    const provider = { dept: '430000-SCJG', roles: [] };
    const open = (await listObjections(env(new Date()), provider, { status: 'open' })).map((o) => o.id);
    expect(open.length).toBeGreaterThan(0);
    expect(await listObjections(env(new Date()), provider, { overdue: true })).toEqual([]);
    // The day after the latest due date, on the platform calendar.
    const due = (await listObjections(env(new Date()), provider)).map((o) => objectionDeadline(env(new Date()), o).dueDate).sort().at(-1)!;
    const later = new Date(`${workingDayCalendar(gw.platform.platform.holidays).addWorkingDays(due, 1)}T12:00:00+08:00`);
    const overdue = await listObjections(env(later), provider, { overdue: true });
    expect(overdue.map((o) => o.id).sort()).toEqual([...open].sort()); // the CONFIRMED one is answered: never overdue
    expect(overdue.every((o) => objectionDeadline(env(later), o).overdue)).toBe(true);
    expect((await listObjections(env(later), provider, { overdue: false })).map((o) => o.status)).toEqual(['confirmed']);
  });
});

describe('a data import that changes the item corrects it', () => {
  it('leaves it CONFIRMED when the item is unchanged, and marks it CORRECTED when it changes', async () => {
    const resource = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === ENTERPRISES)!;
    // The record's items as a file would give them: its place in a masked key's list is the store's, not an item.
    const [{ [RECORD_ORDER_FIELD]: _place, ...record }] = await gw.store.find(collectionOf(resource), { filter: eq('creditCode', keys[0]) });
    const file = join(gw.dataDir, 'fix.jsonl');
    const env = { store: gw.store, now: new Date() };
    const operator = { user: 'operator', requestId: 'test-import' };

    writeFileSync(file, JSON.stringify({ ...record, address: 'Somewhere else' }) + '\n');
    const same = await importCorrecting(env, operator, resource, file);
    expect(same.summary.written).toBe(1);
    expect(same.corrected).toEqual([]);

    writeFileSync(file, JSON.stringify({ ...record, name: 'Hunan New Name Co., Ltd.' }) + '\n');
    const fixed = await importCorrecting(env, operator, resource, file);
    expect(fixed.corrected.map((o) => [o.id, o.status])).toEqual([[objectionId, 'corrected']]);
    const list = await gw.query(`{ objections(id: "${objectionId}") { status correctedAt } }`, { dept: '430000-RST' });
    expect(list.data!.objections[0].status).toBe('CORRECTED');
    const r = await gw.query(`{ marketRegulation { enterpriseRegistration(creditCode: "${keys[0]}") { name _objections { id } } } }`, RST);
    expect(r.data!.marketRegulation.enterpriseRegistration).toEqual({ name: 'Hunan New Name Co., Ltd.', _objections: [] });
    // Closed: the department may object again.
    const again = await gw.query(RAISE, { ...RST, variables: { input: { resource: ENTERPRISES, key: keys[0], item: 'name', reason: 'Typo' } } });
    expect(again.errors).toBeUndefined();
  });

  it('audits every step', async () => {
    const r = await gw.query(`{ auditLog(filter: { resource: "${ENTERPRISES}", kind: WORKFLOW }, first: 50) { nodes { action outcome detail } } }`,
      { dept: '430000-ZWB', roles: ['supervisor'] });
    const actions = r.data!.auditLog.nodes.map((n: { action: string; outcome: string }) => `${n.action}:${n.outcome}`);
    expect(actions).toContain('raiseObjection:OK');
    expect(actions).toContain('answerObjection:OK');
    const operator = await gw.query(`{ auditLog(filter: { resource: "${ENTERPRISES}", kind: OPERATOR }, first: 10) { nodes { action detail } } }`,
      { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(operator.data!.auditLog.nodes.filter((n: { action: string }) => n.action === 'correctObjection')).toEqual([
      { action: 'correctObjection', detail: expect.stringContaining(`objection ${objectionId} corrected`) },
    ]);
    // Refusals are recorded too, with their codes.
    const refused = await gw.query(`{ auditLog(filter: { department: "430000-RST", outcome: REFUSED }, first: 50) { nodes { action detail } } }`,
      { dept: '430000-ZWB', roles: ['supervisor'] });
    expect(refused.data!.auditLog.nodes.some((n: { detail: string }) => n.detail.startsWith('GRANT_REQUIRED'))).toBe(true);
  });
});
