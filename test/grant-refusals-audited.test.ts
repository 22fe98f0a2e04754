// A refused `grant revoke` (an unknown id) and a refused `grant add` (an item the resource lacks, a
// department the platform lacks) wrote no audit entry, while the workflow's refusals do (`request decide` of
// an unknown request: a `refused` decideSharingRequest entry). A supervisor reads them in the log now, as
// `refused` operator entries (SPEC §10), the resource named when it is published so that its provider sees
// the attempt. Real processes on a platform of its own (test/fixtures/jiangxi).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/jiangxi/${name}`, import.meta.url));
const data = mkdtempSync(join(tmpdir(), 'govgraph-grant-refusals-'));
afterAll(() => rmSync(data, { recursive: true, force: true }));
const env = cliEnv({ GOVGRAPH_JWT_SECRET: 'jiangxi-test-secret-of-at-least-32-bytes!' });
const govgraph = (...args: string[]) => runGovgraph([...args, '--platform', fixture('platform.yaml'), '--data', data], { env });

const entries = () => withSqliteStore(data, async (store) => (await store.find(AUDIT_COLLECTION, {})).map(fromRow));
const shown = (e: AuditEntry) => [e.kind, e.action, e.outcome, e.detail, e.resources.map((r) => [r.resource, r.provider])];

beforeAll(async () => {
  const r = await govgraph('catalogue', 'import', fixture('persons.yaml'), '--publish');
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

it('grant revoke of an unknown id is refused, and the refusal is in the audit log', async () => {
  const before = (await entries()).length;
  const r = await govgraph('grant', 'revoke', 'no-such-grant');
  expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([1, 'govgraph: No grant "no-such-grant"; `govgraph grant list` shows the grants.']);
  const added = (await entries()).slice(before);
  expect(added.map(shown)).toEqual([['operator', 'revokeGrant', 'refused', 'NOT_FOUND: No grant "no-such-grant"; `govgraph grant list` shows the grants.', []]]);
}, 30_000);

it('grant add refused by the platform or the catalogue is in the audit log, naming the resource for its provider', async () => {
  const before = (await entries()).length;
  const add = (requester: string, items: string) => govgraph('grant', 'add', '--requester', requester, '--resource', '360000-gat-00007', '--items', items, '--purposes', 'benefit-check');
  const badItem = await add('360100-YBJ', 'idNo,salary');
  expect(badItem.code).toBe(1);
  expect(badItem.stdout).toBe('');
  const badDept = await add('999999-XX', 'idNo');
  expect(badDept.code).toBe(1);
  const added = (await entries()).slice(before);
  expect(added.map((e) => [e.kind, e.action, e.outcome, e.resources.map((r) => [r.resource, r.provider])])).toEqual([
    ['operator', 'addGrant', 'refused', [['360000-GAT-00007', '360000-GAT']]],
    ['operator', 'addGrant', 'refused', [['360000-GAT-00007', '360000-GAT']]],
  ]);
  expect(added[0].detail).toMatch(/^BAD_USER_INPUT: The grant is refused: .*salary/);
  expect(added[1].detail).toMatch(/^BAD_USER_INPUT: The grant is refused: .*999999-XX/);
  // On one line, as the command said it on several.
  expect(added.every((e) => !e.detail!.includes('\n'))).toBe(true);
  expect((await govgraph('grant', 'list')).stdout).toBe('no grants\n');
}, 30_000);

it('a refused request decide was already in the log: the grant commands now answer alike', async () => {
  const before = (await entries()).length;
  const r = await govgraph('request', 'decide', 'no-such-request', '--dept', '360000-GAT', '--approve');
  expect(r.code).toBe(1);
  expect((await entries()).slice(before).map((e) => [e.action, e.outcome])).toEqual([['decideSharingRequest', 'refused']]);
  // The chain holds the refusals as any other entry.
  const verified = await govgraph('audit', 'verify');
  expect([verified.code, verified.stdout]).toEqual([0, expect.stringMatching(/^audit chain ok: \d+ entries/)]);
}, 30_000);
