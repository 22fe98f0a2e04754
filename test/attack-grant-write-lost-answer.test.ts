// An approval whose grant's write fails takes its request back to pending. When the grant was stored all
// the same, that left a grant in force under a pending request (and, once an approver rejected the request,
// under a rejected one): the write answered with an error after it was applied (a connection cut before the
// acknowledgement, a MongoDB primary stepping down), or a second approver, on another instance, finishing
// the approval (deciding an approved request whose grant is missing stores it) before the first took it back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS, listGrants } from '../src/access/grants.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { decideSharingRequest, getSharingRequest, requestSharing } from '../src/workflow/sharing.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { workflowActor } from './helpers/workflow.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'guangdong-writes');
const platform = loadPlatform(join(FIXTURES, 'platform.yaml'));
const RESOURCE = '440000-SJJ-00031';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-grant-write-lost-'));
let store: Store;
let other: Store; // a second instance on the same data
beforeAll(async () => {
  store = await openSqliteStore(join(dir, 'data'));
  other = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(store, platform, [join(FIXTURES, 'market.yaml')], { publish: true });
});
afterAll(async () => {
  await store?.close();
  await other?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (s: Store = store) => ({ store: s, platform, now: new Date() });
const approver = workflowActor(platform, '440000-SJJ', 'approver');

/** The store, but the grant's insert is applied and then answered with an error. */
const answerLost = (inner: Store) => aroundMethod(inner, 'insert', async (args, call) => {
  const result = await call();
  if (args[0] === GRANTS) throw new Error('connection closed before the write was acknowledged');
  return result;
});

/** The store, but the grant's insert fails (not applied) once `meanwhile` has run. */
const failsAfter = (inner: Store, meanwhile: () => Promise<unknown>) => aroundMethod(inner, 'insert', async (args, call) => {
  if (args[0] !== GRANTS) return call();
  await meanwhile();
  throw new Error('database is locked');
});

async function pendingRequest(dept: string): Promise<string> {
  const applicant = workflowActor(platform, dept, 'applicant');
  return (await requestSharing(env(), applicant, { resource: RESOURCE, items: ['staff'], purposes: ['subsidy-review'], justification: 'subsidy checks' })).id;
}

/** The request's status and grant, and the grants its requester holds for the resource. */
async function settled(id: string, requester: string) {
  const grants = await listGrants(store, { requester, resource: RESOURCE });
  const request = (await getSharingRequest(store, id))!;
  return { status: request.status, grantId: request.grantId, grants: grants.map((g) => g.id) };
}

it('keeps the approval of a grant that was written though its write failed: no grant under a pending request', async () => {
  const id = await pendingRequest('440300-RSJ');
  const outcome = await decideSharingRequest(env(answerLost(store)), approver, { id, decision: 'approve' }).then(() => 'approved', (e: Error) => e.message);
  const after = await settled(id, '440300-RSJ');
  expect(after.grants).toHaveLength(1);
  expect({ outcome, ...after }).toEqual({ outcome: 'approved', status: 'approved', grantId: after.grants[0], grants: after.grants });
  // Nothing is left to decide: a rejection now would leave a rejected request with a grant in force.
  await expect(decideSharingRequest(env(), approver, { id, decision: 'reject', reason: 'no' })).rejects.toMatchObject({ code: 'CONFLICT' });
  expect(await settled(id, '440300-RSJ')).toEqual(after);
});

it('keeps the approval whose grant another instance stored while its own write failed', async () => {
  const id = await pendingRequest('440600-RSJ');
  // The second approver, on the other instance, sees the request approved without its grant, and stores it.
  const finish = () => decideSharingRequest(env(other), workflowActor(platform, '440000-SJJ', 'approver'), { id, decision: 'approve' });
  const outcome = await decideSharingRequest(env(failsAfter(store, finish)), approver, { id, decision: 'approve' }).then(() => 'approved', (e: Error) => e.message);
  const after = await settled(id, '440600-RSJ');
  expect(after.grants).toHaveLength(1);
  expect({ outcome, ...after }).toEqual({ outcome: 'approved', status: 'approved', grantId: after.grants[0], grants: after.grants });
  await expect(decideSharingRequest(env(), approver, { id, decision: 'reject', reason: 'no' })).rejects.toMatchObject({ code: 'CONFLICT' });
});
