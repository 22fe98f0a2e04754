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
    // Who settled when, as events: the second must fail in the same turn as the first batch, not a bound
    // after it (read on no clock, which a loaded machine's late timers would stretch).
    const events: string[] = [];
    const firstAt = performance.now();
    const first = settled(appendAudit(store, entry('first')), firstAt).then((r) => {
      events.push('first settled');
      setImmediate(() => events.push('a turn after the first'));
      return r;
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // the first batch is waiting for the lock
    const second = settled(appendAudit(store, entry('second')), performance.now()).then((r) => (events.push('second settled'), r));
    const [a, b] = await Promise.all([first, second]);
    await new Promise((resolve) => setImmediate(resolve));
    await lock.release();
    expect(a.error).toBe('AUDIT_UNAVAILABLE');
    expect(b.error).toBe('AUDIT_UNAVAILABLE');
    expect(events, 'the second entry waited a bound of its own after the first batch gave up').toEqual(['first settled', 'second settled', 'a turn after the first']);
    // The first waited the store's one bound, not a second one after it (never shorter than 2 × WAIT_MS):
    // about WAIT_MS, a loaded machine's late timers given up to WAIT_MS more.
    expect(a.ms).toBeGreaterThanOrEqual(WAIT_MS);
    expect(a.ms).toBeLessThan(2 * WAIT_MS);

    const after = await appendAudit(store, entry('after'));
    expect(after.seq).toBe(2); // nothing of the failed batches was written
    expect((await verifyAuditChain(store)).ok).toBe(true);
  } finally {
    await store.close();
  }
}, 15_000);
