// A rolling upgrade: a gateway or command older than grants' givesKey (before 6f3c3ef) revokes a grant by
// setting revokedAt and revokedBy alone (its revokeGrant, and the revokeGrant field), so a grant that a new
// `grant add` stored kept what it gave as its unique key once revoked there. The same grant added again was
// refused by the store's unique index for good (a DuplicateKeyError stack trace, exit 1, after an
// "addGrant ok" entry), though no grant in force gave it. Now the key of a revoked grant is released and the
// grant added. On a Tianjin platform of the upgrade walk's own (test/fixtures/tianjin-upgrade).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { and, eq } from '../src/store/port.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tianjin-upgrade/${name}`, import.meta.url));

let dir: string;
const data = () => join(dir, 'data');
const base = () => ['--platform', fixture('platform.yaml'), '--data', data()];
const addArgs = () => ['grant', 'add', ...base(), '--requester', '120101-MZJ', '--resource', '120000-WJW-00001', '--items', 'certificate,weightGrams', '--purposes', 'relief-review'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-upgrade-revoked-'));
  const imported = await runGovgraph(['catalogue', 'import', ...base(), '--publish', fixture('health.yaml')]);
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a grant revoked by an older writer (its key kept) is added again by grant add, and only once', async () => {
  const first = await runGovgraph(addArgs());
  expect(first.code, first.stderr).toBe(0);
  const [grant] = await withSqliteStore(data(), (s) => s.find(GRANTS, {}));
  // The older writer's revocation, as its revokeGrant wrote it: the key stays.
  await withSqliteStore(data(), (s) =>
    s.update(GRANTS, and(eq('id', String(grant.id)), eq('revokedAt', null)), { revokedAt: new Date().toISOString(), revokedBy: 'older gateway' }),
  );

  const again = await runGovgraph(addArgs());
  expect(again.stderr).not.toMatch(/DuplicateKeyError/);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/^grant \S+: 120101-MZJ may read certificate, weightGrams of 120000-WJW-00001 for relief-review/);

  // The new one holds the key now: a third run adds nothing, and the revoked grant stays revoked.
  const third = await runGovgraph(addArgs());
  expect(third.code, third.stderr).toBe(0);
  expect(third.stdout).toMatch(/already gives this .*; nothing added\n$/);
  const rows = await withSqliteStore(data(), (s) => s.find(GRANTS, { sort: [{ field: 'createdAt', direction: 'asc' }] }));
  expect(rows.map((r) => [r.id === grant.id, r.revokedAt != null])).toEqual([[true, true], [false, false]]);
  expect(rows[0].givesKey).toBe(`grant:${String(grant.id)}`);
  const verify = await runGovgraph(['audit', 'verify', ...base()]);
  expect(verify.code, verify.stdout + verify.stderr).toBe(0);
}, 60_000);
