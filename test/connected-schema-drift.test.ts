// A connected platform that publishes a version without an item while this gateway still holds its older
// schema (SPEC §12, src/federation/schema-drift.ts). Until the next poll (3 s), a request selecting the
// item was valid here and refused there as invalid: the caller got PLATFORM_UNAVAILABLE "is unavailable: it
// refused the request (HTTP 400): Cannot query field "rent" on type "SubsidisedHome"", a type its schema
// calls `Guiyang_SubsidisedHome`, and the same again at every request until that poll. Now the refusal has
// the platform's schema asked at once: the caller is told the platform changed its schema, in its own type
// names, and the next request is checked against the new schema here.
// Guiyang (520100) is a `govgraph serve` process of its own, its new version published by the command; the
// province (520000) is a gateway on loopback that never polls (connectedPollMs 0): only the refusal can
// have it ask again. GOVGRAPH_TEST_PORT, when set, is the first of the two ports used.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { eventually } from './helpers/eventually.ts';
import { inCallersNames, schemaChanged } from '../src/federation/schema-drift.ts';
import { guizhouFixture as fixture } from './helpers/guizhou.ts';
import { startGuiyangBesideProvince, type GuiyangBesideProvince } from './helpers/guiyang-process.ts';

const READ = { dept: '520000-XCZX', purpose: 'poverty-relief' };
const WITH_RENT = '{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo rent } } } } }';
const WITHOUT_RENT = '{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo } } } } bigData: __typename }';

let pair: GuiyangBesideProvince;
let work: string;
let province: TestGateway;

beforeAll(async () => {
  pair = await startGuiyangBesideProvince('govgraph-schema-drift-', () => fixture('city-housing.yaml'));
  ({ work, province } = pair);
}, 120_000);

afterAll(() => pair?.close());

describe('a connected platform that removes an item the connecting gateway still shows', () => {
  it('is said as its schema changed, in the caller\'s type names, and the new schema is taken at once', async () => {
    expect(await province.query(WITH_RENT, READ)).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [] } } } } });

    // Guiyang publishes its housing catalogue without `rent`; its gateway takes it at its store poll (2 s).
    const without = join(work, 'housing-without-rent.yaml');
    writeFileSync(without, readFileSync(fixture('city-housing.yaml'), 'utf8').replace(/^ *- \{ name: rent,.*\n/m, ''));
    const published = await pair.publishCity(without);
    expect(published.stderr + published.stdout).toMatch(/published/);
    expect(published.code).toBe(0);

    // The first answer with an error is the city's refusal, the province still holding the old schema.
    const refused = await eventually(async () => {
      const res = await province.query(WITH_RENT, READ);
      expect(res.errors).toBeDefined();
      return res;
    }, 30_000);
    expect(refused.data).toEqual({ guiyang: null });
    expect(refused.errors).toHaveLength(1);
    const [error] = refused.errors!;
    expect(error.path).toEqual(['guiyang']);
    expect(error.extensions).toEqual({ code: 'PLATFORM_UNAVAILABLE', platform: '520100' });
    expect(error.message).toBe('The connected platform 贵阳市数据共享平台 (520100) changed its schema after this request was checked against the one '
      + 'this gateway held, and refused it: Cannot query field "rent" on type "Guiyang_SubsidisedHome". This gateway holds its new schema now: '
      + 'check the request against it (introspection shows the namespace as it is now) and send it again.');

    // No poll since (connectedPollMs 0): the refusal had the schema asked again, and it is in effect.
    const again = await province.query(WITH_RENT, READ);
    expect(again.status).toBe(400);
    expect(again.errors).toEqual([expect.objectContaining({
      message: 'Cannot query field "rent" on type "Guiyang_SubsidisedHome".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    })]);
    expect(await province.query(WITHOUT_RENT, READ)).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [] } } }, bigData: 'Query' } });
    expect(province.gateway.connected.status()[0]).toMatchObject({ reachable: true, lastError: null, pendingSchema: null });
  }, 120_000);

  it('an item added there shows once a read is answered by its new schema, not at the next poll', async () => {
    const added = join(work, 'housing-with-floor.yaml');
    writeFileSync(added, readFileSync(fixture('city-housing.yaml'), 'utf8').replace(/^( *)- \{ name: rent,.*\n/m, '$1- { name: floor, type: int }\n'));
    const published = await pair.publishCity(added);
    expect(published.code).toBe(0);
    // Reads of what both versions have: the first one the city's new schema answers has the province ask it.
    const WITH_FLOOR = '{ guiyang { gyHousing { subsidisedHomes { nodes { homeNo floor } } } } }';
    await eventually(async () => {
      expect(await province.query(WITHOUT_RENT, READ)).toMatchObject({ status: 200 });
      expect(await province.query(WITH_FLOOR, READ)).toEqual({ status: 200, data: { guiyang: { gyHousing: { subsidisedHomes: { nodes: [] } } } } });
    }, 30_000);
  }, 60_000);
});

describe('a connected platform\'s validation message in the caller\'s names', () => {
  const guiyang = { region: '520100', name: '贵阳市数据共享平台', url: 'http://127.0.0.1:1', namespace: 'guiyang' };
  it('prefixes the types it quotes, wrapped ones included, not built-in scalars nor fields', () => {
    expect(inCallersNames('Variable "$_v0_filter" of type "[SubsidisedHomeFilter!]" used in position expecting type "String".', guiyang))
      .toBe('Variable "$_v0_filter" of type "[Guiyang_SubsidisedHomeFilter!]" used in position expecting type "String".');
    expect(inCallersNames('Cannot query field "gyHousing" on type "Query". Did you mean "gyBigData"?', guiyang))
      .toBe('Cannot query field "gyHousing" on type "Guiyang_Query". Did you mean "gyBigData"?');
    expect(inCallersNames('Unknown type "Decimal".', guiyang)).toBe('Unknown type "Guiyang_Decimal".');
  });

  it('says when the new schema is built, or that it cannot be stitched; nothing when the text did not change', () => {
    const theirs = [{ message: 'Cannot query field "rent" on type "SubsidisedHome".\n    at validate (/srv/x.js:1:2)' }];
    expect(schemaChanged(guiyang, { found: 'pending', at: '2026-12-06T19:00:00.000Z' }, theirs)?.message).toBe('The connected platform 贵阳市数据共享平台 (520100) '
      + 'changed its schema after this request was checked against the one this gateway held, and refused it: Cannot query field "rent" on type '
      + '"Guiyang_SubsidisedHome". This gateway builds its new schema at 2026-12-06T19:00:00.000Z or later (a connected platform\'s schema changing '
      + 'often is built at most once a minute); until then the namespace is read with the schema held, and this field is refused so.');
    expect(schemaChanged(guiyang, { found: 'unstitchable' }, theirs)?.message).toMatch(/refused it: Cannot query field "rent" on type "Guiyang_SubsidisedHome"\. Its new schema cannot be stitched here \(the operator sees why in `govgraph platform status`\)/);
    expect(schemaChanged(guiyang, { found: 'same' }, theirs)).toBeNull();
  });
});
