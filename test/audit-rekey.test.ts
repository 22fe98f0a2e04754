// A deliberate change of the platform secret (found by ops22): the audit chain was keyed with the old key up to
// the change and the new one after, so `audit verify` said "broken at entry #1" for good, the appending
// commands refused until a gateway had recorded a request under the new key, and a supervisor could not tell
// a rotation from tampering. `govgraph audit rekey` (src/audit/rekey.ts, key-change.ts) records the change in
// one entry keyed with the new key, with a digest of the entries before it and a proof made with the previous
// key (GOVGRAPH_PREVIOUS_JWT_SECRET); verify checks across it. Real processes on the Guangxi fixture
// (test/fixtures/guangxi-audit).
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../src/audit/checkpoint.ts';
import { AUDIT_COLLECTION, chainFields, fieldsHash, fromRow, toRow, type AuditEntry } from '../src/audit/entry.ts';
import { ChainDigest, changeDetail, KEY_CHANGED_ACTION, keyId } from '../src/audit/key-change.ts';
import { auditKey, deriveAuditKey } from '../src/audit/key.ts';
import { appendAudit, auditTail } from '../src/audit/log.ts';
import { hasStoredSecret, JWT_SECRET_KEY, SETTINGS } from '../src/identity/secret.ts';
import { eq } from '../src/store/port.ts';
import { cliEnv, runGovgraph, withSqliteStore, type CliResult } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/guangxi-audit/${p}`, import.meta.url));
const OLD = 'guangxi-old-secret-0123456789-abcdefghijk';
const NEW = 'guangxi-new-secret-0123456789-lmnopqrstuv';
const WRONG = 'guangxi-wrong-secret-0123456789-wxyzabcde';
const bytes = (s: string) => new TextEncoder().encode(s);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gg-audit-rekey-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `govgraph ...args` with the secrets given (null: unset) and no checkpoint file unless named. */
function run(args: string[], secrets: { now?: string | null; previous?: string | null; checkpoints?: string }): Promise<CliResult> {
  const set: Record<string, string> = {};
  if (secrets.now) set.GOVGRAPH_JWT_SECRET = secrets.now;
  if (secrets.previous) set.GOVGRAPH_PREVIOUS_JWT_SECRET = secrets.previous;
  if (secrets.checkpoints) set.GOVGRAPH_AUDIT_CHECKPOINTS = secrets.checkpoints;
  const unset = ['GOVGRAPH_JWT_SECRET', 'GOVGRAPH_PREVIOUS_JWT_SECRET', 'GOVGRAPH_AUDIT_CHECKPOINTS'].filter((n) => !(n in set));
  return runGovgraph(args, { env: cliEnv(set, unset) });
}
const importCatalogue = (data: string, now: string | null) =>
  run(['catalogue', 'import', '--publish', '--platform', fixture('platform.yaml'), '--data', data, fixture('tax.yaml')], { now });
/** An operator command that appends two entries (attempted, done). */
const rotateKey = (data: string, now: string | null) => run(['platform', 'rotate-key', '--platform', fixture('platform.yaml'), '--data', data], { now });
const rekey = (data: string, secrets: { now?: string | null; previous?: string | null; checkpoints?: string }) => run(['audit', 'rekey', '--data', data], secrets);
const verify = (data: string, secrets: { now?: string | null; previous?: string | null; checkpoints?: string }) => run(['audit', 'verify', '--data', data], secrets);

function expectOk(r: CliResult): void {
  expect(r.code, r.stdout + r.stderr).toBe(0);
  for (const secret of [OLD, NEW, WRONG]) expect(r.stdout + r.stderr).not.toContain(secret);
}
function expectBroken(r: CliResult, seq: number, says: string): void {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stdout).toContain(`audit chain broken at entry #${seq}: `);
  expect(r.stdout).toContain(says);
}
const rows = (data: string) => withSqliteStore(data, (s) => s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] }));

/** A catalogue imported and the signing key rotated under OLD, then the change recorded: entries #1-#4 under OLD, #5 the change. */
async function rotated(name: string): Promise<string> {
  const data = join(dir, name);
  expectOk(await importCatalogue(data, OLD));
  expectOk(await rotateKey(data, OLD));
  const before = (await rows(data)).length;
  const r = await rekey(data, { now: NEW, previous: OLD });
  expectOk(r);
  expect(r.stdout).toContain(`audit key changed: entry #${before + 1} records it, keyed with the new secret, GOVGRAPH_JWT_SECRET`);
  expect(r.stdout).toContain(`entries #1-#${before} verified under GOVGRAPH_PREVIOUS_JWT_SECRET`);
  return data;
}

