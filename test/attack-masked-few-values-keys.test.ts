// A masked boolean or enum takes no filter (dd80dad) and a link by one is not followed (attack-masked-few-
// values-links): each would tell, for each of the few values, the records holding it. A resource keyed by
// such an item (odd, but the catalogue takes it) has a lookup by it: `riskBand(band: "high")` answered the one
// record whose hidden band is high, its other items in clear, so three lookups told every record's band.
// Here on an Anhui platform of the test's own (test/fixtures/anhui-keys): Hefei reads the health
// commission's resources masked; Wuhu's own visits link to their keys.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant, revokeGrant, type Grant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { probeUsage } from '../src/limits/probes.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/anhui-keys/${p}`, import.meta.url));
const PURPOSE = 'relief';
const BANDS = '340000-WJW-00001';
const FOLLOW_UPS = '340000-WJW-00002';

const data: Array<[string, object[]]> = [
  [BANDS, [{ band: 'low', holder: '甲' }, { band: 'middle', holder: '乙' }, { band: 'high', holder: '丙' }]],
  [FOLLOW_UPS, [{ pending: true, holder: '丁' }, { pending: false, holder: '戊' }]],
  ['340200-MZJ-00001', [{ visitNo: 'V1', band: 'high', pending: true }]],
];

let gw: TestGateway;
const grants: Grant[] = [];
async function grant(requester: string, resource: string, items: string[], unmasked: string[]) {
  const ctx = { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) };
  grants.push(await addGrant(gw.store, ctx, { requester, resource, items, purposes: [PURPOSE], unmasked, rows: null, createdBy: 'test' }));
}
const as = (dept: string, document: string, requestId?: string) =>
  gw.query(document, { dept, purpose: PURPOSE, headers: requestId ? { 'x-request-id': requestId } : {} });
const errorsOf = (res: { errors?: Array<{ path?: (string | number)[]; extensions?: Record<string, any> }> }) =>
  (res.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code, e.extensions?.resource, e.extensions?.item]);

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('health.yaml'), fixture('wuhu.yaml')] });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  for (const [code, rows] of data) {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  }
  for (const dept of ['340100-MZJ', '340200-MZJ']) {
    await grant(dept, BANDS, ['band', 'holder'], []);
    await grant(dept, FOLLOW_UPS, ['pending', 'holder'], []);
  }
}, 60_000);
afterAll(() => gw?.close());

describe('a lookup by a masked boolean or enum key', () => {
  it('is refused before anything is read, and the provider reads the attempt', async () => {
    const res = await as('340100-MZJ', '{ ahHealth { riskBand(band: \"high\") { holder } followUp(pending: \"true\") { holder } } }', 'lookup-by-few-values');
    expect(JSON.stringify(res.data ?? null)).not.toMatch(/丙|丁/);
    expect(errorsOf(res)).toEqual([
      ['ahHealth.riskBand', 'BAD_USER_INPUT', BANDS, 'band'],
      ['ahHealth.followUp', 'BAD_USER_INPUT', FOLLOW_UPS, 'pending'],
    ]);
    expect(res.errors![0].message).toMatch(/^band of 340000-WJW-00001 is masked for you, and its values are a few known words: looking a record up by it/);
    const log = await gw.query('{ auditLog(first: 5) { nodes { requestId resources { resource records denied { item code } } } } }', { dept: '340000-WJW' });
    const entry = log.data!.auditLog.nodes.find((e: { requestId: string }) => e.requestId === 'lookup-by-few-values');
    expect(entry.resources).toEqual([
      { resource: BANDS, records: 0, denied: [{ item: 'band', code: 'BAD_USER_INPUT' }] },
      { resource: FOLLOW_UPS, records: 0, denied: [{ item: 'pending', code: 'BAD_USER_INPUT' }] },
    ]);
  });

  it('takes nothing from the masked-probe quota', async () => {
    // The refused lookups above, and these, count no masked value (a lookup by a masked ID number would).
    await as('340100-MZJ', '{ ahHealth { a: riskBand(band: "low") { holder } b: followUp(pending: "false") { holder } } }');
    const used = await probeUsage(gw.store, '2000-01-01', '2999-12-31');
    expect(used.filter((u) => u.resource === BANDS || u.resource === FOLLOW_UPS)).toEqual([]);
  });

  it('a link from another department to such a key is not followed either', async () => {
    const res = await as('340200-MZJ', '{ whCivil { visits { nodes { visitNo byBand { holder } byPending { holder } } } } }');
    expect(res.data!.whCivil.visits.nodes).toEqual([{ visitNo: 'V1', byBand: null, byPending: null }]);
    expect(errorsOf(res)).toEqual([
      ['whCivil.visits.nodes.0.byBand', 'GRANT_REQUIRED', BANDS, 'band'],
      ['whCivil.visits.nodes.0.byPending', 'GRANT_REQUIRED', FOLLOW_UPS, 'pending'],
    ]);
  });

  it('is answered once a grant unmasks the key', async () => {
    const masked = grants.find((g) => g.requester === '340100-MZJ' && g.resource === BANDS)!;
    await revokeGrant(gw.store, masked.id, 'test');
    await grant('340100-MZJ', BANDS, ['band', 'holder'], ['band']);
    const res = await as('340100-MZJ', '{ ahHealth { riskBand(band: \"high\") { band holder } followUp(pending: \"true\") { holder } } }');
    expect(res.data!.ahHealth.riskBand).toEqual({ band: 'high', holder: '丙' });
    expect(res.data!.ahHealth.followUp).toBeNull();
    expect(errorsOf(res)).toEqual([['ahHealth.followUp', 'BAD_USER_INPUT', FOLLOW_UPS, 'pending']]);
  });
});
