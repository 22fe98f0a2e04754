// The command that finishes an unfinished data import (src/server/unfinished-at-start.ts, importAgain: the
// gateway's `next` at its start and `platform status`'s `to finish`), run as said, by a shell, with a
// `govgraph` on the PATH as an operator has one. Found (review of e718948..140eea9):
// - an import given --skip-invalid was told again without it: its file's refused record refused the whole
//   file (exit 1, nothing written), the command said finished nothing;
// - a path that begins with `-` was read as an option (`unknown option '-w'`), a path with a line break
//   made a command of two lines in single quotes (and a control character, printed, reaches the terminal);
// - a detail cut at its bound (a path past 2,000 characters) lost its `into CODE attempted` end, and a
//   folder named with those words itself made the part of the path before them the file to import:
//   another file, one the person who named the folder could have put there.
// Baotou's platform (test/fixtures/baotou-crash); the imports' store writes held, as a kill leaves them.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository/versions.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { importAgain } from '../src/server/unfinished-at-start.ts';
import type { Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { auditedImport } from '../src/workflow/data-import.ts';
import { unfinishedImports } from '../src/workflow/unfinished-imports.ts';
import { BAOTOU_CATALOGUE, WORKERS, BAOTOU_PLATFORM, writeWorkers } from './helpers/baotou-crash.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { aroundMethod } from './helpers/store-around.ts';

vi.setConfig({ testTimeout: 120_000 });
const dir = mkdtempSync(join(tmpdir(), 'govgraph-import-again-'));
const data = join(dir, 'data');
const bin = join(dir, 'bin');
const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: BAOTOU_PLATFORM, PATH: `${bin}:${process.env.PATH}` });
let store: Store;
let catalogues: Catalogue[];

beforeAll(async () => {
  mkdirSync(bin);
  writeFileSync(join(bin, 'govgraph'), `#!/bin/sh\nexec '${process.execPath}' '${GOVGRAPH_BIN}' "$@"\n`);
  chmodSync(join(bin, 'govgraph'), 0o755);
  expect((await runGovgraph(['catalogue', 'import', BAOTOU_CATALOGUE, '--publish'], { env })).code).toBe(0);
  store = await openSqliteStore(data);
  catalogues = await publishedCatalogues(store);
}, 60_000);
afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An import of `file` into the workers whose store write never ends (a kill's): the command that finishes it. */
async function leftUnfinished(file: string, skipInvalid = false): Promise<string> {
  const workers = catalogues.flatMap((c) => c.resources).find((r) => r.code === WORKERS.code)!;
  const held = aroundMethod(store, 'upsertAll', () => new Promise(() => undefined));
  const user = `night-batch-${randomUUID()}`; // its attempt told from another case's
  void auditedImport({ store: held }, { user, requestId: randomUUID() }, workers, file, { skipInvalid });
  let left: Awaited<ReturnType<typeof unfinishedImports>> = [];
  await eventually(async () => expect((left = (await unfinishedImports(store)).filter((u) => u.user === user))).toHaveLength(1), 10_000);
  return importAgain(left[0]);
}

/** `command` run by bash in the test's folder, as pasted. */
const runInShell = (command: string) => promisify(execFile)('bash', ['-c', command], { cwd: dir, env }).then(
  () => 0,
  (e: { code?: number }) => e.code ?? 1,
);

it('tells an import given --skip-invalid again with it, a path with a line break on one line, and runs', async () => {
  mkdirSync(join(dir, "night's\nrun"));
  const file = join(dir, "night's\nrun", 'workers.jsonl');
  writeWorkers(file, 20);
  writeFileSync(file, '{"phone":"15947999999","months":"many"}\n', { flag: 'a' });
  const next = await leftUnfinished(file, true);
  expect(next).toBe(`govgraph data import --resource ${WORKERS.code} --skip-invalid $'${dir}/night\\'s\\x0arun/workers.jsonl'`);
  expect(await runInShell(next)).toBe(3); // the valid records written, the refused one put in the rejects file
  expect(await store.count(WORKERS.collection)).toBe(20);
});

it('tells a relative path that begins with - as a path, not an option', async () => {
  writeWorkers(join(dir, '-workers.jsonl'), 30);
  const cwd = process.cwd();
  process.chdir(dir); // the import was given the path relative to its folder
  try {
    const next = await leftUnfinished('-workers.jsonl');
    expect(next).toBe(`govgraph data import --resource ${WORKERS.code} ./-workers.jsonl`);
    expect(await runInShell(next)).toBe(0);
  } finally {
    process.chdir(cwd);
  }
  expect(await store.count(WORKERS.collection)).toBe(30);
});

it('names no file when the entry was cut before its end, whatever words the path holds', async () => {
  // A folder named with the words that end an attempt, then folders enough to take the path past the bound.
  let folder = join(dir, `x into ${WORKERS.code} attempted (all or nothing)`);
  for (let i = 0; i < 9; i++) folder = join(folder, String(i).repeat(240));
  mkdirSync(folder, { recursive: true });
  writeWorkers(join(folder, 'workers.jsonl'), 5);
  writeWorkers(join(dir, 'x'), 1); // the file the cut detail's words would name
  expect(await leftUnfinished(join(folder, 'workers.jsonl'))).toBe(`govgraph data import --resource ${WORKERS.code} FILE`);
});
