// A publication is two writes: the new version published, then the older published ones superseded
// (src/catalogue/repository.ts, markPublished). `govgraph catalogue import --publish` killed with kill -9
// between them (found by hand, watching the store from another connection) left two versions PUBLISHED.
// Readers take the newer, but the older stayed PUBLISHED for good: importing the same file again changed
// nothing, and withdrawing the catalogue withdrew the older one, so the catalogue stayed in the schema
// while the compiler was told it was withdrawn. The state is made here as the kill leaves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { addVersion, CATALOGUE_VERSIONS, listVersions, publishedCatalogues } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import type { Role } from '../src/identity/roles.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { withdrawCatalogue } from '../src/workflow/catalogues.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-publish-interrupted-'));
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, demoCatalogueFiles(), { publish: true });
  // Version 2 of HN-MZ, published by the first write of markPublished; the process dies before the second.
  const [v1] = await listVersions(store, 'HN-MZ');
  await addVersion(store, { ...v1.catalogue, title: 'Civil affairs, version 2' }, 'operator', 'approved');
  await store.update(CATALOGUE_VERSIONS, and(eq('id', 'HN-MZ'), eq('version', 2)), { status: 'published', publishedAt: new Date().toISOString() });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const statuses = async () => (await listVersions(store, 'HN-MZ')).map((v) => `${v.version} ${v.status}`);

describe('a publication killed between its two writes', () => {
  it('is finished by importing the same catalogue again', async () => {
    expect(await statuses()).toEqual(['1 published', '2 published']);
    const [v2] = (await listVersions(store, 'HN-MZ')).slice(-1);
    const file = join(dir, 'civil-affairs.json');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(v2.catalogue satisfies Catalogue));
    await importCatalogueFiles(store, platform, [file], { publish: true });
    expect(await statuses()).toEqual(['1 superseded', '2 published']);
  });

  it('is withdrawn whole: the version in effect, and the older one left published', async () => {
    const compiler = { dept: departmentByCode(platform, '430000-MZ')!, user: 'zhao', roles: ['compiler'] as Role[], purpose: null, requestId: 'test' };
    const withdrawn = await withdrawCatalogue({ store, platform, now: new Date() }, compiler, { id: 'HN-MZ', reason: 'Merged' });
    expect(withdrawn.version).toBe(2);
    expect(await statuses()).toEqual(['1 superseded', '2 withdrawn']);
    expect((await publishedCatalogues(store)).map((c) => c.id)).not.toContain('HN-MZ');
  });
});
