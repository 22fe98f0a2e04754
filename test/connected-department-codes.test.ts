// Department codes across the hop (SPEC §12, §6): a connected platform's department is accepted only
// within that platform's region, and a share scope's department patterns read a region out of a code
// ("520200-*": Liupanshui's departments). So the code a city forwards must name a division of that city's
// region too: Guiyang forwarding a department coded "520200-…" would pass a scope meant for Liupanshui's.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARDED_HEADER, signForwarded } from '../src/identity/forwarded.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { guizhouFixture as fixture, writeProvinceFile } from './helpers/guizhou.ts';
import { keysOnlyPlatform as city, type KeysOnlyPlatform as City } from './helpers/keys-only-platform.ts';


let work: string;
let guiyang: City;
let province: TestGateway;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-codes-'));
  guiyang = await city('520100', work);
  const provinceFile = writeProvinceFile(work, guiyang.url, 1000);
  // The monitoring list shared with Liupanshui's departments only.
  const rural = join(work, 'rural.yaml');
  writeFileSync(rural, readFileSync(fixture('rural.yaml'), 'utf8').replace('purposes: [poverty-relief, tax-audit]', 'departments: ["520200-*"]'));
  province = await startTestGateway({ platformFile: provinceFile, catalogueFiles: [fixture('police.yaml'), rural], gateway: { connectedPollMs: 0 } });
}, 60_000);

afterAll(async () => {
  await province?.close();
  await guiyang?.close();
  rmSync(work, { recursive: true, force: true });
});

/** A read of the monitoring list forwarded by Guiyang for its department `dept` (a city department of 520100). */
async function read(dept: string): Promise<{ status: number; data?: unknown; code?: string }> {
  const token = await signForwarded(guiyang.keys, { iss: '520100', aud: '520000', sub: 'clerk', dept, deptLevel: 'city', deptRegion: '520100', purpose: 'poverty-relief' });
  const res = await fetch(`${province.gateway.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, [FORWARDED_HEADER]: '520100' },
    body: JSON.stringify({ query: '{ ruralRevival { monitoredHouseholds { totalCount } } }' }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return { status: res.status, data: body.data, code: body.errors?.[0]?.extensions?.code };
}

describe('the department codes a connected city forwards', () => {
  it('a code of its own region: the province\'s scope decides (out of Liupanshui\'s scope)', async () => {
    expect(await read('520100-ZJJ')).toMatchObject({ status: 200, code: 'OUT_OF_SCOPE' });
  });

  it('a code of another city\'s region is refused, not let into that city\'s scope', async () => {
    expect(await read('520200-XCZX2')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  // The province's own departments include Guiyang's rural revival office (520100-XCZX, a city department of
  // the province's platform). Department codes are unique ignoring case on a platform (its check), so a code
  // differing from one of them only in case names that department, and its reads would go into the
  // province's audit log under a code its readers take for their own office's.
  it('a code of one of the province\'s own departments, in any case, is refused', async () => {
    expect(await read('520100-XCZX')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(await read('520100-xczx')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });

  it('a code that is no department code (the platforms\' shape: division, dash, letters and digits) is refused', async () => {
    expect(await read('520100-X|Y')).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});
