// `govgraph platform rotate-key` run by several processes at once on one data folder (Guizhou's platform):
// each rotation is a compare-and-set on the stored keys, so every process that said its key is current
// had it current for a moment, and none of those keys is lost: all are in the store, one current, the
// others retired (published for the grace, verifying the tokens they signed).
//
// Started one after another, the processes seldom read the keys at the same moment: without the
// compare-and-set, six of them lost a key only two runs in three. So they start together: the test holds
// the store's write lock (as a long data import would) while they start, each stops at its first write,
// before it reads the keys, and all go on together when the lock is released, their reads within the
// few milliseconds of their retries (sqlite.ts, whenUnlocked). Several rounds, so that a round in which
// no two reads met cannot hide a lost key.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { storedKeys } from '../src/identity/platform-keys.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, GOVGRAPH_BIN, withSqliteStore, type CliResult } from './helpers/cli.ts';
import { guizhouFixture } from './helpers/guizhou.ts';
import { holdLock } from './helpers/lock-holder.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-rotate-key-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROCESSES = 8;
const ROUNDS = 2;

/** `govgraph platform rotate-key`, with when it has said which store it uses (just before it opens it). */
function rotate(env: NodeJS.ProcessEnv): { announced: Promise<void>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'platform', 'rotate-key'], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  let announce: () => void;
  const announced = new Promise<void>((resolve) => (announce = resolve));
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.includes('\n')) announce();
  });
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      announce(); // a process that failed before it said anything does not hold the round up
      resolve({ code: code ?? 1, stdout, stderr });
    }),
  );
  return { announced, done };
}

it(`${PROCESSES} rotations at once, ${ROUNDS} times: each new key kept, exactly one current`, async () => {
  const platformFile = guizhouFixture('platform.yaml');
  await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, loadPlatform(platformFile), [guizhouFixture('police.yaml')], { publish: true });
    await storedKeys(store); // the first key, as a gateway makes it: the rotations below race on replacing it only
  });
  const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile });
  const said: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const lock = await holdLock(join(data, SQLITE_FILE));
    const runs = Array.from({ length: PROCESSES }, () => rotate(env));
    await Promise.all(runs.map((r) => r.announced));
    await sleep(300); // from saying it to waiting at its first write: opening the store, a few milliseconds
    await lock.release();
    const results = await Promise.all(runs.map((r) => r.done));
    expect(results.map((r) => r.code), results.map((r) => r.stderr).join('')).toEqual(Array(PROCESSES).fill(0));
    said.push(...results.map((r) => /signing key (\S+) is current/.exec(r.stdout)?.[1] ?? `(none in ${JSON.stringify(r.stdout)})`));
    const keys = await withSqliteStore(data, (store) => storedKeys(store));
    expect(keys.filter((k) => k.retiredAt === null)).toHaveLength(1);
    expect(new Set(said).size).toBe(said.length);
    expect(said.filter((kid) => !keys.some((k) => k.kid === kid)), `round ${round + 1}: keys said current, then lost`).toEqual([]);
  }
}, 60_000);
