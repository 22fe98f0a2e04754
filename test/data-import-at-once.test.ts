// Two `govgraph data import`s of one resource at once, from two processes on one data folder (Changchun,
// test/fixtures/changchun-ops). The first holds the store's write lock from its first batch to its commit;
// the second waits 5 s for it and is refused. It was refused with `import into ...: the database stayed
// locked by another process for 5000 ms` alone, and its outcome entry, which needs the same lock, was
// dropped without a word: the log kept its `attempted` entry alone, and `audit verify` named it in a note
// as an import killed midway whose records may have been written. The refusal now says that nothing was
// written and what to do, and its `not done` entry waits for the lock (up to a minute) to be recorded.
// The first import is read from a named pipe, so the test decides when it ends.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import { writeLocked } from './helpers/lock-holder.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/changchun-ops/${p}`, import.meta.url));
const PERMITS = '220100-ZJJ-00002';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-at-once-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const permits = (from: number, to: number, holder: string) =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ permitNo: `CC-P-${from + i}`, holder: `${holder} ${from + i}` }) + '\n').join('');

it('the second of two imports of one resource is refused saying nothing was written, its refusal recorded; the first writes all; audit verify has no note', async () => {
  const data = join(dir, 'data');
  const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: fixture('platform.yaml') });
  expect((await runGovgraph(['catalogue', 'import', '--publish', fixture('housing.yaml')], { env })).code).toBe(0);
  const pipe = join(dir, 'permits.jsonl');
  const second = join(dir, 'more-permits.jsonl');
  execFileSync('mkfifo', [pipe]);
  execFileSync('mkfifo', [second]);
  const start = (file: string) => {
    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'data', 'import', '--resource', PERMITS, file], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const run = { child, stdout: '', stderr: '', exited: once(child, 'exit'), feed: createWriteStream(file) };
    child.stdout.on('data', (d) => (run.stdout += d));
    child.stderr.on('data', (d) => (run.stderr += d));
    return run;
  };
  const attempted = async () =>
    (await withSqliteStore(data, (s) => s.find(AUDIT_COLLECTION, {}))).map(fromRow).filter((e) => e.action === 'data import' && / attempted /.test(e.detail ?? '')).length;

  // Both started at once: each writes its `attempted` entry, then reads its file.
  const a = start(pipe);
  const b = start(second);
  await eventually(async () => expect(await attempted()).toBe(2), 30_000);
  // The first's transaction begins with its first batch and holds the lock; then the second's records come.
  a.feed.write(permits(0, 2500, 'Chaoyang'));
  await eventually(async () => expect(writeLocked(join(data, SQLITE_FILE))).toBe(true), 20_000);
  b.feed.end(permits(2000, 2600, 'Kuancheng'));
  // The second gives up after 5 s; the first ends more than the 5 s of its outcome entry's own wait after.
  await new Promise((r) => setTimeout(r, 15_000));
  expect(a.child.exitCode).toBeNull();
  a.feed.end(permits(2500, 3000, 'Chaoyang'));
  const [code] = await a.exited;
  const [codeB] = await b.exited;
  const out = a.stdout;
  const r = { code: codeB, stderr: b.stderr };

  expect(code).toBe(0);
  expect(out).toContain(`imported 3000 records into ${PERMITS} (3000 new, 0 updated)`);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('the database stayed locked by another process for 5000 ms');
  expect(r.stderr).toContain(`nothing was written to ${PERMITS}`);
  expect(r.stderr).not.toMatch(/^\s+at /m);

  const log = await withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));
  const imports = log
    .filter((e) => e.action === 'data import')
    .map((e) => `${e.outcome} ${e.detail?.replaceAll(`${dir}/`, '').replace(/ \(entry #\d+\)| — entry #\d+/, '')}`)
    .sort();
  expect(imports).toEqual([
    `ok data import of more-permits.jsonl into ${PERMITS} attempted (all or nothing)`,
    `ok data import of permits.jsonl into ${PERMITS} attempted (all or nothing)`,
    `ok data import of permits.jsonl into ${PERMITS} done: 3000 records written (3000 new, 0 updated) of 3000 records read`,
    expect.stringMatching(new RegExp(`^refused data import of more-permits.jsonl into ${PERMITS} not done: import into .*: the database stayed locked by another process for 5000 ms$`)),
  ]);
  const records = await withSqliteStore(data, (s) => s.count(`r_${PERMITS.toLowerCase().replaceAll('-', '_')}`));
  expect(records).toBe(3000);

  const verify = await runGovgraph(['audit', 'verify'], { env });
  expect(verify.code).toBe(0);
  expect(verify.stdout).not.toContain('note:');
}, 120_000);
