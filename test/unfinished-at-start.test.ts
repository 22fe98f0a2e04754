// The operator after a night's crash: a `data import` killed with -9 between its `attempted` entry and its
// outcome, then `govgraph serve` started. The gateway said nothing of the import (ready, /metrics counting
// only records to place): now it says each unfinished piece of work once, at level 40, with its resource
// and the command that finishes it (`"event":"unfinished-work"`: the import, and the records a release
// before places stored), counts each kind in govgraph_unfinished_resources{work}, and `platform status`
// gives the same next step. Nothing is half-written: the killed import left nothing in the resource, and
// the line says so. Real processes on Baotou's platform (test/fixtures/baotou-crash); the folder of the
// file has a space in its name, so the command said must be quoted to run as written.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { BAOTOU_CATALOGUE, BAOTOU_PLATFORM, EMPLOYERS, storeEmployersUnplaced, unfinishedGauge, unfinishedWorkLines, WORKERS, writeWorkers } from './helpers/baotou-crash.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

vi.setConfig({ testTimeout: 180_000 });
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unfinished-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = join(dir, 'data');
// Unfinished imports read again (and records tried again) every 500 ms rather than 15 s; the log at info (a test's is silent).
const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: BAOTOU_PLATFORM, GOVGRAPH_TEST_PLACING_RETRY_MS: '500', GOVGRAPH_LOG_LEVEL: 'info' });

/** A gateway on the folder, ready; stopped (SIGTERM) after `work`. */
async function served<T>(work: (gw: ServedProcess, url: string) => Promise<T>): Promise<T> {
  const gw = await spawnServe([], env);
  try {
    const url = `http://127.0.0.1:${gw.port}`;
    await waitReady(url);
    return await work(gw, url);
  } finally {
    gw.child.kill('SIGTERM');
    await gw.exited;
  }
}

it('a gateway started after an import killed with -9 says it once at level 40 with the command that finishes it, counts it, and stops counting once it is run', async () => {
  expect((await runGovgraph(['catalogue', 'import', BAOTOU_CATALOGUE, '--publish'], { env })).code).toBe(0);
  await withSqliteStore(data, (store) => storeEmployersUnplaced(store, 40));
  mkdirSync(join(dir, 'night run'));
  const file = join(dir, 'night run', 'workers.jsonl');
  writeWorkers(file, 20_000);

  // Stopped (SIGSTOP) the moment its `attempted` entry is in the log, then SIGKILL: killed midway.
  const run = await signalledWhen(['data', 'import', '--resource', WORKERS.code, file], {
    cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL',
    ready: (db: Database.Database) => db.prepare(`SELECT 1 FROM "c:${AUDIT_COLLECTION}" WHERE json_extract(doc, '$.action') = 'data import'`).get() !== undefined,
  });
  expect(run.signal).toBe('SIGKILL');
  // Nothing half-written: the resource holds none of the file.
  expect(await withSqliteStore(data, (store) => store.count(WORKERS.collection))).toBe(0);

  const next = `govgraph data import --resource ${WORKERS.code} '${file}'`;
  await served(async (gw, url) => {
    await eventually(async () => expect(await unfinishedGauge(url, 'data-import')).toBe('1'), 30_000);
    await eventually(async () => expect(await unfinishedGauge(url, 'record-places')).toBe('0'), 30_000);
    // Read again every 500 ms meanwhile: still said once each.
    await new Promise((r) => setTimeout(r, 1500));
    const said = unfinishedWorkLines(gw.output());
    expect(said).toEqual([
      expect.objectContaining({ level: 40, work: 'record-places', resource: EMPLOYERS.code, next: 'govgraph serve (this gateway: placing them now)' }),
      expect.objectContaining({ level: 40, work: 'data-import', resource: WORKERS.code, entry: expect.any(Number), user: 'operator', next }),
    ]);
    const { msg } = said[1] as { msg: string };
    expect(msg).toContain(`data import of ${file} into ${WORKERS.code} attempted (all or nothing), and no outcome follows it`);
    expect(msg).toContain('nothing is half-written: an import is all-or-nothing, so the resource holds all of the file or none of it');
    expect(msg).toContain(`then \`${next}\``);
    expect((await fetch(`${url}/readyz`)).status).toBe(200); // not an alarm: the gateway serves

    // `platform status` names it with the same next step.
    const status = await runGovgraph(['platform', 'status'], { env });
    expect(status.code).toBe(1);
    expect(status.stdout).toContain(`then import the same file again (\`${next}\`)\n`);
    expect(status.stdout).toContain('nothing is half-written');

    // The command said, run as written (through a shell, from another folder: the file's path is absolute).
    const out = execFileSync('sh', ['-c', next.replace(/^govgraph /, `node '${GOVGRAPH_BIN}' `)], { cwd: tmpdir(), env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/imported 20000 records into 150200-RSJ-00011 \(20000 new, 0 updated\)/);
    await eventually(async () => expect(await unfinishedGauge(url, 'data-import')).toBe('0'), 30_000);
    expect(unfinishedWorkLines(gw.output()).at(-1)).toEqual(expect.objectContaining({
      level: 30, work: 'data-import', resource: WORKERS.code, finished: true,
      msg: expect.stringMatching(/no longer unfinished: a later import of 150200-RSJ-00011 wrote its records \(entry #\d+\)$/),
    }));
  });

  // Nothing left: the next start says nothing of unfinished work, and both kinds count 0.
  expect((await runGovgraph(['platform', 'status'], { env })).code).toBe(0);
  await served(async (gw, url) => {
    expect([await unfinishedGauge(url, 'record-places'), await unfinishedGauge(url, 'data-import')]).toEqual(['0', '0']);
    await new Promise((r) => setTimeout(r, 1000));
    expect(unfinishedWorkLines(gw.output())).toEqual([]);
  });
});
