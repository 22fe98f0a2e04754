// Which `ok` entry of the audit log a later `refused` (or `error`) entry says was not done (SPEC §10,
// docs/workflow.md "The audit trail"). An action's entry is written before the change; when the store's
// conditional write then loses to another instance, a second entry says it was not done. The log used to
// tie the two by the request id alone, and a request id names no one action: one document may hold two
// revocations, an operator's import corrects several objections under one id, and the id is the client's
// own x-request-id, which a client retrying sends again and another department may send too. Read as the
// docs said ("an `ok` entry stands for a change made unless a `refused` entry of its request id follows
// it"), a revocation that was made read as not made. The entry saying "not done" now names the entry it
// answers (`entry #N not done`), and only such an entry, of the same department and user, undoes it.
//
// On a platform of its own (test/fixtures/liaoning), through a real gateway: the race is another
// approver's revocation landing between the check and the write of the second revocation of a document.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { eq, type Filter, type Store, type Value } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { perform } from '../src/workflow/audit.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures/liaoning', name);

const RESOURCE = '210000-GAT-00011';
const APPROVER = { dept: '210000-GAT', roles: ['approver' as const] };
const SUPERVISOR = { dept: '210000-DSJ', roles: ['supervisor' as const] };
const REQUEST_ID = 'two-revocations';

/** The grant whose next conditional write another approver beats (set by the test, used once). */
let beaten: string | null = null;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({
    platformFile: fixture('platform.yaml'),
    catalogueFiles: [fixture('residents.yaml')],
    wrapStore: (inner: Store) =>
      new Proxy(inner, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target);
          if (typeof value !== 'function') return value;
          if (prop !== 'update') return value.bind(target);
          return async (collection: string, filter: Filter, set: Record<string, Value>) => {
            if (collection === GRANTS && beaten !== null && JSON.stringify(filter).includes(beaten)) {
              const id = beaten;
              beaten = null;
              await target.update(GRANTS, eq('id', id), { revokedAt: new Date().toISOString(), revokedBy: 'other.approver' });
            }
            return target.update(collection, filter, set);
          };
        },
      }),
  });
});
afterAll(async () => {
  await gw?.close();
});

async function grantTo(dept: string, purpose: string): Promise<string> {
  const asked = await gw.query(
    `mutation { requestSharing(input: { resource: "${RESOURCE}", items: ["idNo", "born"], purposes: ["${purpose}"],
      justification: "Eligibility checks", until: "2027-12-31" }) { id } }`,
    { dept, roles: ['applicant'], purpose },
  );
  expect(asked.errors).toBeUndefined();
  const decided = await gw.query(
    `mutation { decideSharingRequest(input: { id: "${asked.data!.requestSharing.id}", decision: APPROVE }) { grant { id } } }`,
    APPROVER,
  );
  expect(decided.errors).toBeUndefined();
  return decided.data!.decideSharingRequest.grant.id;
}

interface Entry {
  seq: number;
  department: string | null;
  user: string | null;
  outcome: string;
  detail: string | null;
}

/** The reading docs/workflow.md gives: an `ok` entry stands unless an entry of its department and user says it was not done. */
function undoneBy(ok: Entry, log: readonly Entry[]): Entry | undefined {
  return log.find((e) =>
    (e.outcome === 'REFUSED' || e.outcome === 'ERROR') && e.seq > ok.seq && e.department === ok.department && e.user === ok.user &&
    new RegExp(`— entry #${ok.seq} (not done|failed): `).test(e.detail ?? ''));
}

it('names the entry a revocation beaten by another approver answers, so the other revocation of the document stands', async () => {
  const kept = await grantTo('210000-RSJ', 'pension-review');
  const lost = await grantTo('210100-SWJ', 'tax-collection');
  const headers = { 'x-request-id': REQUEST_ID };

  beaten = lost;
  const both = await gw.query(
    `mutation { a: revokeGrant(id: "${kept}", reason: "review finished") { id } b: revokeGrant(id: "${lost}", reason: "review finished") { id } }`,
    { ...APPROVER, headers },
  );
  expect(both.errors?.map((e) => [e.path?.[0], e.extensions?.code])).toEqual([['b', 'CONFLICT']]);
  // The client retries with its request id; another department sends that id too.
  const again = await gw.query(`mutation { revokeGrant(id: "${kept}", reason: "again") { id } }`, { ...APPROVER, headers });
  expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
  const other = await gw.query(`mutation { revokeGrant(id: "${kept}", reason: "mine") { id } }`, { dept: '210100-SWJ', roles: ['approver'], headers });
  expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');

  const read = await gw.query(`{ auditLog(filter: { requestId: "${REQUEST_ID}" }) { nodes { seq department user outcome detail } } }`, SUPERVISOR);
  const log = (read.data!.auditLog.nodes as Entry[]).slice().reverse();
  // Every entry of the request id: the two revocations' entries, the "not done" one, the retry's and the other department's refusals.
  expect(log.map((e) => e.outcome)).toEqual(['OK', 'OK', 'REFUSED', 'REFUSED', 'REFUSED']);
  const revocation = (grant: string) => log.find((e) => e.outcome === 'OK' && e.detail!.startsWith(`grant ${grant} `))!;

  const revokedBy = async (grant: string) => (await gw.store.find(GRANTS, { filter: eq('id', grant) }))[0].revokedBy;
  expect(await revokedBy(kept)).toBe('tester');
  expect(await revokedBy(lost)).toBe('other.approver');
  expect(undoneBy(revocation(kept), log)).toBeUndefined();
  expect(undoneBy(revocation(lost), log)?.detail).toBe(
    `${revocation(lost).detail} — entry #${revocation(lost).seq} not done: CONFLICT: Grant ${lost} was revoked meanwhile by other.approver on ` +
      (await gw.store.find(GRANTS, { filter: eq('id', lost) }))[0].revokedAt + '.',
  );
});

it('names the entry of an action that failed after it was written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-undone-'));
  const store = await openSqliteStore(dir);
  try {
    const platform = loadPlatform(fixture('platform.yaml'));
    const actor = { dept: platform.departments.find((d) => d.code === '210000-GAT')!, user: 'li.gang', roles: ['approver' as const], purpose: null, requestId: 'r' };
    const env = { store, platform, now: new Date() };
    const plan = (detail: string, apply: () => Promise<void>) => async () => ({ detail, resources: [], apply });
    await perform(env, actor, 'revokeGrant', {}, plan('first', async () => undefined));
    await expect(perform(env, actor, 'revokeGrant', {}, plan('second', async () => { throw new Error('disk gone'); }))).rejects.toThrow('disk gone');
    const log = (await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);
    expect(log.map((e) => [e.seq, e.outcome, e.detail])).toEqual([
      [1, 'ok', 'first'],
      [2, 'ok', 'second'],
      [3, 'error', 'second — entry #2 failed: disk gone'],
    ]);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
