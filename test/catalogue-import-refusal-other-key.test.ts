// A `catalogue import` refused for the platform file of another region is written into the store it was
// pointed at (import-refusal.ts), whose audit log is keyed with that store's platform secret. The command
// keys the entry with its own: GOVGRAPH_JWT_SECRET when set (the other platform's, left exported), else the
// secret kept in the store, made there when the store keeps none (its gateways use GOVGRAPH_JWT_SECRET).
// Either way the store's chain got an entry its key does not verify: `audit verify` failed on a log nobody
// altered, and its gateways refused to checkpoint ("does not verify under this gateway's key"). The entry
// is written only when the log's newest entry verifies under the command's key, and never makes a secret.
// Real processes, on a Shandong platform of the tests' own (test/fixtures/quality) and Anhui's file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION as AUDIT } from '../src/audit/entry.ts';
import { hasStoredSecret } from '../src/identity/secret.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/${p}`, import.meta.url));
const SHANDONG_SECRET = 'shandong-gateways-secret-0123456789-abcdefgh';
const ANHUI_SECRET = 'anhui-gateways-secret-0123456789-abcdefghijkl';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-import-refused-key-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], secret?: string) =>
  runGovgraph(args, { env: cliEnv(secret ? { GOVGRAPH_JWT_SECRET: secret } : {}, secret ? [] : ['GOVGRAPH_JWT_SECRET']) });
const importInto = (data: string, platform: string, file: string, secret?: string) =>
  run(['catalogue', 'import', '--publish', '--platform', fixture(platform), '--data', data, fixture(file)], secret);
const refusedEntries = (data: string) =>
  withSqliteStore(data, async (s) => (await s.find(AUDIT, {})).filter((e) => e.action === 'catalogue import' && e.outcome === 'refused').length);

it("the store's secret kept in it, the other platform's GOVGRAPH_JWT_SECRET exported: its log still verifies", async () => {
  const data = join(dir, 'kept');
  expect((await importInto(data, 'quality/platform.yaml', 'quality/police.yaml')).code).toBe(0);
  const other = await importInto(data, 'anhui-keys/platform.yaml', 'anhui-keys/health.yaml', ANHUI_SECRET);
  expect(other.code).toBe(1);
  expect(other.stderr).toContain('but this store belongs to the platform of region 370000');
  const verified = await run(['audit', 'verify', '--data', data]);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  expect(await refusedEntries(data)).toBe(0);
}, 60_000);

it("the store's gateways keyed by GOVGRAPH_JWT_SECRET, none exported: no secret made in it, its log still verifies", async () => {
  const data = join(dir, 'env');
  expect((await importInto(data, 'quality/platform.yaml', 'quality/police.yaml', SHANDONG_SECRET)).code).toBe(0);
  const other = await importInto(data, 'anhui-keys/platform.yaml', 'anhui-keys/health.yaml');
  expect(other.code).toBe(1);
  expect(await withSqliteStore(data, (s) => hasStoredSecret(s))).toBe(false);
  const verified = await run(['audit', 'verify', '--data', data], SHANDONG_SECRET);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
}, 60_000);

it('the same key as the store: the refusal is on record, and the log verifies', async () => {
  const data = join(dir, 'same');
  expect((await importInto(data, 'quality/platform.yaml', 'quality/police.yaml', SHANDONG_SECRET)).code).toBe(0);
  expect((await importInto(data, 'anhui-keys/platform.yaml', 'anhui-keys/health.yaml', SHANDONG_SECRET)).code).toBe(1);
  expect(await refusedEntries(data)).toBe(1);
  const verified = await run(['audit', 'verify', '--data', data], SHANDONG_SECRET);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
}, 60_000);
