// A store whose published catalogues take one GraphQL name twice: two publications that raced before
// publications took turns (test/publication-race-names.test.ts) left such stores. Found by the §3/§4/§5
// names walk: `schema print` and `serve` then failed with "There can be only one type named "Permit"" and
// a stack, saying neither which catalogues nor what to do. Now they exit 1 with every clash as
// `path: message` and the way out, without a stack.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { stringify } from 'yaml';
import { addVersion, markPublished } from '../src/catalogue/repository.ts';
import { buildSchemaModel, PlatformMismatchError } from '../src/generate/model.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { sichuanPlatform, sichuanPlatformDoc } from './helpers/sichuan.ts';

const platformDoc = sichuanPlatformDoc('Sichuan clash test platform');
const platform = sichuanPlatform('Sichuan clash test platform');

const catalogue = (dept: string, list: string, code = `${dept}-00001`): Catalogue =>
  ({
    id: `SC-${dept}`,
    kind: 'departmental',
    title: `Catalogue of ${dept}`,
    compiler: dept,
    resources: [
      {
        code,
        name: 'Permits',
        provider: dept,
        graphql: { type: 'Permit', list, byKey: `${list}One` },
        key: 'permitNo',
        share: { type: 'unconditional', methods: ['api'] },
        items: [{ name: 'permitNo', type: 'string', required: true }],
      },
    ],
  }) as Catalogue;

const lead = 'catalogues published in this store take the same GraphQL names, which one schema cannot hold; publish a new version of one of each two under other names (govgraph catalogue submit, review and publish, or catalogue import --publish):';
const clashes = [
  '  catalogue "SC-510100-GAJ" resources[0].graphql.type: gives the type Permit, which resource 510000-GAT-00001 (catalogue "SC-510000-GAT") gives too',
  '  catalogue "SC-510100-GAJ" resources[0].graphql.type: gives the type PermitFilter, which resource 510000-GAT-00001 (catalogue "SC-510000-GAT") gives too',
  '  catalogue "SC-510100-GAJ" resources[0].graphql.type: gives the type PermitConnection, which resource 510000-GAT-00001 (catalogue "SC-510000-GAT") gives too',
  '  catalogue "SC-510100-GAJ" resources[0].graphql.type: gives the type PermitOrder, which resource 510000-GAT-00001 (catalogue "SC-510000-GAT") gives too',
  '  catalogue "SC-510100-GAJ" resources[0].graphql.type: gives the type PermitOrderField, which resource 510000-GAT-00001 (catalogue "SC-510000-GAT") gives too',
];

describe('published catalogues that take one name twice', () => {
  test('the schema model names every clash, for the operator', () => {
    const both = [catalogue('510000-GAT', 'scPermits'), catalogue('510100-GAJ', 'cdPermits')];
    expect(() => buildSchemaModel(platform, both)).toThrow(PlatformMismatchError);
    expect(() => buildSchemaModel(platform, both)).toThrow([lead, ...clashes].join('\n'));
    // One department's two resources with one list field: a field its type cannot hold twice.
    const one = catalogue('510000-GAT', 'scPermits');
    const again = { ...catalogue('510000-GAT', 'scPermits', '510000-GAT-00002'), id: 'SC-GAT-2' } as Catalogue;
    again.resources[0]!.graphql.type = 'OtherPermit';
    expect(() => buildSchemaModel(platform, [one, again])).toThrow(
      '  catalogue "SC-GAT-2" resources[0].graphql.list: "scPermits" is a field of 510000-GAT\'s resources that resource 510000-GAT-00001 (catalogue "SC-510000-GAT") has too',
    );
  });

  describe('through the commands', () => {
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gg-published-clash-'));
      writeFileSync(join(dir, 'platform.yaml'), stringify(platformDoc));
      const store = await openSqliteStore(join(dir, 'data'));
      // As a race before publications took turns left them: both published, neither checked against the other.
      for (const c of [catalogue('510000-GAT', 'scPermits'), catalogue('510100-GAJ', 'cdPermits')]) {
        const v = await addVersion(store, c, 'operator', 'approved');
        expect(await markPublished(store, c.id, v.version)).toBe(true);
      }
      await store.close();
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    test('schema print exits 1 naming the clashes, without a stack', async () => {
      const r = await runGovgraph(['schema', 'print', '--platform', join(dir, 'platform.yaml'), '--data', join(dir, 'data')], { env: cliEnv() });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`govgraph: ${lead}\n${clashes.join('\n')}\n`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  });
});
