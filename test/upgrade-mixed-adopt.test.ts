// `govgraph audit adopt` on a mixed log: a store the release of 25 November 2026 wrote (21 entries, plain
// SHA-256), then served by a release of early December, whose gateway started on it (serve did not refuse
// such a store then: c7baf83) and chained keyed entries after the plain ones. The keyed entries are made here
// by that same code path, this release's appendAudit (the gateway's writer), on a copy of the fixture: it keys
// them with the secret kept in the store and links the first to the plain head, as that gateway did.
// Adopted, verify checks #1-#21 plain, #22-#24 keyed, the adoption (#25) binding the plain head; what an
// attacker who can write the store does before the adoption is refused, after it fails verify.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptUnkeyedLog } from '../src/audit/adopt.ts';
import { AUDIT_COLLECTION, fieldsHash, fromRow, entryFields } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { AUDIT_CHECKPOINTS, writeCheckpoint } from '../src/audit/checkpoint.ts';
import { openStore } from '../src/store/open.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { postQuery, whileServed } from './helpers/served.ts';
import { copyOfUnkeyedStore, keptKey, PLAIN_ENTRIES, plainHash, rawLog, rechainPlain, rewrite } from './helpers/unkeyed-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-adopt-mixed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env0 = { GOVGRAPH_JWT_SECRET: undefined } as NodeJS.ProcessEnv; // the secret kept in the store keys the log
const KEYED = 3;
const LAST_KEYED = PLAIN_ENTRIES + KEYED;

/** A copy of the fixture with KEYED entries chained after the plain ones by the gateway's writer, as that release did. */
async function mixedStore(name: string): Promise<{ data: string; env: NodeJS.ProcessEnv }> {
  const copy = copyOfUnkeyedStore(dir, name);
  const secret = process.env.GOVGRAPH_JWT_SECRET;
  delete process.env.GOVGRAPH_JWT_SECRET; // the gateway ran without it: the secret kept in the store
  try {
    await withSqliteStore(copy.data, async (s) => {
      const base = { department: '220100-ZJJ', user: 'zhao.min', purpose: 'housing-check', operationName: null, documentHash: null, detail: null };
      await appendAudit(s, { ...base, requestId: 'dec-1', kind: 'read', action: null, outcome: 'ok', resources: [{ resource: '220000-GAT-00001', provider: '220000-GAT', items: ['idNumber'], denied: [], masked: ['idNumber'], records: 2, filtered: [], ordered: [], counted: false }] });
      await appendAudit(s, { ...base, requestId: 'dec-2', kind: 'read', action: null, outcome: 'denied', resources: [] });
      await appendAudit(s, { ...base, requestId: 'dec-3', kind: 'workflow', action: 'submitSharingRequest', outcome: 'ok', resources: [] });
      await writeCheckpoint(s, null); // the gateway's minute tick signed the keyed head before the adoption
    });
  } finally {
    if (secret !== undefined) process.env.GOVGRAPH_JWT_SECRET = secret;
  }
  expect(rawLog(copy.data)).toHaveLength(LAST_KEYED);
  return copy;
}

/** Rehashes the entries `seqs` under `key` and links each to the one before (an insider holding `key`). */
function rekeyed(rows: Record<string, unknown>[], seqs: number[], key: Uint8Array): void {
  for (const seq of seqs) {
    const r = rows.find((x) => Number(x.seq) === seq)!;
    const before = rows.find((x) => Number(x.seq) === seq - 1);
    if (before && seq !== seqs[0]) r.prevHash = before.hash;
    const { hash: _h, ...rest } = fromRow(r as never);
    r.hash = fieldsHash(entryFields(rest), key);
  }
}

const verify = (data: string) => withSqliteStore(data, (s) => verifyAuditChain(s, undefined, { env: env0 }));
const adopt = (data: string, env: NodeJS.ProcessEnv = env0) => withSqliteStore(data, (s) => adoptUnkeyedLog(s, { env, checkpointFile: null }));

