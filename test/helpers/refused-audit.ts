// An SQLite store whose audit log refuses every insert, made so by another process while a gateway serves
// it: a trigger on the audit table, created and dropped through a connection of this process (as
// test/rotate-key-audit.test.ts does before a command). The gateway's append then fails in SQLite itself
// (AUDIT_UNAVAILABLE), with nothing of the store or the audit plugin stood in for; the rest of the store
// (forwarded tokens' jti, rate buckets, reads) goes on.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { AUDIT_COLLECTION } from '../../src/audit/entry.ts';

const TRIGGER = 'test_audit_refused';

/** Makes the audit log of the store in `dataDir` refuse inserts until `allow()`. */
export function refuseAuditInserts(dataDir: string): { allow(): void } {
  const run = (sql: string) => {
    const db = new Database(join(dataDir, 'govgraph.sqlite'));
    try {
      db.pragma('busy_timeout = 10000'); // the gateway may be writing (a rate lease, a jti)
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  run(`CREATE TRIGGER ${TRIGGER} BEFORE INSERT ON "c:${AUDIT_COLLECTION}" BEGIN SELECT RAISE(ABORT, 'the audit log refuses inserts (test)'); END`);
  return { allow: () => run(`DROP TRIGGER IF EXISTS ${TRIGGER}`) };
}
