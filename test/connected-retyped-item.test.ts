// A connected platform that retypes an item (`int` to `string`) and publishes while this gateway still holds
// its older schema (SPEC §12, src/federation/connected/platforms.ts answerFits). The first read answered
// by the new schema there carried the home's floor as "3", graphql-tools read it with the type held here
// (Int), which cannot hold a string, and made it null without an error: a department's developer got
// `floor: null` for a floor that exists. Now an answer whose x-schema-version is not the one the request was
// planned on is not used: the namespace is null with an error saying the platform changed its schema, and
// the request sent again reads "3" against the new schema.
// Guiyang (520100) is a `govgraph serve` process of its own, its records imported and its new version
// published by the commands; the province (520000) is a gateway on loopback that never polls
// (connectedPollMs 0). GOVGRAPH_TEST_PORT, when set, is the first of the two ports used.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { guizhouFixture as fixture } from './helpers/guizhou.ts';
import { CITY_ENV, startGuiyangBesideProvince, type GuiyangBesideProvince } from './helpers/guiyang-process.ts';

const READ = { dept: '520000-XCZX', purpose: 'poverty-relief' };
const FLOORS = '{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo floor } } } } }';
const HOMES = '520100-ZJJ-01';

/** The city's housing catalogue with a `floor` item of type `type`. */
function housingWithFloor(work: string, type: 'int' | 'string'): string {
  const file = join(work, `housing-floor-${type}.yaml`);
  writeFileSync(file, readFileSync(fixture('city-housing.yaml'), 'utf8').replace(/^( *)- \{ name: rent,.*\n/m, (line, indent: string) => `${line}${indent}- { name: floor, type: ${type} }\n`));
  return file;
}

let pair: GuiyangBesideProvince;
let work: string;
let province: TestGateway;

beforeAll(async () => {
  pair = await startGuiyangBesideProvince('govgraph-retyped-item-', (dir) => housingWithFloor(dir, 'int'), async ({ work, cityDir, cityFile }) => {
    const homes = join(work, 'homes.jsonl');
    writeFileSync(homes, `${JSON.stringify({ homeNo: 'NM-0301', qh: '520102', tenant: '王五', rent: '820.50', floor: 3 })}\n`);
    const imported = await runGovgraph(['data', 'import', '--resource', HOMES, homes, '--platform', cityFile, '--data', cityDir], { env: CITY_ENV });
    expect(imported.stderr + imported.stdout).toContain(`imported 1 record into ${HOMES} (1 new, 0 updated)`);
  });
  ({ work, province } = pair);
}, 120_000);

afterAll(() => pair?.close());

describe('a connected platform that retypes an item the connecting gateway still holds with its old type', () => {
  it('never has the value read as null without an error: the answer of the new schema is refused, then read as it now is', async () => {
    const asInt = { status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [{ homeNo: 'NM-0301', floor: 3 }] } } } } };
    // Versions that agree: the answer as it was, twice (the second one planned).
    expect(await province.query(FLOORS, READ)).toEqual(asInt);
    expect(await province.query(FLOORS, READ)).toEqual(asInt);

    const published = await pair.publishCity(housingWithFloor(work, 'string'));
    expect(published.code).toBe(0);

    // Until the city serves its new version (its store poll, 2 s), the floor reads 3; the first answer of
    // the new version is refused; the next one reads the floor as the new schema types it. Never null.
    const seen: unknown[] = [];
    await eventually(async () => {
      const res = await province.query(FLOORS, READ);
      seen.push(res);
      expect(res.data?.guiyang).toEqual({ gyHousing: { subsidisedHomes: { nodes: [{ homeNo: 'NM-0301', floor: '3' }] } } });
    }, 30_000);
    const changed = seen.slice(0, -1).filter((res) => JSON.stringify(res) !== JSON.stringify(asInt));
    expect(changed).toEqual([{
      status: 200,
      data: { guiyang: null },
      errors: [{
        message: 'The connected platform 贵阳市数据共享平台 (520100) changed its schema while this request was read there: it answered with another '
          + 'schema than the one this gateway checked the request against, and its answer was not used (a value whose type changed there would '
          + 'read as null here). This gateway holds its new schema now: send the request again (introspection shows the namespace as it is now).',
        locations: expect.any(Array),
        path: ['guiyang'],
        extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '520100' },
      }],
    }]);
    expect(province.gateway.connected.status()[0]).toMatchObject({ reachable: true, lastError: null, pendingSchema: null });
  }, 60_000);
});
