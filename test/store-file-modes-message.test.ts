// storeReadableByOthers (src/store/sqlite/file-modes.ts) names the data folder as the files' paths do:
// `serve` with the default `./data` said `data/govgraph.sqlite (0644, every user) in the folder ./data
// (0755); chmod 600 data/govgraph.sqlite* (or chmod 700 ./data)`, while docs/operations.md writes `data`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
