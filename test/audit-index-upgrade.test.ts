// An upgrade on a long audit log (docs/operations.md, Upgrading): the release's new index of the log (on
// action and seq) was made by the first entry the upgraded gateway wrote, on its event loop, holding it
// about 2 s per million entries, so /healthz did not answer meanwhile and a liveness probe shorter than that
// killed the gateway mid-build, for the next start to begin again. Now `serve` makes the log's indexes at
// its start on a thread of their own: /healthz answers throughout, /readyz says 503 `audit-indexes` until
// they are made, and a data read sent meanwhile waits for them and is logged after. A process killed
// midway leaves the store as before (one transaction), and the next start makes the index.
// Ningxia fixture; the log is 300,000 entries written by SQL as an older release left them (no such index).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, withSqliteStore } from './helpers/cli.ts';
import { writeLocked } from './helpers/lock-holder.ts';
import { spawnServe, waitReady } from './helpers/served.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/ningxia-ops/', import.meta.url));
const PORT = 0; // a free port, as spawnServe reads it from the log line
const ENTRIES = 300_000;
const NEW_INDEX = `ix:action,seq@${AUDIT_COLLECTION}`;
const READ = '{ nxCivil { reliefRecipients(first: 1) { nodes { caseNo } } } }';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-audit-index-upgrade-'));
const data = join(dir, 'data');
const file = join(data, SQLITE_FILE);
let token = '';
let base = 0;
const running: ChildProcess[] = [];

beforeAll(async () => {
  const platform = loadPlatform(join(FIXTURE, 'platform.yaml'));
  const secret = await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [join(FIXTURE, 'civil.yaml')], { publish: true });
    return storedSecret(store);
  });
  // The log as an older release left it: without the new index (the import's entries made it), and long.
  const db = new Database(file);
  db.exec(`DROP INDEX "${NEW_INDEX}"`);
  db.prepare('DELETE FROM _govgraph_indexes WHERE name = ?').run(NEW_INDEX);
  base = Number(db.prepare(`SELECT coalesce(max(json_extract(doc, '$.seq')), 0) FROM "c:${AUDIT_COLLECTION}"`).pluck().get()); // the import's
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO "c:${AUDIT_COLLECTION}" (doc) SELECT json_object('seq', ? + i, 'time', '2026-11-01T00:00:00.000Z', 'kind', 'read',
       'department', CASE i % 3 WHEN 0 THEN '640100-RSJ' WHEN 1 THEN '640200-RSJ' ELSE '640000-MZT' END, 'user', 'u' || (i % 50),
       'requestId', 'older-' || i, 'action', CASE WHEN i % 1000 = 0 THEN 'grantAdd' ELSE 'read' END, 'outcome', 'allowed',
       'prevHash', printf('%064d', i - 1), 'hash', printf('%064d', i)) FROM n`,
  ).run(ENTRIES, base);
  expect(indexMade()).toBe(false);
  db.close();
  token = await signToken(secret, { dept: '640100-RSJ', user: 'yc-hr', roles: ['applicant'], ttl: '1h' });
}, 120_000);
afterEach(async () => {
  for (const child of running.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the store's file holds the new index and its record, read by a connection of the test's own. */
function indexMade(): boolean {
  const db = new Database(file, { readonly: true });
  try {
    const recorded = db.prepare('SELECT 1 FROM _govgraph_indexes WHERE name = ?').get(NEW_INDEX) !== undefined;
    const made = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?").get(NEW_INDEX) !== undefined;
    expect(made).toBe(recorded); // one transaction: both or neither
    return made;
  } finally {
    db.close();
  }
}


async function serve(): Promise<{ child: ChildProcess; url: string }> {
  const served = await spawnServe([], cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: join(FIXTURE, 'platform.yaml'), GOVGRAPH_LOG_LEVEL: 'warn' }), PORT);
  running.push(served.child);
  return { child: served.child, url: `http://127.0.0.1:${served.port}` };
}

/** The status /healthz or /readyz answers, or null when it does not answer within a second. */
async function probe(url: string): Promise<{ code: number; status: string } | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return { code: res.status, status: ((await res.json()) as { status: string }).status };
  } catch {
    return null;
  }
}

async function started(url: string): Promise<void> {
  while ((await probe(`${url}/healthz`))?.code !== 200) await new Promise((r) => setTimeout(r, 10));
}

it('a start killed while it makes the index leaves the store as before; the next start makes it (below)', async () => {
  const { child, url } = await serve();
  await started(url);
  // The index is being made: not ready, for that reason.
  expect(await probe(`${url}/readyz`)).toEqual({ code: 503, status: 'audit-indexes' });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  expect(indexMade()).toBe(false);
  const db = new Database(file, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
}, 60_000);

it('/healthz answers while the gateway makes the index; /readyz once it is made; a read sent meanwhile is logged after it', async () => {
  const { url } = await serve();
  await started(url);
  // A data read sent as soon as the gateway is alive (its entry needs the log's indexes), and /healthz asked meanwhile.
  let answered = false;
  const read = fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'x-purpose': 'relief', 'content-type': 'application/json' },
    body: JSON.stringify({ query: READ }),
  }).then(async (res) => ((answered = true), (await res.json()) as { data?: unknown; errors?: unknown }));
  // The probes answered while the gateway held the write lock making the index (read after each answer).
  const whileMaking: string[] = [];
  while (!answered) {
    const health = await probe(`${url}/healthz`);
    const ready = await probe(`${url}/readyz`);
    if (!answered && writeLocked(file) && !indexMade()) whileMaking.push(`${health?.code}/${ready?.code} ${ready?.status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  // Before: the read's entry made the index on the event loop, and no probe answered until it was made
  // (at most one answered just before the build took the lock).
  expect(whileMaking.length).toBeGreaterThanOrEqual(3);
  expect(new Set(whileMaking)).toEqual(new Set(['200/503 audit-indexes']));
  const answer = await read;
  expect(answer.errors).toBeUndefined();
  expect(indexMade()).toBe(true);
  await waitReady(url, 10_000);
  const db = new Database(file, { readonly: true });
  const last = db.prepare(`SELECT json_extract(doc, '$.seq') AS seq, json_extract(doc, '$.department') AS dept FROM "c:${AUDIT_COLLECTION}" ORDER BY id DESC LIMIT 1`).get();
  db.close();
  expect(last).toEqual({ seq: base + ENTRIES + 1, dept: '640100-RSJ' });
}, 90_000);
