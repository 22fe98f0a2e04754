// A masked boolean or enum takes no filter (dd80dad): `eq: true` would tell every record's hidden value.
// A link is a lookup by its linked item, so a link by such an item is that filter too: a department that
// provides a resource of its own linking to another's masked boolean or enum (records holding true and
// false, or each of the enum's values) was told, for each value, a record holding it. Here on a Jilin
// platform of the test's own (test/fixtures/jilin-links): Changchun's checks link to the insured.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, revokeGrant, type Grant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/jilin-links/${p}`, import.meta.url));
const READER = '220100-MZJ';
const PURPOSE = 'medical-aid';

const insured = [
  { cardNo: 'J1', idNumber: '220102199001011234', chronic: true, tier: 'critical' },
  { cardNo: 'J2', idNumber: '220102198502023456', chronic: false, tier: 'basic' },
  { cardNo: 'J3', idNumber: '220102197003035678', chronic: false, tier: 'serious' },
];
// The reader's own records: one of each value, and an ID number it knows.
const checks = [
  { checkNo: 'T', chronic: true, tier: 'basic', idNumber: '220102199001011234' },
  { checkNo: 'F', chronic: false, tier: 'serious' },
  { checkNo: 'X', tier: 'critical' },
];

let gw: TestGateway;
let masked: Grant;
const ITEMS = ['cardNo', 'idNumber', 'chronic', 'tier'];
async function grant(unmasked: string[]) {
  const ctx = { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) };
  return addGrant(gw.store, ctx, { requester: READER, resource: '220000-YBJ-00001', items: ITEMS, purposes: [PURPOSE], unmasked, rows: null, createdBy: 'test' });
}
const asReader = (document: string) => gw.query(document, { dept: READER, purpose: PURPOSE });

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('insurance.yaml'), fixture('civil.yaml')] });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  for (const [code, rows] of [['220000-YBJ-00001', insured], ['220100-MZJ-00001', checks]] as const) {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  }
  masked = await grant([]);
}, 60_000);
afterAll(() => gw?.close());

describe('a link by a masked boolean or enum', () => {
  it('is not followed: it would tell which records hold each value', async () => {
    const res = await gw.query('{ ccCivil { checks { nodes { checkNo byChronic { cardNo } byTier { cardNo } } } } }', {
      dept: READER, purpose: PURPOSE, headers: { 'x-request-id': 'links-by-few-values' },
    });
    // Nothing of the insured comes back by these links, in any row.
    expect([...res.data!.ccCivil.checks.nodes].sort((a, b) => (a.checkNo < b.checkNo ? -1 : 1))).toEqual([
      { checkNo: 'F', byChronic: null, byTier: null },
      { checkNo: 'T', byChronic: null, byTier: null },
      { checkNo: 'X', byChronic: null, byTier: null },
    ]);
    const refusals = (res.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.resource, e.extensions?.item]);
    expect(refusals).toEqual([
      ['ccCivil.checks.nodes.0.byChronic', 'GRANT_REQUIRED', '220000-YBJ-00001', 'chronic'],
      ['ccCivil.checks.nodes.0.byTier', 'GRANT_REQUIRED', '220000-YBJ-00001', 'tier'],
    ]);
    expect(res.errors![0].message).toMatch(/^chronic of 220000-YBJ-00001 is masked for you, and its values are a few known words/);
    // The insured's provider reads the attempt in its part of the entry: the items, refused, and nothing read.
    const log = await gw.query('{ auditLog(first: 5) { nodes { requestId resources { resource records denied { item code } } } } }', { dept: '220000-YBJ' });
    const entry = log.data!.auditLog.nodes.find((e: { requestId: string }) => e.requestId === 'links-by-few-values');
    expect(entry.resources).toEqual([{
      resource: '220000-YBJ-00001', records: 0,
      denied: [{ item: 'chronic', code: 'GRANT_REQUIRED' }, { item: 'tier', code: 'GRANT_REQUIRED' }],
    }]);
  });

  it('is still followed by a masked ID number (a masked probe), and by the boolean once a grant unmasks it', async () => {
    const byId = await asReader('{ ccCivil { checks(filter: { checkNo: { eq: "T" } }) { nodes { byId { cardNo chronic } } } } }');
    expect(byId.errors).toBeUndefined();
    expect(byId.data!.ccCivil.checks.nodes).toEqual([{ byId: { cardNo: 'J1', chronic: '*****' } }]);
    await revokeGrant(gw.store, masked.id, 'test');
    await grant(['chronic']);
    const unmasked = await asReader('{ ccCivil { checks(filter: { checkNo: { eq: "T" } }) { nodes { byChronic { cardNo chronic } byTier { cardNo } } } } }');
    expect(unmasked.data!.ccCivil.checks.nodes).toEqual([{ byChronic: { cardNo: 'J1', chronic: 'true' }, byTier: null }]);
    expect(unmasked.errors?.map((e) => e.extensions?.item)).toEqual(['tier']);
  });
});
