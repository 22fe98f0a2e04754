// The audit chain across processes (SPEC §10, docs/operations.md "Audit verify and checkpoints"): two real
// `govgraph serve` processes on one data folder answer reads from many clients while CLI writers append to
// the same log at once (`grant add`, `catalogue import --publish`) and `data import` holds the store's
// write lock; one gateway is then killed with SIGKILL in the middle of the burst. Afterwards the log's
// sequence numbers run 1..N without a gap or a repeat, every entry is whole, every answer with records
// has its entry, and `govgraph audit verify` passes against the store's checkpoints and the file's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { afterAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { importRecords } from '../src/records/import.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { GOVGRAPH_BIN, cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`fixtures/yunnan/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-audit-processes-'));
const data = join(dir, 'data');
const checkpoints = join(dir, 'checkpoints.jsonl');
const READ = JSON.stringify({ query: '{ police { residents(first: 3) { nodes { xzqh } } } }' });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (platformFile: string) =>
  cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile, GOVGRAPH_AUDIT_CHECKPOINTS: checkpoints });

async function serve(platformFile: string): Promise<{ child: ChildProcess; port: number; exited: Promise<unknown> }> {
  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', '0'], { env: env(platformFile), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /GraphQL\s+http:\/\/127\.0\.0\.1:(\d+)\/graphql/.exec(out);
      if (m) (clearInterval(timer), resolve(Number(m[1])));
    }, 20);
    void exited.then((code) => (clearInterval(timer), reject(new Error(`serve exited ${String(code)}: ${out}`))));
  });
  return { child, port, exited };
}

const read = (port: number, token: string) =>
  fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: READ })
    .then((r) => r.json() as Promise<{ data?: { police?: { residents: { nodes: unknown[] } } }; errors?: unknown[] }>);

it('two gateways and CLI writers on one folder, one gateway killed mid-burst: a whole chain without gaps that verifies', async () => {
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

  const [a, b] = await Promise.all([serve(platformFile), serve(platformFile)]);
  const answered = { a: 0, b: 0 };
  let stop = false;
  const load = (g: typeof a, key: 'a' | 'b') =>
    Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          if ((await read(g.port, token)).data?.police?.residents.nodes.length) answered[key]++;
        } catch {
          if (key === 'a') return; // the connection died with the process
          throw new Error('the surviving gateway failed a read');
        }
      }
    });
  const clients = [...load(a, 'a'), ...load(b, 'b')];
  while (answered.a + answered.b < 100) await new Promise((r) => setTimeout(r, 10));

  const cli = (args: string[]) => runGovgraph(args, { cwd: dir, env: env(platformFile) });
  const writers = Promise.all([
    (async () => {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        codes.push((await cli(['grant', 'add', '--requester', '530102-MZJ', '--resource', '530000-GAT-R01', '--items', 'sfzh', '--purposes', 'minimum-living-allowance'])).code);
      }
      return codes;
    })(),
    cli(['catalogue', 'import', '--publish', fixture('agriculture.yaml')]).then((r) => [r.code]),
    cli(['catalogue', 'import', '--publish', fixture('kunming.yaml')]).then((r) => [r.code]),
    cli(['data', 'import', '--resource', '530000-GAT-R01', fixture('residents.jsonl')]).then((r) => [r.code]),
  ]);
  // Killed while the writers and both gateways' clients are at it.
  await new Promise((r) => setTimeout(r, 900));
  a.child.kill('SIGKILL');
  await a.exited;
  expect((await writers).flat()).toEqual([0, 0, 0, 0, 0, 0, 0]);
  const more = answered.b + 50;
  while (answered.b < more) await new Promise((r) => setTimeout(r, 10));
  stop = true;
  await Promise.all(clients);
  b.child.kill('SIGTERM');
  await b.exited;

  const log = await withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  for (let i = 1; i < log.length; i++) expect(log[i].prevHash).toBe(log[i - 1].hash);
  const reads = log.filter((e) => e.kind === 'read' && e.outcome === 'allowed' && e.department === '530000-GAT');
  expect(reads.length).toBeGreaterThanOrEqual(answered.a + answered.b);
  expect(log.filter((e) => e.action === 'grant-add' || /grant/i.test(String(e.action))).length).toBe(4);

  const r = await runGovgraph(['audit', 'verify'], { cwd: dir, env: env(platformFile) });
  expect({ code: r.code, out: r.stdout.trim().replace(/\d+ entries.*/, 'N entries') }).toEqual({ code: 0, out: 'audit chain ok: N entries' });
}, 90_000);
