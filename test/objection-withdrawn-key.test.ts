// A supervisor lists objections raised by a department that read their keys in clear (SPEC §14); its own
// department may not read them, so each key is masked in full, a boolean or enum key as long as its
// longest value (test/objection-few-values-key.test.ts). Once the resource is withdrawn nothing decides,
// and the key was masked one `*` per character: `****` was high or true, `*****` false, `***` low. It is
// now masked as the key item of the resource's last published version masks it, as reads masked it.
// On an Anhui platform of the tests' own (test/fixtures/anhui-keys).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addGrant } from '../src/access/grants.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { objectionSeenBy } from '../src/workflow/objections.ts';
import type { Objection } from '../src/workflow/objections/record.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/anhui-keys/${p}`, import.meta.url));
const BANDS = '340000-WJW-00001';
const FOLLOW_UPS = '340000-WJW-00002';
const WUHU = '340200-MZJ'; // its grants unmask both keys
const SUPERVISOR = '340000-SJJ';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('health.yaml')],
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  const data: Array<[string, object[]]> = [
    [BANDS, [{ band: 'low', holder: '甲' }, { band: 'high', holder: '丙' }]],
    [FOLLOW_UPS, [{ pending: true, holder: '丁' }, { pending: false, holder: '戊' }]],
  ];
  for (const [code, rows] of data) {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  }
  for (const [resource, key] of [[BANDS, 'band'], [FOLLOW_UPS, 'pending']]) {
    await addGrant(gw.store, { platform: gw.platform, catalogues: await publishedCatalogues(gw.store) }, {
      requester: WUHU, resource, items: [key, 'holder'], purposes: ['relief'], unmasked: [key], rows: null, createdBy: 'test',
    });
  }
  for (const [resource, key] of [[BANDS, 'high'], [BANDS, 'low'], [FOLLOW_UPS, 'true'], [FOLLOW_UPS, 'false']]) {
    const raised = await gw.query(`mutation { raiseObjection(input: { resource: "${resource}", key: "${key}", item: "holder", reason: "doubt" }) { id } }`, {
      dept: WUHU, purpose: 'relief', roles: ['applicant'],
    });
    expect(raised.errors).toBeUndefined();
  }
}, 60_000);
afterAll(() => gw?.close());

it('a withdrawn resource’s boolean or enum key stays as long as its longest value, as its reads masked it', async () => {
  const list = async () => (await gw.query('{ objections { resource key } }', { dept: SUPERVISOR, roles: ['supervisor'] })).data!.objections;
  const masked = [
    { resource: BANDS, key: '******' }, // high
    { resource: BANDS, key: '******' }, // low
    { resource: FOLLOW_UPS, key: '*****' }, // true
    { resource: FOLLOW_UPS, key: '*****' }, // false
  ];
  expect(await list()).toEqual(masked);

  const withdrawn = await gw.query('mutation { withdrawCatalogue(id: "AH-WJW", reason: "replaced by a national register") { status } }', {
    dept: '340000-WJW', roles: ['compiler'],
  });
  expect(withdrawn.errors).toBeUndefined();
  expect(withdrawn.data!.withdrawCatalogue).toEqual({ status: 'WITHDRAWN' });
  expect(await list()).toEqual(masked);
  // The raiser still reads its own keys as it typed them.
  expect((await gw.query('{ objections { key } }', { dept: WUHU })).data!.objections.map((o: { key: string }) => o.key)).toEqual(['high', 'low', 'true', 'false']);
});

it('a key whose item no version tells (no version of the resource found) is masked the same whatever it is', () => {
  const objection = (key: Objection['key']): Objection => ({
    id: 'o1', resource: '340000-WJW-00009', provider: '340000-WJW', key, item: 'holder', department: WUHU, raisedBy: 'u', raisedAt: '2026-12-01T00:00:00Z',
    reason: 'doubt', proposedValue: 'x', status: 'open', answeredBy: null, answeredAt: null, answer: null, correctedAt: null,
  });
  const reader = { requester: gw.platform.departments.find((d) => d.code === SUPERVISOR)!, purpose: null, grants: [], now: new Date() };
  const seen = [true, false, 'high', '340102199001011234'].map((k) => objectionSeenBy(objection(k), { dept: SUPERVISOR, roles: ['supervisor'] }, undefined, reader, true, null));
  expect(seen.map((o) => [o.key, o.proposedValue])).toEqual([['********', null], ['********', null], ['********', null], ['********', null]]);
});
