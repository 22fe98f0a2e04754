// A store put in place by hand keeps the mode it got: restored with `cp backup data/govgraph.sqlite`
// under the usual umask 022, into a folder made with `mkdir data`, it is 0644 in a 0755 folder, and
// every user of the machine may read the platform secret it keeps (and sign a token of any department)
// and every department's records. `serve` started on it said nothing. It now warns on standard error,
// naming the files, their modes and the chmod, and serves all the same; a store 0600 gets no warning.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { yunnanFolder, type YunnanFolder } from './helpers/yunnan-folder.ts';

let folder: YunnanFolder;
beforeAll(async () => {
  folder = await yunnanFolder('govgraph-store-modes-serve-');
}, 60_000);
afterAll(() => folder?.remove());

async function startOutput(): Promise<string> {
  const served = await folder.serve();
  try {
    for (let i = 0; i < 100 && !/tokens \(in the govgraph folder\)/.test(served.output()); i++) await new Promise((r) => setTimeout(r, 50));
    return served.output();
  } finally {
    served.child.kill('SIGTERM');
    await served.exited;
  }
}

it('warns when the store file is readable by every user, and serves', async () => {
  chmodSync(folder.data, 0o755);
  chmodSync(join(folder.data, 'govgraph.sqlite'), 0o644);
  const output = await startOutput();
  expect(output).toContain(`govgraph: warning: other users of this machine may read the store`);
  expect(output).toContain(`${join(folder.data, 'govgraph.sqlite')} (0644, every user)`);
  expect(output).toContain(`in the folder ${folder.data} (0755); chmod 600 ${join(folder.data, 'govgraph.sqlite*')}`);
  expect(output).toContain('GraphQL   http://127.0.0.1:');
}, 60_000);

it('warns of a store its group may read, and not of one its folder closes', async () => {
  chmodSync(folder.data, 0o750);
  chmodSync(join(folder.data, 'govgraph.sqlite'), 0o640);
  expect(await startOutput()).toContain(`${join(folder.data, 'govgraph.sqlite')} (0640, its group)`);
  chmodSync(folder.data, 0o700);
  chmodSync(join(folder.data, 'govgraph.sqlite'), 0o644);
  expect(await startOutput()).not.toContain('warning');
}, 60_000);

it('says nothing of a store only its owner may read', async () => {
  chmodSync(folder.data, 0o755);
  for (const name of ['govgraph.sqlite', 'govgraph.sqlite-wal', 'govgraph.sqlite-shm']) {
    try {
      chmodSync(join(folder.data, name), 0o600);
    } catch {
      // no -wal or -shm now
    }
  }
  const output = await startOutput();
  expect(output).toContain('GraphQL   http://127.0.0.1:');
  expect(output).not.toContain('warning');
}, 60_000);
