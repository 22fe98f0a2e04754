// `grant revoke` of a grant already revoked: it says so, when and by whom, and that nothing was revoked,
// exit 0 and no audit entry, as `grant add` of a grant that already exists ("already gives this ...;
// nothing added"). A revocation made by someone else between the command's read and its write is said the
// same way (exit 0; it was a CONFLICT, exit 1, where `grant add` losing its race exits 0), its `ok` entry
// followed by a `refused` one saying it was not done. On a Sichuan platform of the tests' own
// (test/fixtures/sichuan-grants).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS, revokeGrantOnce } from '../src/access/grants.ts';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { revokeAsOperator } from '../src/cli/grant.ts';
import type { Store } from '../src/store/port.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sichuan-grants/${name}`, import.meta.url));

let dir: string;
const base = () => ['--platform', fixture('platform.yaml'), '--data', join(dir, 'data')];
const add = async (purpose: string) => {
  const r = await runGovgraph(['grant', 'add', ...base(), '--requester', '510100-MZJ', '--resource', '510000-WJW-00001', '--items', 'motherName', '--purposes', purpose]);
  expect(r.code, r.stderr).toBe(0);
  return /^grant (\S+):/.exec(r.stdout)![1];
};
const revocations = () => withSqliteStore(join(dir, 'data'), async (s) =>
  (await s.find(AUDIT, { sort: [{ field: 'seq', direction: 'asc' }] })).filter((e) => e.action === 'revokeGrant').map((e) => [e.outcome, e.detail]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-revoke-again-'));
  const imported = await runGovgraph(['catalogue', 'import', ...base(), '--publish', fixture('health.yaml')]);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a second grant revoke says when and by whom it was revoked and that nothing was revoked: exit 0, no entry', async () => {
  const id = await add('welfare-review');
  const first = await runGovgraph(['grant', 'revoke', ...base(), id]);
  expect(first.code).toBe(0);
  const at = /^grant \S+ revoked at (\S+)\n$/.exec(first.stdout)![1];
  const logged = await revocations();
  expect(logged).toHaveLength(1);

  const again = await runGovgraph(['grant', 'revoke', ...base(), id]);
  expect(again).toEqual({ code: 0, stdout: `grant ${id} was already revoked at ${at} by operator; nothing revoked\n`, stderr: expect.any(String) });
  expect(await revocations()).toEqual(logged);
}, 60_000);

it('a revocation made meanwhile by another process is said as a second run says it; the entry is followed by one saying it was not done', async () => {
  const id = await add('permit-review');
  await withSqliteStore(join(dir, 'data'), async (store) => {
    // Another operator revokes it between this command's read and its write.
    const racing: Store = Object.create(store);
    racing.update = async (collection, filter, set) => {
      if (collection === GRANTS) await revokeGrantOnce(store, id, 'other-operator');
      return store.update(collection, filter, set);
    };
    const line = await revokeAsOperator(racing, id);
    expect(line).toMatch(new RegExp(`^grant ${id} was already revoked meanwhile at \\d{4}-\\S+ by other-operator; nothing revoked$`));
    expect((await store.find(GRANTS, { filter: { kind: 'compare', field: 'id', op: 'eq', value: id } }))[0].revokedBy).toBe('other-operator');
  });
  const mine = (await revocations()).filter(([, detail]) => String(detail).includes(id));
  expect(mine.map(([outcome]) => outcome)).toEqual(['ok', 'refused']);
  expect(mine[1][1]).toMatch(/not done: CONFLICT: Grant \S+ was revoked meanwhile by other-operator on /);
}, 60_000);
