// Two departments publish at the same moment catalogues whose resources take one GraphQL type name. Found
// by the §3/§4/§5 names walk: each publication was checked against the catalogues in effect, which held
// neither, so both were published; `schema print` and every gateway's start then failed with "There can
// be only one type named "Permit"" and a stack. Publications (the workflow's and `catalogue import
// --publish`) now check again and publish holding the store's publication lock: one wins, the other is
// refused naming the type, and the schema builds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { PUBLICATION_LOCK, PublicationBusyError, STALE_MS, withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { buildGatewaySchema } from '../src/server/assemble.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';
import { sichuanPlatform } from './helpers/sichuan.ts';

const platform = sichuanPlatform('Sichuan race test platform');

/** A departmental catalogue of `dept` with one resource typed `type`. */
const catalogue = (dept: string, type: string, list: string): Catalogue =>
  ({
    id: `SC-${dept}`,
    kind: 'departmental',
    title: `Catalogue of ${dept}`,
    compiler: dept,
    resources: [
      {
        code: `${dept}-00001`,
        name: 'Permits',
        provider: dept,
        graphql: { type, list, byKey: `${list}One` },
        key: 'permitNo',
        share: { type: 'unconditional', methods: ['api'] },
        items: [{ name: 'permitNo', type: 'string', required: true }],
      },
    ],
  }) as Catalogue;

describe('publications at the same moment', () => {
  let dir: string;
  let store: Store;
  let env: WorkflowEnv;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gg-publication-race-'));
    store = await openSqliteStore(dir);
    env = { store, platform, now: new Date() };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const approved = (c: Catalogue) => approvedVersion(env, c);

  test('two departments taking one type name (in any case): one is published, the other refused, and the schema builds', async () => {
    const cats = [catalogue('510000-GAT', 'Permit', 'scPermits'), catalogue('510100-GAJ', 'PERMIT', 'cdPermits')];
    const versions = [await approved(cats[0]!), await approved(cats[1]!)];
    const results = await Promise.allSettled(cats.map((c, i) => publishCatalogue(env, workflowActor(platform, c.compiler, 'compiler'), { id: c.id, version: versions[i]! })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as { code: string; problems: { path: string; message: string }[] };
    expect(lost.code).toBe('CATALOGUE_INVALID');
    expect(lost.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([expect.stringMatching(/^resources\[0\]\.graphql\.type: "(Permit|PERMIT)" differs only in case from (PERMIT|Permit)/)]);
    const published = await publishedCatalogues(store);
    expect(published).toHaveLength(1);
    expect(() => buildGatewaySchema(platform, published, { rules: false })).not.toThrow();
    expect(await store.count(PUBLICATION_LOCK)).toBe(0); // released
  });

  test('two `catalogue import --publish` at once: one is published, the other refused', async () => {
    const files = [catalogue('510000-GAT', 'Permit', 'scPermits'), catalogue('510100-GAJ', 'Permit', 'cdPermits')].map((c, i) => {
      const file = join(dir, `c${i}.json`);
      writeFileSync(file, JSON.stringify(c));
      return file;
    });
    const results = await Promise.allSettled(files.map((f) => importCatalogueFiles(store, platform, [f], { publish: true })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    expect(lost.message).toMatch(/resources\[0\]\.graphql\.type: "Permit" is already the type of resource 5[01]0[01]00-GA[JT]?-00001/);
    expect(await publishedCatalogues(store)).toHaveLength(1);
  });

  test('a holder that died is taken over once stale; a live one makes the other wait, then give up', async () => {
    await store.ensureIndex(PUBLICATION_LOCK, { fields: ['key'], unique: true });
    await store.insert(PUBLICATION_LOCK, [{ key: 'publication', token: 'dead', what: 'a publication that died', since: new Date(Date.now() - STALE_MS - 1000).toISOString() }]);
    const c = catalogue('510000-GAT', 'Permit', 'scPermits');
    await publishCatalogue(env, workflowActor(platform, c.compiler, 'compiler'), { id: c.id, version: await approved(c) });
    expect(await publishedCatalogues(store)).toHaveLength(1);

    let release!: () => void;
    const held = withPublicationLock(store, 'a long publication', () => new Promise<void>((r) => (release = r)), { heartbeatMs: 50 });
    await expect(withPublicationLock(store, 'another', async () => 'ran', { waitMs: 200 })).rejects.toThrow(
      new PublicationBusyError('a long publication'),
    );
    // The holder renews the lock while it works, so that a long publication is never taken for dead.
    const since = async () => Date.parse(String((await store.find(PUBLICATION_LOCK, { filter: { kind: 'compare', field: 'key', op: 'eq', value: 'publication' } }))[0]!.since));
    const first = await since();
    await new Promise((r) => setTimeout(r, 200));
    expect(await since()).toBeGreaterThan(first);
    release();
    await held;
    expect(await withPublicationLock(store, 'another', async () => 'ran', { waitMs: 200 })).toBe('ran');
  });
});
