// Ctrl-C between a catalogue's two writes in `catalogue import --publish` (found by review11). Each catalogue
// is stored as its next version, then published; the lock's check between the two (publication-lock.ts,
// StillHeld) also stops the work once the command's signal is aborted, so a Ctrl-C arriving while the
// version was being stored left it stored `approved` and never published, the import's entry saying it was
// `not done`: a version no one published, which the next import of the file then published as "unchanged".
// A catalogue is one step: stored and published, or not stored; the signal stops the import before the next.
// On a Qinghai platform of the test's own (630000), the signal aborted as the first version is written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { CATALOGUE_VERSIONS, listVersions } from '../src/catalogue/repository.ts';
import type { Platform } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { InterruptedError } from '../src/store/interrupted.ts';

const platform = validatePlatform({
  platform: { region: '630000', level: 'province', name: 'Qinghai interrupt walk', competentDepartment: '630000-SJJ' },
  purposes: [{ code: 'relief', name: 'Relief' }],
  departments: [
    { code: '630000-SJJ', name: 'Data Bureau', graphqlName: 'qhData', level: 'province', region: '630000' },
    { code: '630100-MZJ', name: 'Xining Civil Affairs', graphqlName: 'xnCivil', level: 'city', region: '630100' },
  ],
  connected: [],
}).platform as Platform;

const catalogue = (n: number) => ({
  id: `XN-MZ${n}`, kind: 'departmental', title: `Xining civil affairs ${n}`, compiler: '630100-MZJ',
  resources: [{
    code: `630100-MZJ-0000${n}`, name: `Register ${n}`, provider: '630100-MZJ',
    graphql: { type: `XnRegister${n}`, list: `registers${n}`, byKey: `register${n}` }, key: 'no',
    share: { type: 'unconditional', methods: ['api'] },
    items: [{ name: 'no', title: 'No', type: 'string', required: true }],
  }],
});

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-import-step-'));
  store = await openSqliteStore(join(dir, 'data'));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a Ctrl-C while a catalogue is being stored publishes that one and stops before the next; no version is left unpublished', async () => {
  const files = [1, 2].map((n) => {
    const file = join(dir, `xn-mz${n}.json`);
    writeFileSync(file, JSON.stringify(catalogue(n)));
    return file;
  });
  const interrupt = new AbortController();
  // The signal, as Ctrl-C sends it, the moment the first version is written (before it is published).
  const unwatch = store.watch((collection) => {
    if (collection === CATALOGUE_VERSIONS && !interrupt.signal.aborted) interrupt.abort(new InterruptedError('SIGINT'));
  });
  try {
    await expect(importCatalogueFiles(store, platform, files, { publish: true, signal: interrupt.signal })).rejects.toBeInstanceOf(InterruptedError);
  } finally {
    unwatch();
  }
  expect((await listVersions(store, 'XN-MZ1')).map((v) => [v.version, v.status])).toEqual([[1, 'published']]);
  expect(await listVersions(store, 'XN-MZ2')).toEqual([]);
  const [, ended] = (await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map((e) => String(e.detail));
  expect(ended).toMatch(/— entry #\d+ partly done: XN-MZ1 v1 published; XN-MZ2 \(.*xn-mz2\.json\) not done: interrupted by SIGINT/);
});
