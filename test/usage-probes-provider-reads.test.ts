// A provider's usage report finds whose each masked-value probe is from the catalogues in effect, which
// the gateway holds, and reads the catalogue versions only for a code no catalogue in effect carries
// (withdrawn since: test/usage-probes-withdrawn.test.ts), as the objections' view does
// (src/workflow/objections/viewing.ts, lastPublishedResources). Reading every version ever published
// whole at every usage field of a provider (each alias of another period, each request) cost what the
// platform's catalogue history weighs, where the supervisor's report read none. Counted, not timed:
// the store reads of the catalogue versions during the provider's report against the supervisor's.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository/rows.ts';
import { platformDate } from '../src/calendar/working-days.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { countingStore, type CountingStore } from './helpers/counting-store.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = 'test/fixtures/tongren-quality';
const DESTITUTE = '520000-MZT-R07';
const BIJIANG = { dept: '520602-YBJ', roles: ['applicant' as const], purpose: 'medical-aid' };
const CIVIL = { dept: '520000-MZT', roles: ['approver' as const] };
const SUPERVISOR = { dept: '520000-SJJ', roles: ['supervisor' as const] };
const DAY_MS = 24 * 60 * 60 * 1000;

let gw: TestGateway;
let counted: CountingStore;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: join(FIXTURE, 'platform.yaml'),
    catalogueFiles: [join(FIXTURE, 'health.yaml'), join(FIXTURE, 'civil.yaml')],
    wrapStore: (s) => (counted = countingStore(s)),
  });
  const destitute = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources).find((r) => r.code === DESTITUTE)!;
  await gw.store.insert(collectionOf(destitute), [{ sfzh: '520602199001011237', xm: '张三', xzqh: '520602', cost: '100.50' }]);
}, 60_000);
afterAll(() => gw?.close());

/** The masked probes `who` sees from yesterday to tomorrow (platform days), and the reads of catalogue versions it took. */
async function usageOf(who: { dept: string; roles: Role[] }) {
  const [from, to] = [-DAY_MS, DAY_MS].map((d) => platformDate(new Date(Date.now() + d)));
  counted.reset();
  const answer = await gw.query(`query($from: Date!, $to: Date!) { usage(from: $from, to: $to) { maskedProbes { department resource } } }`, { ...who, variables: { from, to } });
  expect(answer.errors).toBeUndefined();
  return { probes: answer.data!.usage.maskedProbes, versionReads: counted.calls.filter((c) => c === `find ${CATALOGUE_VERSIONS}`).length };
}

it('finds the provider of a probe on a resource in effect without reading the catalogue versions', async () => {
  const raised = await gw.query(`mutation($i: ObjectionInput!) { raiseObjection(input: $i) { id } }`, {
    ...BIJIANG, variables: { i: { resource: DESTITUTE, key: '520602199001011237', item: 'xm', reason: '姓名与户籍不符' } },
  });
  expect(raised.errors).toBeUndefined();
  const supervisor = await usageOf(SUPERVISOR);
  const provider = await usageOf(CIVIL);
  expect(provider.probes).toEqual([{ department: '520602-YBJ', resource: DESTITUTE }]);
  expect(provider.probes).toEqual(supervisor.probes);
  expect(provider.versionReads, 'reads of the catalogue versions: the provider against the supervisor').toBe(supervisor.versionReads);
});
