// Masked probes of a forwarded department (SPEC §12, §13): department codes are each platform's own, so a
// department a connected city forwards has its quota of values compared with masked items kept apart
// from the province's own department of that code (as its rate buckets are), and one quota for lookups
// and filters by a masked item and for the links that look a resource up by it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { probeUsage } from '../src/limits/probes.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, writeProvinceFile } from './helpers/guizhou.ts';
import { keysOnlyPlatform as city, type KeysOnlyPlatform as City } from './helpers/keys-only-platform.ts';

const DEPT = '520100-ZJJ'; // a forwarded department is never one of the province's own

let work: string;
let guiyang: City;
let province: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-probes-'));
  guiyang = await city('520100', work);
  const provinceFile = writeProvinceFile(work, guiyang.url, 1000);
  // The residents shared unconditionally (a forwarded department holds no grant); their ID numbers masked.
  const police = join(work, 'police.yaml');
  writeFileSync(police, readFileSync(fixture('police.yaml'), 'utf8').replace(/type: conditional\n\s*conditions: .*\n\s*basis: .*\n/, 'type: unconditional\n')
    .replace(/, share: \{ type: conditional, scope: \{ purposes: \[poverty-relief\] \} \}/, ''));
  province = await startTestGateway({
    platformFile: provinceFile,
    catalogueFiles: [police, fixture('rural.yaml')],
    rates: true,
    gateway: { connectedPollMs: 0 },
  });
  const catalogues = await publishedCatalogues(province.store);
  const resource = (code: string) => catalogues.flatMap((c) => c.resources).find((r) => r.code === code)!;
  // Three households of Nanming, each linked by its householder's ID number (masked for DEPT) to a resident.
  const ids = ['520102199001011234', '520102199002021234', '520102199003031234'];
  await province.store.insert(collectionOf(resource('520000-GAT-P01')), ids.map((sfzh) => ({ sfzh, xm: '张三', xzqh: '520102' })));
  await province.store.insert(collectionOf(resource('520000-XCZX-0001')), ids.map((sfzh, i) => ({ hh: `H${i}`, sfzh, xzqh: '520102' })));
}, 60_000);

afterAll(async () => {
  await province?.close();
  await guiyang?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the masked probes of a department forwarded by a connected city', () => {
  it('are counted for the department at the forwarding platform, its links as its lookups', async () => {
    const send = async (query: string) => {
      // A forwarded token is used once: one per request.
      const token = await signForwarded(guiyang.keys, { iss: '520100', aud: '520000', sub: 'clerk', dept: DEPT, deptLevel: 'city', deptRegion: '520100', purpose: 'poverty-relief' });
      const res = await fetch(`${province.gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '520100' },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: any; errors?: unknown[] };
    };
    const lookup = await send('{ police { resident(sfzh: "520102199001011234") { xzqh } } }');
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data.police.resident).toEqual({ xzqh: '520102' });
    const linked = await send('{ ruralRevival { monitoredHouseholds { nodes { hh householder { xzqh } } } } }');
    expect(linked.errors).toBeUndefined();
    expect(linked.data.ruralRevival.monitoredHouseholds.nodes).toHaveLength(3);

    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const usage = await probeUsage(province.store, day, day);
    // One lookup and three linked values, all on the forwarded department's quota; none on the bare code, which another platform connected here may forward too.
    // The report names the department with the platform that forwarded it (department and via), as the usage figures do.
    expect(usage.map(({ department, via, resource, values }) => ({ department, via, resource, values }))).toEqual([
      { department: DEPT, via: '520100', resource: '520000-GAT-P01', values: 4 },
    ]);
  });
});
