// A backup restored under a running `serve` with the documented commands (docs/operations.md, Restoring the
// embedded store: `cp BACKUP data/govgraph.sqlite && rm -f data/govgraph.sqlite-wal data/govgraph.sqlite-shm`),
// found by an operator walk. `cp` keeps the file's inode, so the check of the file alone missed it: the
// gateway said `ready` and served from its deleted -wal, and when it stopped, closing its connection
// checkpointed that -wal into the restored file: `audit verify` then failed with "database disk image is
// malformed". The gateway now finds its files changed, says so, refuses every request, and stops without
// writing a page into the restored file.
import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady, type ServedProcess } from './helpers/served.ts';

const fixture = 'test/fixtures/qinghai-restore';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-restored-under-serve-'));
const data = join(dir, 'data');
const backup = join(dir, 'govgraph-backup.sqlite');
const env = cliEnv({ GOVGRAPH_PLATFORM: `${fixture}/platform.yaml`, GOVGRAPH_DATA_DIR: data, GOVGRAPH_LOG_LEVEL: 'info' });
const served: ServedProcess[] = [];
afterAll(() => {
  for (const s of served) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const sh = (command: string) => promisify(execFile)('sh', ['-c', command], { cwd: dir });

async function serve(): Promise<{ s: ServedProcess; url: string }> {
  const s = await spawnServe(['--data', data], env);
  served.push(s);
  const url = `http://127.0.0.1:${s.port}`;
  await waitReady(url, 60_000);
  return { s, url };
}

async function read(url: string, token: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'benefits' },
    body: JSON.stringify({ query: '{ qhCivil { households { nodes { householdNo } } } }' }),
  });
  return (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
}

const readyz = async (url: string) => ((await (await fetch(`${url}/readyz`)).json()) as { status: string }).status;

it('a backup restored under serve: store-unavailable, reads refused, and the restored file left as the operator put it', async () => {
  for (const args of [['catalogue', 'import', '--publish', `${fixture}/households.yaml`], ['data', 'import', '--resource', '630000-MZ-00001', `${fixture}/households.jsonl`]]) {
    expect((await runGovgraph(args, { env })).code).toBe(0);
  }
  const token = (await runGovgraph(['token', '--dept', '630100-RS'], { env })).stdout.trim();
  const { s, url } = await serve();
  expect((await read(url, token)).errors).toBeUndefined();
  // The backup, as docs/operations.md takes it (VACUUM INTO), then more requests: the gateway's -wal holds pages the backup has not.
  const source = new Database(join(data, 'govgraph.sqlite'), { readonly: true });
  source.prepare('VACUUM INTO ?').run(backup);
  source.close();
  for (let i = 0; i < 10; i++) expect((await read(url, token)).errors).toBeUndefined();

  await sh(`cp ${backup} data/govgraph.sqlite && rm -f data/govgraph.sqlite-wal data/govgraph.sqlite-shm`);
  const restored = readFileSync(backup);
  // What the gateway says, asked until it says something else than ready (within 5 s), kept for after the stop.
  let status = await readyz(url);
  for (const until = Date.now() + 5000; status === 'ready' && Date.now() < until; status = await readyz(url)) await new Promise((r) => setTimeout(r, 100));
  const answer = await read(url, token);
  // The gateway's poll of the store (every 2 s) meets the refusal too: its line says why, as the store-file
  // line does, rather than "unexpected error" with no reason (an operator took it for a bug).
  const pollLine = () => s.output().split('\n').find((l) => l.includes('"error":"StoreUnavailableError"'));
  for (const until = Date.now() + 10_000; !pollLine() && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);

  // First what matters most: the restored file is byte for byte the backup, and it verifies and serves.
  expect(readFileSync(join(data, 'govgraph.sqlite')).equals(restored)).toBe(true);
  const verified = await runGovgraph(['audit', 'verify'], { env });
  expect(verified.stderr).not.toMatch(/malformed/);
  expect(verified.stdout).toMatch(/^audit chain ok: \d+ entries/);
  expect(verified.code).toBe(0);
  const fresh = await serve();
  expect((await read(fresh.url, token)).errors).toBeUndefined();
  fresh.s.child.kill('SIGTERM');
  expect(await fresh.s.exited).toBe(0);
  expect((await runGovgraph(['audit', 'verify'], { env })).code).toBe(0);

  // And the restored-under gateway said so: not ready, reads refused as the store's, one log line with why.
  expect(status).toBe('store-unavailable');
  expect(answer).toEqual({ data: null, errors: [{ message: 'The data store is unavailable; try again shortly.', extensions: { code: 'STORE_UNAVAILABLE' } }] });
  const said = s.output().split('\n').filter((l) => l.includes('"event":"store-file"'));
  expect(said).toHaveLength(1);
  expect(JSON.parse(said[0]!).reason).toBe(`${data}/govgraph.sqlite-wal, the write-ahead log this process writes to, was deleted since this process opened the store`);
  const polled = JSON.parse(pollLine()!) as { msg: string; reason?: string };
  expect(polled.msg).toBe('error');
  expect(polled.reason).toMatch(new RegExp(`^\\w+: ${data}/govgraph\\.sqlite-wal, the write-ahead log this process writes to, was deleted`));
}, 120_000);
