// Another process holds the store's write lock (a long data import, a backup): what the operator reads.
//
// A gateway started while another process holds the store's write lock
// cannot write the checkpoint it signs at start-up. Its log said only
// {"error":"AuditCheckpointError","cause":"StoreUnavailableError","msg":"unexpected error"}, and the
// operator could not tell a lock from a bug; it now says what happened, as the audit log's and the rate
// buckets' lines do when the store is locked, and that it is tried again.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { listGrants } from '../src/access/grants.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { DEFAULT_LOCK_WAIT_MS, openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.ts';
import { STORE_PLATFORM_KEY } from '../src/catalogue/store-platform.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { eq } from '../src/store/port.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-checkpoint-locked-'));
const data = join(dir, 'data');
const PLATFORM = join(root, 'test/fixtures/rows/platform.yaml');

vi.setConfig({ testTimeout: 120_000 });

beforeAll(async () => {
  const store = await openSqliteStore(data);
  await importCatalogueFiles(store, loadPlatform(PLATFORM), [join(root, 'test/fixtures/rows/catalogue.yaml')], { publish: true });
  await store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Another process holding the write lock (BEGIN IMMEDIATE, as an import does) until killed; resolves once it has it. */
function holdLock(file: string): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    db.exec('CREATE TABLE IF NOT EXISTS _held (x)');
    console.log('locked');
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', script, file], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
}

/** The JSON lines `serve` logs on `folder`'s store, locked by another process, until it has logged `lines`. */
async function lockedServeLog(folder: string, lines: number): Promise<Record<string, unknown>[]> {
  const holder = await holdLock(join(folder, SQLITE_FILE));
  const env: NodeJS.ProcessEnv = { ...process.env, GOVGRAPH_DATA_DIR: folder, GOVGRAPH_PLATFORM: PLATFORM };
  delete env.MONGODB_URI;
  delete env.GOVGRAPH_AUDIT_CHECKPOINTS;
  const child = spawn(process.execPath, [join(root, 'bin', 'govgraph.js'), 'serve', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const logged = () => stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    await vi.waitFor(() => expect(logged().length, stderr).toBeGreaterThanOrEqual(lines), { timeout: 60_000, interval: 100 });
  } finally {
    child.kill('SIGKILL');
    holder.kill('SIGKILL');
    await exited;
  }
  return logged();
}

// The two run at once, each on a folder of its own (`older`, `data`), locked by a holder of its own: the
// file waits for the store's lock bound once for both. The command below locks `data` again: after them.
describe.concurrent('a gateway started on a store locked by another process', () => {
  // A store made before stores recorded their platform: serve records it at start, and cannot while locked.
  it("logs that the store's platform is recorded later, in words, not as an unexpected error", async () => {
    const older = join(dir, 'older');
    const store = await openSqliteStore(older);
    await importCatalogueFiles(store, loadPlatform(PLATFORM), [join(root, 'test/fixtures/rows/catalogue.yaml')], { publish: true });
    await store.delete(SETTINGS, eq('key', STORE_PLATFORM_KEY));
    await store.close();
    const lines = await lockedServeLog(older, 2);
    expect(lines.map(({ level, error, reason, msg }) => ({ level, error, reason, msg }))).toContainEqual({
      level: 50,
      error: 'StorePlatformNotRecorded',
      reason: `The store's platform cannot be recorded now; the gateway serves, and the next command or start records it: insert into ${SETTINGS}: the database stayed locked by another process for ${DEFAULT_LOCK_WAIT_MS} ms`,
      msg: 'error',
    });
  });

  it('logs why its start-up checkpoint is not written, in words, not as an unexpected error', async () => {
    const lines = await lockedServeLog(data, 1);
    expect(lines.map(({ level, error, reason, msg }) => ({ level, error, reason, msg }))).toEqual([{
      level: 50,
      error: 'AuditCheckpointError',
      reason: `The audit checkpoint cannot be written to the store, tried again within a minute: insert into _audit_checkpoints: the database stayed locked by another process for ${DEFAULT_LOCK_WAIT_MS} ms`,
      msg: 'error',
    }]);
  });
});

// A command whose audit entry cannot be written (another process holds the write lock longer than the
// store's bound; a full disk) is refused, its entry coming first. It printed AuditUnavailableError's stack
// and its causes'; now one line.
describe('a command run while another process holds the store\'s write lock', () => {
  it('is refused in one line, and changes nothing', async () => {
    const holder = await holdLock(join(data, SQLITE_FILE));
    const env: NodeJS.ProcessEnv = { ...process.env, GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM };
    delete env.MONGODB_URI;
    const run = promisify(execFile)(process.execPath, [join(root, 'bin', 'govgraph.js'), 'grant', 'add', '--requester', '610100-ZJ', '--resource', '610000-ZR-00001', '--items', 'parcelNo,area', '--purposes', 'building-control'], { cwd: dir, env });
    const r = await run.then(
      (x) => ({ code: 0, stderr: x.stderr }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    holder.kill('SIGKILL');
    expect({ code: r.code, last: r.stderr.trimEnd().split('\n').slice(1) }).toEqual({
      code: 1,
      // What to do, too (h225: an operator took the line for a broken store).
      last: [
        `govgraph: The audit log cannot be written: insert into _audit: the database stayed locked by another process for ${DEFAULT_LOCK_WAIT_MS} ms; ` +
          "another process holds the store's write lock (a long data import, mostly: `ps` shows it): run the command again once it has ended",
      ],
    });
    const store = await openSqliteStore(data);
    expect(await listGrants(store)).toEqual([]);
    await store.close();
  });
});
