// A gateway killed with SIGKILL under load (docs/operations.md, "Commands and gateways killed midway"): a
// real `govgraph serve` process on Yunnan's platform answers data reads from 16 clients; another process
// then holds the store's write lock for a second (the audit entries wait for it, SPEC §10 fail-closed),
// and the gateway is killed while it is held. No answer with records left without its entry: every one the
// clients got is in the log (an entry written after its answer would have died with the process). The
// store opens, `audit verify` passes against the store's checkpoints and the file's, and a gateway started
// again on the folder serves, its entries chained after the killed one's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { importRecords } from '../src/records/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { GOVGRAPH_BIN, cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { holdLock } from './helpers/lock-holder.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/yunnan/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-gateway-killed-'));
const data = join(dir, 'data');
const checkpoints = join(dir, 'checkpoints.jsonl');
const READ = JSON.stringify({ query: '{ police { residents(first: 5) { nodes { xzqh } } } }' });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (platformFile: string) =>
  cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_AUDIT_CHECKPOINTS: checkpoints });

/** `govgraph audit verify` as the operator runs it, against the store's checkpoints and the file's: its verdict. */
const verify = async (platformFile: string) => {
  const r = await runGovgraph(['audit', 'verify'], { cwd: dir, env: env(platformFile) });
  return { code: r.code, verdict: r.stdout.trim().replace(/\d+ entries.*/, 'N entries') };
};

/** `govgraph serve` on a free port; resolves with the process and its port once it serves. */
async function serve(platformFile: string): Promise<{ child: ChildProcess; port: number; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', '0'], { env: env(platformFile), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /GraphQL\s+http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(out);
      if (m) resolve(Number(m[1]));
      if (m) clearInterval(timer);
    }, 20);
    void exited.then((code) => (clearInterval(timer), reject(new Error(`serve exited ${String(code)}: ${out}`))));
  });
  return { child, port, exited };
}

const read = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: READ })
    .then((r) => r.json() as Promise<{ data?: { police?: { residents: { nodes: unknown[] } } } }>);

const entries = () => withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION));

it('leaves an entry for every answer with records, a chain that verifies, and a store the next gateway serves', async () => {
  // Rates off: the load is one user's, far over the default bucket; this test is about the kill.
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, stringify({ ...parse(readFileSync(fixture('platform.yaml'), 'utf8')), limits: { rate: { perDepartment: 'off', perUser: 'off' } }, server: { drainDelayMs: 100 } }));
  const platform = loadPlatform(platformFile);
  const secret = await withSqliteStore(data, async (store) => {
    await importCatalogueFiles(store, platform, [fixture('police.yaml')], { publish: true });
    const residents = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '530000-GAT-R01')!;
    await importRecords(store, residents, fixture('residents.jsonl'));
    return storedSecret(store);
  });
  const token = await signToken(secret, { dept: '530000-GAT', user: 'load', roles: [], ttl: '1h' });

  const first = await serve(platformFile);
  const before = await entries();
  let answered = 0;
  let stop = false;
  const clients = Array.from({ length: 16 }, async () => {
    while (!stop) {
      try {
        if ((await read(first.port, token)).data?.police?.residents.nodes.length) answered++;
      } catch {
        return; // the connection died with the process
      }
    }
  });
  while (answered < 200) await new Promise((r) => setTimeout(r, 10));
  // The entries of the reads in flight wait for the lock (within the store's 5 s bound); killed meanwhile.
  const lock = await holdLock(join(data, SQLITE_FILE));
  await new Promise((r) => setTimeout(r, 1000));
  first.child.kill('SIGKILL');
  await first.exited;
  stop = true;
  await Promise.all(clients);
  await lock.release();

  expect(await entries()).toBeGreaterThanOrEqual(before + answered);
  expect(await verify(platformFile)).toEqual({ code: 0, verdict: 'audit chain ok: N entries' });

  const second = await serve(platformFile);
  try {
    const again = await read(second.port, token);
    expect(again.data?.police?.residents.nodes).toHaveLength(5);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  expect(await verify(platformFile)).toEqual({ code: 0, verdict: 'audit chain ok: N entries' });
}, 60_000);
