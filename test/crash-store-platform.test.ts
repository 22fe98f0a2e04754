// The platform a store records (src/catalogue/store-platform.ts) under kill -9. Found by the kill walk on
// an Inner Mongolia platform of its own: the first `catalogue import --publish` into a store recorded the
// platform after it had published the catalogues, so that killed in between it left them published in a
// store that recorded no platform, and a later import with another region's platform file (Ningxia's,
// GOVGRAPH_PLATFORM left from another shell) was let in and published its catalogues beside them: the
// mix-up the record is there to refuse. The platform is recorded now once the documents are found valid,
// before the first of them is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, expect, it, vi } from 'vitest';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { storePlatform } from '../src/catalogue/store-platform.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { writeOneResourceCatalogue } from './helpers/one-resource-catalogue.ts';

vi.setConfig({ testTimeout: 60_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/neimenggu-crash/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-store-platform-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');

/** 30 catalogues of Hohhot's civil affairs bureau, one resource each: an import that takes a few steps. */
const files = Array.from({ length: 30 }, (_, i) =>
  writeOneResourceCatalogue(join(dir, `hohhot-${i}.yaml`), {
    id: `HHHT-DJ${i}`, title: `Hohhot register ${i}`, dept: '150100-MZJ', code: `150100-MZJ-${String(200 + i).padStart(5, '0')}`,
    graphql: { type: `HhhtDj${i}`, list: `hhhtDjs${i}`, byKey: `hhhtDj${i}` },
  }),
);
writeFileSync(join(dir, 'ningxia.yaml'), `platform: { region: "640000", level: province, name: Ningxia Sharing Platform, competentDepartment: "640000-DSJ" }
purposes: [{ code: checks, name: Checks }]
departments:
  - { code: "640000-DSJ", name: Ningxia Big Data Bureau, graphqlName: nxData, level: province, region: "640000" }
  - { code: "640000-MZT", name: Ningxia Civil Affairs, graphqlName: nxCivil, level: province, region: "640000" }
`);
writeOneResourceCatalogue(join(dir, 'ningxia-civil.yaml'), {
  id: 'NX-MZT', title: 'Ningxia relief register', dept: '640000-MZT', code: '640000-MZT-00001',
  graphql: { type: 'NxRelief', list: 'nxReliefs', byKey: 'nxRelief' },
});

const env = (platform: string) => cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platform });
const innerMongolia = env(join(FIXTURE, 'platform.yaml'));
const versionStored = (db: Database.Database) => (db.prepare(`SELECT count(*) FROM "c:${CATALOGUE_VERSIONS}"`).pluck().get() as number) >= 1;

it('an import killed as it stores its first catalogue has recorded the platform: another region\'s import is refused after it', async () => {
  const killed = await signalledWhen(['catalogue', 'import', '--publish', ...files], { cwd: dir, env: innerMongolia, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready: versionStored });
  expect(killed.signal).toBe('SIGKILL');
  expect(await withSqliteStore(data, (s) => storePlatform(s))).toEqual({ region: '150000', name: 'Inner Mongolia Information Resource Sharing Platform' });

  const mixedUp = await runGovgraph(['catalogue', 'import', '--publish', join(dir, 'ningxia-civil.yaml')], { cwd: dir, env: env(join(dir, 'ningxia.yaml')) });
  expect(mixedUp.code).toBe(1);
  expect(mixedUp.stderr).toContain('but this store belongs to the platform of region 150000 (Inner Mongolia Information Resource Sharing Platform); nothing was done');
  expect(await withSqliteStore(data, (s) => s.count(CATALOGUE_VERSIONS, eq('id', 'NX-MZT')))).toBe(0);

  // The operator runs the killed import again: every catalogue is published, once.
  const again = await runGovgraph(['catalogue', 'import', '--publish', ...files], { cwd: dir, env: innerMongolia });
  expect(again.code).toBe(0);
  await withSqliteStore(data, async (s) => {
    const versions = await s.find(CATALOGUE_VERSIONS, {});
    expect(versions.filter((v) => v.status === 'published').map((v) => v.id).sort()).toEqual(files.map((_, i) => `HHHT-DJ${i}`).sort());
    expect(versions).toHaveLength(30);
    expect((await verifyAuditChain(s)).ok).toBe(true);
  });
});
