// What an operator paged at night asks first: `govgraph platform status`. Records without a place in a
// masked key's list (a gateway could not place them: `"event":"record-places","unfinished":{...}` at level
// 40) were told only by that gateway's log line, and a data import killed midway only by `audit verify`'s
// notes: `platform status` said nothing of either, and /metrics had no gauge of them. Now the command names
// each unfinished resource, why, and how to finish it (exit 1 until done), and a gateway's /metrics counts
// the resources it has still to place (govgraph_unfinished_resources{work="record-places"}). On Urumqi's
// platform of the tests (test/fixtures/urumqi-placing), with a real import killed by SIGKILL and a real
// `govgraph serve` placing the records.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { eq, StoreUnavailableError } from '../src/store/port.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { startTestGateway } from './helpers/gateway.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { whileServed, waitReady } from './helpers/served.ts';
import { aroundMethod } from './helpers/store-around.ts';
import { RESIDENTS, storeUnplaced, unplacedCount, URUMQI_CATALOGUE, URUMQI_PLATFORM, VEHICLES } from './helpers/urumqi-unplaced.ts';

vi.setConfig({ testTimeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unfinished-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file of `n` vehicles (keys apart from storeUnplaced's): enough that an import is still writing when it is killed. */
function vehiclesFile(n: number): string {
  const path = join(dir, 'vehicles.jsonl');
  writeFileSync(path, Array.from({ length: n }, (_, i) => JSON.stringify({ ownerPhone: `1388${String(i).padStart(7, '0')}`, tag: `f${i}` })).join('\n') + '\n');
  return path;
}

const gauge = async (url: string): Promise<string | undefined> =>
  /^govgraph_unfinished_resources\{work="record-places"\} (\d+)$/m.exec(await (await fetch(`${url}/metrics`)).text())?.[1];

describe('platform status', () => {
  const data = join(dir, 'data');
  const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: URUMQI_PLATFORM });
  const status = () => runGovgraph(['platform', 'status'], { env });

  it('names each resource left unfinished, why and how to finish it, and exits 1 until nothing is', async () => {
    await withSqliteStore(data, async (store) => {
      await importCatalogueFiles(store, loadPlatform(URUMQI_PLATFORM), [URUMQI_CATALOGUE], { publish: true });
      await storeUnplaced(store, 30, 5); // as a release before places stored them
    });
    const file = vehiclesFile(20_000);
    // Stopped (SIGSTOP) the moment its `attempted` entry is in the log, then SIGKILL.
    const run = await signalledWhen(['data', 'import', '--resource', VEHICLES.code, file], {
      cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL',
      ready: (db: Database.Database) => db.prepare(`SELECT 1 FROM "c:${AUDIT_COLLECTION}" WHERE json_extract(doc, '$.action') = 'data import'`).get() !== undefined,
    });
    expect(run.signal).toBe('SIGKILL');

    const crashed = await status();
    expect(crashed.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(crashed.code).toBe(1);
    const lines = crashed.stdout.split('\n');
    expect(lines).toContain('unfinished work:');
    const of = (code: string) => lines.flatMap((l, i) => (l.startsWith(`  ${code}: `) ? [l, lines[i + 1]] : []));
    expect(of(RESIDENTS.code)).toEqual([
      expect.stringMatching(/^ {2}650100-GAJ-00001: 30 records without a place in its masked key's list /),
      expect.stringMatching(/^ {4}to finish: start a gateway \(`govgraph serve`\): it places them as it starts/),
    ]);
    expect(of(VEHICLES.code)).toEqual([
      expect.stringContaining('5 records without a place'),
      expect.stringContaining('to finish: start a gateway'),
      expect.stringMatching(new RegExp(`entry #\\d+ \\(.*, operator\\): data import of ${file} into ${VEHICLES.code} attempted .*no outcome follows it`)),
      `    to finish: make sure it is not running (\`ps\`, on every machine that runs commands on this store), then import the same file again (\`govgraph data import --resource ${VEHICLES.code} ${file}\`)`,
    ]);

    // A gateway places the records as it starts.
    await whileServed(env, async () => undefined);
    const placed = await status();
    expect(placed.code).toBe(1);
    expect(placed.stdout).not.toContain('without a place');
    expect(placed.stdout).toContain(`data import of ${file} into ${VEHICLES.code} attempted`);

    // The same file imported again: nothing is left.
    expect((await runGovgraph(['data', 'import', '--resource', VEHICLES.code, file], { env })).code).toBe(0);
    const done = await status();
    expect([done.code, done.stdout.split('\n').slice(-2)]).toEqual([0, ['unfinished work: none', '']]);
  });

  // Found in review: the import of a resource withdrawn since (a newer version of its catalogue leaves it
  // out) kept the command at exit 1 for good, telling to import again a file `data import` then refused.
  it('counts an import of a resource no longer published, without an exit 1 nothing can clear', async () => {
    const imports = (db: Database.Database) => (db.prepare(`SELECT count(*) AS n FROM "c:${AUDIT_COLLECTION}" WHERE json_extract(doc, '$.action') = 'data import'`).get() as { n: number }).n;
    const before = await withSqliteStore(data, async (store) => (await store.find(AUDIT_COLLECTION, { filter: eq('action', 'data import') })).length);
    const run = await signalledWhen(['data', 'import', '--resource', VEHICLES.code, vehiclesFile(20_000)], {
      cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready: (db: Database.Database) => imports(db) > before,
    });
    expect(run.signal).toBe('SIGKILL');
    const catalogue = readFileSync(URUMQI_CATALOGUE, 'utf8');
    const residentsOnly = join(dir, 'residents-only.yaml');
    writeFileSync(residentsOnly, catalogue.slice(0, catalogue.indexOf(`  - code: "${VEHICLES.code}"`)));
    expect((await runGovgraph(['catalogue', 'import', residentsOnly, '--publish'], { env })).code).toBe(0);
    const withdrawn = await status();
    expect([withdrawn.code, withdrawn.stdout.split('\n').slice(-3)]).toEqual([0, [
      'unfinished work:',
      '  audit log: 1 data import of a resource no longer published attempted with no outcome (nothing to finish: the resource is withdrawn): `govgraph audit verify` names each',
      '',
    ]]);
  });
});

describe('a gateway\'s /metrics', () => {
  it('counts the resources whose records it has still to place, down to 0 once it placed them', async () => {
    let locked = true;
    const gw = await startTestGateway({
      platformFile: URUMQI_PLATFORM,
      catalogueFiles: [URUMQI_CATALOGUE],
      seed: (store) => storeUnplaced(store, 20, 3),
      // Another process holding the store's lock, as a long import does, until the test lets it go.
      wrapStore: (store) => aroundMethod(store, 'fillNulls', async ([collection], call) => {
        if (locked) throw new StoreUnavailableError(`fillNulls on ${String(collection)}: the store is locked by another process`);
        return call();
      }),
    });
    try {
      await waitReady(gw.gateway.url, 30_000); // ready all the same
      expect(await gauge(gw.gateway.url)).toBe('2');
      locked = false;
      // Tried again every RETRY_PLACING_MS (15 s).
      await eventually(async () => expect(await gauge(gw.gateway.url)).toBe('0'), 60_000);
      expect(await unplacedCount(gw.store, RESIDENTS.collection)).toBe(0);
      expect(await unplacedCount(gw.store, VEHICLES.collection)).toBe(0);
    } finally {
      await gw.close();
    }
  });
});
