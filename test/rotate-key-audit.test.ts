// `govgraph platform rotate-key` changes the key this platform signs its forwarded requests with: an
// operator's change that a supervisor reading the audit log must see (who, when, which key), as `grant add`
// and `data import` are seen. It wrote no entry (found by the audit walk, on a Guangxi platform). Now two,
// as the other operator commands write: `attempted` before the change, `done (entry #N)` after, naming the
// key ids (public: /.well-known/jwks.json serves them), never key material.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { SIGNING_KEYS_KEY } from '../src/identity/platform-keys.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { eq } from '../src/store/port.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/guangxi-audit/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-rotate-audit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('writes the rotation to the audit log, attempted then done, with the key ids and no key material', async () => {
  const env = cliEnv({}, ['GOVGRAPH_JWT_SECRET', 'GOVGRAPH_AUDIT_CHECKPOINTS']);
  const common = ['--platform', fixture('platform.yaml'), '--data', dir];
  expect((await runGovgraph(['catalogue', 'import', fixture('tax.yaml'), '--publish', ...common], { env })).code).toBe(0);
  // The first rotation of a store with no key yet: none was current (the key it makes is retired at once).
  const first = await runGovgraph(['platform', 'rotate-key', ...common], { env });
  expect(first.code, first.stderr).toBe(0);
  const retired = /signing key (\S+) is current/.exec(first.stdout)![1];
  const r = await runGovgraph(['platform', 'rotate-key', ...common], { env });
  expect(r.code, r.stderr).toBe(0);
  const current = /signing key (\S+) is current/.exec(r.stdout)![1];
  expect(r.stdout).toMatch(new RegExp(`^ {2}${retired} retired at`, 'm'));

  await withSqliteStore(dir, async (store) => {
    const rows = await store.find(AUDIT_COLLECTION, { filter: eq('action', 'rotateKey'), sort: [{ field: 'seq', direction: 'asc' }] });
    const entries = rows.map(fromRow);
    expect(entries.map((e) => [e.kind, e.department, e.user, e.outcome, e.resources])).toEqual(Array(4).fill(['operator', null, 'operator', 'ok', []]));
    expect(entries[0].detail).toBe("rotation of the platform's signing key attempted (current: none)");
    expect(entries[1].detail).toMatch(new RegExp(`^rotation of the platform's signing key done \\(entry #${entries[0].seq}\\): ${retired} is current, \\S+ retired$`));
    expect(entries[2].detail).toBe(`rotation of the platform's signing key attempted (current: ${retired})`);
    expect(entries[3].detail).toBe(`rotation of the platform's signing key done (entry #${entries[2].seq}): ${current} is current, ${retired} retired`);
    expect(entries[1].requestId).toBe(entries[0].requestId);
    expect(entries[3].requestId).toBe(entries[2].requestId);
    // No private or public key material, only the ids.
    const keys = JSON.parse(String((await store.find(SETTINGS, { filter: eq('key', SIGNING_KEYS_KEY) }))[0]?.value ?? '[]')) as { privateJwk?: { d?: string }; publicJwk?: { x?: string } }[];
    for (const k of keys) {
      for (const secret of [k.privateJwk?.d, k.publicJwk?.x].filter(Boolean)) expect(JSON.stringify(rows)).not.toContain(secret);
    }
    expect((await verifyAuditChain(store, undefined, { env })).ok).toBe(true);
  });
}, 60_000);

it('changes nothing when its first entry cannot be written, not even the first key of a store with none (found by review8)', async () => {
  // The command read the current key with storedKeys, which makes the first key of a store that has none:
  // under a store refusing audit writes it exited 1, no entry written, and left a signing key made.
  const empty = mkdtempSync(join(tmpdir(), 'govgraph-rotate-refused-'));
  try {
    const env = cliEnv({}, ['GOVGRAPH_JWT_SECRET', 'GOVGRAPH_AUDIT_CHECKPOINTS']);
    const common = ['--platform', fixture('platform.yaml'), '--data', empty];
    expect((await runGovgraph(['catalogue', 'import', fixture('tax.yaml'), ...common], { env })).code).toBe(0);
    const keysRow = () => withSqliteStore(empty, (store) => store.find(SETTINGS, { filter: eq('key', SIGNING_KEYS_KEY) }));
    expect(await keysRow()).toEqual([]);
    const raw = new Database(join(empty, 'govgraph.sqlite'));
    raw.exec(`CREATE TRIGGER refuse_audit BEFORE INSERT ON "c:${AUDIT_COLLECTION}" BEGIN SELECT RAISE(ABORT, 'audit refused'); END`);
    raw.close();
    const r = await runGovgraph(['platform', 'rotate-key', ...common], { env });
    expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([1, 'govgraph: The audit log cannot be written: insert into _audit: SQLite failed: audit refused']);
    expect(await keysRow()).toEqual([]);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}, 60_000);
