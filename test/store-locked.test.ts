// The event loop never waits for a lock (issue 9 point 2): another real process holds the SQLite write lock
// (BEGIN EXCLUSIVE) for 10 s. Throughout, /healthz answers within 100 ms (nine probes in ten; the slowest
// within a second on a busy machine), a query that writes nothing
// answers at once, and a read of resource data (which must write its audit entry) fails closed with
// AUDIT_UNAVAILABLE after the store's bound instead of waiting for the lock; once the lock is gone, the
// same read succeeds.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LOCK_WAIT_MS, SQLITE_FILE } from '../src/store/sqlite.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const HOLD_MS = 10_000;
const GA = { dept: '430000-GA' };
const DATA_READ = '{ publicSecurity { householdRegistrations(first: 1) { nodes { idNumber } } } }';
const NO_DATA = '{ __typename }';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

/** A process that holds the write lock of the store's file for `ms`, resolving once it has it. */
function holdLock(file: string, ms: number): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS _held (x)');
    db.prepare('INSERT INTO _held VALUES (1)').run();
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const released = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.once('data', () => resolve({ released }));
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
  });
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

describe('a store locked by another process', () => {
  it('keeps /healthz and lock-free requests answering; data reads fail closed within the bound', async () => {
    expect((await gw.query(DATA_READ, GA)).errors).toBeUndefined();
    const { released } = await holdLock(join(gw.dataDir, SQLITE_FILE), HOLD_MS);
    let held = true;
    void released.then(() => (held = false));

    // Health probes every 100 ms while the lock is held.
    const health: number[] = [];
    const probes = (async () => {
      while (held) {
        const [res, ms] = await timed(() => fetch(`${gw.gateway.url}/healthz`));
        expect(res.status).toBe(200);
        health.push(ms);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    const [plain, plainMs] = await timed(() => gw.query(NO_DATA, GA));
    expect(plain.data).toEqual({ __typename: 'Query' });
    expect(plainMs).toBeLessThan(1000);

    const [read, readMs] = await timed(() => gw.query(DATA_READ, GA));
    expect(held).toBe(true);
    expect(read.data ?? null).toBeNull();
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(readMs).toBeGreaterThanOrEqual(DEFAULT_LOCK_WAIT_MS - 100);
    expect(readMs).toBeLessThan(DEFAULT_LOCK_WAIT_MS + 2000);

    await released;
    await probes;
    expect(health.length).toBeGreaterThan(20);
    // Within 100 ms, the typical probe and nine in ten; on a machine busy with other test files a probe
    // may wait for the CPU, so the slowest gets more room (a synchronous wait for the lock takes seconds).
    const sorted = [...health].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
    expect(sorted[Math.floor(sorted.length * 0.9)]).toBeLessThan(100);
    expect(sorted.at(-1)).toBeLessThan(1000);
    expect((await gw.query(DATA_READ, GA)).errors).toBeUndefined();
  }, 60_000);
});
