// A command appends audit entries keyed with the secret it has (src/audit/key.ts): GOVGRAPH_JWT_SECRET as
// exported in its shell, else the secret kept in the store, made there when there is none. Run without the
// gateways' GOVGRAPH_JWT_SECRET, or with another value, its entries broke the chain for good (`audit verify`:
// "hash does not match" at its first entry; the gateways refused to checkpoint), and with no secret at all
// it also made one in a store whose gateways never used one. Every command that appends is now refused
// where it opens its store (options.ts, src/audit/chain-key.ts), before it changes anything, in one line
// naming the secret to export and never a secret. Real processes on a Sichuan platform of the tests' own
// (test/fixtures/sichuan-grants).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository/rows.ts';
import { hasStoredSecret } from '../src/identity/secret.ts';
import { cliEnv, runGovgraph, withSqliteStore, type CliResult } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/sichuan-grants/${p}`, import.meta.url));
const PLATFORM = fixture('platform.yaml');
const RESOURCE = '510000-WJW-00001';
const GATEWAYS_SECRET = 'sichuan-gateways-secret-0123456789-abcdefgh';
const OTHER_SECRET = 'sichuan-staging-secret-0123456789-ijklmnopq';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-audit-key-refusal-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `govgraph ...args` with GOVGRAPH_JWT_SECRET set to `secret`, or unset. */
const run = (args: string[], secret: string | null) =>
  runGovgraph(args, { env: cliEnv(secret === null ? {} : { GOVGRAPH_JWT_SECRET: secret }, secret === null ? ['GOVGRAPH_JWT_SECRET'] : []) });
const importCatalogue = (data: string, secret: string | null) =>
  run(['catalogue', 'import', '--publish', '--platform', PLATFORM, '--data', data, fixture('health.yaml')], secret);
const importRecords = (data: string, secret: string | null) => run(['data', 'import', '--resource', RESOURCE, '--data', data, fixture('births.jsonl')], secret);
const addGrant = (data: string, secret: string | null) =>
  run(
    ['grant', 'add', '--platform', PLATFORM, '--data', data, '--requester', '510100-MZJ', '--resource', RESOURCE, '--items', 'certificate,motherName', '--purposes', 'welfare-review'],
    secret,
  );

/** What a refused command must leave as it was: the log, the grants, the records, the catalogue versions, and whether a secret is kept. */
const contents = (data: string) =>
  withSqliteStore(data, async (s) => ({
    audit: (await s.find(AUDIT, {})).length,
    grants: (await s.find(GRANTS, {})).length,
    records: (await s.find(`r_${RESOURCE.toLowerCase().replace(/-/g, '_')}`, {})).length,
    versions: (await s.find(CATALOGUE_VERSIONS, {})).length,
    secretKept: await hasStoredSecret(s),
  }));

function expectRefused(r: CliResult, says: string): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toContain(says);
  expect(lines.at(-1)).toContain('nothing was changed');
  expect(r.stderr + r.stdout).not.toContain(GATEWAYS_SECRET);
  expect(r.stderr + r.stdout).not.toContain(OTHER_SECRET);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

async function expectVerifies(data: string, secret: string | null): Promise<void> {
  const verified = await run(['audit', 'verify', '--data', data], secret);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
}

it("gateways keyed by GOVGRAPH_JWT_SECRET: data import without it exported, grant add with another value, are refused and change nothing", async () => {
  const data = join(dir, 'env-keyed');
  expect((await importCatalogue(data, GATEWAYS_SECRET)).code).toBe(0);
  const before = await contents(data);
  expect(before.secretKept).toBe(false);

  expectRefused(await importRecords(data, null), 'GOVGRAPH_JWT_SECRET is unset here and the store keeps no secret');
  expectRefused(await addGrant(data, OTHER_SECRET), 'does not verify under the GOVGRAPH_JWT_SECRET set here: export the GOVGRAPH_JWT_SECRET the gateways');
  // A padding around the gateways' value is another secret too (one fixed since, or left in an env file).
  expectRefused(await addGrant(data, `${GATEWAYS_SECRET}\n`), 'does not verify under the GOVGRAPH_JWT_SECRET set here');
  expect(await contents(data)).toEqual(before); // no secret made, no entry, no grant, no record
  await expectVerifies(data, GATEWAYS_SECRET);

  // With the gateways' secret both go on, and the chain still verifies.
  expect((await importRecords(data, GATEWAYS_SECRET)).code).toBe(0);
  expect((await addGrant(data, GATEWAYS_SECRET)).code).toBe(0);
  expect(await contents(data)).toMatchObject({ grants: 1, records: 3, secretKept: false });
  await expectVerifies(data, GATEWAYS_SECRET);
}, 120_000);

it('gateways keyed by the secret kept in the store: catalogue import and grant add with GOVGRAPH_JWT_SECRET exported are refused', async () => {
  const data = join(dir, 'store-keyed');
  expect((await importCatalogue(data, null)).code).toBe(0);
  const before = await contents(data);
  expect(before.secretKept).toBe(true);

  expectRefused(await importCatalogue(data, OTHER_SECRET), 'GOVGRAPH_JWT_SECRET is set here, but the audit log\'s newest entry #');
  expectRefused(await addGrant(data, OTHER_SECRET), 'unset GOVGRAPH_JWT_SECRET for this command');
  expect(await contents(data)).toEqual(before);
  await expectVerifies(data, null);
  expect((await addGrant(data, null)).code).toBe(0);
  await expectVerifies(data, null);
}, 120_000);

it('the commands that only read still run under another key: grant list, catalogue list, audit verify says where it breaks', async () => {
  const data = join(dir, 'readers');
  expect((await importCatalogue(data, GATEWAYS_SECRET)).code).toBe(0);
  expect((await run(['grant', 'list', '--data', data], OTHER_SECRET)).code).toBe(0);
  expect((await run(['catalogue', 'list', '--platform', PLATFORM, '--data', data], null)).code).toBe(0);
  const verify = await run(['audit', 'verify', '--data', data], OTHER_SECRET);
  expect(verify.code).toBe(1);
  expect(verify.stdout).toContain('audit chain broken at entry #1');
  expect(await withSqliteStore(data, (s) => hasStoredSecret(s))).toBe(false);
}, 120_000);
