// A provider's usage report keeps the masked-value probes of a resource it no longer publishes (SPEC §14,
// §13): Bijiang's medical insurance bureau objects to a record of the civil affairs department's
// destitute persons by its ID number, masked for it (a probe under limits.maskedProbes), then the
// department withdraws its catalogue. The period's figures are the provider's still, as its read figures
// are: the probe was made on its data, and a code is its provider's for good. Asked of the catalogues in
// effect alone, the provider's report (and `govgraph usage --dept`) dropped it. On a Guizhou platform of
// its own (test/fixtures/tongren-quality).
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { platformDate } from '../src/calendar/working-days.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/tongren-quality';
const DESTITUTE = '520000-MZT-R07';
const BIJIANG = { dept: '520602-YBJ', roles: ['applicant' as const], purpose: 'medical-aid' };
const CIVIL = { dept: '520000-MZT', roles: ['approver' as const] };
const HEALTH = { dept: '520000-WJW', roles: ['approver' as const] };
const SUPERVISOR = { dept: '520000-SJJ', roles: ['supervisor' as const] };

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: join(FIXTURE, 'platform.yaml'), catalogueFiles: [join(FIXTURE, 'health.yaml'), join(FIXTURE, 'civil.yaml')] });
  const destitute = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === DESTITUTE)!;
  await gw.store.insert(collectionOf(destitute), [{ sfzh: '520602199001011237', xm: '张三', xzqh: '520602', cost: '100.50' }]);
}, 60_000);
afterAll(() => gw?.close());

const DAY_MS = 24 * 60 * 60 * 1000;

/** The masked probes a department's usage report lists, from yesterday to tomorrow (platform days: a run across midnight in China keeps its probe). */
async function probesSeenBy(who: { dept: string; roles: Role[] }) {
  const [from, to] = [-DAY_MS, DAY_MS].map((d) => platformDate(new Date(Date.now() + d)));
  const answer = await gw.query(`query($from: Date!, $to: Date!) { usage(from: $from, to: $to) { maskedProbes { department resource values refused } } }`, { ...who, variables: { from, to } });
  expect(answer.errors).toBeUndefined();
  return answer.data!.usage.maskedProbes;
}

it('lists the probes of a withdrawn resource to its provider, as while it was published', async () => {
  const raised = await gw.query(`mutation($i: ObjectionInput!) { raiseObjection(input: $i) { id } }`, {
    ...BIJIANG, variables: { i: { resource: DESTITUTE, key: '520602199001011237', item: 'xm', reason: '姓名与户籍不符' } },
  });
  expect(raised.errors).toBeUndefined();
  const probe = [{ department: '520602-YBJ', resource: DESTITUTE, values: 1, refused: 0 }];
  expect(await probesSeenBy(CIVIL)).toEqual(probe);

  const withdrawn = await gw.query(`mutation { withdrawCatalogue(id: "GZ-MZT", reason: "目录调整") { status } }`, { dept: '520000-MZT', roles: ['compiler'] });
  expect(withdrawn.errors).toBeUndefined();
  expect(withdrawn.data!.withdrawCatalogue.status).toBe('WITHDRAWN');

  expect(await probesSeenBy(CIVIL)).toEqual(probe);
  expect(await probesSeenBy(SUPERVISOR)).toEqual(probe);
  // Another provider sees none of them.
  expect(await probesSeenBy(HEALTH)).toEqual([]);
});
