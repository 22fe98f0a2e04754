// A revocation ends a grant at once on every gateway instance of the store (SPEC §9), not on the next
// publication poll: two `govgraph serve` processes on one data folder, a grant the second has read and
// kept (src/access/grant-cache.ts), revoked by `govgraph grant revoke` and by the first instance's
// `revokeGrant`. A read on the second sent after the revocation returned is refused: before, each went on
// serving the revoked grant's records for up to the 2 s of the poll. On a Hainan platform of the tests'
// own (test/fixtures/hainan-instances).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/hainan-instances/${name}`, import.meta.url));
const VACCINATIONS = '460000-WJW-00002';
const SANYA = '460200-MZJ';

let dir: string;
let env: NodeJS.ProcessEnv;
const served: ServedProcess[] = [];
const url = (s: ServedProcess) => `http://127.0.0.1:${s.port}`;

async function gg(...args: string[]): Promise<string> {
  const r = await runGovgraph(args, { env });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

async function graphql(s: ServedProcess, token: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url(s)}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-purpose': 'relief-review', 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

const READ = '{ hiHealth { hiVaccinations(first: 5) { nodes { record childName } } } }';

/** The records Sanya's read on `s` got (none when refused), with the refusal codes. */
async function sanyaReads(s: ServedProcess, token: string): Promise<{ records: number; codes: string[] }> {
  const body = await graphql(s, token, READ);
  const nodes = (body.data?.hiHealth as { hiVaccinations?: { nodes: unknown[] } | null } | null)?.hiVaccinations?.nodes ?? [];
  return { records: nodes.length, codes: (body.errors ?? []).map((e) => String(e.extensions?.code)) };
}

/** A grant to Sanya of the vaccinations, added by the operator, once every instance serves it. */
async function grantSeenEverywhere(token: string): Promise<string> {
  const added = await gg('grant', 'add', '--requester', SANYA, '--resource', VACCINATIONS, '--items', 'record,childName', '--purposes', 'relief-review');
  const id = /^grant (\S+):/.exec(added)![1]!;
  // Added elsewhere, a grant counts from the next poll (granting late refuses): wait for it on each.
  for (const s of served) await eventually(async () => expect((await sanyaReads(s, token)).records).toBe(5), 20_000);
  return id;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-revoke-instances-'));
  env = cliEnv({ GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: fixture('platform.yaml') });
  await gg('catalogue', 'import', '--publish', fixture('clinics-v1.yaml'));
  await gg('data', 'import', '--resource', VACCINATIONS, fixture('vaccinations.jsonl'));
  for (let i = 0; i < 2; i++) served.push(await spawnServe([], env));
  for (const s of served) await waitReady(url(s));
}, 120_000);

afterAll(async () => {
  for (const s of served) s.child.kill('SIGKILL');
  await Promise.all(served.map((s) => s.exited));
  rmSync(dir, { recursive: true, force: true });
});

it('`grant revoke` ends the grant at once on every instance: reads sent after it returned are refused', async () => {
  const token = await gg('token', '--dept', SANYA, '--user', 'chen.hua');
  const id = await grantSeenEverywhere(token);
  await gg('grant', 'revoke', id);
  const after = await Promise.all(served.map((s) => sanyaReads(s, token)));
  expect(after).toEqual(served.map(() => ({ records: 0, codes: ['GRANT_REQUIRED'] })));
}, 60_000);

it("one instance's `revokeGrant` ends the grant at once on the other", async () => {
  const token = await gg('token', '--dept', SANYA, '--user', 'chen.hua');
  const approver = await gg('token', '--dept', '460000-WJW', '--user', 'lin.fang', '--roles', 'approver');
  const id = await grantSeenEverywhere(token);
  const revoked = await graphql(served[0]!, approver, 'mutation ($id: ID!) { revokeGrant(id: $id, reason: "family moved") { id revokedAt } }', { id });
  expect(revoked.errors).toBeUndefined();
  expect(await sanyaReads(served[1]!, token)).toEqual({ records: 0, codes: ['GRANT_REQUIRED'] });
}, 60_000);
