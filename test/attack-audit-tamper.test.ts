// Tampering with the audit log as someone with write access to the store file would (SPEC §10,
// docs/operations.md "Audit verify and checkpoints"): better-sqlite3 on govgraph.sqlite, editing the
// stored JSON documents directly. Each tamper is named by `audit verify` at the first broken entry, in one
// line without a stack trace. One the hash cannot see: a field written twice in a stored document, which
// SQLite's json_extract (the views' filters) reads with the first value and JSON.parse (the hash check)
// with the last, so an entry hides from the views' filters (a department's own requests, a provider's
// entries) while every other check passes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeCheckpoint } from '../src/audit/checkpoint.ts';
import { AUDIT_COLLECTION, type NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit, auditTail } from '../src/audit/log.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { eq } from '../src/store/port.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

let dir: string;
let data: string;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-tamper-'));
  data = join(dir, 'data');
  const store = await openSqliteStore(data);
  for (let n = 1; n <= 10; n++) await appendAudit(store, entry(n));
  await writeCheckpoint(store, null);
  await store.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (n: number): NewAuditEntry => ({
  requestId: `req-${n}`, department: n % 2 ? 'D1' : 'D2', user: 'u', purpose: 'p', operationName: null, documentHash: null,
  kind: 'read', action: null, outcome: 'allowed', detail: null,
  resources: [{ resource: 'P-R1', provider: 'P', items: ['a'], denied: [], masked: [], records: n, filtered: [], ordered: [], counted: false }],
});

const TABLE = '"c:_audit"';
/** Edits the stored documents as the attacker: raw SQL on the store file, no govgraph code. */
function tamper(edit: (db: Database.Database, doc: (seq: number) => { id: number; doc: string }) => void) {
  const db = new Database(join(data, SQLITE_FILE));
  try {
    const doc = (seq: number) => db.prepare(`SELECT id, doc FROM ${TABLE} WHERE json_extract(doc, '$.seq') = ?`).get(seq) as { id: number; doc: string };
    edit(db, doc);
  } finally {
    db.close();
  }
}
const put = (db: Database.Database, id: number, doc: string) => db.prepare(`UPDATE ${TABLE} SET doc = ? WHERE id = ?`).run(doc, id);

async function verdict() {
  const store = await openSqliteStore(data);
  try {
    const v = await verifyAuditChain(store);
    return v.ok ? 'ok' : `#${v.firstBroken!.seq}: ${v.firstBroken!.reason}`;
  } finally {
    await store.close();
  }
}

