// A publication made, whose lock's release then finds the store locked by another process past the store's
// bound (a `data import` beginning at that moment holds its write lock for its whole load). Found by the
// review of the publication lock as merged: the release's failure replaced the publication's outcome, so
// a catalogue published was answered as failed (the workflow's log saying "failed" after its "ok"), and an
// operator told so ran it again. The release's failure is no longer the caller's: the row is left to go
// stale, its renewals stopped (STALE_MS), as a holder that died leaves it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { PUBLICATION_LOCK, withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import { eq, type Store } from '../src/store/port.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { holdLock } from './helpers/lock-holder.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

const { platform: maybe } = validatePlatform({
  platform: { region: '460000', level: 'province', name: 'Hainan release test platform', competentDepartment: '460000-SJJ' },
  purposes: [{ code: 'relief', name: 'Relief' }],
  departments: [
    { code: '460000-SJJ', name: 'Data Bureau', graphqlName: 'hiData', level: 'province', region: '460000' },
    { code: '460000-MZT', name: 'Civil Affairs', graphqlName: 'hiCivil', level: 'province', region: '460000' },
  ],
  connected: [],
});
const platform = maybe as Platform;
const catalogue = {
  id: 'HI-MZT', kind: 'departmental', title: 'Civil affairs catalogue', compiler: '460000-MZT',
  resources: [{
    code: '460000-MZT-00001', name: 'Marriage register', provider: '460000-MZT',
    graphql: { type: 'HiMarriage', list: 'marriages', byKey: 'marriage' }, key: 'no',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'no', title: 'No', type: 'string', required: true }, { name: 'place', title: 'Place', type: 'string' }],
  }],
} as unknown as Catalogue;

const LOCK_WAIT_MS = 150;
let dir: string;
let store: Store;
let holders: { release(): Promise<void> }[];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-lock-release-'));
  store = await openSqliteStore(dir, { lockWaitMs: LOCK_WAIT_MS });
  holders = [];
});
afterEach(async () => {
  for (const h of holders) await h.release();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * `store`, where another process takes the write lock right as the publication lock is to be released,
 * and keeps it past the store's bound (LOCK_WAIT_MS).
 */
function lockedAtRelease(): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'delete') return typeof real === 'function' ? real.bind(target) : real;
      return async (collection: string, ...rest: unknown[]) => {
        if (collection !== PUBLICATION_LOCK) return (real as (...a: unknown[]) => Promise<number>).call(target, collection, ...rest);
        const holder = await holdLock(join(dir, SQLITE_FILE));
        holders.push(holder);
        try {
          return await (real as (...a: unknown[]) => Promise<number>).call(target, collection, ...rest);
        } finally {
          await holder.release(); // the other process done a moment later
          holders.splice(holders.indexOf(holder), 1);
        }
      };
    },
  }) as Store;
}

test('the work done is what the holder is told, when the release finds the store locked', async () => {
  await expect(withPublicationLock(lockedAtRelease(), 'a publication', async () => 'published')).resolves.toBe('published');
  // Left to go stale: its renewals stopped with the work.
  const [row] = await store.find(PUBLICATION_LOCK, { filter: eq('key', 'publication') });
  expect(row?.what).toBe('a publication');
});

test('a work that failed is told its own failure, not the release’s', async () => {
  const failed = withPublicationLock(lockedAtRelease(), 'a publication', async () => {
    throw new Error('no longer fits');
  });
  await expect(failed).rejects.toThrow('no longer fits');
});

test('a workflow publication made is answered as published, when the release finds the store locked', async () => {
  const env: WorkflowEnv = { store, platform, now: new Date() };
  const version = await approvedVersion(env, catalogue);
  const published = publishCatalogue({ ...env, store: lockedAtRelease() }, workflowActor(platform, '460000-MZT', 'compiler'), { id: 'HI-MZT', version });
  await expect(published).resolves.toMatchObject({ id: 'HI-MZT', status: 'published' });
  expect((await publishedCatalogues(store)).map((c) => c.id)).toEqual(['HI-MZT']);
  const outcomes = (await store.find(AUDIT_COLLECTION, { filter: eq('action', 'publishCatalogue') })).map((e) => e.outcome);
  expect(outcomes).toEqual(['ok', 'ok']); // attempted, then done: no "failed" after a publication made
});
