// A long publication keeps the publication lock, and one whose lock was taken over stops before it
// publishes. Found by the review of the publication lock: the holder's renewals ran on a timer, whose
// writes waited for a turn behind the publication's own chain of SQLite calls and were made only after it
// ended: 1 s of index builds and reads under a 50 ms heartbeat renewed the lock not once, and a catalogue
// import of 400 resources of 61 items spends 16 s building their 24,400 indexes. A publication starting
// 30 s after the holder's last renewal could take the lock over while the holder worked, each checked
// without the other, and nothing made the holder find out. Each step now renews the lock, and a holder
// that lost it stops before it publishes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { PUBLICATION_LOCK, PublicationLockLostError, STALE_MS } from '../src/catalogue/publication-lock.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { eq, type Store } from '../src/store/port.ts';
import type { WorkflowEnv } from '../src/workflow/actor.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

const { platform: maybe } = validatePlatform({
  platform: { region: '460000', level: 'province', name: 'Hainan lock test platform', competentDepartment: '460000-SJJ' },
  purposes: [{ code: 'relief', name: 'Relief' }],
  departments: [
    { code: '460000-SJJ', name: 'Data Bureau', graphqlName: 'hiData', level: 'province', region: '460000' },
    { code: '460000-GAT', name: 'Police', graphqlName: 'hiPolice', level: 'province', region: '460000' },
  ],
  connected: [],
});
const platform = maybe as Platform;

const RESOURCES = 12;
const catalogue = {
  id: 'HI-GAT', kind: 'departmental', title: 'Police catalogue', compiler: '460000-GAT',
  resources: Array.from({ length: RESOURCES }, (_, i) => ({
    code: `460000-GAT-${String(i + 1).padStart(5, '0')}`, name: `Register ${i}`, provider: '460000-GAT',
    graphql: { type: `HiRegister${i}`, list: `registers${i}`, byKey: `register${i}` }, key: 'no',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'no', title: 'No', type: 'string', required: true }, { name: 'place', title: 'Place', type: 'string' }],
  })),
} as unknown as Catalogue;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-lock-renewed-'));
  store = await openSqliteStore(dir);
  vi.useFakeTimers({ toFake: ['Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The store, each resource index taking 4 s of the clock: at each, the age of the lock's last renewal is
 * noted, and `atIndex` runs (once, at the index numbered `at`).
 */
function slowIndexes(ages: number[], at = -1, atIndex: () => Promise<void> = async () => undefined): Store {
  let n = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      const real = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== 'ensureIndex' || typeof real !== 'function') return typeof real === 'function' ? real.bind(target) : real;
      return async (collection: string, ...rest: unknown[]) => {
        if (collection.startsWith('_')) return (real as (...a: unknown[]) => unknown).call(target, collection, ...rest);
        vi.setSystemTime(Date.now() + 4_000);
        const [row] = await target.find(PUBLICATION_LOCK, { filter: eq('key', 'publication') });
        if (row) ages.push(Date.now() - Date.parse(String(row.since)));
        if (n++ === at) await atIndex();
        return (real as (...a: unknown[]) => unknown).call(target, collection, ...rest);
      };
    },
  }) as Store;
}

const takenOver = () => store.update(PUBLICATION_LOCK, eq('key', 'publication'), { token: 'another', what: 'another publication', since: new Date().toISOString() }).then(() => undefined);

test('a catalogue import building indexes for minutes renews the lock as it goes', async () => {
  const file = join(dir, 'hi.json');
  writeFileSync(file, JSON.stringify(catalogue));
  const ages: number[] = [];
  await importCatalogueFiles(slowIndexes(ages), platform, [file], { publish: true });
  expect(ages.length).toBeGreaterThanOrEqual(RESOURCES);
  expect(Math.max(...ages)).toBeLessThan(STALE_MS); // never old enough to be taken for dead
  expect(await publishedCatalogues(store)).toHaveLength(1);
});

test('a catalogue import whose lock was taken over meanwhile stops before it publishes', async () => {
  const file = join(dir, 'hi.json');
  writeFileSync(file, JSON.stringify(catalogue));
  await expect(importCatalogueFiles(slowIndexes([], 3, takenOver), platform, [file], { publish: true })).rejects.toThrow(PublicationLockLostError);
  expect(await publishedCatalogues(store)).toEqual([]);
  expect(await store.count(PUBLICATION_LOCK)).toBe(1); // the other's, left to it
});

test('a workflow publication whose lock was taken over meanwhile is a CONFLICT, not published', async () => {
  const env: WorkflowEnv = { store, platform, now: new Date() };
  const version = await approvedVersion(env, catalogue);
  const slow: WorkflowEnv = { ...env, store: slowIndexes([], 3, takenOver) };
  await expect(publishCatalogue(slow, workflowActor(platform, '460000-GAT', 'compiler'), { id: 'HI-GAT', version })).rejects.toMatchObject({
    code: 'CONFLICT',
    message: expect.stringContaining('HI-GAT v1 was not published: HI-GAT v1 did not renew the publication lock for 30 s and another publication took it over'),
  });
  expect(await publishedCatalogues(store)).toEqual([]);
});
