// An objection names its record by the key (SPEC §14), and the record then carries it in `_objections`.
// On a resource keyed by a boolean or enum that the raiser reads masked (test/fixtures/anhui-keys: risk
// bands keyed by a personal enum, follow-ups by a personal boolean), `raiseObjection(key: "high")` was
// taken, and the one record listed with the objection was the record whose hidden band is high: the
// lookup `riskBand(band: "high")` is refused for that very reason (test/attack-masked-few-values-keys),
// and one objection per value told every record's. Refused now as the lookup is: before anything is
// looked up, without a probe, the attempt on record for the provider; a grant unmasking the key lifts it.
// A supervisor listing objections by such keys (raised by a department that reads them in clear) whose
// department may not read the key saw it "masked in full", one `*` per character: `****` was high or true,
// `*****` false. It is now as long as the longest value, as a read masks it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { probeUsage } from '../src/limits/probes.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/anhui-keys/${p}`, import.meta.url));
const BANDS = '340000-WJW-00001';
const FOLLOW_UPS = '340000-WJW-00002';
const HEFEI = '340100-MZJ'; // reads both keys masked
const WUHU = '340200-MZJ'; // its grants unmask both keys
const SUPERVISOR = '340000-SJJ';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('health.yaml'), fixture('wuhu.yaml')],
    gateway: { port: Number(process.env.GOVGRAPH_TEST_PORT ?? 0) },
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const data: Array<[string, object[]]> = [
    [BANDS, [{ band: 'low', holder: '甲' }, { band: 'middle', holder: '乙' }, { band: 'high', holder: '丙' }]],
    [FOLLOW_UPS, [{ pending: true, holder: '丁' }, { pending: false, holder: '戊' }]],
  ];
  for (const [code, rows] of data) {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  }
  const grant = async (requester: string, resource: string, items: string[], unmasked: string[]) =>
    addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
      requester, resource, items, purposes: ['relief'], unmasked, rows: null, createdBy: 'test',
    });
  await grant(HEFEI, BANDS, ['band', 'holder'], []);
  await grant(HEFEI, FOLLOW_UPS, ['pending', 'holder'], []);
  await grant(WUHU, BANDS, ['band', 'holder'], ['band']);
  await grant(WUHU, FOLLOW_UPS, ['pending', 'holder'], ['pending']);
}, 60_000);
afterAll(() => gw?.close());

const raise = (dept: string, resource: string, key: string, requestId: string) =>
  gw.query(`mutation { raiseObjection(input: { resource: "${resource}", key: "${key}", item: "holder", reason: "doubt" }) { id key item } }`, {
    dept, purpose: 'relief', roles: ['applicant'], headers: { 'x-request-id': requestId },
  });

describe('an objection by a masked boolean or enum key', () => {
  it('is refused before anything is looked up, no record carries it, and no probe is taken', async () => {
    const band = await raise(HEFEI, BANDS, 'high', 'objection-by-band');
    const pending = await raise(HEFEI, FOLLOW_UPS, 'true', 'objection-by-pending');
    expect(band.data).toBeNull();
    expect(band.errors!.map((e) => [e.extensions?.code, e.extensions?.resource, e.extensions?.item])).toEqual([['BAD_USER_INPUT', BANDS, 'band']]);
    expect(band.errors![0].message).toBe(
      `band of ${BANDS} is masked for you, and its values are a few known words: objecting to the record it names would tell that record's hidden value (the record then carries the objection), so you may not name a ${BANDS} record by band.`,
    );
    expect(pending.errors!.map((e) => [e.extensions?.code, e.extensions?.resource, e.extensions?.item])).toEqual([['BAD_USER_INPUT', FOLLOW_UPS, 'pending']]);
    // A key that names no record gets the same answer: nothing was looked up.
    expect((await raise(HEFEI, BANDS, 'none-such', 'objection-by-missing-band')).errors![0].message).toBe(band.errors![0].message);

    const list = await gw.query('{ ahHealth { riskBands { nodes { holder _objections { item } } } followUps { nodes { holder _objections { item } } } } }', { dept: HEFEI, purpose: 'relief' });
    // In the order the import drew (the keys are masked): compared as sets.
    expect(list.data!.ahHealth.riskBands.nodes).toEqual(expect.arrayContaining([
      { holder: '甲', _objections: [] }, { holder: '乙', _objections: [] }, { holder: '丙', _objections: [] },
    ]));
    expect(list.data!.ahHealth.riskBands.nodes).toHaveLength(3);
    expect(list.data!.ahHealth.followUps.nodes).toEqual(expect.arrayContaining([{ holder: '丁', _objections: [] }, { holder: '戊', _objections: [] }]));
    expect(list.data!.ahHealth.followUps.nodes).toHaveLength(2);
    expect((await probeUsage(gw.store, '2000-01-01', '2999-12-31')).filter((u) => u.department === HEFEI)).toEqual([]);

    // The provider reads the attempt, the key named denied.
    const audit = await gw.query('{ auditLog(filter: { requestId: "objection-by-band" }) { nodes { outcome action resources { resource denied { item code } } } } }', { dept: '340000-WJW' });
    expect(audit.data!.auditLog.nodes).toEqual([
      { outcome: 'REFUSED', action: 'raiseObjection', resources: [{ resource: BANDS, denied: [{ item: 'band', code: 'BAD_USER_INPUT' }] }] },
    ]);
  });

  it('is taken from a department whose grant unmasks the key, which reads it in clear anyway', async () => {
    const res = await raise(WUHU, BANDS, 'high', 'objection-unmasked');
    expect(res.errors).toBeUndefined();
    expect(res.data!.raiseObjection).toMatchObject({ key: 'high', item: 'holder' });
    const read = await gw.query('{ ahHealth { riskBand(band: "high") { band holder _objections { id item } } } }', { dept: WUHU, purpose: 'relief' });
    expect(read.data!.ahHealth.riskBand).toMatchObject({ band: 'high', holder: '丙' });
    expect(read.data!.ahHealth.riskBand._objections).toContainEqual({ id: res.data!.raiseObjection.id, item: 'holder' });
  });
});

describe('objections by a boolean or enum key, as a supervisor lists them', () => {
  it('hide the key whole when its department may not read it: every key as long as the longest value', async () => {
    for (const [resource, key] of [[BANDS, 'low'], [FOLLOW_UPS, 'true'], [FOLLOW_UPS, 'false']]) {
      expect((await raise(WUHU, resource, key, `objection-${key}`)).errors).toBeUndefined();
    }
    // No purpose: the supervisor's department reads neither key (PURPOSE_REQUIRED).
    const listed = await gw.query('{ objections { resource key } }', { dept: SUPERVISOR, roles: ['supervisor'] });
    expect(listed.data!.objections).toEqual([
      { resource: BANDS, key: '******' }, // high, raised by Wuhu above
      { resource: BANDS, key: '******' }, // low
      { resource: FOLLOW_UPS, key: '*****' }, // true
      { resource: FOLLOW_UPS, key: '*****' }, // false
    ]);
  });
});
