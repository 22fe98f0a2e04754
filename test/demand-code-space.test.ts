// A promise (answerDemand WILL_CATALOGUE, SPEC §14) of a code never published that lies in another
// department's code space (its department code and a dash): only that department may publish such a
// code (src/catalogue/codes.ts), so the asked department could never keep the promise and the demand
// would stand WILL_CATALOGUE for good. Refused at the answer, in any case of the code; a code in the
// asked department's own space, or in no department's, is still promised. On a Zhejiang platform of its
// own (test/fixtures/zhejiang-quality). (Found by the §14 walk on a platform of its own.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { ANSWER_DEMAND, fileHouseholdDemand, HANGZHOU_MZ, startZhejiangGateway, ZHEJIANG_POLICE } from './helpers/zhejiang-demands.ts';

const HANGZHOU = { dept: HANGZHOU_MZ, roles: ['applicant' as const] };
const POLICE_APPROVER = { dept: ZHEJIANG_POLICE, roles: ['approver' as const] };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startZhejiangGateway();
}, 30_000);
afterAll(() => gw?.close());

const file = () => fileHouseholdDemand(gw);
const promise = (id: string, resource: string) => gw.query(ANSWER_DEMAND, { ...POLICE_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource } } });

it('refuses a code in the Health Commission\'s space promised by the police, in either case, and the demand stays OPEN', async () => {
  const id = await file();
  for (const code of ['330000-WJW-009', '330000-wjw-009']) {
    const r = await promise(id, code);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0].extensions!.problems).toEqual([{ path: 'resource', message: expect.stringContaining('code space of 330000-WJW') }]);
    expect(r.errors![0].message).toContain('330000-GAT-009');
  }
  const listed = await gw.query(`query($id: ID) { demands(id: $id) { status resource } }`, { ...HANGZHOU, variables: { id } });
  expect(listed.data!.demands).toEqual([{ status: 'OPEN', resource: null }]);
  // The Health Commission, in whose space the code lies, sees the attempts in its audit log.
  const log = await gw.query(`{ auditLog(filter: { outcome: REFUSED }, first: 10) { nodes { department action resources { resource } } } }`, { dept: '330000-WJW' });
  expect(log.data!.auditLog.nodes).toEqual([
    { department: '330000-GAT', action: 'answerDemand', resources: [{ resource: '330000-wjw-009' }] },
    { department: '330000-GAT', action: 'answerDemand', resources: [{ resource: '330000-WJW-009' }] },
  ]);
});

it('still takes a code in the asked department\'s own space, and one in no department\'s space', async () => {
  expect((await promise(await file(), '330000-GAT-009')).data!.answerDemand).toEqual({ status: 'WILL_CATALOGUE', resource: '330000-GAT-009' });
  expect((await promise(await file(), '330000-ZJHY-01')).data!.answerDemand).toEqual({ status: 'WILL_CATALOGUE', resource: '330000-ZJHY-01' });
});
