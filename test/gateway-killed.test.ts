// A gateway killed with SIGKILL under load (docs/operations.md, "Commands and gateways killed midway"): a
// real `govgraph serve` process on Yunnan's platform answers data reads from 16 clients; another process
// then holds the store's write lock for a second (the audit entries wait for it, SPEC §10 fail-closed),
// and the gateway is killed while it is held. No answer with records left without its entry: every one the
// clients got is in the log (an entry written after its answer would have died with the process). The
// store opens, `audit verify` passes against the store's checkpoints and the file's, and a gateway started
// again on the folder serves, its entries chained after the killed one's.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { holdLock } from './helpers/lock-holder.ts';
import { yunnanFolder, type YunnanFolder } from './helpers/yunnan-folder.ts';

let folder: YunnanFolder;
beforeAll(async () => {
  folder = await yunnanFolder('govgraph-gateway-killed-');
}, 60_000);
afterAll(() => folder?.remove());

/** `govgraph audit verify` as the operator runs it, against the store's checkpoints and the file's: its verdict. */
const verify = async () => {
  const r = await runGovgraph(['audit', 'verify'], { cwd: folder.dir, env: folder.env });
  return { code: r.code, verdict: r.stdout.trim().replace(/\d+ entries.*/, 'N entries') };
};

const entries = () => withSqliteStore(folder.data, (s) => s.count(AUDIT_COLLECTION));

it('leaves an entry for every answer with records, a chain that verifies, and a store the next gateway serves', async () => {
  // Rates off (yunnan-folder.ts): the load is one user's, far over the default bucket; this test is about the kill.
  const first = await folder.serve();
  const before = await entries();
  let answered = 0;
  let stop = false;
  const clients = Array.from({ length: 16 }, async () => {
    while (!stop) {
      try {
        if ((await folder.read(first.port, 5)).data?.police?.residents.nodes.length) answered++;
      } catch {
        return; // the connection died with the process
      }
    }
  });
  while (answered < 200) await new Promise((r) => setTimeout(r, 10));
  // The entries of the reads in flight wait for the lock (within the store's 5 s bound); killed meanwhile.
  const lock = await holdLock(join(folder.data, SQLITE_FILE));
  await new Promise((r) => setTimeout(r, 1000));
  first.child.kill('SIGKILL');
  await first.exited;
  stop = true;
  await Promise.all(clients);
  await lock.release();

  expect(await entries()).toBeGreaterThanOrEqual(before + answered);
  expect(await verify()).toEqual({ code: 0, verdict: 'audit chain ok: N entries' });

  const second = await folder.serve();
  try {
    const again = await folder.read(second.port, 5);
    expect(again.data?.police?.residents.nodes).toHaveLength(5);
  } finally {
    second.child.kill('SIGTERM');
    await second.exited;
  }
  expect(await verify()).toEqual({ code: 0, verdict: 'audit chain ok: N entries' });
}, 60_000);
