// The audit chain across processes (SPEC §10, docs/operations.md "Audit verify and checkpoints"): two real
// `govgraph serve` processes on one data folder answer reads from many clients while CLI writers append to
// the same log at once (`grant add`, `catalogue import --publish`) and `data import` holds the store's
// write lock; one gateway is then killed with SIGKILL in the middle of the burst. Afterwards the log's
// sequence numbers run 1..N without a gap or a repeat, every entry is whole, every answer with records
// has its entry, and `govgraph audit verify` passes against the store's checkpoints and the file's.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { yunnanFixture as fixture, yunnanFolder, type YunnanFolder } from './helpers/yunnan-folder.ts';

let folder: YunnanFolder;
beforeAll(async () => {
  folder = await yunnanFolder('govgraph-attack-audit-processes-');
}, 60_000);
afterAll(() => folder?.remove());

it('two gateways and CLI writers on one folder, one gateway killed mid-burst: a whole chain without gaps that verifies', async () => {
  const [a, b] = await Promise.all([folder.serve(), folder.serve()]);
  const answered = { a: 0, b: 0 };
  let stop = false;
  const load = (g: typeof a, key: 'a' | 'b') =>
    Array.from({ length: 8 }, async () => {
      while (!stop) {
        try {
          if ((await folder.read(g.port, 3)).data?.police?.residents.nodes.length) answered[key]++;
        } catch {
          if (key === 'a') return; // the connection died with the process
          throw new Error('the surviving gateway failed a read');
        }
      }
    });
  const clients = [...load(a, 'a'), ...load(b, 'b')];
  while (answered.a + answered.b < 100) await new Promise((r) => setTimeout(r, 10));

  const cli = (args: string[]) => runGovgraph(args, { cwd: folder.dir, env: folder.env });
  const writers = Promise.all([
    (async () => {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        // Four grants, each to its own last day: the same arguments again would make no entry (grant add adds it once).
        codes.push((await cli(['grant', 'add', '--requester', '530102-MZJ', '--resource', '530000-GAT-R01', '--items', 'sfzh', '--purposes', 'minimum-living-allowance', '--until', `2099-12-0${i + 1}`])).code);
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

  const log = await withSqliteStore(folder.data, async (s) => (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));
  expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
  for (let i = 1; i < log.length; i++) expect(log[i].prevHash).toBe(log[i - 1].hash);
  const reads = log.filter((e) => e.kind === 'read' && e.outcome === 'allowed' && e.department === '530000-GAT');
  expect(reads.length).toBeGreaterThanOrEqual(answered.a + answered.b);
  expect(log.filter((e) => e.action === 'grant-add' || /grant/i.test(String(e.action))).length).toBe(4);

  const r = await runGovgraph(['audit', 'verify'], { cwd: folder.dir, env: folder.env });
  expect({ code: r.code, out: r.stdout.trim().replace(/\d+ entries.*/, 'N entries') }).toEqual({ code: 0, out: 'audit chain ok: N entries' });
}, 90_000);