describe('audit adopt on a log a release of early December chained keyed entries after', () => {
  it('adopts it over the CLI: verify checks #1-#21 plain, #22-#24 keyed, says so, and later entries verify', async () => {
    const { data, env } = await mixedStore('cli');
    expect((await runGovgraph(['audit', 'verify'], { env })).stdout).toContain('run govgraph audit adopt');
    const adopted = await runGovgraph(['audit', 'adopt'], { env });
    expect(adopted.stderr).not.toMatch(/\n\s+at /);
    expect(adopted.code).toBe(0);
    expect(adopted.stdout).toContain(
      `audit log adopted: entry #${LAST_KEYED + 1} records entries #1-#${PLAIN_ENTRIES} (plain SHA-256, as written before keyed hashes) and entries #${PLAIN_ENTRIES + 1}-#${LAST_KEYED} (keyed after them before the adoption), keyed with the secret kept in the store`,
    );
    const granted = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env });
    expect(granted.code).toBe(0);
    const verified = await runGovgraph(['audit', 'verify'], { env });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(
      `\\n  entries #1-#${PLAIN_ENTRIES} are plain SHA-256 as written before keyed hashes, entries #${PLAIN_ENTRIES + 1}-#${LAST_KEYED} keyed after them before the adoption; adopted at entry #${LAST_KEYED + 1} on \\d{4}-`,
    ));
    // The supervisors' verifyAuditChain says what audit verify says.
    const time = new RegExp(`adopted at entry #${LAST_KEYED + 1} on (\\S+)`).exec(verified.stdout)![1];
    const token = await runGovgraph(['token', '--dept', '220000-ZWJ', '--user', 'qian.li', '--roles', 'supervisor', '--ttl', '10m'], { env });
    const { result: body } = await whileServed(env, (url) =>
      postQuery<{ verifyAuditChain: unknown }>(url, token.stdout.trim(), '{ verifyAuditChain { ok firstBroken { seq } adopted { seq after time } } }'),
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.verifyAuditChain).toEqual({ ok: true, firstBroken: null, adopted: { seq: LAST_KEYED + 1, after: PLAIN_ENTRIES, time } });
    const row = rawLog(data).find((r) => r.seq === LAST_KEYED + 1)!;
    expect(row.prevHash).toBe(rawLog(data)[LAST_KEYED - 1].hash);
    expect(row.detail).toBe(
      `audit log adopted after entry #${LAST_KEYED}: entries #1-#${PLAIN_ENTRIES} are plain SHA-256 as written before keyed hashes; head ${String(rawLog(data)[PLAIN_ENTRIES - 1].hash)}; entries #${PLAIN_ENTRIES + 1}-#${LAST_KEYED} were keyed after them before the adoption`,
    );
  }, 90_000);

  it('refuses, writing nothing: a keyed run not linking to the plain head, a plain entry after keyed ones, a forged keyed entry, another secret', async () => {
    const refusedAs = async (name: string, attack: (data: string, key: Buffer) => void, why: string | RegExp, env = env0) => {
      const { data } = await mixedStore(name);
      attack(data, await keptKey(data));
      const before = rawLog(data);
      await expect(adopt(data, env), name).rejects.toThrow(why);
      expect(rawLog(data), name).toEqual(before);
    };
    // Entry #22 linked elsewhere, rehashed with the key (an insider who holds it): the keyed run does not bind the plain head.
    await refusedAs('unlinked', (data, key) => rewrite(data, (rows) => {
      rows[PLAIN_ENTRIES].prevHash = 'f'.repeat(64);
      rekeyed(rows, [PLAIN_ENTRIES + 1, PLAIN_ENTRIES + 2, LAST_KEYED], key);
    }), `broken at entry #${PLAIN_ENTRIES + 1}: entry #${PLAIN_ENTRIES + 1}, the first keyed after the plain entries, does not link to entry #${PLAIN_ENTRIES}, the last plain one`);
    // Entry #23 given the plain SHA-256 (public), #24 relinked under the key: plain interleaved after keyed.
    await refusedAs('interleaved', (data, key) => rewrite(data, (rows) => {
      rows[PLAIN_ENTRIES + 1].resources = '[]';
      rows[PLAIN_ENTRIES + 1].hash = plainHash(rows[PLAIN_ENTRIES + 1]);
      rows[LAST_KEYED - 1].prevHash = rows[PLAIN_ENTRIES + 1].hash;
      rekeyed(rows, [LAST_KEYED], key);
    }), `broken at entry #${PLAIN_ENTRIES + 2}: hash is a plain SHA-256 among the entries keyed after the plain ones (#${PLAIN_ENTRIES + 1}-#${LAST_KEYED})`);
    // Entry #23 altered and rehashed without the platform key.
    await refusedAs('forged', (data) => rewrite(data, (rows) => {
      rows[PLAIN_ENTRIES + 1].outcome = 'ok';
      rekeyed(rows, [PLAIN_ENTRIES + 2], new TextEncoder().encode('another key'));
    }), new RegExp(`broken at entry #${PLAIN_ENTRIES + 2}: hash does not match the entry's contents`));
    // The keyed run rewritten as plain-hashed entries (the plain SHA-256 is public): the log then looks plain to its
    // newest entry, and only a checkpoint signed before tells (here the store's; the operator's file outside it
    // holds one as well, which an insider who can write only the store cannot remove).
    // (Left with the members that release did not write, they are named first: the attacker strips them.)
    await refusedAs('made-plain', (data) => rewrite(data, (rows) => {
      for (const r of rows.slice(PLAIN_ENTRIES)) {
        const parts = JSON.parse(String(r.resources)) as Record<string, unknown>[];
        r.resources = JSON.stringify(parts.map(({ resource, provider, items, denied, masked, records }) => ({ resource, provider, items, denied, masked, records })));
        delete r.parts;
        delete r.providerOutcomes;
      }
      rechainPlain(rows, PLAIN_ENTRIES + 1, LAST_KEYED);
    }),
      new RegExp(`broken at entry #${LAST_KEYED}: the entry's hash differs from the checkpoint signed at`));
    await refusedAs('other-secret', () => {}, /entries #22-#24 were chained after the plain ones under a key, and GOVGRAPH_JWT_SECRET is set here, but the audit log's newest entry #24 is keyed with the secret kept in the store: unset GOVGRAPH_JWT_SECRET for this command.*; nothing was changed$/, {
      GOVGRAPH_JWT_SECRET: 'another-platform-secret-of-at-least-32-bytes',
    } as NodeJS.ProcessEnv);
  }, 60_000);

  it('after the adoption, the plain part rewritten and rehashed, a keyed entry forged or made plain, fail verify', async () => {
    const { data } = await mixedStore('after');
    await adopt(data);
    expect(await verify(data)).toMatchObject({ ok: true, adopted: { seq: LAST_KEYED + 1, after: PLAIN_ENTRIES } });
    const pristine = rawLog(data);
    rewrite(data, (rows) => {
      rows[4].detail = `${String(rows[4].detail)} (edited)`;
      rechainPlain(rows, 5);
    });
    expect((await verify(data)).firstBroken).toEqual({
      seq: PLAIN_ENTRIES + 1,
      reason: `entries #1-#${PLAIN_ENTRIES} differ from those adopted at entry #${LAST_KEYED + 1} (the plain head it records, which this entry, the first keyed after them, links to): one of them was rewritten since`,
    });
    rewrite(data, (rows) => rows.splice(0, rows.length, ...pristine));
    rewrite(data, (rows) => (rows[PLAIN_ENTRIES + 1].outcome = 'ok'));
    expect((await verify(data)).firstBroken).toEqual({ seq: PLAIN_ENTRIES + 2, reason: expect.stringContaining("hash does not match the entry's contents") });
    rewrite(data, (rows) => {
      rows.splice(0, rows.length, ...pristine);
      rows[PLAIN_ENTRIES + 1].resources = '[]';
      rows[PLAIN_ENTRIES + 1].hash = plainHash(rows[PLAIN_ENTRIES + 1]);
    });
    expect((await verify(data)).firstBroken).toEqual({ seq: PLAIN_ENTRIES + 2, reason: expect.stringContaining('hash is a plain SHA-256 among the entries keyed after the plain ones') });
  }, 60_000);
});

