// RECORDS_LACK_ITEM for a reader whose department does not read the item (access/figure-item.ts): the
// count is the provider's to tell, and so is whether the provider stored any record in the rows the
// reader's figures take in. Found: the warning (records null) came only when some record lay in those
// rows, so the Shandong big data bureau, holding no grant to the conditional recipients (its reads of
// them refused, their totalCount too), learnt from the warning's presence whether the provider had
// stored recipients of the province. Now it is told alike whether or not any is stored there, as a
// compiler is told of another provider's resource (test/attack-required-item-withheld-records.test.ts).
// test/fixtures/shandong-rows: a province, two cities (Jinan, Qingdao), a county of Jinan (Lixia).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { BUREAU, COMPILER, FIXTURE, narrowedVersion, RECIPIENTS, recipientWarnings } from './helpers/shandong-rows.ts';
import { submitVersion, type VersionRef } from './helpers/version-warnings.ts';


let gw: TestGateway;
let version: VersionRef;
let collection: string;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: `${FIXTURE}/platform.yaml`, catalogueFiles: [`${FIXTURE}/catalogue.yaml`] });
  const [resource] = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  collection = collectionOf(resource);
  // Records outside the province's rows only: one of another province, one without a county.
  await gw.store.insert(collection, [
    { caseNo: 'C4', county: null, fullName: null, amount: 400, tier: 'high' },
    { caseNo: 'C5', county: '320102', fullName: null, amount: 500, tier: 'high' },
  ]);
  version = await submitVersion(gw, narrowedVersion(), COMPILER);
}, 60_000);
afterAll(() => gw?.close());

const warningsAs = (dept: string, roles: Role[]) => recipientWarnings(gw, version, dept, roles);

it('tells a reader that does not read the item alike whether or not records lie in its rows', async () => {
  // The bureau reads nothing of the recipients: not even how many there are.
  const read = await gw.query(`{ civilAffairs { recipients { totalCount } } }`, { dept: BUREAU, purpose: 'tax-audit' });
  expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
  // (The provider is told of its two records lacking the name.)
  expect((await warningsAs(COMPILER.dept, COMPILER.roles)).map((w) => [w.kind, w.item, w.records]))
    .toEqual([['RECORDS_LACK_ITEM', 'fullName', 2], ['BREAKING_CHANGE', 'tier', 2]]);

  const none = await warningsAs(BUREAU, ['auditor']);
  expect(none.map((w) => [w.kind, w.item, w.records])).toEqual([['RECORDS_LACK_ITEM', 'fullName', null], ['BREAKING_CHANGE', 'tier', null]]);
  // A recipient of Lixia stored: the same warnings, word for word.
  await gw.store.insert(collection, [{ caseNo: 'C1', county: '370102', fullName: null, amount: 100, tier: 'high' }]);
  expect(await warningsAs(BUREAU, ['auditor'])).toEqual(none);
  expect(await warningsAs(BUREAU, ['supervisor'])).toEqual(none);
});
