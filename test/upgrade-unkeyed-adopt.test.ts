// `govgraph audit adopt` (src/audit/adopt.ts, adoption.ts) on a store the release of 25 November 2026 wrote
// (test/fixtures/upgrade-2026-11-25): its log is plain SHA-256, which this release refused to append to
// (every command and serve: "start this release on a new data folder"). Adopted, the same store serves the
// same records and appends keyed entries that verify; what an attacker who can write the store (and does not
// hold the key) does to the plain part after the adoption, or to the adoption itself, fails verify.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptUnkeyedLog } from '../src/audit/adopt.ts';
import { AUDIT_COLLECTION, fieldsHash, toRow, writtenFields } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { openStore } from '../src/store/open.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import type { Row, Store } from '../src/store/port.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { postQuery, whileServed } from './helpers/served.ts';
import { copyOfUnkeyedStore, keptKey, PLAIN_ENTRIES, plainHash, rawLog, rechainPlain, rewrite } from './helpers/unkeyed-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-adopt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const copyOfStore = (name: string) => copyOfUnkeyedStore(dir, name);
const env0 = { GOVGRAPH_JWT_SECRET: undefined } as NodeJS.ProcessEnv; // the secret kept in the store keys the log

const verify = (data: string) => withSqliteStore(data, (s) => verifyAuditChain(s, undefined, { env: env0 }));
const adopt = (data: string) => withSqliteStore(data, (s) => adoptUnkeyedLog(s, { env: env0, checkpointFile: null }));

