// The event loop never waits for a lock (issue 9 point 2): another real process holds the SQLite write lock
// (BEGIN EXCLUSIVE) for 10 s. Throughout, /healthz keeps answering (probe after probe while a read waits
// for the lock; none waits as long as the lock), a query that writes nothing
// answers at once, and a read of resource data (which must write its audit entry) fails closed with
// AUDIT_UNAVAILABLE after the store's bound instead of waiting for the lock; once the lock is gone, the
// same read succeeds.
//
// With the rates on (second part), a request that writes nothing answers as usual too, within the rates:
// the instance counts the buckets alone while the store's meter cannot be written, and pays what it counted
// into the store afterwards; a refused request, whose audit entry cannot be written, fails closed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { METER_WAIT_MS, RATE_BUCKETS } from '../src/limits/rates.ts';
import { createLogger } from '../src/server/plugins/logging.ts';
import { eq } from '../src/store/port.ts';
import { DEFAULT_LOCK_WAIT_MS, SQLITE_FILE } from '../src/store/sqlite.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const HOLD_MS = 10_000;
const GA = { dept: '430000-GA' };
const DATA_READ = '{ publicSecurity { householdRegistrations(first: 1) { nodes { idNumber } } } }';
const NO_DATA = '{ __typename }';
// idNumber is masked for 430000-MZ under social-assistance: the filter is a masked probe.
const PROBE = '{ humanResources { employmentRegistrations(filter: { idNumber: { eq: "430102199001011234" } }) { totalCount } } }';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ demo: true });
});
afterAll(() => gw?.close());

/** A process that holds the write lock of the store's file for `ms`, resolving once it has it. */
function holdLock(file: string, ms: number, begin = 'BEGIN EXCLUSIVE'): Promise<{ released: Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1]);
    db.exec(process.argv[3]);
    db.exec('CREATE TABLE IF NOT EXISTS _held (x)');
    db.prepare('INSERT INTO _held VALUES (1)').run();
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, file, String(ms), begin], { stdio: ['ignore', 'pipe', 'inherit'] });
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

    // Health probes every 100 ms while the lock is held, each with when it was asked and answered.
    const health: { start: number; end: number }[] = [];
    const probes = (async () => {
      while (held) {
        const start = performance.now();
        const res = await fetch(`${gw.gateway.url}/healthz`);
        expect(res.status).toBe(200);
        health.push({ start, end: performance.now() });
        await new Promise((r) => setTimeout(r, 100));
      }
    })();

    // No clock bounds below (a loaded machine stretches them all): what answers at once answers before one
    // that waits for the lock, asked beside it, gives up; what waits for the lock waits the store's bound
    // (the slower the machine the longer, never shorter) and gives up while the lock is still held.
    const readStart = performance.now();
    let readSettled = false;
    const reading = timed(() => gw.query(DATA_READ, GA)).finally(() => (readSettled = true));
    const plain = await gw.query(NO_DATA, GA);
    expect(plain.data).toEqual({ __typename: 'Query' });
    expect(readSettled).toBe(false);

    const [read, readMs] = await reading;
    const readEnd = performance.now();
    expect(held).toBe(true);
    expect(read.data ?? null).toBeNull();
    expect(read.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(readMs).toBeGreaterThanOrEqual(DEFAULT_LOCK_WAIT_MS - 100);

    // A read that compares a masked item counts a masked probe first (a meter step): it waits the meter's
    // short bound, not the store's, and fails closed before reading anything (it took 2 × the store's bound).
    const [probe, probeMs] = await timed(() => gw.query(PROBE, { dept: '430000-MZ', purpose: 'social-assistance' }));
    expect(held).toBe(true);
    expect(probe.data ?? null).toBeNull();
    expect(probe.errors?.map((e) => e.extensions?.code)).toEqual(['STORE_UNAVAILABLE']);
    expect(probeMs).toBeGreaterThanOrEqual(METER_WAIT_MS - 50);
    // The store's bound, measured just now by the read beside it: the probe waited a fraction of it.
    expect(probeMs).toBeLessThan(readMs / 2);

    await released;
    await probes;
    // While the read waited for the lock, probe after probe was answered: one every 100 ms and its answer,
    // dozens in the store's bound (some 45 idle, 30 beside three busy loops on two cores). Counted against
    // the read's own wait, not a clock: at least one probe per 500 ms of it. A synchronous wait for the lock
    // held the event loop for all of it (none answered), or in turns of a second (one a second). No probe
    // waited as long as the lock.
    const duringRead = health.filter((h) => h.start >= readStart && h.end <= readEnd);
    expect(duringRead.length, `${duringRead.length} probes answered while the read waited ${Math.round(readMs)} ms`).toBeGreaterThanOrEqual(Math.floor(readMs / 500));
    expect(Math.max(...health.map((h) => h.end - h.start))).toBeLessThan(readMs / 2);
    expect((await gw.query(DATA_READ, GA)).errors).toBeUndefined();
    expect((await gw.query(PROBE, { dept: '430000-MZ', purpose: 'social-assistance' })).errors).toBeUndefined();
  }, 60_000);
});

