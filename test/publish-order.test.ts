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
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { addVersion, CATALOGUE_VERSIONS, listVersions, markPublished, publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Store } from '../src/store/port.ts';
import type { Role } from '../src/identity/roles.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import { publishCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
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

  it('is refused after a newer version was published and withdrawn, and stays approved', async () => {
    const store = await openSqliteStore(data);
    try {
      const env = { store, platform, now: new Date() };
      const compiler = { dept: departmentByCode(platform, '520000-XCZX')!, user: 'wang', roles: ['compiler'] as Role[], purpose: null, requestId: 'test' };
      await publishCatalogue(env, compiler, { id: 'GZ-XCZX', version: 3 });
      await withdrawCatalogue(env, compiler, { id: 'GZ-XCZX', reason: 'reorganised' });
      await expect(publishCatalogue(env, compiler, { id: 'GZ-XCZX', version: 2 })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: 'GZ-XCZX v2 is older than v3, which was published and is withdrawn now; submit its document again as a new version to publish it.',
      });
    } finally {
      await store.close();
    }
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 withdrawn']);
    expect(await inEffect()).toBeUndefined();
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

  it('loses, under `catalogue import --publish`, to a newer version another process published meanwhile: said, and not published', async () => {
    const store = await openSqliteStore(data);
    try {
      // The moment between the import's new version (4) and its claim: another process adds version 5 and
      // publishes it.
      let landed = false;
      const racing = new Proxy(store, {
        get(target, key, receiver) {
          if (key !== 'update') return Reflect.get(target, key, receiver);
          return async (...args: Parameters<Store['update']>) => {
            if (!landed && args[0] === CATALOGUE_VERSIONS) {
              landed = true;
              const [latest] = (await listVersions(target, 'GZ-XCZX')).slice(-1);
              const newer = await addVersion(target, { ...latest.catalogue, resources: [{ ...latest.catalogue.resources[0], summary: '第五版' }] }, 'operator', 'approved');
              await markPublished(target, 'GZ-XCZX', newer.version);
            }
            return target.update(...args);
          };
        },
      });
      const [imported] = await importCatalogueFiles(racing, platform, [join(FIXTURES, 'rural.yaml')], { publish: true }).then((all) => all.filter((i) => i.version.id === 'GZ-XCZX'));
      expect({ version: imported.version.version, status: imported.version.status, newerInEffect: imported.newerInEffect }).toEqual({ version: 4, status: 'approved', newerInEffect: 5 });
    } finally {
      await store.close();
    }
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 approved', '4 approved', '5 published']);
    expect(await inEffect()).toBe('第五版');
  });
});

// The same race under the command itself, in a process of its own. No lock can make it land: between the
// import's new version (its INSERT) and its claim (the UPDATE after it) the process neither reads nor
// waits, so another process's writes cannot be slipped in from outside (holding the write lock only
// stops the import before its INSERT, and the newer version must come after it). A trigger put into the
// store's database by the test lands them there instead: when the import's version 4 is inserted, the
// database writes what another process's `addVersion` + `markPublished` of version 5 writes (the row of
// version 5, published, with its own document; the older published version superseded). The import
// then runs as in the race: claims version 4, finds version 5 published, gives its claim back.
describe('`govgraph catalogue import --publish` losing to another process that published a newer version', () => {
  it('says so on standard error, prints the version approved, exits 1; imported again, it is published', async () => {
    const rural = join(FIXTURES, 'rural.yaml');
    const fifth = await withSqliteStore(data, async (s) => {
      const [v1] = await listVersions(s, 'GZ-XCZX');
      return JSON.stringify({ ...v1.catalogue, resources: [{ ...v1.catalogue.resources[0], summary: '第五版' }] });
    });
    const versions = `"c:${CATALOGUE_VERSIONS}"`;
    const quoted = (text: string) => `'${text.replaceAll("'", "''")}'`;
    const db = new Database(join(data, SQLITE_FILE));
    try {
      db.exec(`CREATE TRIGGER another_process_publishes AFTER INSERT ON ${versions}
        WHEN json_extract(NEW.doc, '$.id') = 'GZ-XCZX' AND json_extract(NEW.doc, '$.version') = 4
        BEGIN
          INSERT INTO ${versions} (doc) VALUES (json_set(NEW.doc, '$.version', 5, '$.status', 'published', '$.submittedBy', 'li',
            '$.submittedAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '$.publishedAt', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), '$.document', ${quoted(fifth)}));
          UPDATE ${versions} SET doc = json_set(doc, '$.status', 'superseded')
            WHERE json_extract(doc, '$.id') = 'GZ-XCZX' AND json_extract(doc, '$.status') = 'published' AND json_extract(doc, '$.version') < 5;
        END`);
    } finally {
      db.close();
    }
    const run = () => runGovgraph(['catalogue', 'import', rural, '--publish', '--data', data, '--platform', PLATFORM_FILE], { cwd: dir, env: cliEnv() });

    const lost = await run();
    expect(lost).toEqual({
      code: 1,
      stdout: `${rural}: GZ-XCZX version 4 approved (1 resource)\n`,
      stderr: `govgraph: platform ${PLATFORM_FILE}; store ${join(data, SQLITE_FILE)}\n`
        + `${rural}: GZ-XCZX version 4 was not published: another process published version 5 meanwhile, which is in effect; import the file again to publish it as a newer version.\n`,
    });
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 approved', '4 approved', '5 published']);
    expect(await inEffect()).toBe('第五版');

    // As the message says: imported again (no other process this time), the file is published as version 6.
    const trigger = new Database(join(data, SQLITE_FILE));
    trigger.exec('DROP TRIGGER another_process_publishes');
    trigger.close();
    const again = await run();
    expect({ code: again.code, stdout: again.stdout }).toEqual({ code: 0, stdout: `${rural}: GZ-XCZX version 6 published (1 resource)\n` });
    expect(await statuses()).toEqual(['1 superseded', '2 approved', '3 approved', '4 approved', '5 superseded', '6 published']);
    expect(await inEffect()).toBe('监测对象及帮扶资金');
    expect((await withSqliteStore(data, (s) => verifyAuditChain(s))).ok).toBe(true);
  });
});
