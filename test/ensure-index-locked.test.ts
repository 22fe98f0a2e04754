// An index the embedded store already has is asked for again by every process's first workflow list (the
// grants', requests', objections' and demands' indexes, kept per store object): while another process
// holds the write lock (a long `data import`), asking took the lock only to find it made, so a gateway
// started during the import answered each of those lists only after lockWaitMs (5 s by default), every
// list, since no list could record the indexes as made. An index recorded as made is now answered at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { GRANTS, listGrants } from '../src/access/grants.ts';
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { holdLock, writeLocked } from './helpers/lock-holder.ts';

// Long beside a list of one grant however loaded the machine; the test waits it once, for the index not made.
const LOCK_WAIT_MS = 4000;
let dir: string;
const opened: Store[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gg-ensure-index-locked-'));
  // A first gateway lists the grants of a department of a Ningxia platform: the grants' indexes are made.
  const first = await openSqliteStore(dir, { lockWaitMs: LOCK_WAIT_MS });
  opened.push(first);
  await first.insert(GRANTS, [{
    id: 'g1', requester: '640000-MZT', resource: '640000-GAT-00001', provider: '640000-GAT', items: '["head"]', purposes: '["checks"]',
    unmasked: '[]', rows: null, from: '2026-01-01T00:00:00.000Z', until: null, revokedAt: null, revokedBy: null,
    createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'operator', requestId: null,
  }]);
  expect((await listGrants(first, { seenBy: '640000-GAT' })).map((g) => g.id)).toEqual(['g1']);
});
afterAll(async () => {
  for (const s of opened) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a gateway started while another process holds the write lock lists at once, its indexes already made', async () => {
  const later = await openSqliteStore(dir, { lockWaitMs: LOCK_WAIT_MS });
  opened.push(later);
  const file = join(dir, SQLITE_FILE);
  const lock = await holdLock(file);
  try {
    // No clock here (a loaded machine stretches any bound): an index not made yet, asked for at the same
    // time, needs the lock and gives up only after lockWaitMs; the list and the made index answer before it,
    // while the lock is still held. Waiting for the lock, they would fail with it (or after it).
    let waiterSettled = false;
    const waiter = later.ensureIndex(GRANTS, { fields: ['createdBy'] }).finally(() => (waiterSettled = true));
    waiter.catch(() => {});
    expect((await listGrants(later, { seenBy: '640000-GAT' })).map((g) => g.id)).toEqual(['g1']);
    await later.ensureIndex(GRANTS, { fields: ['provider'] });
    expect(waiterSettled).toBe(false);
    expect(writeLocked(file)).toBe(true);
    // An index not made yet still needs the lock, and says so once it has waited.
    await expect(waiter).rejects.toThrow(/lock|busy|unavailable/i);
    // One made with another uniqueness is still refused.
    await expect(later.ensureIndex(GRANTS, { fields: ['id'], unique: false })).rejects.toThrow(/exists with unique=true/);
  } finally {
    await lock.release();
  }
  await later.ensureIndex(GRANTS, { fields: ['createdBy'] });
  expect((await later.listIndexes(GRANTS)).some((i) => i.fields[0] === 'createdBy')).toBe(true);
}, 20_000);
