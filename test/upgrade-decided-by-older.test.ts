// A rolling upgrade from a release older than sharing requests' openKey (before 2 December 2026): an older
// gateway decides a request by setting its status (and decidedBy, decidedAt, reason) alone, so a request
// asked at a new gateway and decided at an old one kept the pending key `pending|requester|resource`, and
// every later request of that department for that resource was refused CONFLICT ("already has a pending
// request"), for good, though none was pending. Now the key of a decided request is freed and the request
// stored; a request really pending still refuses the second. Tianjin platform of the upgrade walk's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { requestSharing, SHARING_REQUESTS } from '../src/workflow/sharing.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tianjin-upgrade/${name}`, import.meta.url));
const platform = loadPlatform(fixture('platform.yaml'));
const applicant: Actor = { dept: platform.departments.find((d) => d.code === '120101-MZJ')!, user: 'hp', roles: ['applicant'], purpose: null, requestId: 'r-1' };
const input = (justification: string) => ({ resource: '120000-WJW-00001', items: ['district'], purposes: ['relief-review'], justification });

const dir = mkdtempSync(join(tmpdir(), 'gg-upgrade-decided-'));
let store: Store;
const env = () => ({ store, platform, now: new Date() });
beforeAll(async () => {
  store = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [fixture('health.yaml')], { publish: true });
});
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a request decided by an older gateway (its pending key kept) does not block the next request of that department', async () => {
  const first = await requestSharing(env(), applicant, input('first'));
  // The older gateway's rejection, as it wrote it: the status and its fields, the key untouched.
  const older = { status: 'rejected', decidedBy: 'older approver', decidedAt: new Date().toISOString(), reason: 'not now' };
  expect(await store.update(SHARING_REQUESTS, and(eq('id', first.id), eq('status', 'pending')), older)).toBe(1);

  const second = await requestSharing(env(), applicant, input('second'));
  expect(second.status).toBe('pending');
  // One pending request per department and resource still holds.
  await expect(requestSharing(env(), applicant, input('third'))).rejects.toMatchObject({ code: 'CONFLICT' });
  const rows = await store.find(SHARING_REQUESTS, { sort: [{ field: 'requestedAt', direction: 'asc' }] });
  expect(rows.map((r) => [r.id, r.status, r.openKey])).toEqual([
    [first.id, 'rejected', `decided|${first.id}`],
    [second.id, 'pending', 'pending|120101-MZJ|120000-WJW-00001'],
  ]);
});
