// A log a release before keyed hashes wrote is told by its entries' plain SHA-256 (entry.ts hashedUnkeyed),
// and `serve` and the writing commands then refuse, saying "keep this store with the release that wrote it,
// and start this release on a new data folder". That hash is public: anyone who can write to the store can
// give an entry one. An entry so made at the tail of a keyed log made `serve` refuse to start with that
// advice (an operator paged at night told to leave the platform's data behind), while `audit verify` said
// the entry was altered. A log is an old release's only when its first entry is plain-hashed too; else the
// refusals, the gateway's minute checks and `audit verify` (at an entry #1 so altered) say what they said before. Sichuan fixture of the tests' own.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { unkeyedLogProblem } from '../src/audit/chain-key.ts';
import { AUDIT_COLLECTION, canonicalJson, entryHash, fromRow, hashedUnkeyed, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { auditKey } from '../src/audit/key.ts';
import { WHOLE_SEQ } from '../src/audit/log.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/sichuan-grants/${p}`, import.meta.url));
const SECRET = 'sichuan-forged-tail-secret-0123456789-abcd';
const env = cliEnv({ GOVGRAPH_JWT_SECRET: SECRET, GOVGRAPH_PLATFORM: fixture('platform.yaml') });
const dir = mkdtempSync(join(tmpdir(), 'gg-unkeyed-forged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The public hash of the releases before keyed hashes: SHA-256 over a domain and the entry's fields, no key. */
function plainHash(e: AuditEntry): string {
  const { seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, outcome, detail, prevHash } = e;
  const resources = e.resources.map((r) => ({ resource: r.resource, provider: r.provider, items: r.items, denied: r.denied, masked: r.masked, records: r.records }));
  const fields = { seq, time, requestId, department, user, purpose, operationName, documentHash, kind, action, resources, outcome, detail, prevHash };
  return createHash('sha256').update('govgraph-audit-v1\n').update(canonicalJson(fields)).digest('hex');
}

it('an entry given the plain hash at the tail of a keyed log is not taken for an old release’s log', async () => {
  const data = join(dir, 'keyed');
  const imported = await runGovgraph(['catalogue', 'import', '--publish', '--data', data, fixture('health.yaml')], { env });
  expect(imported.code, imported.stderr).toBe(0);

  await withSqliteStore(data, async (store) => {
    const [newest] = await store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
    const head = fromRow(newest);
    const forged: AuditEntry = { ...head, seq: head.seq + 1, prevHash: head.hash, detail: 'made by hand', hash: '' };
    forged.hash = plainHash(forged);
    expect(hashedUnkeyed(forged)).toBe(true); // the entry alone cannot tell
    await store.insert(AUDIT_COLLECTION, [toRow(forged)]);
    expect(await unkeyedLogProblem(store)).toBeNull(); // what serve asks at its start: it starts, as before
  });

  const grant = await runGovgraph(
    ['grant', 'add', '--data', data, '--requester', '510100-MZJ', '--resource', '510000-WJW-00001', '--items', 'certificate', '--purposes', 'welfare-review'],
    { env },
  );
  expect(grant.code).toBe(1);
  expect(grant.stderr).toContain('does not verify under the GOVGRAPH_JWT_SECRET set here');
  expect(grant.stderr).not.toContain('before keyed hashes');
  expect(grant.stderr).not.toMatch(/\n\s+at /);
}, 60_000);

it('entry #1 of a keyed log altered and given the plain hash is named altered by audit verify, not an old release’s', async () => {
  const data = join(dir, 'first');
  const imported = await runGovgraph(['catalogue', 'import', '--publish', '--data', data, fixture('health.yaml')], { env });
  expect(imported.code, imported.stderr).toBe(0);
  await withSqliteStore(data, async (store) => {
    const [first] = await store.find(AUDIT_COLLECTION, { filter: eq('seq', 1), limit: 1 });
    const altered: AuditEntry = { ...fromRow(first), detail: 'made by hand', hash: '' };
    altered.hash = plainHash(altered);
    expect(await store.update(AUDIT_COLLECTION, eq('seq', 1), toRow(altered))).toBe(1);
  });
  const verified = await runGovgraph(['audit', 'verify', '--data', data], { env });
  expect(verified.code).toBe(1);
  expect(verified.stdout + verified.stderr).toContain("audit chain broken at entry #1: hash does not match the entry's contents (the entry was altered");
  expect(verified.stdout + verified.stderr).not.toContain('before keyed hashes');
}, 60_000);

// A keyed release's gateway before serve refused such logs chained keyed entries after the plain ones: the
// log is still one a release before keyed hashes began, and verify says so at #1 (the second links to it).
it('a 25 November log a keyed gateway chained entries after is still said as begun before keyed hashes', async () => {
  const data = join(dir, 'mixed');
  mkdirSync(data);
  copyFileSync(fileURLToPath(new URL('./fixtures/upgrade-2026-11-25/store.sqlite', import.meta.url)), join(data, SQLITE_FILE));
  const oldEnv = cliEnv({ GOVGRAPH_PLATFORM: fileURLToPath(new URL('./fixtures/upgrade-2026-11-25/platform.yaml', import.meta.url)) }, ['GOVGRAPH_JWT_SECRET']);
  await withSqliteStore(data, async (store) => {
    const [newest] = await store.find(AUDIT_COLLECTION, { filter: WHOLE_SEQ, sort: [{ field: 'seq', direction: 'desc' }], limit: 1 });
    const head = fromRow(newest);
    const keyed: AuditEntry = { ...head, seq: head.seq + 1, prevHash: head.hash, detail: 'a keyed gateway', hash: '' };
    keyed.hash = entryHash(keyed, await auditKey(store, oldEnv)); // the secret kept in the fixture's store
    await store.insert(AUDIT_COLLECTION, [toRow(keyed)]);
  });
  const verified = await runGovgraph(['audit', 'verify', '--data', data], { env: oldEnv });
  expect(verified.code).toBe(1);
  expect(verified.stdout + verified.stderr).toContain('audit chain broken at entry #1: hash is a plain SHA-256');
}, 60_000);
