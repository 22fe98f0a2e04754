// `grant add` run twice with the same arguments stored two identical grants: a supervisor read two
// decisions, and revoking one left the other giving the same. The second run now adds nothing and names
// the grant that already gives it; a grant differing in rows, purposes, unmasked items or end date is
// another grant. On a Sichuan platform of the tests' own (test/fixtures/sichuan-grants).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/sichuan-grants/${name}`, import.meta.url));

let dir: string;
const base = () => ['--platform', fixture('platform.yaml'), '--data', join(dir, 'data')];
// `more` may name other purposes (an option given twice is refused, not overridden).
const add = (...more: string[]) => runGovgraph(['grant', 'add', ...base(), '--requester', '510100-MZJ', '--resource', '510000-WJW-00001',
  '--items', 'motherName,certificate', ...(more.includes('--purposes') ? [] : ['--purposes', 'welfare-review']), ...more]);
const stored = () => withSqliteStore(join(dir, 'data'), async (s) => ({
  grants: (await s.find(GRANTS, { sort: [{ field: 'createdAt', direction: 'asc' }] })).map((r) => String(r.id)),
  adds: (await s.find(AUDIT, {})).filter((e) => e.action === 'addGrant').length,
}));
const idOf = (out: string) => /^grant (\S+):/.exec(out)![1];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-grant-twice-'));
  const imported = await runGovgraph(['catalogue', 'import', ...base(), '--publish', fixture('health.yaml')]);
  expect(imported.stderr).not.toMatch(/error/i);
  expect(imported.code).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a second identical grant add adds nothing and names the grant that gives it; another grant is added', async () => {
  const first = await add('--rows', '510104', '--unmasked', 'motherName');
  expect(first.code).toBe(0);
  const id = idOf(first.stdout);
  // The same, its lists in another order and a code in another case: the same grant.
  const again = await runGovgraph(['grant', 'add', ...base(), '--requester', '510100-MZJ', '--resource', '510000-wjw-00001',
    '--items', 'certificate,motherName', '--purposes', 'welfare-review', '--unmasked', 'motherName', '--rows', '510104']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(new RegExp(`^grant ${id} already gives this \\(made .* by operator\\): 510100-MZJ may read .*; nothing added\\n$`));
  expect(await stored()).toEqual({ grants: [id], adds: 1 });

  // Differing in rows (none: the whole region), in purposes, in end date: three other grants.
  const others = [await add('--unmasked', 'motherName'), await add('--rows', '510104', '--unmasked', 'motherName', '--purposes', 'permit-review'),
    await add('--rows', '510104', '--unmasked', 'motherName', '--until', '2099-12-31')];
  for (const o of others) expect(o.stdout).toMatch(/^grant \S+: 510100-MZJ may read/);
  expect((await stored()).grants).toHaveLength(4);

  // Once revoked, the same grant add gives it again.
  expect((await runGovgraph(['grant', 'revoke', ...base(), id])).code).toBe(0);
  const anew = await add('--rows', '510104', '--unmasked', 'motherName');
  expect(anew.stdout).toMatch(/^grant \S+: /);
  expect(idOf(anew.stdout)).not.toBe(id);
  expect(await stored()).toMatchObject({ adds: 5 });
}, 60_000);

it('a grant whose item a revision dropped and brought back gives less: the same grant add adds it anew', async () => {
  const first = await add('--until', '2098-01-31');
  const id = idOf(first.stdout);
  // A version without motherName, then one bringing it back: the grant decided before covers it no more.
  const without = join(dir, 'health-without.yaml');
  writeFileSync(without, readFileSync(fixture('health.yaml'), 'utf8').replace(/^ {6}- \{ name: motherName.*\n/m, ''));
  for (const file of [without, fixture('health.yaml')]) {
    const r = await runGovgraph(['catalogue', 'import', ...base(), '--publish', file]);
    expect(r.code, r.stderr).toBe(0);
  }
  const listed = await runGovgraph(['grant', 'list', ...base(), '--resource', '510000-WJW-00001']);
  expect(listed.stdout).toMatch(new RegExp(`^${id} .*set aside: motherName`, 'm'));
  const anew = await add('--until', '2098-01-31');
  expect(anew.stdout).toMatch(/^grant \S+: 510100-MZJ may read/);
  expect(idOf(anew.stdout)).not.toBe(id);
  // And that one, whole, is the same grant when given again.
  expect((await add('--until', '2098-01-31')).stdout).toMatch(new RegExp(`^grant ${idOf(anew.stdout)} already gives this`));
}, 60_000);
