// Restoring the embedded store from a backup (docs/operations.md, Restoring the embedded store). The old
// procedure kept the checkpoint file: its checkpoints signed after the backup name entries the restored
// log does not have, and the gateway then wrote new entries under those numbers and appended their
// checkpoints to the same file, so `audit verify` reported a rewritten log for ever. The procedure now
// moves the file aside, checks the restored log against it (the report names exactly the entries the
// restore lost) and starts a new file; verify's reasons say a restore is what they may mean.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { writeCheckpoint } from '../src/audit/checkpoint.ts';
import type { NewAuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-restore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'data');
const checkpoints = join(dir, 'audit-checkpoints.jsonl');
const before = join(dir, 'audit-checkpoints.before-restore.jsonl');
const backup = join(dir, 'govgraph-backup.sqlite');

const entry = (n: number, who = 'u'): NewAuditEntry => ({
  requestId: `req-${n}`, department: '430000-MZ', user: who, purpose: 'social-assistance', operationName: null, documentHash: null,
  kind: 'read', action: null, outcome: 'allowed', detail: null,
  resources: [{ resource: '430000-GA-00001', provider: '430000-GA', items: ['idNumber'], denied: [], masked: ['idNumber'], records: n, filtered: [], ordered: [], counted: false }],
});

/** What a gateway does from `start` to `stop`: signs the head when it starts, appends entries `from`..`to`, signs the head when it stops. */
async function gatewayWrites(from: number, to: number, file: string, [start, stop]: [string, string], who = 'u') {
  const store = await openSqliteStore(data);
  try {
    await writeCheckpoint(store, file, new Date(start));
    for (let n = from; n <= to; n++) await appendAudit(store, entry(n, who));
    await writeCheckpoint(store, file, new Date(stop));
  } finally {
    await store.close();
  }
}

function verify(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, GOVGRAPH_AUDIT_CHECKPOINTS: checkpoints };
  delete env.MONGODB_URI;
  delete env.GOVGRAPH_DATA_DIR;
  return promisify(execFile)(process.execPath, [join(root, 'bin', 'govgraph.js'), 'audit', 'verify', '--data', data, ...args], { env }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
}

it('the documented restore names what the restore lost against the old file, and verifies against the new one', async () => {
  await gatewayWrites(1, 3, checkpoints, ['2026-12-01T01:00:00.000Z', '2026-12-01T02:00:00.000Z']);
  // The backup, online, with better-sqlite3's backup API (docs/operations.md).
  const source = new Database(join(data, 'govgraph.sqlite'), { readonly: true });
  await source.backup(backup);
  source.close();
  await gatewayWrites(4, 5, checkpoints, ['2026-12-02T01:00:00.000Z', '2026-12-02T02:00:00.000Z']);
  expect(await verify()).toEqual({ code: 0, stdout: 'audit chain ok: 5 entries, anchored by the checkpoint of entry #5 signed at 2026-12-02T02:00:00.000Z\n' });

  // Steps 2 and 3: the checkpoint file moved aside, the backup put in place.
  renameSync(checkpoints, before);
  copyFileSync(backup, join(data, 'govgraph.sqlite'));
  rmSync(join(data, 'govgraph.sqlite-wal'), { force: true });
  rmSync(join(data, 'govgraph.sqlite-shm'), { force: true });

  // Step 4: the report of what was lost, before any gateway writes.
  const lost =
    'audit chain broken at entry #4: entries #4 to #5 are missing: the checkpoint signed at 2026-12-02T02:00:00.000Z ' +
    `(${before} line 4) names entry #5 (the tail of the log was deleted, or the store was restored from a backup older than that checkpoint)\n`;
  expect(await verify('--checkpoints', before)).toEqual({ code: 1, stdout: lost });

  // Step 5: the gateways start a new file at the same path and go on; verify passes against it.
  await gatewayWrites(4, 6, checkpoints, ['2026-12-03T01:00:00.000Z', '2026-12-03T02:00:00.000Z'], 'after-restore');
  expect(await verify()).toEqual({ code: 0, stdout: 'audit chain ok: 6 entries, anchored by the checkpoint of entry #6 signed at 2026-12-03T02:00:00.000Z\n' });

  // The old file checked after new entries were written (step 4 too late, or the file kept as the old
  // procedure did): its checkpoint of entry #5 names an entry that was replaced, and the checkpoints signed
  // after the restore show that the log went back to entry #3 in between.
  const r = await verify('--checkpoints', before);
  expect(r).toEqual({
    code: 1,
    stdout:
      `audit chain broken at entry #5: the entry's hash differs from the checkpoint signed at 2026-12-02T02:00:00.000Z (${before} line 4): ` +
      'this entry or one before it was rewritten; the checkpoint signed later at 2026-12-03T01:00:00.000Z (the store) names entry #3: ' +
      'the log went back to entry #3 in between, as when the store is restored from an older backup, and new entries were written after it. ' +
      'After a restore, keep the checkpoint file of before as evidence and start a new one (docs/operations.md, Restoring the embedded store)\n',
  });
}, 60_000);

// A backup of another platform's store (another secret, so another audit key) restored into this folder:
// every checkpoint of this folder's file failed its signature, and verify called the file "altered or
// forged", sending the operator after an intruder rather than to the backup they restored.
it('a backup of another store restored here: the file was signed under another key, said as such', async () => {
  const other = join(dir, 'other');
  const otherBackup = join(dir, 'other-backup.sqlite');
  const mine = join(dir, 'mine-checkpoints.jsonl');
  rmSync(data, { recursive: true, force: true });
  await gatewayWrites(1, 2, mine, ['2026-12-04T01:00:00.000Z', '2026-12-04T02:00:00.000Z']);
  const store = await openSqliteStore(other); // its own secret, made on first use
  try {
    for (let n = 1; n <= 4; n++) await appendAudit(store, entry(n));
    await writeCheckpoint(store, null, new Date('2026-12-04T03:00:00.000Z'));
  } finally {
    await store.close();
  }
  const source = new Database(join(other, 'govgraph.sqlite'), { readonly: true });
  await source.backup(otherBackup);
  source.close();
  copyFileSync(otherBackup, join(data, 'govgraph.sqlite'));
  rmSync(join(data, 'govgraph.sqlite-wal'), { force: true });
  rmSync(join(data, 'govgraph.sqlite-shm'), { force: true });
  expect(await verify('--checkpoints', mine)).toEqual({
    code: 1,
    stdout:
      `audit chain broken at entry #0: none of the 2 checkpoints in ${mine} carries this store's signature (the first at line 1): ` +
      'the file was signed under another audit key, by the gateways of another store (a backup of another platform restored here: ' +
      'keep its checkpoint file with it) or before the platform secret changed; if neither, the file was altered or forged\n',
  });
}, 60_000);
