// A data folder holding another program's SQLite database under the store's name (`--data` naming that
// program's folder): a read command (`catalogue list`) switched it to WAL and wrote govgraph's tables into
// it, and `catalogue import` stored a platform there beside the other program's tables. Both are refused
// now, naming the file and its tables, and the file is left byte for byte as it was.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';

const fixtures = fileURLToPath(new URL('./fixtures/jiangxi/', import.meta.url));
const platform = join(fixtures, 'platform.yaml');
const root = mkdtempSync(join(tmpdir(), 'govgraph-foreign-db-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder whose govgraph.sqlite is another program's database (a notes table), and its bytes. */
function foreignFolder(name: string): { dir: string; bytes: Buffer } {
  const dir = join(root, name);
  mkdirSync(dir);
  const db = new Database(join(dir, 'govgraph.sqlite'));
  db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('南昌')");
  db.close();
  return { dir, bytes: readFileSync(join(dir, 'govgraph.sqlite')) };
}

describe("another program's SQLite database where the store should be", () => {
  it.each([
    ['catalogue list', ['catalogue', 'list']],
    ['catalogue import', ['catalogue', 'import', join(fixtures, 'persons.yaml'), '--publish']],
    ['audit verify', ['audit', 'verify']],
  ])('%s refuses it in one line and writes nothing to it', async (name, args) => {
    const { dir, bytes } = foreignFolder(name.replace(' ', '-'));
    const r = await runGovgraph([...args, '--platform', platform, '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(dir, 'govgraph.sqlite')} is a SQLite database of another program (its tables: notes), not a govgraph store`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(join(dir, 'govgraph.sqlite')).equals(bytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f !== 'govgraph.sqlite')).toEqual([]); // no -wal, no -shm
  }, 60_000);

  it('an empty folder still gets a store from catalogue import, and the store opens again', async () => {
    const dir = join(root, 'empty');
    mkdirSync(dir);
    const imported = await runGovgraph(['catalogue', 'import', join(fixtures, 'persons.yaml'), '--publish', '--platform', platform, '--data', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const listed = await runGovgraph(['catalogue', 'list', '--platform', platform, '--data', dir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/JX-GAT\s+1\s+PUBLISHED/);
  }, 60_000);
});
