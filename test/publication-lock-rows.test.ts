// The publication lock's row as an operator may find it: written by hand, restored from a backup, or
// left by a process whose clock was set wrong. Found by the review of the publication lock: a `since`
// that was no time (NaN) or years ahead was never stale, so every publication waited 20 s and was
// refused, told that a holder that died holds the lock 30 s at most, for good; a row without a token
// (or with a number for one) could not be taken over either.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { PUBLICATION_LOCK, PublicationBusyError, PublicationLockRowError, STALE_MS, withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Row, Store } from '../src/store/port.ts';
import { validatePlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import type { Platform } from '../src/model/platform.ts';
import { publishCatalogue } from '../src/workflow/catalogues.ts';
import { approvedVersion, workflowActor } from './helpers/workflow.ts';

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-publication-lock-rows-'));
  store = await openSqliteStore(dir);
  await store.ensureIndex(PUBLICATION_LOCK, { fields: ['key'], unique: true });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const at = (ms: number) => new Date(Date.now() + ms).toISOString();

test.each<[string, Row]>([
  ['a since that is no time', { key: 'publication', token: 't', what: 'by hand', since: 'yesterday' }],
  ['no since', { key: 'publication', token: 't', what: 'by hand' }],
  ['a since years ahead', { key: 'publication', token: 't', what: 'by hand', since: '2099-01-01T00:00:00.000Z' }],
  ['a since a minute ahead', { key: 'publication', token: 't', what: 'by hand', since: at(2 * STALE_MS) }],
  ['no token, stale', { key: 'publication', what: 'by hand', since: at(-2 * STALE_MS) }],
  ['a number for a token, stale', { key: 'publication', token: 7, what: 'by hand', since: at(-2 * STALE_MS) }],
])('a lock row with %s is taken over, and released after', async (_, row) => {
  await store.insert(PUBLICATION_LOCK, [row]);
  expect(await withPublicationLock(store, 'next', async () => 'ran', { waitMs: 300 })).toBe('ran');
  expect(await store.count(PUBLICATION_LOCK)).toBe(0);
});

test('a live holder whose clock runs a few seconds ahead still holds the lock', async () => {
  await store.insert(PUBLICATION_LOCK, [{ key: 'publication', token: 't', what: 'a live publication', since: at(5_000) }]);
  await expect(withPublicationLock(store, 'next', async () => 'ran', { waitMs: 200 })).rejects.toThrow(new PublicationBusyError('a live publication'));
  expect(await store.count(PUBLICATION_LOCK)).toBe(1);
});

// Found by the closing note of the last wave: a token that is a JSON object or array (no publication writes
// one) failed every publication with SQLite's raw "RangeError: Too few parameter values were provided".
test.each<[string, unknown, string]>([
  ['an object', { by: 'hand' }, 'an object'],
  ['an array', ['t', 1], 'an array'],
])('a lock row whose token is %s stops the publication with a message saying which row to delete, and is left', async (_, token, said) => {
  const row = { key: 'publication', token, what: 'by hand', since: at(-2 * STALE_MS) } as unknown as Row;
  await store.insert(PUBLICATION_LOCK, [row]);
  let ran = false;
  const failed = await withPublicationLock(store, 'next', async () => (ran = true), { waitMs: 300 }).catch((e: unknown) => e);
  expect(failed).toBeInstanceOf(PublicationLockRowError);
  expect((failed as PublicationLockRowError).userFacing).toBe(true);
  expect((failed as Error).message).toBe(
    `the publication lock's row in the _publication_lock collection (key "publication") holds a token that is ${said}, not one a publication writes (a row written by hand?); no publication can run until that row is deleted from the store`,
  );
  expect(ran).toBe(false);
  expect(await store.find(PUBLICATION_LOCK, {})).toEqual([row]);
});

test('a publication through the workflow (publishCatalogue: the mutation, catalogue publish) is refused as a CONFLICT saying so', async () => {
  const { platform } = validatePlatform({
    platform: { region: '620000', level: 'province', name: 'Gansu lock row platform', competentDepartment: '620000-SJJ' },
    purposes: [{ code: 'relief', name: 'Relief' }],
    departments: [
      { code: '620000-SJJ', name: 'Data Bureau', graphqlName: 'gsData', level: 'province', region: '620000' },
      { code: '620000-MZT', name: 'Civil Affairs', graphqlName: 'gsCivil', level: 'province', region: '620000' },
    ],
    connected: [],
  });
  const env = { store, platform: platform as Platform, now: new Date() };
  const catalogue = {
    id: 'GS-MZT', kind: 'departmental', title: 'Civil affairs catalogue', compiler: '620000-MZT',
    resources: [{
      code: '620000-MZT-00001', name: 'Allowances', provider: '620000-MZT', graphql: { type: 'GsAllowance', list: 'allowances', byKey: 'allowance' },
      key: 'caseNo', share: { type: 'unconditional', methods: ['api'] }, items: [{ name: 'caseNo', title: 'Case', type: 'string', required: true }],
    }],
  } as unknown as Catalogue;
  const version = await approvedVersion(env, catalogue);
  await store.insert(PUBLICATION_LOCK, [{ key: 'publication', token: { by: 'hand' }, what: 'by hand', since: at(0) } as unknown as Row]);
  await expect(publishCatalogue(env, workflowActor(env.platform, '620000-MZT', 'compiler'), { id: 'GS-MZT', version })).rejects.toMatchObject({
    code: 'CONFLICT',
    message: expect.stringContaining('GS-MZT v1 was not published: the publication lock\'s row in the _publication_lock collection (key "publication") holds a token that is an object'),
  });
  expect(await publishedCatalogues(store)).toEqual([]);
});
