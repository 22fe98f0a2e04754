// storeReadableByOthers (src/store/sqlite/file-modes.ts) names the data folder as the files' paths do:
// `serve` with the default `./data` said `data/govgraph.sqlite (0644, every user) in the folder ./data
// (0755); chmod 600 data/govgraph.sqlite* (or chmod 700 ./data)`, while docs/operations.md writes `data`. And
// its commands run as written in a shell: a folder named with a space was not quoted.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { storeReadableByOthers } from '../src/store/sqlite/file-modes.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'govgraph-file-modes-'));
  writeFileSync(path.join(dir, 'govgraph.sqlite'), '');
  chmodSync(path.join(dir, 'govgraph.sqlite'), 0o644);
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('writes a folder given as ./DIR or DIR/ as its files do', () => {
  const relative = path.relative(process.cwd(), dir);
  for (const given of [`./${relative}`, `${relative}/`, relative]) {
    expect(storeReadableByOthers(given)).toBe(
      `other users of this machine may read the store, which holds the platform secret and every department's records: ` +
      `${relative}/govgraph.sqlite (0644, every user) in the folder ${relative} (0755); ` +
      `chmod 600 ${relative}/govgraph.sqlite* (or chmod 700 ${relative}), as the store makes them`,
    );
  }
  chmodSync(path.join(dir, 'govgraph.sqlite'), 0o600);
  expect(storeReadableByOthers(`./${relative}`)).toBeNull();
});

it('writes commands a shell runs as written for a folder whose name holds a space or a quote', () => {
  const odd = path.join(dir, "gov data o'neil");
  mkdirSync(odd, { mode: 0o755 });
  chmodSync(odd, 0o755);
  for (const name of ['govgraph.sqlite', 'govgraph.sqlite-wal']) {
    writeFileSync(path.join(odd, name), '');
    chmodSync(path.join(odd, name), 0o644);
  }
  const message = storeReadableByOthers(odd)!;
  const files = /; (chmod 600 .+) \(or (chmod 700 .+)\), as the store makes them$/.exec(message);
  expect(files).not.toBeNull();
  execFileSync('sh', ['-c', files![1]]);
  expect(storeReadableByOthers(odd)).toBeNull();
  expect(statSync(path.join(odd, 'govgraph.sqlite-wal')).mode & 0o777).toBe(0o600);
  chmodSync(path.join(odd, 'govgraph.sqlite'), 0o644);
  execFileSync('sh', ['-c', storeReadableByOthers(odd)!.match(/\(or (chmod 700 .+)\), as the store/)![1]]);
  expect(statSync(odd).mode & 0o777).toBe(0o700);
  expect(storeReadableByOthers(odd)).toBeNull();
});
