// A rolling upgrade from a release older than sharing requests' openKey (before 2 December 2026): that release
// checked for a pending request and then stored one, so two requests of one department for one resource at
// the same moment were both stored, pending, without a key. The unique index on the key (partial: rows
// without one are not held) cannot then be made: requests failed with a bare DuplicateKeyError, a stack at
// a command and "unexpected error" without a reason in the gateway's log. Now the refusal says in words
// what to do, and once one of the two is decided the index is made and a third request is refused as
// usual. Tianjin platform of the upgrade walk's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DuplicateKeyError, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { decideSharingRequest, listSharingRequests, requestSharing, SHARING_REQUESTS } from '../src/workflow/sharing.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tianjin-upgrade/${name}`, import.meta.url));
const platform = loadPlatform(fixture('platform.yaml'));
const dept = (code: string) => platform.departments.find((d) => d.code === code)!;
const applicant: Actor = { dept: dept('120101-MZJ'), user: 'hp', roles: ['applicant'], purpose: null, requestId: 'r-1' };
const approver: Actor = { dept: dept('120000-WJW'), user: 'wjw', roles: ['approver'], purpose: null, requestId: 'r-2' };
const input = (justification: string) => ({ resource: '120000-WJW-00001', items: ['district'], purposes: ['relief-review'], justification });

const dir = mkdtempSync(join(tmpdir(), 'gg-upgrade-pending-twice-'));
let store: Store;
const env = () => ({ store, platform, now: new Date() });
beforeAll(async () => {
  // A request as this release stores it, on a store of its own, taken as the older release's row.
  const model = await openSqliteStore(join(dir, 'model'));
  await importCatalogueFiles(model, platform, [fixture('health.yaml')], { publish: true });
  const asked = await requestSharing({ store: model, platform, now: new Date() }, applicant, input('model'));
  const [row] = await model.find(SHARING_REQUESTS, {});
  await model.close();
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [fixture('health.yaml')], { publish: true });
  const { openKey: _none, ...older } = row;
  await store.insert(SHARING_REQUESTS, [
    { ...older, id: `${asked.id}-a`, justification: 'first of two' },
    { ...older, id: `${asked.id}-b`, justification: 'second of two' },
  ]);
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('two pending requests of one department for one resource, stored by an older release: the refusal says what to do until one is decided', async () => {
  const refused = await requestSharing(env(), applicant, input('third')).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(DuplicateKeyError);
  expect(refused).toMatchObject({ userFacing: true });
  expect((refused as Error).message).toBe(
    'sharing requests: a department has two pending requests for one resource, stored by a release before 2 December 2026, and no sharing request can be stored until one of them is decided: find them (govgraph request list --status PENDING) and decide one (govgraph request decide ID --dept PROVIDER --reject --reason ...)',
  );
  // The lists read them meanwhile (unindexed), and the provider decides one.
  const pending = await listSharingRequests(env(), { dept: '120000-WJW', roles: ['approver'] }, { status: 'pending' });
  expect(pending.map((r) => r.justification).sort()).toEqual(['first of two', 'second of two']);
  const first = pending.find((r) => r.justification === 'first of two')!;
  expect((await decideSharingRequest(env(), approver, { id: first.id, decision: 'reject', reason: 'asked twice' })).status).toBe('rejected');
  // The index is made now: the one left pending holds the department's place.
  await expect(requestSharing(env(), applicant, input('fourth'))).rejects.toMatchObject({ code: 'CONFLICT' });
  expect(await store.listIndexes(SHARING_REQUESTS)).toContainEqual({ fields: ['openKey'], unique: true, partial: true });
});
