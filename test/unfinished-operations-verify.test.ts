// `audit verify` named the data imports killed between their `attempted` entry and their outcome, and no
// other change: a `catalogue import --publish` killed with kill -9 the same way left its attempt alone in the
// log, the chain sound, and verify said `audit chain ok` and nothing more, so an operator checking the store
// after a crash did not learn that catalogues may or may not have been published. Now it names each
// catalogue import, publication, key rotation and platform adoption without an outcome as a note
// (src/workflow/unfinished-operations.ts); the ones that ended are not named. On a Suzhou platform of the
// test's own, a real `govgraph catalogue import` process stopped the moment its first entry is written.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { CATALOGUE_IMPORT_ACTION } from '../src/audit/actions.ts';
import { eq } from '../src/store/port.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';

const platformFile = fileURLToPath(new URL('./fixtures/suzhou-left/platform.yaml', import.meta.url));
const subsidies = fileURLToPath(new URL('./fixtures/suzhou-left/subsidies.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unfinished-ops-'));
const data = join(dir, 'data');
const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile });
vi.setConfig({ testTimeout: 120_000 });

/** `n` small catalogues of the civil affairs bureau, each one resource: enough that the import is still storing them when killed. */
function catalogueFiles(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const no = String(100 + i).padStart(5, '0');
    const path = join(dir, `sz-mzj-${i}.yaml`);
    writeFileSync(path, [
      `id: SZ-MZJ-${i}`, 'kind: departmental', `title: Suzhou civil affairs register ${i}`, 'compiler: "320500-MZJ"', 'resources:',
      `  - code: "320500-MZJ-${no}"`, `    name: Street register ${i}`, '    provider: "320500-MZJ"',
      `    graphql: { type: SzStreet${i}, list: streets${i}, byKey: street${i} }`, '    key: streetNo',
      '    share: { type: unconditional, methods: [api] }', '    items:',
      '      - { name: streetNo, title: Street number, type: string, required: true }',
      '      - { name: district, title: District, type: string }', '',
    ].join('\n'));
    return path;
  });
}

const entriesOf = (action: string) =>
  withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { filter: eq('action', action), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));
const notesOf = (stdout: string) => stdout.trim().split('\n').slice(1);

let killed: { seq: number; time: string; detail: string };

beforeAll(async () => {
  // A store with one catalogue published in process (its import ended: not named).
  await withSqliteStore(data, (store) => importCatalogueFiles(store, loadPlatform(platformFile), [subsidies], { publish: true }));
  const files = catalogueFiles(40);
  // Stopped (SIGSTOP) the moment its `attempted` entry is in the log, then SIGKILL: it gets no step further.
  const run = await signalledWhen(['catalogue', 'import', '--publish', ...files], {
    cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL',
    ready: (db: Database.Database) => (db.prepare(`SELECT count(*) AS n FROM "c:${AUDIT_COLLECTION}" WHERE json_extract(doc, '$.action') = '${CATALOGUE_IMPORT_ACTION}'`).get() as { n: number }).n === 3,
  });
  expect(run.signal).toBe('SIGKILL');
  const entries = await entriesOf(CATALOGUE_IMPORT_ACTION);
  // The first import's two entries, then the killed one's attempt alone (had it ended, the test would prove nothing).
  expect(entries).toHaveLength(3);
  expect(entries[1].detail).toMatch(/ done \(entry #\d+\): SZ-MZJ v1 published$/);
  expect(entries[2].detail).toMatch(/^import and publication of SZ-MZJ-0 \(.*\), .* and 37 more catalogues attempted: /);
  killed = { ...entries[2], detail: entries[2].detail ?? '' };
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit verify after a catalogue import killed between its entries', () => {
  it('says the chain is ok and names the unfinished import: entry, time, who, what to check', async () => {
    const run = await runGovgraph(['audit', 'verify'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^audit chain ok: \d+ entries/);
    const notes = notesOf(run.stdout);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain(`note: entry #${killed.seq} (${killed.time}, operator): ${killed.detail}, and no outcome follows it: the catalogue import was stopped before it ended`);
    expect(notes[0]).toContain('`govgraph catalogue list` shows which of its catalogues were stored and published');
    expect(notes[0]).toContain('docs/operations.md, Commands and gateways killed midway');
  });

  it('is counted by platform status, which points at audit verify for it and exits 0 (no resource left unfinished)', async () => {
    const run = await runGovgraph(['platform', 'status'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').slice(-2)).toEqual([
      'unfinished work:',
      '  audit log: 1 other change (catalogue import, publication, key rotation, platform adoption) attempted with no outcome: `govgraph audit verify` names each and what to check',
    ]);
  });

  it('names no change that ended: an import done, refused, a key rotated, the killed import run again', async () => {
    const again = await runGovgraph(['catalogue', 'import', '--publish', ...catalogueFiles(40)], { env });
    expect(again.code, again.stderr).toBe(0);
    const rotated = await runGovgraph(['platform', 'rotate-key'], { env });
    expect(rotated.code, rotated.stderr).toBe(0);
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: SZ-BAD\nkind: departmental\n');
    expect((await runGovgraph(['catalogue', 'import', bad], { env })).code).toBe(1);
    const run = await runGovgraph(['audit', 'verify'], { env });
    expect(run.code, run.stderr).toBe(0);
    // The killed import's note stays, as the log does; nothing else is named.
    expect(notesOf(run.stdout).map((n) => /entry #(\d+)/.exec(n)?.[1])).toEqual([String(killed.seq)]);
  });
});