describe('audit adopt refused writes nothing to the store', () => {
  it('makes no index on a log it refuses (the store of 25 November lacks two the log has since)', async () => {
    const { data } = copyOfUnkeyedStore(dir, 'no-index');
    rewrite(data, (rows) => (rows[4].detail = 'altered'));
    const indexes = () => {
      const db = new Database(join(data, SQLITE_FILE), { readonly: true });
      try {
        return db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").pluck().all();
      } finally {
        db.close();
      }
    };
    const before = indexes();
    await expect(adopt(data)).rejects.toThrow(/broken at entry #5/);
    expect(indexes()).toEqual(before);
    expect((await withSqliteStore(data, (s) => s.listIndexes(AUDIT_COLLECTION))).map((i) => i.fields.join(','))).not.toContain('requestId');
  });
});

// The adapter of MongoDB through the driver: the mixed log, its checkpoint and the secret copied into a database of its own.
describe.skipIf(!process.env.MONGODB_URI)('audit adopt of a mixed log on MongoDB', () => {
  it('adopts, verifies, and refuses twice', async () => {
    const uri = new URL(process.env.MONGODB_URI!);
    uri.pathname = `/govgraph_adopt_mixed_${process.pid}`;
    const store = await openStore({ dataDir: dir, mongodbUri: uri.toString(), existing: false });
    try {
      await withSqliteStore((await mixedStore('mongo-source')).data, async (s) => {
        await store.insert('_settings', (await s.find('_settings', {})).filter((r) => r.key === 'jwt-secret'));
        await store.insert(AUDIT_COLLECTION, await s.find(AUDIT_COLLECTION, {}));
        await store.insert(AUDIT_CHECKPOINTS, await s.find(AUDIT_CHECKPOINTS, {}));
      });
      expect(await adoptUnkeyedLog(store, { env: env0, checkpointFile: null })).toMatchObject({ after: PLAIN_ENTRIES, keyedTo: LAST_KEYED });
      expect(await verifyAuditChain(store, undefined, { env: env0 })).toMatchObject({ ok: true, adopted: { seq: LAST_KEYED + 1, after: PLAIN_ENTRIES } });
      await expect(adoptUnkeyedLog(store, { env: env0, checkpointFile: null })).rejects.toThrow('adopted already');
    } finally {
      await store.close();
    }
  }, 60_000);
});
