// A data folder copied file by file (`cp -r`, rsync, tar) while a gateway serves and another process
// writes (Changchun, test/fixtures/changchun-ops). A copy of a large store takes long enough for the
// write-ahead log to be checkpointed and started over between the copy of `govgraph.sqlite` and that of
// `govgraph.sqlite-wal`: the copy then holds the file from before the checkpoint and a log of the writes
// after it, and is damaged. The test copies in cp's order and waits for that moment (the log's salt, bytes
// 16-23 of its header, changes when it starts over). A gateway started on such a copy said `ready`,
// although its first checkpoint had already found the audit log malformed, until a request came and was
// refused (AUDIT_UNAVAILABLE): an operator checking a copy by starting a gateway on it was told it was
// good. /readyz now reads the log's newest entry too, as every request that reads data does.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/changchun-ops/${p}`, import.meta.url));
const PERMITS = '220100-ZJJ-00002';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-copied-served-'));
const data = join(dir, 'data');
const copy = join(dir, 'copy');
const env = cliEnv({ GOVGRAPH_PLATFORM: fixture('platform.yaml'), GOVGRAPH_DATA_DIR: data, GOVGRAPH_LOG_LEVEL: 'info' });
const served: ServedProcess[] = [];
afterAll(async () => {
  for (const s of served) if (s.child.exitCode === null) (s.child.kill('SIGKILL'), await s.exited);
  rmSync(dir, { recursive: true, force: true });
});

/** The write-ahead log's salt: it changes each time the log starts over after a checkpoint. */
const walSalt = (folder: string): string => {
  const wal = join(folder, 'govgraph.sqlite-wal');
  return existsSync(wal) ? readFileSync(wal).subarray(16, 24).toString('hex') : '';
};

beforeAll(async () => {
  const permits = Array.from({ length: 40_000 }, (_, i) => JSON.stringify({ permitNo: `CC-P-${i}`, holder: `Holder ${i} ${'of Nanguan district '.repeat(4)}` }));
  writeFileSync(join(dir, 'permits.jsonl'), permits.join('\n') + '\n');
  expect((await runGovgraph(['catalogue', 'import', '--publish', fixture('housing.yaml')], { env })).code).toBe(0);
  expect((await runGovgraph(['data', 'import', '--resource', PERMITS, join(dir, 'permits.jsonl')], { env })).code).toBe(0);
}, 120_000);

it('a folder copied file by file while a gateway serves and an import writes: a gateway on the copy is not ready, audit verify refuses it', async () => {
  const gateway = await spawnServe(['--data', data], env);
  served.push(gateway);
  await waitReady(`http://127.0.0.1:${gateway.port}`);

  // cp -r: the store file first; the writes of the gateway and of imports go on meanwhile.
  mkdirSync(copy);
  copyFileSync(join(data, 'govgraph.sqlite'), join(copy, 'govgraph.sqlite'));
  const before = walSalt(data);
  let restarted = false;
  for (let i = 0; i < 6 && !restarted; i++) {
    expect((await runGovgraph(['data', 'import', '--resource', PERMITS, join(dir, 'permits.jsonl')], { env })).code).toBe(0);
    restarted = walSalt(data) !== before;
  }
  expect(restarted).toBe(true);
  // Writes after the log started over (the last import's `done` entry is one), then the rest of the folder.
  expect((await runGovgraph(['grant', 'add', '--requester', '220100-ZSJ', '--resource', PERMITS, '--items', 'permitNo', '--purposes', 'housing'], { env })).code).toBe(0);
  for (const f of ['govgraph.sqlite-shm', 'govgraph.sqlite-wal']) copyFileSync(join(data, f), join(copy, f));

  const copied = await spawnServe(['--data', copy], env);
  served.push(copied);
  const url = `http://127.0.0.1:${copied.port}`;
  // Before any request: the gateway's start read the damaged log, and so does /readyz.
  await new Promise((r) => setTimeout(r, 1100));
  const ready = await fetch(`${url}/readyz`);
  expect({ status: ready.status, body: await ready.json() }).toEqual({ status: 503, body: { status: 'store-unavailable' } });
  copied.child.kill('SIGTERM');
  await copied.exited;

  const verify = await runGovgraph(['audit', 'verify', '--data', copy], { env });
  expect(verify.code).toBe(1);
  expect(verify.stderr).toContain('database disk image is malformed; the store file is damaged');
  expect(verify.stderr).not.toMatch(/^\s+at /m);
  gateway.child.kill('SIGTERM');
  await gateway.exited;
}, 180_000);