/** Sets `fields` of the stored entry `seq` (as someone who can write the store, without any key). */
const alter = (data: string, seq: number, fields: Record<string, string>) =>
  withSqliteStore(data, (s) => s.update(AUDIT_COLLECTION, eq('seq', seq), fields));

describe('audit rekey', () => {
  it('before it, verify under the new secret fails at entry #1 and the commands refuse; after it, verify is ok and the commands run', async () => {
    const data = join(dir, 'fault');
    expectOk(await importCatalogue(data, OLD));
    expectBroken(await verify(data, { now: NEW }), 1, 'hash does not match');
    const refused = await rotateKey(data, NEW);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('record the change with govgraph audit rekey, the secret of before exported as GOVGRAPH_PREVIOUS_JWT_SECRET');

    expectOk(await rekey(data, { now: NEW, previous: OLD }));
    const [change] = (await rows(data)).filter((r) => r.action === KEY_CHANGED_ACTION);
    expect(change.seq).toBe(3);
    expect(change.detail).toMatch(/^audit key changed after entry #2: entries #1-#2 are keyed with the previous secret; digest [0-9a-f]{64}; new key [0-9a-f]{16}; proof [0-9a-f]{64}$/);

    const full = await verify(data, { now: NEW, previous: OLD });
    expectOk(full);
    expect(full.stdout).toContain("the audit key changed at entry #3: entries #1-#2 are under a previous key, checked with GOVGRAPH_PREVIOUS_JWT_SECRET and the change's proof");
    const linksOnly = await verify(data, { now: NEW });
    expectOk(linksOnly);
    expect(linksOnly.stdout).toContain('the audit key changed at entry #3: entries #1-#2 are under a previous key, their contents checked against the digest the change recorded');

    expectOk(await rotateKey(data, NEW));
    expectOk(await verify(data, { now: NEW, previous: OLD }));
    // Once recorded, there is nothing more to record.
    const again = await rekey(data, { now: NEW, previous: OLD });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('there is no change to record; nothing was written');
  }, 60_000);

  it('still names the first broken entry for an edit on either side of the change, and a deletion before it', async () => {
    const data = await rotated('tamper');
    const base = join(dir, 'tamper-base');
    cpSync(data, base, { recursive: true });
    const copy = (name: string) => {
      const to = join(dir, name);
      cpSync(base, to, { recursive: true });
      return to;
    };

    const before = copy('tamper-before');
    await alter(before, 2, { detail: 'nothing happened here' });
    expectBroken(await verify(before, { now: NEW, previous: OLD }), 2, "hash does not match the entry's contents under the previous key");
    // Without the previous secret the change's digest, keyed with the new key, shows it at the change.
    expectBroken(await verify(before, { now: NEW }), 5, 'entries #1-#4 differ from those this key change recorded (its digest)');

    const after = copy('tamper-after');
    expectOk(await rotateKey(after, NEW));
    await alter(after, 6, { detail: 'nothing happened here' });
    expectBroken(await verify(after, { now: NEW, previous: OLD }), 6, "hash does not match the entry's contents (the entry was altered");
    expectBroken(await verify(after, { now: NEW }), 6, "hash does not match the entry's contents (the entry was altered");

    const deleted = copy('tamper-deleted');
    await withSqliteStore(deleted, (s) => s.delete(AUDIT_COLLECTION, eq('seq', 2)));
    expectBroken(await verify(deleted, { now: NEW, previous: OLD }), 3, 'entry #2 is missing');
    expectBroken(await verify(deleted, { now: NEW }), 3, 'entry #2 is missing');

    // Renumbered over the gap and relinked without the previous key: its hashes no longer match under it,
    // and the digest differs without it.
    const renumbered = copy('tamper-renumbered');
    await withSqliteStore(renumbered, async (s) => {
      const all = (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);
      await s.delete(AUDIT_COLLECTION, { kind: 'compare', field: 'seq', op: 'gte', value: 1 });
      const kept = all.filter((e) => e.seq !== 2).map((e, i, list) => ({ ...e, seq: i + 1, prevHash: i === 0 ? e.prevHash : list[i - 1].hash }));
      await s.insert(AUDIT_COLLECTION, kept.map(toRow));
      await s.delete('_audit_checkpoints', { kind: 'compare', field: 'seq', op: 'gte', value: 0 });
    });
    expect((await verify(renumbered, { now: NEW, previous: OLD })).code).toBe(1);
    expect((await verify(renumbered, { now: NEW })).code).toBe(1);
  }, 90_000);

  it('refuses a "key changed" entry forged without the previous secret', async () => {
    // Someone who holds the new secret (read from the store) but not the previous one ends the old chain with a
    // change of their own, its proof made with another key: the previous secret shows it.
    const data = join(dir, 'forged');
    expectOk(await importCatalogue(data, OLD));
    await withSqliteStore(data, async (s) => {
      const tail = (await auditTail(s))!;
      // The digest needs no key: the rows as stored.
      const digest = new ChainDigest();
      for (const row of await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })) digest.add(fromRow(row));
      const digestLine = digest.value();
      const current = deriveAuditKey(bytes(NEW));
      const detail = changeDetail({ after: tail.seq, digest: digestLine, newKey: keyId(current), proof: 'ab'.repeat(32) });
      const time = new Date().toISOString();
      const fields = chainFields(
        { requestId: 'forged', department: null, user: 'operator', purpose: null, operationName: null, documentHash: null, kind: 'operator', action: KEY_CHANGED_ACTION, resources: [], outcome: 'ok', detail },
        time, tail.seq + 1, tail.hash,
      );
      await s.insert(AUDIT_COLLECTION, [toRow(Object.assign(fields, { hash: fieldsHash(fields, current) }) as AuditEntry)]);
    });
    expectBroken(await verify(data, { now: NEW, previous: OLD }), 3, "the key change's proof does not verify under the previous key (GOVGRAPH_PREVIOUS_JWT_SECRET): it was not recorded by a holder of the previous secret (forged)");
    // Someone with no key at all: the entry itself does not verify under the new key.
    expectBroken(await verify(data, { now: WRONG, previous: OLD }), 3, 'hash does not match');
  }, 60_000);

  it('refuses a wrong previous secret, writing nothing: no entry, no secret made in the store', async () => {
    // The rotation of the secret kept in the store: its row deleted with the gateways stopped.
    const data = join(dir, 'kept');
    expectOk(await importCatalogue(data, null));
    expectOk(await rotateKey(data, null));
    const previous = await withSqliteStore(data, async (s) => {
      const [row] = await s.find(SETTINGS, { filter: eq('key', JWT_SECRET_KEY) });
      await s.delete(SETTINGS, eq('key', JWT_SECRET_KEY));
      return String(row.value);
    });
    const before = await rows(data);

    const wrong = await rekey(data, { previous: WRONG });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('govgraph: the audit log does not verify under GOVGRAPH_PREVIOUS_JWT_SECRET, nor under the new secret: broken at entry #1');
    expect(wrong.stderr).toContain('nothing was written');
    expect(wrong.stderr).not.toMatch(/\n\s+at /);
    const unset = await rekey(data, {});
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('GOVGRAPH_PREVIOUS_JWT_SECRET is unset');
    expect(await rows(data)).toEqual(before);
    expect(await withSqliteStore(data, hasStoredSecret)).toBe(false);

    const done = await rekey(data, { previous });
    expectOk(done);
    expect(done.stdout).toContain('a secret made now and kept in the store');
    expect(done.stdout + done.stderr).not.toContain(previous);
    expect(await withSqliteStore(data, hasStoredSecret)).toBe(true);
    expectOk(await rotateKey(data, null));
    expectOk(await verify(data, { previous }));
  }, 60_000);

  it('takes the entries a gateway recorded under the new secret before the change was, and keeps old checkpoints valid', async () => {
    const data = join(dir, 'gateway-first');
    const file = join(dir, 'gateway-first.jsonl');
    expectOk(await importCatalogue(data, OLD));
    await withSqliteStore(data, async (s) => {
      // The gateways' checkpoint of the old head, signed with the old key, then a gateway with the new secret.
      await writeCheckpoint(s, file, new Date(), deriveAuditKey(bytes(OLD)));
      await auditKey(s, { GOVGRAPH_JWT_SECRET: NEW });
      await appendAudit(s, { requestId: 'r1', department: '450100-MZJ', user: 'u', purpose: 'tax-check', operationName: null, documentHash: null, kind: 'read', action: null, resources: [], outcome: 'allowed', detail: null });
    });
    const r = await rekey(data, { now: NEW, previous: OLD, checkpoints: file });
    expectOk(r);
    expect(r.stdout).toContain('entries #1-#2 verified under GOVGRAPH_PREVIOUS_JWT_SECRET, entries #3-#3 under the new secret');
    expect(r.stdout).toContain(`checkpoint of entry #4 signed with the new key (the store and ${file})`);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    const full = await verify(data, { now: NEW, previous: OLD, checkpoints: file });
    expectOk(full);
    expect(full.stdout).toContain('4 entries, anchored by the checkpoint of entry #4');
    expectOk(await verify(data, { now: NEW, checkpoints: file }));

    // A checkpoint signed with the old key over an entry after the change: forged.
    const lines = readFileSync(file, 'utf8');
    await withSqliteStore(data, async (s) => {
      const forged = join(dir, 'forged-checkpoint.jsonl');
      writeFileSync(forged, lines);
      // Sign the new head with the old key, as a gateway not restarted would.
      const tail = (await auditTail(s))!;
      const { createHmac } = await import('node:crypto');
      const { canonicalJson } = await import('../src/audit/entry.ts');
      const head = { seq: tail.seq, hash: tail.hash, time: new Date().toISOString() };
      const mac = createHmac('sha256', deriveAuditKey(bytes(OLD))).update('govgraph-audit-checkpoint-v1\n').update(canonicalJson(head)).digest('hex');
      writeFileSync(forged, lines + JSON.stringify({ ...head, mac }) + '\n');
      const v = await verify(data, { now: NEW, previous: OLD, checkpoints: forged });
      expectBroken(v, 4, 'does not carry the platform');
    });
  }, 60_000);

  it('a writer still running with the previous secret refuses to append after the change (it would break the chain)', async () => {
    const data = join(dir, 'stale-gateway');
    expectOk(await importCatalogue(data, OLD));
    await withSqliteStore(data, async (s) => {
      await auditKey(s, { GOVGRAPH_JWT_SECRET: OLD }); // this Store keys with the old secret, as a gateway not restarted
      const read = () => appendAudit(s, { requestId: 'r', department: '450100-MZJ', user: 'u', purpose: 'tax-check', operationName: null, documentHash: null, kind: 'read', action: null, resources: [], outcome: 'allowed', detail: null });
      await read();
      expectOk(await rekey(data, { now: NEW, previous: OLD }));
      await expect(read()).rejects.toThrow('the platform secret was changed (entry #4, govgraph audit rekey) and this process runs with the previous one: restart it with the new secret');
    });
    expectOk(await verify(data, { now: NEW, previous: OLD }));
  }, 60_000);
});