describe('audit adopt on the store the release of 25 November 2026 wrote', () => {
  it('adopts it: verify says where, commands and serve work again, the same records are served, new entries verify', async () => {
    const { data, env } = copyOfStore('upgrade');
    const records = (() => {
      const db = new Database(join(data, SQLITE_FILE), { readonly: true });
      try {
        return (db.prepare('SELECT doc FROM "c:r_220000_gat_00001"').pluck().all() as string[]).map((d) => JSON.parse(d) as { idNumber: string; fullName: string });
      } finally {
        db.close();
      }
    })();
    const refused = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('run govgraph audit adopt');
    expect(refused.stderr).not.toContain('new data folder');

    const adopted = await runGovgraph(['audit', 'adopt'], { env });
    expect(adopted.stderr).not.toMatch(/\n\s+at /);
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain(`audit log adopted: entry #${PLAIN_ENTRIES + 1} records entries #1-#${PLAIN_ENTRIES} (plain SHA-256, as written before keyed hashes)`);
    const verified = await runGovgraph(['audit', 'verify'], { env });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`^audit chain ok: ${PLAIN_ENTRIES + 1} entries`));
    expect(verified.stdout).toMatch(new RegExp(`\\n  entries #1-#${PLAIN_ENTRIES} are plain SHA-256 as written before keyed hashes; adopted at entry #${PLAIN_ENTRIES + 1} on \\d{4}-\\d\\d-\\d\\dT`));

    const again = await runGovgraph(['audit', 'adopt'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n').at(-1)).toBe(
      `govgraph: the audit log was adopted already, at entry #${PLAIN_ENTRIES + 1} (entries #1-#${PLAIN_ENTRIES} plain SHA-256): there is nothing more to adopt; nothing was written`,
    );

    const granted = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber,fullName', '--purposes', 'residence-check'], { env });
    expect(granted.stderr).toBe(granted.stderr.replace(/\n\s+at /, '')); // no stack
    expect(granted.code).toBe(0);
    // The grant the old release stored: idNumber masked, fullName unmasked.
    const token = await runGovgraph(['token', '--dept', '220100-ZJJ', '--user', 'zhao.min', '--roles', 'applicant', '--ttl', '10m'], { env });
    expect(token.code).toBe(0);

    type Residents = { jlPolice: { residents: { totalCount: number; nodes: { idNumber: string; fullName: string }[] } } };
    const { result: body, output } = await whileServed(env, (url) =>
      postQuery<Residents>(url, token.stdout.trim(), '{ jlPolice { residents(first: 100) { totalCount nodes { idNumber fullName } } } }', { 'x-purpose': 'housing-check' }),
    );
    expect(body.errors).toBeUndefined();
    const got = body.data!.jlPolice.residents;
    expect(got.totalCount).toBe(records.length);
    const key = (r: { idNumber: string; fullName: string }) => `${r.idNumber} ${r.fullName}`;
    const masked = (r: { idNumber: string; fullName: string }) => ({ idNumber: `${r.idNumber.slice(0, 6)}********${r.idNumber.slice(14)}`, fullName: r.fullName });
    expect(got.nodes.map(key).sort()).toEqual(records.map(masked).map(key).sort());
    expect(output).not.toContain('AuditHeadError');
    const after = await runGovgraph(['audit', 'verify'], { env });
    expect(after.code).toBe(0);
    const n = Number(/audit chain ok: (\d+) entries/.exec(after.stdout)![1]);
    expect(n).toBeGreaterThan(PLAIN_ENTRIES + 2); // the grant, the token's and the read's entries, all keyed
    expect(after.stdout).toContain(`adopted at entry #${PLAIN_ENTRIES + 1} on`);
  }, 180_000);

  it('refuses an empty log and a keyed log, in one line, writing nothing (a mixed log: upgrade-mixed-adopt)', async () => {
    const empty = copyOfStore('empty');
    const db = new Database(join(empty.data, SQLITE_FILE));
    db.prepare(`DELETE FROM "c:${AUDIT_COLLECTION}"`).run();
    db.close();
    await expect(adopt(empty.data)).rejects.toThrow(/^the audit log is empty: there is no entry written before keyed hashes to adopt; nothing was written$/);

    const keyed = copyOfStore('keyed');
    await adopt(keyed.data);
    // Entry #1 rewritten keyed (as a keyed release's store is): not a log to adopt.
    const key = await keptKey(keyed.data);
    const fresh = join(dir, 'keyed-fresh');
    await withSqliteStore(fresh, async (s) => {
      const fields = writtenFields({ requestId: 'r1', department: null, user: 'operator', purpose: null, operationName: null, documentHash: null, kind: 'operator', action: 'addGrant', resources: [], outcome: 'ok', detail: null }, new Date().toISOString(), 1, '0'.repeat(64));
      await s.insert(AUDIT_COLLECTION, [toRow(Object.assign(fields, { hash: fieldsHash(fields, key) }))]);
    });
    await expect(adopt(fresh)).rejects.toThrow("the audit log's entry #1 is not a plain SHA-256 of a release before keyed hashes: the log is keyed with the platform key, and there is nothing to adopt");

  }, 60_000);

  it('starts the checkpoint file the gateways will append to (that release signed none): missing or empty, as docs/operations.md runs it', async () => {
    for (const [name, made] of [['missing', false], ['empty', true]] as const) {
      const { data, env } = copyOfStore(`checkpoints-${name}`);
      const folder = join(dir, `log-${name}`);
      mkdirSync(folder);
      const file = join(folder, 'audit-checkpoints.jsonl');
      if (made) writeFileSync(file, '');
      const adopted = await runGovgraph(['audit', 'adopt', '--data', data, '--checkpoints', file], { env });
      expect(adopted.stderr, name).not.toContain('not a checkpoint file');
      expect(adopted.code, name).toBe(0);
      expect(adopted.stdout).toContain(`checkpoint of entry #${PLAIN_ENTRIES + 1} signed (the store and ${file})`);
      expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
      const verified = await runGovgraph(['audit', 'verify', '--data', data, '--checkpoints', file], { env });
      expect(verified.code, name).toBe(0);
      expect(verified.stdout).toContain(`anchored by the checkpoint of entry #${PLAIN_ENTRIES + 1}`);
    }
    // Not in the data folder, nor in a folder that is not there: refused, nothing written.
    const { data, env } = copyOfStore('checkpoints-refused');
    for (const [file, why] of [[join(data, 'checkpoints.jsonl'), 'lies in the data folder'], [join(dir, 'no-such-folder', 'c.jsonl'), '--checkpoints']] as const) {
      const refused = await runGovgraph(['audit', 'adopt', '--data', data, '--checkpoints', file], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(why);
      expect(existsSync(file)).toBe(false);
    }
    expect(rawLog(data)).toHaveLength(PLAIN_ENTRIES);
  }, 60_000);

  it('refuses a plain part that does not verify (an entry altered before the adoption, not rehashed)', async () => {
    const { data } = copyOfStore('altered-before');
    rewrite(data, (rows) => (rows[4].detail = 'grant revoked by nobody'));
    await expect(adopt(data)).rejects.toThrow(/the audit log does not verify as written before keyed hashes: broken at entry #5: hash does not match/);
    expect(rawLog(data)).toHaveLength(PLAIN_ENTRIES);
  });

  it('after the adoption, rewriting the plain part fails verify, however rehashed', async () => {
    const { data } = copyOfStore('rewritten');
    await adopt(data);
    expect(await verify(data)).toMatchObject({ ok: true, adopted: { seq: PLAIN_ENTRIES + 1, after: PLAIN_ENTRIES } });
    rewrite(data, (rows) => (rows[2].detail = `${String(rows[2].detail)} (edited)`));
    expect((await verify(data)).firstBroken).toEqual({ seq: 3, reason: expect.stringContaining('hash does not match the entry\'s contents (plain SHA-256') });
    rewrite(data, (rows) => rechainPlain(rows, 3)); // the plain chain made whole again: only the adoption's link tells
    expect((await verify(data)).firstBroken).toEqual({
      seq: PLAIN_ENTRIES + 1,
      reason: `entries #1-#${PLAIN_ENTRIES} differ from those adopted at this entry (the plain head it links to): one of them was rewritten since the adoption`,
    });
  });

  it('a field the plain hash does not cover, given to a plain entry, fails verify', async () => {
    const { data } = copyOfStore('unhashed');
    await adopt(data);
    rewrite(data, (rows) => {
      rows[1].addressedTo = '220200-MZJ'; // would show the entry to that department
      rows[1].providers = `${String(rows[1].providers)}220200-MZJ|`;
    });
    expect((await verify(data)).firstBroken).toEqual({ seq: 2, reason: expect.stringContaining('the entry holds addressedTo, which a release before keyed hashes did not write') });
  });

  it('an adoption forged without the key fails verify at its entry, and the commands stay refused', async () => {
    const { data, env } = copyOfStore('forged');
    // The entry as adopt makes it, keyed with a secret other than the platform's; no checkpoint (it would be forged too).
    await withSqliteStore(data, (s) => adoptUnkeyedLog(s, { env: { GOVGRAPH_JWT_SECRET: 'not-the-platform-secret-of-32-bytes!!' }, checkpointFile: null }));
    const db = new Database(join(data, SQLITE_FILE));
    db.prepare('DELETE FROM "c:_audit_checkpoints"').run();
    db.close();
    const r = await verify(data);
    expect(r.firstBroken).toEqual({ seq: PLAIN_ENTRIES + 1, reason: `the adoption of the log recorded at this entry does not verify under the platform's key: it was forged (or altered), so entries #1-#${PLAIN_ENTRIES} are not adopted` });
    const refused = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`newest entry #${PLAIN_ENTRIES + 1} does not verify`);
  });

  it('a plain-hashed entry appended after the adoption fails verify; serve starts and says so, the commands name it (not adopt again)', async () => {
    const { data, env } = copyOfStore('plain-after');
    await adopt(data);
    await withSqliteStore(data, async (s) => {
      const [tail] = rawLog(data).slice(-1);
      const row: Row = { ...toRow(Object.assign(writtenFields({ requestId: 'r23', department: null, user: 'operator', purpose: null, operationName: null, documentHash: null, kind: 'operator', action: 'addGrant', resources: [], outcome: 'ok', detail: null }, new Date().toISOString(), PLAIN_ENTRIES + 2, String(tail.hash)), { hash: '' })) };
      row.resources = '[]';
      row.hash = plainHash(row as Record<string, unknown>);
      await s.insert(AUDIT_COLLECTION, [row]);
    });
    expect((await verify(data)).firstBroken).toEqual({ seq: PLAIN_ENTRIES + 2, reason: expect.stringContaining(`hash is a plain SHA-256 after the log was adopted at entry #${PLAIN_ENTRIES + 1}`) });
    // Said as any entry that does not verify: "run govgraph audit adopt" here was a loop (adopt: "adopted already").
    const refused = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`newest entry #${PLAIN_ENTRIES + 2} does not verify`);
    expect(refused.stderr).not.toContain('audit adopt');
    const { output } = await whileServed(env, async () => {});
    expect(output).toContain(`"error":"AuditHeadError"`);
    expect(output).toContain(`"reason":"The audit log's newest entry #${PLAIN_ENTRIES + 2} does not verify under this gateway's key`);
  }, 120_000);

  it('kill -9 during adopt leaves the log as it was or adopted, and a run again adopts it', async () => {
    for (const [name, ready] of [
      ['at once', () => true],
      ['once the store is open', (db: Database.Database) => (db.prepare(`SELECT count(*) FROM "c:${AUDIT_COLLECTION}"`).pluck().get() as number) >= PLAIN_ENTRIES],
      ['once its entry is written', (db: Database.Database) => (db.prepare(`SELECT count(*) FROM "c:${AUDIT_COLLECTION}"`).pluck().get() as number) > PLAIN_ENTRIES],
    ] as const) {
      const { data, env } = copyOfStore(`killed-${name.replaceAll(' ', '-')}`);
      const before = rawLog(data);
      await signalledWhen(['audit', 'adopt'], { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready });
      const log = rawLog(data);
      if (log.length === PLAIN_ENTRIES) {
        expect(log).toEqual(before);
        expect((await verify(data)).firstBroken?.seq).toBe(1);
        const again = await runGovgraph(['audit', 'adopt'], { env });
        expect(again.code, name).toBe(0);
      } else {
        expect(log).toHaveLength(PLAIN_ENTRIES + 1);
      }
      expect(await verify(data), name).toMatchObject({ ok: true, adopted: { seq: PLAIN_ENTRIES + 1, after: PLAIN_ENTRIES } });
    }
  }, 120_000);
});

// The adapter of MongoDB through the driver: the log and the secret of the fixture copied into a database of its own.
describe.skipIf(!process.env.MONGODB_URI)('audit adopt on MongoDB', () => {
  it('adopts, verifies, and refuses twice', async () => {
    const uri = new URL(process.env.MONGODB_URI!);
    uri.pathname = `/govgraph_adopt_${process.pid}`;
    const store: Store = await openStore({ dataDir: dir, mongodbUri: uri.toString(), existing: false });
    try {
      await withSqliteStore(copyOfStore('mongo-source').data, async (s) => {
        await store.insert('_settings', (await s.find('_settings', {})).filter((r) => r.key === 'jwt-secret'));
        await store.insert(AUDIT_COLLECTION, await s.find(AUDIT_COLLECTION, {}));
      });
      await adoptUnkeyedLog(store, { env: env0, checkpointFile: null });
      expect(await verifyAuditChain(store, undefined, { env: env0 })).toMatchObject({ ok: true, adopted: { seq: PLAIN_ENTRIES + 1, after: PLAIN_ENTRIES } });
      await expect(adoptUnkeyedLog(store, { env: env0, checkpointFile: null })).rejects.toThrow('adopted already');
    } finally {
      await store.close();
    }
  }, 60_000);
});
