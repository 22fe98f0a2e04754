// A store file that holds nothing (found by the §15 operations walk, restoring a backup): a restore or copy
// cut short (`cp` killed, a full disk: 0 bytes) or a backup's `.part` put in place (its `VACUUM INTO`
// killed, rolled back to a SQLite database without a table). A missing file was refused (`no store at …`),
// but such a file was taken as a new store: `serve` started on it with a new secret and an empty audit log,
// and `audit verify` said `audit chain ok: 0 entries`. Every command but `catalogue import` (which makes
// stores) now refuses it in one line and writes nothing to it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';

const fixtures = fileURLToPath(new URL('./fixtures/henan/', import.meta.url));
const platform = join(fixtures, 'platform.yaml');
const root = mkdtempSync(join(tmpdir(), 'govgraph-empty-store-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A data folder whose govgraph.sqlite is empty (0 bytes) or a SQLite database without a table. */
function folderWith(name: string, kind: 'zero-bytes' | 'no-table'): { dir: string; file: string; bytes: Buffer } {
  const dir = join(root, name);
  mkdirSync(dir);
  const file = join(dir, 'govgraph.sqlite');
  if (kind === 'zero-bytes') writeFileSync(file, '');
  else {
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); DROP TABLE t'); // a database header and no table, as a rolled-back .part
    db.close();
  }
  return { dir, file, bytes: readFileSync(file) };
}

describe('a store file that holds nothing', () => {
  it.each([
    ['serve', 'zero-bytes', ['serve', '--port', '0']],
    ['serve', 'no-table', ['serve', '--port', '0']],
    ['audit verify', 'zero-bytes', ['audit', 'verify']],
    ['token', 'no-table', ['token', '--dept', '410100-MZ']],
    ['grant list', 'zero-bytes', ['grant', 'list']],
  ] as const)('%s (%s) refuses it in one line and writes nothing to it', async (name, kind, args) => {
    const { dir, file, bytes } = folderWith(`${name.replace(' ', '-')}-${kind}`, kind);
    const r = await runGovgraph([...args, '--platform', platform, '--data', dir], { timeout: 20_000 });
    expect(r.code).toBe(1);
    const what = kind === 'zero-bytes' ? 'an empty file (0 bytes)' : 'a SQLite database without a table';
    expect(r.stderr).toContain(`govgraph: ${file} is ${what}, not a govgraph store; nothing was written to it.`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toContain('audit chain ok');
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readdirSync(dir).filter((f) => f !== 'govgraph.sqlite')).toEqual([]); // no -wal, no -shm
  }, 60_000);

  // A backup's `.part` put in place with its `.part-journal` (`VACUUM INTO` killed): opening it, SQLite rolled
  // the file back to 0 bytes and deleted the journal, before the store could say what it was.
  it.each([
    ['serve', ['serve', '--port', '0']],
    ['audit verify', ['audit', 'verify']],
  ])('%s refuses a store file with a rollback journal beside it, opening neither', async (name, args) => {
    const dir = join(root, `journal-${name.replace(' ', '-')}`);
    mkdirSync(dir);
    const file = join(dir, 'govgraph.sqlite');
    // A write killed midway in rollback-journal mode, as `VACUUM INTO` writes its file: pages spilled into
    // the file, the journal left hot.
    const killed = spawnSync(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(file)}); db.pragma('cache_size = 5'); db.exec('BEGIN; CREATE TABLE t (x)');
         const put = db.prepare('INSERT INTO t VALUES (?)'); for (let i = 0; i < 2000; i++) put.run('x'.repeat(1000));
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: fileURLToPath(new URL('..', import.meta.url)) },
    );
    expect(killed.signal).toBe('SIGKILL');
    const bytes = readFileSync(file);
    const journal = readFileSync(`${file}-journal`);
    expect(bytes.length).toBeGreaterThan(0);
    const r = await runGovgraph([...args, '--platform', platform, '--data', dir], { timeout: 20_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`govgraph: ${file} has a rollback journal beside it (${file}-journal), which a govgraph store never has`);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    expect(readFileSync(`${file}-journal`).equals(journal)).toBe(true);
  }, 60_000);

  it('catalogue import still makes its store in such a file', async () => {
    const { dir } = folderWith('import-zero-bytes', 'zero-bytes');
    const imported = await runGovgraph(['catalogue', 'import', join(fixtures, 'tax.yaml'), '--publish', '--platform', platform, '--data', dir]);
    expect(imported.code, imported.stderr).toBe(0);
    const verified = await runGovgraph(['audit', 'verify', '--data', dir]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('audit chain ok');
  }, 60_000);
});
