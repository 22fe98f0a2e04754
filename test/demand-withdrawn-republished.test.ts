// A promise (SPEC §14, WILL_CATALOGUE) is kept by a publication that offers the requester data the
// platform did not offer when it asked. A code in effect could not be promised, and its republication kept
// nothing; but withdrawing it first let the provider promise it and "keep" the promise by publishing the
// same resource again: the demand, filed while the resource was offered, was FULFILLED by the
// republication. Such a promise is refused now, and one stored before is not kept. A demand filed after
// the withdrawal is kept by the republication (the data was not offered when it was asked), and a kept
// promise stays kept when its resource is withdrawn later (the withdrawal is audited with its reason).
// On a Shandong platform of the tests' own (test/fixtures/quality).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { DEMANDS } from '../src/workflow/demands.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { PUBLISH, REVIEW, SUBMIT } from './helpers/workflow.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const VEHICLES = '370000-GAT-02';
const MZT = { dept: '370000-MZT', roles: ['applicant' as const], purpose: 'benefit-check' };
const GAT_APPROVER = { dept: '370000-GAT', roles: ['approver' as const] };
const GAT_COMPILER = { dept: '370000-GAT', roles: ['compiler' as const] };
const FILE = `mutation($input: DemandInput!) { requestData(input: $input) { id } }`;
const ANSWER = `mutation($input: DemandAnswerInput!) { answerDemand(input: $input) { status resource } }`;
const STATUS = `query($id: ID) { demands(id: $id) { status resource fulfilledBy } }`;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
}, 30_000);
afterAll(() => gw?.close());

const file = async () => {
  const r = await gw.query(FILE, { ...MZT, variables: { input: { title: 'Vehicle owners', description: 'For benefit checks', items: ['plate'], purposes: ['benefit-check'], provider: '370000-GAT' } } });
  return r.data!.requestData.id as string;
};
const promise = (id: string) => gw.query(ANSWER, { ...GAT_APPROVER, variables: { input: { id, decision: 'WILL_CATALOGUE', resource: VEHICLES } } });
const status = async (id: string) => (await gw.query(STATUS, { dept: '370000-MZT', variables: { id } })).data!.demands[0];
const withdraw = async () => {
  const r = await gw.query('mutation { withdrawCatalogue(id: "QT-GAT", reason: "vehicle register moves to a national system") { status } }', GAT_COMPILER);
  expect(r.data).toEqual({ withdrawCatalogue: { status: 'WITHDRAWN' } });
};
async function publishPolice() {
  const doc = JSON.stringify(parse(readFileSync(fixture('police.yaml'), 'utf8')) as Catalogue);
  const sub = await gw.query(SUBMIT, { ...GAT_COMPILER, variables: { doc } });
  const v = sub.data!.submitCatalogue.version.version as number;
  expect((await gw.query(REVIEW, { dept: '370000-DSJ', roles: ['auditor'], variables: { id: 'QT-GAT', v, d: 'APPROVE' } })).errors).toBeUndefined();
  expect((await gw.query(PUBLISH, { ...GAT_COMPILER, variables: { id: 'QT-GAT', v } })).errors).toBeUndefined();
  return v;
}

it('a resource withdrawn and published again keeps no promise to a demand filed while it was offered; it keeps one filed after', async () => {
  const whileOffered = await file();
  const storedBefore = await file();
  await withdraw();

  const refused = await promise(whileOffered);
  expect(refused.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(refused.errors![0].extensions!.problems).toEqual([{
    path: 'resource',
    message: expect.stringMatching(new RegExp(`^${VEHICLES} was in effect after demand ${whileOffered} was filed \\(catalogue QT-GAT v1, until \\d{4}-\\S+\\): publishing it again offers what was offered then, which keeps no promise; `)),
  }]);
  expect(await status(whileOffered)).toEqual({ status: 'OPEN', resource: null, fulfilledBy: null });
  // A promise stored so before answers were checked for it.
  await gw.store.update(DEMANDS, eq('id', storedBefore), { status: 'will-catalogue', resource: VEHICLES, answeredAt: new Date().toISOString(), answeredBy: 'approver' });

  const afterWithdrawal = await file();
  expect((await promise(afterWithdrawal)).data).toEqual({ answerDemand: { status: 'WILL_CATALOGUE', resource: VEHICLES } });

  const v = await publishPolice();
  expect(await status(storedBefore)).toEqual({ status: 'WILL_CATALOGUE', resource: VEHICLES, fulfilledBy: null });
  expect(await status(afterWithdrawal)).toEqual({ status: 'FULFILLED', resource: VEHICLES, fulfilledBy: `QT-GAT@${v}` });

  // Kept, it stays kept when the resource is withdrawn again.
  await withdraw();
  expect(await status(afterWithdrawal)).toEqual({ status: 'FULFILLED', resource: VEHICLES, fulfilledBy: `QT-GAT@${v}` });
});
