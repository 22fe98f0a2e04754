// Two `grant add` of one grant at once (two operators, a script started twice), as processes of their own
// on one data folder: each read the grants, found none giving this, wrote its "addGrant ok" entry and
// stored its grant: two identical grants, where run one after the other the second adds nothing. The
// store now holds what an operator's grant gives as a unique key (givesKey, grants.ts): one process stores
// it, each other says which grant already gives this, as the second run does (exit 0, "nothing added"),
// and follows its entry with a refused one saying it was not done. Revoked, the same grant is added anew.
// On a Gansu platform of the tests' own (test/fixtures/gansu-races).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { holdLock } from './helpers/lock-holder.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-races/${name}`, import.meta.url));
const PROCESSES = 4;

let dir: string;
const base = () => ['--platform', fixture('platform.yaml'), '--data', join(dir, 'data')];
const addArgs = () => ['grant', 'add', ...base(), '--requester', '620100-MZJ', '--resource', '620000-WJW-00007', '--items', 'childName,doses', '--purposes', 'relief-review'];

/** `govgraph ...args` started now; `announced` once it has said what it uses (it is about to read the store). */
function started(args: string[]) {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, ...args], { env: cliEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const announced = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => ((stderr += d), stderr.includes('store ') && resolve())));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { announced, done };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-grant-at-once-'));
  const imported = await runGovgraph(['catalogue', 'import', ...base(), '--publish', fixture('health.yaml')]);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it(`${PROCESSES} \`grant add\` of one grant at once store one grant; the others say it already gives this, and the log says theirs were not done`, async () => {
  // Each reads the grants while another process holds the write lock, as a long import would: all of them
  // find none, and their writes (the audit entry, then the grant) come once the lock is let go.
  const lock = await holdLock(join(dir, 'data', SQLITE_FILE));
  const runs = Array.from({ length: PROCESSES }, () => started(addArgs()));
  await Promise.all(runs.map((r) => r.announced));
  await new Promise((resolve) => setTimeout(resolve, 800));
  await lock.release();
  const results = await Promise.all(runs.map((r) => r.done));

  for (const r of results) expect(r.code, r.stderr).toBe(0);
  const [grant, ...more] = await withSqliteStore(join(dir, 'data'), (s) => s.find(GRANTS, {}));
  expect(more).toEqual([]);
  const added = results.filter((r) => r.stdout.startsWith(`grant ${String(grant.id)}: 620100-MZJ may read`));
  expect(added).toHaveLength(1);
  for (const r of results.filter((x) => x !== added[0])) {
    expect(r.stdout).toMatch(new RegExp(`^grant ${String(grant.id)} already gives this \\(made .* by operator\\): 620100-MZJ may read childName, doses .*; nothing added\\n$`));
  }

  // Each "ok" entry that added nothing is followed by a refused one naming it: one addition in the log.
  const entries = await withSqliteStore(join(dir, 'data'), (s) => s.find(AUDIT, { sort: [{ field: 'seq', direction: 'asc' }] }));
  const adds = entries.filter((e) => e.action === 'addGrant');
  const undone = adds.filter((e) => e.outcome === 'refused');
  for (const e of undone) expect(String(e.detail)).toMatch(new RegExp(`— entry #\\d+ not done: grant ${String(grant.id)} was added meanwhile and gives this$`));
  const notDone = new Set(undone.map((e) => Number(/entry #(\d+) not done/.exec(String(e.detail))![1])));
  const standing = adds.filter((e) => e.outcome === 'ok' && !notDone.has(Number(e.seq)));
  expect(standing.map((e) => String(e.detail))).toEqual([expect.stringMatching(new RegExp(`^grant ${String(grant.id)}: `))]);

  // Revoked, the same grant is added anew (the key is freed by the revocation).
  expect((await runGovgraph(['grant', 'revoke', ...base(), String(grant.id)])).code).toBe(0);
  const anew = await runGovgraph(addArgs());
  expect(anew.stdout).toMatch(/^grant \S+: 620100-MZJ may read/);
  expect(await withSqliteStore(join(dir, 'data'), (s) => s.count(GRANTS))).toBe(2);
}, 60_000);

it('a store whose grants were stored before the key (two of them alike) gets it: grant add reads them, and adds one of its own', async () => {
  const data = join(dir, 'older');
  const imported = await runGovgraph(['catalogue', 'import', '--platform', fixture('platform.yaml'), '--data', data, '--publish', fixture('health.yaml')]);
  expect(imported.code, imported.stderr).toBe(0);
  const older = {
    requester: '620500-MZJ', resource: '620000-WJW-00007', items: '["doses"]', purposes: '["relief-review"]', unmasked: '[]', rows: null,
    from: '2026-01-05T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-05T00:00:00.000Z', createdBy: 'operator', requestId: null,
  };
  await withSqliteStore(data, (s) => s.insert(GRANTS, [{ id: 'older-1', ...older }, { id: 'older-2', ...older }]));
  const again = await runGovgraph(['grant', 'add', '--platform', fixture('platform.yaml'), '--data', data, '--requester', '620500-MZJ',
    '--resource', '620000-WJW-00007', '--items', 'doses', '--purposes', 'relief-review']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/^grant older-[12] already gives this .*; nothing added\n$/);
  const other = await runGovgraph(['grant', 'add', '--platform', fixture('platform.yaml'), '--data', data, '--requester', '620500-MZJ',
    '--resource', '620000-WJW-00007', '--items', 'doses,childName', '--purposes', 'relief-review']);
  expect(other.stdout).toMatch(/^grant \S+: 620500-MZJ may read/);
  expect(await withSqliteStore(data, (s) => s.find(GRANTS, { projection: ['id', 'givesKey'], sort: [{ field: 'createdAt', direction: 'asc' }] })))
    .toEqual([{ id: 'older-1', givesKey: 'grant:older-1' }, { id: 'older-2', givesKey: 'grant:older-2' }, { id: expect.any(String), givesKey: expect.stringMatching(/^gives:[0-9a-f]{64}$/) }]);
}, 60_000);
