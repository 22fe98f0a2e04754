// A gateway killed with SIGKILL under a stream of workflow changes (docs/operations.md, "Commands and
// gateways killed midway"): three departments of an Inner Mongolia platform request the police's herder
// roll, the police approve each request and revoke the grant, over and over, through a real `govgraph
// serve`; it is killed once the store holds ten approvals. The kill walk found no defect here; this holds
// what it checked: the audit chain verifies, no grant is stored for a request not approved, each
// department has at most one pending request, and a gateway started again on the folder takes the next
// request or names the pending one, and decides it. An approval is two writes (the request, naming and
// keeping its grant, then the grant: src/workflow/sharing/deciding.ts); killed between them, the request
// keeps the grant it made, and deciding it again stores that very grant.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { GRANTS } from '../src/access/grants.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { cliEnv, withSqliteStore } from './helpers/cli.ts';
import { spawnServe, waitReady } from './helpers/served.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/neimenggu-crash/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-serve-'));
const data = join(dir, 'data');
const platformFile = join(dir, 'platform.yaml');
const REQUESTERS = ['150000-MZT', '150100-MZJ', '150000-DSJ'];
const tokens: Record<string, string> = {};
let approver = '';
const running: ChildProcess[] = [];

beforeAll(async () => {
  // Rates off: the stream is a few users' requests as fast as the gateway answers.
  writeFileSync(platformFile, stringify({ ...parse(readFileSync(join(FIXTURE, 'platform.yaml'), 'utf8')), limits: { rate: { perDepartment: 'off', perUser: 'off' } } }));
  const secret = await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, loadPlatform(platformFile), [join(FIXTURE, 'police.yaml')], { publish: true });
    return storedSecret(store);
  });
  for (const dept of REQUESTERS) tokens[dept] = await signToken(secret, { dept, user: `applicant-${dept}`, roles: ['applicant'], ttl: '1h' });
  approver = await signToken(secret, { dept: '150000-GAT', user: 'approver', roles: ['approver'], ttl: '1h' });
}, 60_000);
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The gateway now serving (each started on a port of its own choosing). */
let URL_ = '';
async function serve(): Promise<ChildProcess> {
  const served = await spawnServe([], cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_LOG_LEVEL: 'warn' }));
  running.push(served.child);
  URL_ = `http://127.0.0.1:${served.port}`;
  await waitReady(URL_, 60_000);
  return served.child;
}
type Answer = { data?: Record<string, { id?: string; grant?: { id: string } | null } | null>; errors?: { message: string; extensions?: { code?: string } }[] };
const gql = (token: string, query: string): Promise<Answer> =>
  fetch(`${URL_}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'x-purpose': 'pension-check', 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
    .then((r) => r.json() as Promise<Answer>);
const request = (dept: string) =>
  gql(tokens[dept], `mutation { requestSharing(input: { resource: "150000-GAT-00021", items: ["idNo", "fullName"], purposes: ["pension-check"], justification: "pension checks" }) { id } }`);
const approve = (id: string) => gql(approver, `mutation { decideSharingRequest(input: { id: "${id}", decision: APPROVE }) { id grant { id } } }`);

/** The requests and grants as stored: status, grant named, requester; grants' ids and requests. */
function stored() {
  const db = new Database(join(data, SQLITE_FILE), { readonly: true, fileMustExist: true });
  try {
    const requests = db.prepare(`SELECT json_extract(doc, '$.id') AS id, json_extract(doc, '$.status') AS status, json_extract(doc, '$.grantId') AS grantId, json_extract(doc, '$.requester') AS requester, json_extract(doc, '$.approvedGrant') AS approvedGrant FROM "c:${SHARING_REQUESTS}"`).all() as { id: string; status: string; grantId: string | null; requester: string; approvedGrant: string | null }[];
    const grants = db.prepare(`SELECT json_extract(doc, '$.id') AS id, json_extract(doc, '$.requestId') AS requestId FROM "c:${GRANTS}"`).all() as { id: string; requestId: string | null }[];
    return { requests, grants };
  } finally {
    db.close();
  }
}
const approvals = () => {
  try {
    return stored().requests.filter((r) => r.status === 'approved').length;
  } catch {
    return 0; // no request yet
  }
};

it('killed under requests, approvals and revocations, leaves a store the next gateway goes on from', async () => {
  const first = await serve();
  let stop = false;
  const streams = REQUESTERS.map(async (dept) => {
    while (!stop) {
      try {
        const id = (await request(dept)).data?.requestSharing?.id;
        const grant = id ? (await approve(id)).data?.decideSharingRequest?.grant?.id : undefined;
        if (grant) await gql(approver, `mutation { revokeGrant(id: "${grant}", reason: "checked") { id } }`);
      } catch {
        // the gateway is gone
      }
    }
  });
  while (approvals() < 10) await new Promise((r) => setTimeout(r, 5));
  const gone = new Promise((r) => first.once('exit', r));
  first.kill('SIGKILL');
  stop = true;
  // Gone before the store is read: kill() only sends the signal, and streams between two requests end
  // without waiting for it, so the store could be read while the gateway still wrote.
  await gone;
  await Promise.all(streams);

  const { requests, grants } = stored();
  // Killed between an approval's two writes: the request keeps the grant it names, to be stored by deciding again.
  const unstored = requests.filter((r) => r.status === 'approved' && !grants.some((g) => g.id === r.grantId));
  for (const r of unstored) expect(r.grantId !== null && (JSON.parse(r.approvedGrant ?? 'null') as { id?: string } | null)?.id === r.grantId).toBe(true);
  expect(grants.filter((g) => !requests.some((r) => r.id === g.requestId && r.status === 'approved' && r.grantId === g.id))).toEqual([]);
  const pending = requests.filter((r) => r.status === 'pending');
  for (const dept of REQUESTERS) expect(pending.filter((r) => r.requester === dept).length).toBeLessThanOrEqual(1);
  expect(await withSqliteStore(data, (s) => verifyAuditChain(s))).toMatchObject({ ok: true });

  // Started again: a department's request is taken, or refused naming the one the kill left pending,
  // which the provider then decides.
  await serve();
  for (const r of unstored) {
    expect((await approve(r.id)).data?.decideSharingRequest?.grant?.id).toBe(r.grantId);
    expect(stored().grants.filter((g) => g.id === r.grantId)).toHaveLength(1);
    // Ended as the stream ended each grant, so that the department may ask again below.
    expect((await gql(approver, `mutation { revokeGrant(id: "${r.grantId}", reason: "checked") { id } }`)).errors).toBeUndefined();
  }
  for (const dept of REQUESTERS) {
    const asked = await request(dept);
    const left = pending.find((r) => r.requester === dept);
    if (left) expect(asked.errors?.[0]).toMatchObject({ extensions: { code: 'CONFLICT' }, message: expect.stringContaining(left.id) });
    const id = left?.id ?? asked.data?.requestSharing?.id;
    expect(id).toBeDefined();
    expect((await approve(id!)).data?.decideSharingRequest?.grant?.id).toEqual(expect.any(String));
  }
  expect(await withSqliteStore(data, (s) => verifyAuditChain(s))).toMatchObject({ ok: true });
}, 60_000);
