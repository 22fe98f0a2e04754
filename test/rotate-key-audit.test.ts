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
  const r = await runGovgraph(['platform', 'rotate-key', ...common], { env });
  expect(r.code, r.stderr).toBe(0);
  const current = /signing key (\S+) is current/.exec(r.stdout)![1];
  const retired = /^ {2}(\S+) retired at/m.exec(r.stdout)![1];

  await withSqliteStore(dir, async (store) => {
    const rows = await store.find(AUDIT_COLLECTION, { filter: eq('action', 'rotateKey'), sort: [{ field: 'seq', direction: 'asc' }] });
    const entries = rows.map(fromRow);
    expect(entries.map((e) => [e.kind, e.department, e.user, e.outcome, e.resources])).toEqual([
      ['operator', null, 'operator', 'ok', []],
      ['operator', null, 'operator', 'ok', []],
    ]);
    expect(entries[0].detail).toBe(`rotation of the platform's signing key attempted (current: ${retired})`);
    expect(entries[1].detail).toBe(`rotation of the platform's signing key done (entry #${entries[0].seq}): ${current} is current, ${retired} retired`);
    expect(entries[1].requestId).toBe(entries[0].requestId);
    // No private or public key material, only the ids.
    const keys = JSON.parse(String((await store.find(SETTINGS, { filter: eq('key', SIGNING_KEYS_KEY) }))[0]?.value ?? '[]')) as { privateJwk?: { d?: string }; publicJwk?: { x?: string } }[];
    for (const k of keys) {
      for (const secret of [k.privateJwk?.d, k.publicJwk?.x].filter(Boolean)) expect(JSON.stringify(rows)).not.toContain(secret);
    }
    expect((await verifyAuditChain(store, undefined, { env })).ok).toBe(true);
  });
}, 60_000);
