// `platform adopt` and publications at once (found by review11). The store's platform is checked by an
// import holding the publication lock, but `platform adopt` recorded a new region without it, and a
// publication of the workflow (`catalogue publish`, a gateway's publishCatalogue) checked the region only
// when its command opened the store: a publication under way, or one whose command opened the store just
// before the adoption, went on against the old platform file after the store had taken the new one, its
// catalogues never checked against the adopted file. Now `platform adopt` records holding the lock, and a
// publication checks the store's platform holding it. On a Xinjiang platform of the test's own (650000),
// recoded 660000.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { adoptStorePlatform, storePlatform } from '../src/catalogue/store-platform.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { WorkflowError } from '../src/workflow/errors.ts';
import { cliEnv, GOVGRAPH_BIN } from './helpers/cli.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

const platformDoc = (region: string) => ({
  platform: { region, level: 'province', name: `Xinjiang adopt walk ${region}`, competentDepartment: '650000-SJJ' },
  purposes: [{ code: 'relief', name: 'Relief' }],
  departments: [
    { code: '650000-SJJ', name: 'Data Bureau', graphqlName: 'xjData', level: 'province', region },
    { code: '650000-MZT', name: 'Civil Affairs', graphqlName: 'xjCivil', level: 'province', region },
  ],
  connected: [],
});
const asPlatform = (doc: unknown) => validatePlatform(doc).platform as Platform;
const OLD = asPlatform(platformDoc('650000'));
const RECODED = platformDoc('660000');

const catalogue = (id: string, n: number, type: string) => ({
  id, kind: 'departmental', title: `${id} catalogue`, compiler: '650000-MZT',
  resources: [{
    code: `650000-MZT-0000${n}`, name: `${type} register`, provider: '650000-MZT',
    graphql: { type, list: `${type.toLowerCase()}s`, byKey: type.toLowerCase() }, key: 'no',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'no', title: 'No', type: 'string', required: true }, { name: 'place', title: 'Place', type: 'string' }],
  }],
}) as unknown as Catalogue;

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-adopt-publish-'));
  const first = join(dir, 'first.json');
  writeFileSync(first, JSON.stringify(catalogue('XJ-MZT', 1, 'XjMarriage')));
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, OLD, [first], { publish: true });
  expect((await storePlatform(store))?.region).toBe('650000');
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('platform adopt waits for a publication under way, and records the new region after it', async () => {
  const recoded = join(dir, 'recoded.json');
  writeFileSync(recoded, JSON.stringify(RECODED));
  let exited: Promise<{ code: number | null; stdout: string; stderr: string }> | undefined;
  await withPublicationLock(store, 'a publication under way (the test)', async () => {
    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'platform', 'adopt', '--platform', recoded, '--data', join(dir, 'data')], { env: cliEnv() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    // Once it has said what it uses (it opens the store next), long enough to record, were it not waiting for the lock.
    const announced = new Promise<void>((resolve) => child.stderr.on('data', () => stderr.includes('store ') && resolve()));
    await Promise.race([exited, announced.then(() => new Promise((resolve) => setTimeout(resolve, 3000)))]);
    expect((await storePlatform(store))?.region).toBe('650000');
  });
  const adopted = await exited!;
  expect(adopted.code, adopted.stderr).toBe(0);
  expect(adopted.stdout).toContain('store platform: region 660000 (Xinjiang adopt walk 660000), was 650000 (Xinjiang adopt walk 650000), recorded');
  expect((await storePlatform(store))?.region).toBe('660000');
}, 30_000);

it('a publication whose platform file the store no longer belongs to is refused holding the lock; nothing is published', async () => {
  const env = { store, platform: OLD, now: new Date() };
  const version = await approvedVersion(env, catalogue('XJ-MZT2', 2, 'XjBirth'));
  // Adopted between the publishing command's open (its check passed) and its publication.
  await adoptStorePlatform(store, asPlatform(RECODED));
  const publishing = publishCatalogue(env, workflowActor(OLD, '650000-MZT', 'compiler'), { id: 'XJ-MZT2', version });
  await expect(publishing).rejects.toBeInstanceOf(WorkflowError);
  await expect(publishing).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('this store now belongs to the platform of region 660000 (Xinjiang adopt walk 660000), not to region 650000') });
  expect((await publishedCatalogues(store)).map((c) => c.id)).toEqual(['XJ-MZT']);
});
