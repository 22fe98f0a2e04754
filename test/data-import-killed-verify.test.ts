// A `govgraph data import` killed with kill -9 between its `attempted` entry and its outcome leaves the
// attempt alone in the log. The chain holds, so `audit verify` said `audit chain ok` and nothing more: an
// operator checking the store after the crash (docs/operations.md, Commands and gateways killed midway)
// was not told that an import of the resource may or may not have written its records. Now verify names
// it as a note (which import, by whom, when), the chain still ok, and says so of
// a later import of the resource that ended. On a Chongqing platform of the test's own.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/chongqing-left/${p}`, import.meta.url));
const RELIEF = '500000-MZJ-00031';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-killed-'));
const data = join(dir, 'data');
const env = cliEnv({ GOVGRAPH_DATA_DIR: data });
vi.setConfig({ testTimeout: 120_000 });

/** A file of `n` relief cases: enough that the import is still writing when the test kills it. */
function reliefFile(name: string, n: number, households: number | string = 3): string {
  const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ caseNo: `CQ-${String(i).padStart(6, '0')}`, township: `t${i % 41}`, households }));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

const importEntries = () =>
  withSqliteStore(data, async (s) =>
    (await s.find(AUDIT_COLLECTION, { filter: eq('action', 'data import'), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));

const verify = () => runGovgraph(['audit', 'verify'], { env });

let killed: number; // the seq of the killed import's `attempted` entry
let killedTime: string;

beforeAll(async () => {
  const platform = loadPlatform(fixture('platform.yaml'));
  await withSqliteStore(data, (store) => importCatalogueFiles(store, platform, [fixture('relief.yaml')], { publish: true }));
  const big = reliefFile('relief-big.jsonl', 20_000);
  // Stopped (SIGSTOP) the moment its first entry is in the log, then SIGKILL: it gets no step further.
  const run = await signalledWhen(['data', 'import', '--resource', RELIEF, big], {
    cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL',
    ready: (db: Database.Database) => db.prepare(`SELECT 1 FROM "c:${AUDIT_COLLECTION}" WHERE json_extract(doc, '$.action') = 'data import'`).get() !== undefined,
  });
  expect(run.signal).toBe('SIGKILL');
  const entries = await importEntries();
  // Killed between the two: the attempt is alone (had the import ended first, the test would prove nothing).
  expect(entries.map((e) => e.detail)).toEqual([`data import of ${big} into ${RELIEF} attempted (all or nothing)`]);
  killed = entries[0].seq;
  killedTime = entries[0].time;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit verify after a data import killed between its entries', () => {
  it('says the chain is ok and names the unfinished import: entry, time, who, resource, what to do', async () => {
    const run = await verify();
    expect(run.code, run.stderr).toBe(0);
    const [head, ...notes] = run.stdout.trim().split('\n');
    expect(head).toMatch(/^audit chain ok: \d+ entries/);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`note: entry #${killed} (${killedTime}, operator): data import of `);
    expect(notes[0]).toContain(`into ${RELIEF} attempted (all or nothing), and no outcome follows it`);
    expect(notes[0]).toContain('import the file again');
    expect(notes[0]).toContain('docs/operations.md, Commands and gateways killed midway');
    expect(run.stdout).not.toContain('broken');
  });

  it('names it still once a later import of the resource ended, with that import; ended imports are not named', async () => {
    const refused = await runGovgraph(['data', 'import', '--resource', RELIEF, reliefFile('relief-bad.jsonl', 2, 'many')], { env });
    expect(refused.code).toBe(1);
    const done = await runGovgraph(['data', 'import', '--resource', RELIEF, reliefFile('relief-small.jsonl', 5)], { env });
    expect(done.code, done.stderr).toBe(0);
    const entries = await importEntries();
    const doneEntry = entries.find((e) => / done \(entry #\d+\)/.test(e.detail ?? ''))!;
    const run = await verify();
    expect(run.code, run.stderr).toBe(0);
    const notes = run.stdout.trim().split('\n').slice(1);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`note: entry #${killed} (`);
    expect(notes[0]).toContain(`a later import of ${RELIEF} wrote its records (entry #${doneEntry.seq})`);
  });
});
