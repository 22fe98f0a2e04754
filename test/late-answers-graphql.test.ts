// A supervisor reads in GraphQL whether a sharing request, an objection or a demand was answered late
// (SPEC §9, §14): `late` beside `dueDate`, `overdue` and the answer's instant (`decidedAt`, `answeredAt`).
// The CLI lists said ", late (due D)"; the GraphQL types said only `overdue`, which is false once answered,
// so an answer after its due date read as on time. Late means answered on a day of the platform's calendar
// (China time, UTC+8) after the due date, which counts the platform's holidays; the same function the CLI
// lists use decides it (src/workflow/deadlines.ts, answeredLate). On a Jiangsu platform of its own
// (test/fixtures/jiangsu-supervision: objectionDays 2, demandDays 3, 2026-11-20 a holiday).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Role } from '../src/identity/roles.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { importRecords } from '../src/records/import.ts';
import { answerDemand, requestData } from '../src/workflow/demands.ts';
import { answerObjection, raiseObjection } from '../src/workflow/objections.ts';
import { decideSharingRequest, requestSharing } from '../src/workflow/sharing.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'jiangsu-supervision');
let gw: TestGateway;
const ids: Record<string, string> = {};

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'),
    catalogueFiles: [join(FIXTURE, 'police.yaml'), join(FIXTURE, 'labour.yaml')],
  });
  const { store, platform } = gw;
  const at = (iso: string) => ({ store, platform, now: new Date(iso) });
  const actor = (dept: string, role: Role, purpose: string | null = null) =>
    ({ dept: departmentByCode(platform, dept)!, user: `${role}.${dept}`, roles: [role], purpose, requestId: `late-${dept}-${role}` });
  const nanjing = actor('320100-MZJ', 'applicant', 'pension-check');
  const police = actor('320000-GAT', 'approver');
  const labour = actor('320000-RST', 'approver');

  // Sharing requests made on Monday 2 November 2026 at 10:00 in Nanjing: due 10 working days later, 16 November.
  const ask = async (item: string) => (await requestSharing(at('2026-11-02T02:00:00Z'), nanjing, {
    resource: '320000-GAT-00001', items: [item], purposes: ['pension-check'], justification: '养老金资格认证',
  })).id;
  ids.onDueDay = await ask('xm');
  await decideSharingRequest(at('2026-11-16T15:59:00Z'), police, { id: ids.onDueDay, decision: 'reject', reason: '材料不全' }); // 23:59 on the 16th in Nanjing
  ids.dayAfter = await ask('csrq');
  await decideSharingRequest(at('2026-11-16T17:30:00Z'), police, { id: ids.dayAfter, decision: 'reject', reason: '材料不全' }); // 01:30 on the 17th
  ids.pending = await ask('sfzh');

  // Objections raised on Wednesday 18 November: due 2 working days later, Thursday 19 and (Friday 20 a
  // holiday) Monday 23 November.
  const pensioners = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '320000-RST-00001')!;
  expect((await importRecords(store, pensioners, join(FIXTURE, 'pensioners.jsonl'))).problems).toEqual([]);
  const raise = async (key: string) => (await raiseObjection(at('2026-11-18T02:00:00Z'), nanjing, {
    resource: '320000-RST-00001', key, item: 'xm', reason: '户籍姓名不同',
  })).id;
  ids.afterHoliday = await raise('320102195003010016');
  await answerObjection(at('2026-11-23T10:00:00Z'), labour, { id: ids.afterHoliday, decision: 'confirm', reason: '核实' }); // 18:00 on the 23rd
  ids.objectionLate = await raise('320104194805120020');
  await answerObjection(at('2026-11-23T16:30:00Z'), labour, { id: ids.objectionLate, decision: 'reject', reason: '姓名无误' }); // 00:30 on the 24th
  ids.objectionOpen = await raise('320211195501010037');

  // Demands filed on Monday 2 November: due 3 working days later, Thursday 5 November.
  const file = async (title: string) => (await requestData(at('2026-11-02T02:00:00Z'), nanjing, {
    title, description: '低保核对', items: ['户主'], purposes: ['pension-check'], provider: '320000-RST',
  })).id;
  ids.demandOnTime = await file('南京市低保家庭名单');
  await answerDemand(at('2026-11-05T15:00:00Z'), labour, { id: ids.demandOnTime, decision: 'cannot-share', basis: '无此数据' }); // 23:00 on the 5th
  ids.demandLate = await file('南京市特困人员名单');
  await answerDemand(at('2026-11-05T16:00:00Z'), labour, { id: ids.demandLate, decision: 'will-catalogue', resource: '320000-RST-00009' }); // 00:00 on the 6th
  ids.demandOpen = await file('南京市残疾人名单');
}, 60_000);
afterAll(() => gw?.close());

const byId = <T extends { id: string }>(list: T[]) => Object.fromEntries(list.map(({ id, ...rest }) => [id, rest]));
const SUPERVISOR = { dept: '320000-DSJ', roles: ['supervisor' as Role] };

it('says which sharing requests were decided late, in China time', async () => {
  const r = await gw.query('{ sharingRequests { id status dueDate overdue decidedAt late } }', SUPERVISOR);
  expect(r.errors).toBeUndefined();
  expect(byId(r.data!.sharingRequests)).toEqual({
    [ids.onDueDay]: { status: 'REJECTED', dueDate: '2026-11-16', overdue: false, decidedAt: '2026-11-16T15:59:00.000Z', late: false },
    [ids.dayAfter]: { status: 'REJECTED', dueDate: '2026-11-16', overdue: false, decidedAt: '2026-11-16T17:30:00.000Z', late: true },
    // Pending past its due date: overdue, not (yet) late.
    [ids.pending]: { status: 'PENDING', dueDate: '2026-11-16', overdue: true, decidedAt: null, late: false },
  });
});

it('says which objections were answered late, counting the platform’s holidays', async () => {
  const r = await gw.query('{ objections { id status dueDate overdue answeredAt late } }', SUPERVISOR);
  expect(r.errors).toBeUndefined();
  expect(byId(r.data!.objections)).toEqual({
    [ids.afterHoliday]: { status: 'CONFIRMED', dueDate: '2026-11-23', overdue: false, answeredAt: '2026-11-23T10:00:00.000Z', late: false },
    [ids.objectionLate]: { status: 'REJECTED', dueDate: '2026-11-23', overdue: false, answeredAt: '2026-11-23T16:30:00.000Z', late: true },
    [ids.objectionOpen]: { status: 'OPEN', dueDate: '2026-11-23', overdue: true, answeredAt: null, late: false },
  });
});

it('says which demands were answered late, to the supervisor and to the requester alike', async () => {
  const DEMANDS = '{ demands { id status dueDate overdue answeredAt late } }';
  const expected = {
    [ids.demandOnTime]: { status: 'CANNOT_SHARE', dueDate: '2026-11-05', overdue: false, answeredAt: '2026-11-05T15:00:00.000Z', late: false },
    [ids.demandLate]: { status: 'WILL_CATALOGUE', dueDate: '2026-11-05', overdue: false, answeredAt: '2026-11-05T16:00:00.000Z', late: true },
    [ids.demandOpen]: { status: 'OPEN', dueDate: '2026-11-05', overdue: true, answeredAt: null, late: false },
  };
  for (const who of [SUPERVISOR, { dept: '320100-MZJ' }, { dept: '320000-RST' }]) {
    const r = await gw.query(DEMANDS, who);
    expect(r.errors).toBeUndefined();
    expect(byId(r.data!.demands)).toEqual(expected);
  }
});