describe('a store locked by another process, with the rates on', () => {
  const USER = { requests: 10, perMs: 600_000 }; // a lease of 1: every request is a step of the store's meter
  const DEPT = { requests: 40, perMs: 60_000 }; // leases of 2, lapsing after 1 s
  const lines: Record<string, any>[] = [];
  const sink = lineSink((l) => lines.push(JSON.parse(l)));
  let rated: TestGateway;
  beforeAll(async () => {
    rated = await startTestGateway({ demo: true, rates: true, limits: { rate: { perUser: USER, perDepartment: DEPT } }, gateway: { logger: createLogger(sink, 'info') } });
  });
  afterAll(() => rated?.close());

  const WHO = 'query Who { me { user } }';
  const ask = async (user: string, document = WHO) => {
    const started = performance.now();
    const res = await fetch(`${rated.gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await rated.token('430000-MZ', [], user)}`, 'x-request-id': `${user}-${lines.length}-${Math.random()}` },
      body: JSON.stringify({ query: document }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { extensions: Record<string, unknown> }[] };
    return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0]?.extensions.code ?? null, ms: performance.now() - started, body };
  };
  const userLevel = async (user: string) =>
    Number((await rated.store.find(RATE_BUCKETS, { filter: eq('key', `user|430000-MZ|${user}`) }))[0]?.level ?? 0);

  it('answers requests that write nothing as usual, within the rates counted alone; refusals fail closed; the store is charged afterwards', async () => {
    for (let i = 0; i < 3; i++) expect((await ask('wang')).status).toBe(200);
    expect(await userLevel('wang')).toBeCloseTo(3, 0);

    const { released } = await holdLock(join(rated.dataDir, SQLITE_FILE), 10_000, 'BEGIN IMMEDIATE');
    let held = true;
    void released.then(() => (held = false));
    await new Promise((r) => setTimeout(r, 1100)); // the department's lease has lapsed: every request needs the store

    // wang had 3 of 10 in the store: 7 more answer, each at once (the first after the meter's short wait).
    const served = [];
    for (let i = 0; i < 7; i++) served.push(await ask('wang'));
    expect(served.map((r) => [r.status, r.code])).toEqual(Array(7).fill([200, null]));
    expect(held).toBe(true);
    // Past the bucket wang is refused; the refusal's audit entry cannot be written: AUDIT_UNAVAILABLE (503)
    // after the store's bound, its Retry-After kept. Meanwhile another user's bucket (never stepped here) is
    // counted alone from empty.
    const [refused, others] = await Promise.all([
      ask('wang'),
      (async () => {
        const out = [];
        for (let i = 0; i < 10; i++) out.push(await ask('li'));
        return out;
      })(),
    ]);
    expect(held).toBe(true);
    expect(others.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect([refused.status, refused.code]).toEqual([503, 'AUDIT_UNAVAILABLE']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(refused.ms).toBeGreaterThanOrEqual(DEFAULT_LOCK_WAIT_MS - 100);
    // Answered at once, each: a fraction of the store's bound, as the refusal beside them measured it (no
    // clock bound a loaded machine could break). Waiting for the store's meter, each took the whole of it.
    expect(Math.max(...served.map((r) => r.ms), ...others.map((r) => r.ms))).toBeLessThan(refused.ms / 2);
    // The log says what the client got (not INTERNAL_SERVER_ERROR), and that the instance counts alone.
    const refusedLines = lines.filter((l) => l.msg === 'graphql request refused');
    expect(refusedLines.map((l) => [l.department, l.operationName, l.outcome, l.codes])).toEqual([['430000-MZ', 'Who', 'error', ['AUDIT_UNAVAILABLE']]]);
    expect(lines.filter((l) => l.event === 'rate-meter').map((l) => l.alone)).toEqual([true]);
    const metrics = await (await fetch(`${rated.gateway.url}/metrics`)).text();
    expect(metrics).toContain('govgraph_graphql_requests_total{operation="Who",outcome="error"} 1');
    expect(metrics).not.toMatch(/operation="unauthenticated"/);

    await released;
    // The instance pays what it counted alone into the store (in the background, started by a request after
    // a pause), then steps the store's buckets again: wang's bucket holds the 7 served during the lock.
    await new Promise((r) => setTimeout(r, 1100));
    const after = await ask('wang');
    expect([after.status, after.code]).toEqual([429, 'RATE_LIMITED']);
    await expect.poll(() => lines.filter((l) => l.event === 'rate-meter').map((l) => l.alone), { timeout: 5000 }).toEqual([true, false]);
    expect(await userLevel('wang')).toBeGreaterThan(9.5);
    const again = await ask('wang');
    expect([again.status, again.code]).toEqual([429, 'RATE_LIMITED']);

    // The first refusal answered as a refusal has its entry (the one answered AUDIT_UNAVAILABLE folds
    // nothing); the next, before wang's bucket has a token again, is folded into it (src/limits/rate-entries.ts).
    // The chain verifies.
    const entries = (await rated.store.find(AUDIT_COLLECTION, { filter: eq('user', 'wang') })).map(fromRow);
    expect(entries.map((e) => [e.kind, e.outcome, e.operationName, e.detail?.split(':')[0]])).toEqual([['read', 'refused', 'Who', 'RATE_LIMITED']]);
    expect(await verifyAuditChain(rated.store)).toMatchObject({ ok: true });
  }, 60_000);
});
