// The consistency report's sample keys (SPEC §14) are masked as the supervisor's department reads the
// keys. Two registers keyed by a personal enum (test/fixtures/fujian-keys, Fujian), which that department
// reads masked in full: the keys of the records that differ came one `*` per character, so `******` was
// middle and `****` high, and the sample told which bands' holders differ. Masked now as a read masks such
// an item in full: every key as long as the longest value.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/fujian-keys/${p}`, import.meta.url));
const HEALTH = '350000-WJW-00001';
const CIVIL = '350000-MZT-00001';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('registers.yaml')],
    gateway: { port: Number(process.env.GOVGRAPH_TEST_PORT ?? 0) },
  });
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  // The holders of middle and high differ; low's agree.
  const data: Array<[string, object[]]> = [
    [HEALTH, [{ band: 'low', holder: '甲' }, { band: 'middle', holder: '乙' }, { band: 'high', holder: '丙' }]],
    [CIVIL, [{ band: 'low', holder: '甲' }, { band: 'middle', holder: '丁' }, { band: 'high', holder: '戊' }]],
  ];
  for (const [code, rows] of data) {
    const file = join(gw.dataDir, `${code}.jsonl`);
    writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await importRecords(gw.store, resources.find((r) => r.code === code)!, file);
  }
}, 60_000);
afterAll(() => gw?.close());

describe('the consistency report of registers keyed by a masked enum', () => {
  it('gives the differing records\' keys all as long as the longest value', async () => {
    const res = await gw.query('{ consistencyReport(element: "DE-HOLDER") { left right compared differing withheld sampleKeys } }', {
      dept: '350000-SJJ', roles: ['supervisor'], purpose: 'relief',
    });
    expect(res.errors).toBeUndefined();
    expect(res.data!.consistencyReport).toEqual([
      { left: CIVIL, right: HEALTH, compared: 3, differing: 2, withheld: null, sampleKeys: ['******', '******'] },
    ]);
  });
});