describe('each tamper is named at the first broken entry', () => {
  it("an entry's department changed", async () => {
    tamper((db, doc) => { const r = doc(4); put(db, r.id, r.doc.replace('"D2"', '"D9"')); });
    expect(await verdict()).toMatch(/^#4: hash does not match the entry's contents/);
  });
  it('an entry in the middle deleted', async () => {
    tamper((db) => db.prepare(`DELETE FROM ${TABLE} WHERE json_extract(doc, '$.seq') = 5`).run());
    expect(await verdict()).toBe('#6: entry #5 is missing');
  });
  it('the last entries deleted: the checkpoint names the lost tail', async () => {
    tamper((db) => db.prepare(`DELETE FROM ${TABLE} WHERE json_extract(doc, '$.seq') >= 9`).run());
    expect(await verdict()).toMatch(/^#9: entries #9 to #10 are missing: the checkpoint signed at .* \(the store\) names entry #10/);
  });
  it('two entries swapped (their seqs exchanged)', async () => {
    tamper((db, doc) => {
      const a = doc(3);
      const b = doc(4);
      put(db, a.id, b.doc.replace('"seq":4', '"seq":3'));
      put(db, b.id, a.doc.replace('"seq":3', '"seq":4'));
    });
    expect(await verdict()).toBe('#3: prevHash does not match the hash of entry #2');
  });
  it('an entry copied under the seq of another (the unique index dropped) is said as written twice, not as "entries #5 to #3 are missing" (found by the audit walk)', async () => {
    tamper((db, doc) => {
      db.exec('DROP INDEX "ix:seq@_audit"');
      // The very entry again: it verifies as itself, and counts its read twice in the views and the usage figures.
      db.prepare(`INSERT INTO ${TABLE} (doc) VALUES (?)`).run(doc(4).doc);
    });
    expect(await verdict()).toBe('#4: entry #4 is written twice: the store holds another entry with this seq (one was inserted or copied)');
  });
  it('a copied entry that ends a page is said as written twice too, not as a field written twice (found by review8)', async () => {
    // The page's limit keeps one of the two rows of seq 4 and the next page starts past seq 4: the twin was
    // found only by the filters' count (check 8), which named it "a field written twice in the stored document".
    tamper((db, doc) => {
      db.exec('DROP INDEX "ix:seq@_audit"');
      db.prepare(`INSERT INTO ${TABLE} (doc) VALUES (?)`).run(doc(4).doc);
    });
    const store = await openSqliteStore(data);
    try {
      for (const pageSize of [2, 4]) {
        const v = await verifyAuditChain(store, pageSize);
        expect(v.firstBroken, `a page of ${pageSize}`).toEqual({ seq: 4, reason: 'entry #4 is written twice: the store holds another entry with this seq (one was inserted or copied)' });
      }
    } finally {
      await store.close();
    }
  });
  it('an entry inserted under the seq that ends a page is found (found by review8)', async () => {
    // Another entry #4, for another department: the page kept the first row of seq 4 and the next page
    // started past it, so the inserted one was never read (nor counted by check 8, whose filters it does
    // not match), and verify said ok while the views show it to department D9.
    tamper((db, doc) => {
      db.exec('DROP INDEX "ix:seq@_audit"');
      db.prepare(`INSERT INTO ${TABLE} (doc) VALUES (?)`).run(doc(4).doc.replace('"department":"D2"', '"department":"D9"'));
    });
    const store = await openSqliteStore(data);
    try {
      expect(await store.count(AUDIT_COLLECTION, eq('department', 'D9'))).toBe(1);
      for (const pageSize of [2, 4, 500]) {
        const v = await verifyAuditChain(store, pageSize);
        expect(v.firstBroken, `a page of ${pageSize}`).toEqual({ seq: 4, reason: 'entry #4 is written twice: the store holds another entry with this seq (one was inserted or copied)' });
      }
    } finally {
      await store.close();
    }
  });
  it('a seq that is not a whole number is said as such, not as "entries #10 to #9.5 are missing"', async () => {
    tamper((db, doc) => { const r = doc(10); put(db, r.id, r.doc.replace('"seq":10', '"seq":10.5')); });
    expect(await verdict()).toBe('#10.5: seq 10.5 is not a whole number (the entry was altered)');
  });
  it('the newest seq written as a string ("10"), which hides the entry from every view and the writers, is named', async () => {
    tamper((db, doc) => { const r = doc(10); put(db, r.id, r.doc.replace('"seq":10', '"seq":"10"')); });
    const store = await openSqliteStore(data);
    try {
      // What the attack does: SQLite sorts the text after every number, so the views' span and the tail
      // pass it over (the next entry would take seq 10 again), while Number("10") hashed as before.
      expect(await auditTail(store)).toEqual({ seq: 9, hash: expect.any(String) });
    } finally {
      await store.close();
    }
    expect(await verdict()).toBe('#10: seq "10" is not a whole number (the entry was altered)');
  });
});

describe('a bogus checkpoint put in the store', () => {
  const forge = (seq: number) =>
    tamper((db) => db.prepare(`INSERT INTO "c:_audit_checkpoints" (doc) VALUES (?)`).run(JSON.stringify({ seq, hash: 'f'.repeat(64), time: new Date().toISOString(), mac: '0'.repeat(64) })));
  it('does not hide an entry altered before it: the altered entry is named', async () => {
    tamper((db, doc) => { const r = doc(4); put(db, r.id, r.doc.replace('"D2"', '"D9"')); });
    forge(8);
    expect(await verdict()).toMatch(/^#4: hash does not match the entry's contents/);
  });
  it('is named at its seq when the entries before it are sound', async () => {
    forge(8);
    expect(await verdict()).toMatch(/^#8: the checkpoint in the store does not carry the platform's signature/);
    tamper((db, doc) => { const r = doc(9); put(db, r.id, r.doc.replace('"D1"', '"D9"')); });
    expect(await verdict()).toMatch(/^#8: the checkpoint in the store does not carry/);
  });
});

describe('a field written twice in a stored document', () => {
  it('hides the entry from the department filter while the hash check reads the true department: named', async () => {
    tamper((db, doc) => { const r = doc(4); put(db, r.id, r.doc.replace('{', '{"department":"D9",')); });
    const store = await openSqliteStore(data);
    try {
      // What the attack does: the store's filter no longer finds entry #4 among D2's.
      expect((await store.find(AUDIT_COLLECTION, { filter: eq('department', 'D2') })).map((r) => r.seq)).toEqual([2, 6, 8, 10]);
    } finally {
      await store.close();
    }
    expect(await verdict()).toMatch(/^#4: the store's queries read the entry's fields otherwise than its contents/);
  });
  it("hides the entry from its provider (the providers list) and is named, by `govgraph audit verify` too", async () => {
    tamper((db, doc) => { const r = doc(7); put(db, r.id, r.doc.replace('{', '{"providers":"",')); });
    expect(await verdict()).toMatch(/^#7: the store's queries read/);
    const r = await runGovgraph(['audit', 'verify', '--data', data], { cwd: dir, env: cliEnv({}, ['GOVGRAPH_AUDIT_CHECKPOINTS', 'GOVGRAPH_JWT_SECRET']) });
    expect(r.code).toBe(1);
    expect(r.stdout.trim()).toMatch(/^audit chain broken at entry #7: the store's queries read the entry's fields otherwise than its contents \(a field written twice in the stored document\): the entry was altered$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
  it("shows the entry under another request id in auditLog(filter: { requestId }) and is named (found by the audit walk)", async () => {
    // A supervisor looking up a request by its answer's x-request-id finds entry #5 under req-9, and none under req-5.
    tamper((db, doc) => { const r = doc(5); put(db, r.id, r.doc.replace('{', '{"requestId":"req-9",')); });
    const store = await openSqliteStore(data);
    try {
      expect((await store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'req-9') })).map((r) => r.seq).sort()).toEqual([5, 9]);
      expect(await store.find(AUDIT_COLLECTION, { filter: eq('requestId', 'req-5') })).toEqual([]);
    } finally {
      await store.close();
    }
    expect(await verdict()).toMatch(/^#5: the store's queries read the entry's fields otherwise than its contents/);
  });
});
