// The asked department reads the audit entries of the demands addressed to it (SPEC §10: "a providing
// department reads entries about its resources"; §14: every demand action is audited). A `requestData`
// entry named no resource (none exists yet), so only the filing department and supervisors read it: the
// approver of the asked department found no entry of the demands it must answer, nor of another
// department's refused attempt to answer one. The entries now carry `addressedTo` (the asked department),
// which reads them as a provider reads those about its resources, and no other department does: a
// department filing demands reads its own entries only. On a Jiangsu platform of its own
// (test/fixtures/jiangsu-supervision).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'jiangsu-supervision');
let gw: TestGateway;

const FILE = 'mutation($input: DemandInput!) { requestData(input: $input) { id } }';
const ANSWER = 'mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { id status } }';
const LOG = `query($filter: AuditFilter) { auditLog(filter: $filter, first: 100) {
  totalCount nodes { action department addressedTo outcome detail resources { resource provider } } } }`;
const demand = (title: string, provider: string) => ({ title, description: '核对', items: ['户主'], purposes: ['pension-check'], provider });
const as = (dept: string, roles: Role[] = []) => ({ dept, roles });
const ids: Record<string, string> = {};

beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'),
    catalogueFiles: [join(FIXTURE, 'police.yaml'), join(FIXTURE, 'labour.yaml')],
  });
  const ok = async (r: Promise<{ data?: Record<string, any> | null; errors?: unknown }>) => {
    const res = await r;
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  // Nanjing's civil affairs asks Labour; the police, filing demands of their own, ask Market Regulation.
  ids.toLabour = (await ok(gw.query(FILE, { ...as('320100-MZJ', ['applicant']), variables: { input: demand('南京市低保家庭名单', '320000-RST') } }))).requestData.id;
  ids.toMarket = (await ok(gw.query(FILE, { ...as('320000-GAT', ['applicant']), variables: { input: demand('个体工商户名单', '320000-SCJGJ') } }))).requestData.id;
  // Refused: an empty title (the asked department sees the attempt), and the police's approver answering Labour's demand.
  const empty = await gw.query(FILE, { ...as('320100-MZJ', ['applicant']), variables: { input: { ...demand(' ', '320000-RST') } } });
  expect(empty.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  const forbidden = await gw.query(ANSWER, { ...as('320000-GAT', ['approver']), variables: { input: { id: ids.toLabour, decision: 'CANNOT_SHARE', basis: '无' } } });
  expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  await ok(gw.query(ANSWER, { ...as('320000-RST', ['approver']), variables: { input: { id: ids.toLabour, decision: 'CANNOT_SHARE', basis: '无此数据' } } }));
}, 60_000);
afterAll(() => gw?.close());

type Node = { action: string; department: string; addressedTo: string | null; outcome: string; detail: string | null };
const log = async (who: ReturnType<typeof as>, filter: Record<string, unknown> = { kind: 'WORKFLOW' }) => {
  const r = await gw.query(LOG, { ...who, variables: { filter } });
  expect(r.errors).toBeUndefined();
  return r.data!.auditLog as { totalCount: number; nodes: Node[] };
};
const brief = (n: Node) => `${n.action} ${n.department} ${n.outcome} -> ${n.addressedTo}`;

it('shows the asked department the demands addressed to it, refused attempts included', async () => {
  const { nodes } = await log(as('320000-RST', ['approver']));
  expect(nodes.map(brief)).toEqual([
    'answerDemand 320000-RST OK -> 320000-RST',
    'answerDemand 320000-GAT REFUSED -> 320000-RST',
    'requestData 320100-MZJ REFUSED -> 320000-RST',
    'requestData 320100-MZJ OK -> 320000-RST',
  ]);
  // The filing's entry says which demand, so that the approver finds it in `demands`.
  expect(nodes.at(-1)!.detail).toContain(`demand ${ids.toLabour} to 320000-RST: 南京市低保家庭名单`);
  // Its filters find them as they find entries about its resources.
  expect((await log(as('320000-RST'), { kind: 'WORKFLOW', provider: '320000-RST' })).nodes.map(brief)).toEqual(nodes.map(brief));
  expect((await log(as('320000-RST'), { kind: 'WORKFLOW', outcome: 'REFUSED' })).nodes.map(brief)).toEqual([
    'answerDemand 320000-GAT REFUSED -> 320000-RST',
    'requestData 320100-MZJ REFUSED -> 320000-RST',
  ]);
  expect((await log(as('320000-RST'), { provider: '320000-SCJGJ' })).totalCount).toBe(0);
});

it('shows a department filing demands its own entries only, not another asked department’s', async () => {
  const police = await log(as('320000-GAT', ['applicant', 'approver']));
  expect(police.nodes.map(brief)).toEqual([
    'answerDemand 320000-GAT REFUSED -> 320000-RST',
    'requestData 320000-GAT OK -> 320000-SCJGJ',
  ]);
  expect(police.totalCount).toBe(2);
  // Filtered by Labour, its own attempt alone: nothing Nanjing filed there, nor Labour's answer.
  expect((await log(as('320000-GAT'), { provider: '320000-RST' })).nodes.map(brief)).toEqual(['answerDemand 320000-GAT REFUSED -> 320000-RST']);
  // Nanjing reads its own filings, not the police's attempt on its demand nor Labour's answer.
  expect((await log(as('320100-MZJ'))).nodes.map(brief)).toEqual([
    'requestData 320100-MZJ REFUSED -> 320000-RST',
    'requestData 320100-MZJ OK -> 320000-RST',
  ]);
  // Market Regulation reads the one demand it was asked, and nothing of Labour's.
  expect((await log(as('320000-SCJGJ'))).nodes.map(brief)).toEqual(['requestData 320000-GAT OK -> 320000-SCJGJ']);
});

it('lets supervisors filter by the asked department, and the chain still verifies', async () => {
  const supervisor = as('320000-DSJ', ['supervisor']);
  expect((await log(supervisor, { provider: '320000-SCJGJ' })).nodes.map(brief)).toEqual(['requestData 320000-GAT OK -> 320000-SCJGJ']);
  const v = await gw.query('{ verifyAuditChain { ok entries firstBroken { seq reason } } }', supervisor);
  expect(v.data!.verifyAuditChain).toMatchObject({ ok: true, firstBroken: null });
});
