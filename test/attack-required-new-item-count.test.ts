// RECORDS_LACK_ITEM for an item new to a resource: every stored record lacks it, so the count is how
// many records the reader's rows hold, the resource's totalCount there. Found (review25): the item was
// decided only as the new version shares it, so a version that shares the resource more widely (here
// the conditional recipients made unconditional) and adds a required item told the Shandong big data
// bureau, whose reads of the recipients are refused today (GRANT_REQUIRED, totalCount too), how many
// recipients the province holds, before anyone had published the version. Now the new item is counted
// only when the reader also reads the resource's key under the version in effect (what its totalCount
// asks), and otherwise the count is the provider's to tell.
// test/fixtures/shandong-rows: a province, two cities (Jinan, Qingdao), a county of Jinan (Lixia).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Catalogue } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { BUREAU, catalogueDocument, COMPILER, FIXTURE, PAYMENTS, RECIPIENTS } from './helpers/shandong-rows.ts';
import { submitVersion, versionWarnings, type VersionRef, type VersionWarning } from './helpers/version-warnings.ts';


/** Version 2: the recipients shared without conditions, and both resources with a new required item. */
function version2(): Catalogue {
  const doc = catalogueDocument();
  const [recipients, payments] = doc.resources;
  recipients.share = { type: 'unconditional', methods: ['api'], scope: recipients.share.scope } as typeof recipients.share;
  recipients.items.push({ name: 'phone', type: 'string', required: true } as (typeof recipients.items)[number]);
  payments.items.push({ name: 'bank', type: 'string', required: true } as (typeof payments.items)[number]);
  return doc;
}

let gw: TestGateway;
let version: VersionRef;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: `${FIXTURE}/platform.yaml`, catalogueFiles: [`${FIXTURE}/catalogue.yaml`] });
  const [recipients, payments] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await gw.store.insert(collectionOf(recipients), [
    { caseNo: 'C1', county: '370102', fullName: '张三', amount: 100, tier: 'low' },
    { caseNo: 'C2', county: '370105', fullName: '李四', amount: 200, tier: 'high' },
    { caseNo: 'C3', county: '370202', fullName: '王五', amount: 300, tier: 'high' },
  ]);
  await gw.store.insert(collectionOf(payments), [{ paymentNo: 'P1', caseNo: 'C1' }, { paymentNo: 'P2', caseNo: 'C2' }]);
  version = await submitVersion(gw, version2(), COMPILER);
}, 60_000);
afterAll(() => gw?.close());

const lackingAs = async (dept: string, roles: Role[]): Promise<VersionWarning[]> =>
  (await versionWarnings(gw, version, { dept, roles })).filter((w) => w.kind === 'RECORDS_LACK_ITEM');

it('counts records lacking a new item only for a reader that reads the resource today', async () => {
  const today = await gw.query(`{ civilAffairs { recipients { totalCount } payments { totalCount } } }`, { dept: BUREAU, purpose: 'tax-audit' });
  expect(today.errors?.map((e) => [e.path?.join('.'), e.extensions?.code])).toEqual([['civilAffairs.recipients', 'GRANT_REQUIRED']]);
  expect(today.data?.civilAffairs?.payments?.totalCount).toBe(2);

  expect((await lackingAs(COMPILER.dept, COMPILER.roles)).map((w) => [w.resource, w.item, w.records]))
    .toEqual([[RECIPIENTS, 'phone', 3], [PAYMENTS, 'bank', 2]]);
  for (const roles of [['auditor'], ['supervisor']] as Role[][]) {
    const ws = await lackingAs(BUREAU, roles);
    // The payments it reads today: counted. The recipients' count would be their totalCount: not given.
    expect(ws.map((w) => [w.resource, w.item, w.records])).toEqual([[RECIPIENTS, 'phone', null], [PAYMENTS, 'bank', 2]]);
    expect(ws[0].message).toContain('how many is for 370000-MZ to tell');
    expect(ws[0].message).not.toMatch(/\d+ of its/);
  }
});
