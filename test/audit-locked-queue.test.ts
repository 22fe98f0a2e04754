// Entries queued behind a batch that waited out a held lock (group commit, src/audit/log.ts). Another real
// process holds the store's write lock; one request's entry starts a batch, a second request's entry
// arrives while that batch waits. Both must fail closed within the store's one bound (operations.md:
// "for up to 5 seconds, then gives up"): the second was queued as the next batch and waited the whole
// bound again, answered AUDIT_UNAVAILABLE only after nearly twice it. Once the lock is gone, the log is
// written again and its chain verifies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { appendAudit, AuditUnavailableError } from '../src/audit/log.ts';
import type { NewAuditEntry } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import { holdLock } from './helpers/lock-holder.ts';

const WAIT_MS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (requestId: string): NewAuditEntry => ({
  requestId, department: '450100-MZJ', user: 'wei', purpose: null, operationName: null, documentHash: null,
  kind: 'operator', action: 'test', resources: [], outcome: 'ok', detail: null,
});

/** When `p` settled, in ms after `from`, and how. */
async function settled(p: Promise<unknown>, from: number): Promise<{ ms: number; error: string | null }> {
  try {
    await p;
    return { ms: performance.now() - from, error: null };
  } catch (error) {
    return { ms: performance.now() - from, error: error instanceof AuditUnavailableError ? 'AUDIT_UNAVAILABLE' : String(error) };
  }
}

it('fails every entry waiting behind a batch that could not get the lock within the one bound, not the next batch after it', async () => {
  const store = await openSqliteStore(dir, { lockWaitMs: WAIT_MS });
  try {
    await appendAudit(store, entry('before')); // the key and indexes made, the tail known
    const lock = await holdLock(join(dir, SQLITE_FILE));
    const firstAt = performance.now();
    const first = settled(appendAudit(store, entry('first')), firstAt);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first batch is waiting for the lock
    const secondAt = performance.now();
    const second = settled(appendAudit(store, entry('second')), secondAt);
    const [a, b] = await Promise.all([first, second]);
    await lock.release();
    expect(a.error).toBe('AUDIT_UNAVAILABLE');
    expect(b.error).toBe('AUDIT_UNAVAILABLE');
    expect(a.ms).toBeLessThan(WAIT_MS + 500);
    // The second fails with the first batch, not a bound after it: read as when each settled, not as the
    // second's own wait, which also counts how late the 300 ms above came round on a loaded machine.
    const afterFirst = secondAt + b.ms - (firstAt + a.ms);
    expect(afterFirst, 'the second entry waited a second bound after the first batch gave up').toBeLessThan(WAIT_MS / 2);

    const after = await appendAudit(store, entry('after'));
    expect(after.seq).toBe(2); // nothing of the failed batches was written
    expect((await verifyAuditChain(store)).ok).toBe(true);
  } finally {
    await store.close();
  }
}, 15_000);