describe('verifyAuditChain (GraphQL) after a change', () => {
  it('answers ok with the change, checked with the previous secret when the gateway has it, by the digest otherwise', async () => {
    const { loadPlatform } = await import('../src/catalogue/platform.ts');
    const { importCatalogueFiles } = await import('../src/catalogue/import.ts');
    const { startGateway } = await import('../src/server/app.ts');
    const { signToken } = await import('../src/identity/token.ts');
    const { openSqliteStore } = await import('../src/store/sqlite.ts');
    const { rekeyAudit } = await import('../src/audit/rekey.ts');
    const data = join(dir, 'graphql');
    const platform = loadPlatform(fixture('platform.yaml'));
    // Entries under the secret kept in the store, then that row deleted and the change recorded (a new secret made).
    const previous = await withSqliteStore(data, async (s) => {
      await importCatalogueFiles(s, platform, [fixture('tax.yaml')], { publish: true });
      const [row] = await s.find(SETTINGS, { filter: eq('key', JWT_SECRET_KEY) });
      await s.delete(SETTINGS, eq('key', JWT_SECRET_KEY));
      await rekeyAudit(s, { previous: bytes(String(row.value)), env: {}, checkpointFile: null });
      return String(row.value);
    });
    const ask = async (env: NodeJS.ProcessEnv) => {
      const store = await openSqliteStore(data);
      const saved = process.env.GOVGRAPH_PREVIOUS_JWT_SECRET;
      if (env.GOVGRAPH_PREVIOUS_JWT_SECRET) process.env.GOVGRAPH_PREVIOUS_JWT_SECRET = env.GOVGRAPH_PREVIOUS_JWT_SECRET;
      else delete process.env.GOVGRAPH_PREVIOUS_JWT_SECRET;
      const gateway = await startGateway({ platform, store, port: Number(process.env.GOVGRAPH_TEST_PORT ?? 0), pollMs: 0, auditCheckpoints: { file: null } });
      try {
        const token = await signToken(gateway.secret, { dept: '450000-DSJ', user: 'sup', roles: ['supervisor'], ttl: '1h' });
        const res = await fetch(`${gateway.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: '{ verifyAuditChain { ok firstBroken { seq reason } keyChanges { seq after previousKeyChecked } } }' }),
        });
        return ((await res.json()) as { data: { verifyAuditChain: unknown } }).data.verifyAuditChain;
      } finally {
        await gateway.close();
        await store.close();
        if (saved === undefined) delete process.env.GOVGRAPH_PREVIOUS_JWT_SECRET;
        else process.env.GOVGRAPH_PREVIOUS_JWT_SECRET = saved;
      }
    };
    expect(await ask({ GOVGRAPH_PREVIOUS_JWT_SECRET: previous })).toEqual({ ok: true, firstBroken: null, keyChanges: [{ seq: 3, after: 2, previousKeyChecked: true }] });
    expect(await ask({})).toEqual({ ok: true, firstBroken: null, keyChanges: [{ seq: 3, after: 2, previousKeyChecked: false }] });
  }, 60_000);
});
