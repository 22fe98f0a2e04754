// Two approved versions of one catalogue, the newer published first (by hand, or by two compilers at the
// same moment on two processes). Publishing the older one afterwards marked it PUBLISHED too: the command
// said "published ... gateways serve it", yet readers take the newest published version, so the newer
// stayed in effect, and the older stayed PUBLISHED beside it for good (`catalogue list` showed two).
// Now the older version is refused with CONFLICT and stays approved; and when the newer one is published
// by another process after the older one's checks passed, the older one's claim is undone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { addVersion, listVersions, publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Role } from '../src/identity/roles.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const FIXTURES = fileURLToPath(new URL('fixtures/guizhou', import.meta.url));
const PLATFORM_FILE = join(FIXTURES, 'platform.yaml');
const platform = loadPlatform(PLATFORM_FILE);
vi.setConfig({ testTimeout: 60_000 });

let dir: string;
let data: string;

/** The Guizhou catalogues published, then versions 2 and 3 of GZ-XCZX approved and not yet published. */
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-publish-order-'));
  data = join(dir, 'data');
  await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [join(FIXTURES, 'police.yaml'), join(FIXTURES, 'rural.yaml')], { publish: true });
    const [v1] = await listVersions(store, 'GZ-XCZX');
    for (const summary of ['监测对象及帮扶资金（第二版）', '监测对象及帮扶资金（第三版）']) {
      await addVersion(store, { ...v1.catalogue, resources: [{ ...v1.catalogue.resources[0], summary }] }, 'operator', 'approved');
    }
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const statuses = () => withSqliteStore(data, async (s) => (await listVersions(s, 'GZ-XCZX')).map((v) => `${v.version} ${v.status}`));
const inEffect = () => withSqliteStore(data, async (s) => (await publishedCatalogues(s)).find((c) => c.id === 'GZ-XCZX')?.resources[0].summary);

describe('an approved version older than the one in effect', () => {
  it('is refused by `catalogue publish` after the newer one, and stays approved', async () => {
    const publish = (version: string) =>
      runGovgraph(['catalogue', 'publish', 'GZ-XCZX', version, '--dept', '520000-XCZX', '--data', data, '--platform', PLATFORM_FILE], { cwd: dir, env: cliEnv() });
    expect((await publish('3')).code).toBe(0);
    const older = await publish('2');
    expect({ code: older.code, said: older.stderr.trimEnd().split('\n').slice(1) }).toEqual({
      code: 1,
      said: ['govgraph: CONFLICT: GZ-XCZX v2 is older than v3, which is in effect; submit its document again as a new version to publish it.'],
    });
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 published']);
    expect(await inEffect()).toBe('监测对象及帮扶资金（第三版）');
    expect((await withSqliteStore(data, (s) => verifyAuditChain(s))).ok).toBe(true);
  });

  it('loses to the newer one published by another process after its checks: claimed, then given back', async () => {
    const store = await openSqliteStore(data);
    try {
      const env = { store, platform, now: new Date() };
      const compiler = { dept: departmentByCode(platform, '520000-XCZX')!, user: 'wang', roles: ['compiler'] as Role[], purpose: null, requestId: 'test' };
      // The schema check runs after version 2 passed its own checks and before it is claimed: the moment
      // another compiler's publication of version 3 lands.
      const meanwhile = { check: () => publishCatalogue(env, { ...compiler, user: 'li' }, { id: 'GZ-XCZX', version: 3 }).then(() => undefined), refresh: async () => undefined };
      await expect(publishCatalogue(env, compiler, { id: 'GZ-XCZX', version: 2 }, meanwhile)).rejects.toMatchObject({
        code: 'CONFLICT',
        message: 'GZ-XCZX v2 was not published: someone else published it, or a newer version of GZ-XCZX, meanwhile.',
      });
    } finally {
      await store.close();
    }
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 published']);
    expect(await inEffect()).toBe('监测对象及帮扶资金（第三版）');
  });
});
