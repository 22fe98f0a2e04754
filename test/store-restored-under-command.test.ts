// A backup restored while a command ran on the data folder (found by the chaos walk of wave 20: `catalogue
// import --publish` of a second version, and the restore of docs/operations.md, `cp BACKUP
// data/govgraph.sqlite && rm -f data/govgraph.sqlite-wal data/govgraph.sqlite-shm`, at once). The command
// found its files changed and refused its next write, as a gateway does, and left its connection unclosed;
// but a command ends by running out of work, and better-sqlite3 then closed that connection at the exit,
// which copied the old store's write-ahead log into the restored file: `audit verify` on the backup just
// put in place said "database disk image is malformed". The command now exits before that, saying why.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { GOVGRAPH_BIN, cliEnv, runGovgraph } from './helpers/cli.ts';

const fixture = 'test/fixtures/qinghai-restore';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-restored-under-command-'));
const data = join(dir, 'data');
const file = join(data, 'govgraph.sqlite');
const backup = join(dir, 'govgraph-backup.sqlite');
const env = cliEnv({ GOVGRAPH_PLATFORM: `${fixture}/platform.yaml`, GOVGRAPH_DATA_DIR: data });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the publication lock is held: the import is publishing, its version's writes under way. */
function publishing(): boolean {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT count(*) FROM "c:_publication_lock"').pluck().get() !== 0;
  } catch {
    return false;
  } finally {
    db.close();
  }
}

it('the restored file is left as it was put, and the command says its store changed under it', async () => {
  for (const args of [['catalogue', 'import', '--publish', `${fixture}/households.yaml`], ['data', 'import', '--resource', '630000-MZ-00001', `${fixture}/households.jsonl`]]) {
    const r = await runGovgraph(args, { env });
    expect(r.code, r.stderr).toBe(0);
  }
  const source = new Database(file, { readonly: true });
  source.prepare('VACUUM INTO ?').run(backup);
  source.close();
  const restored = readFileSync(backup);
  // A second version: one more item.
  const v2 = join(dir, 'households-v2.yaml');
  writeFileSync(
    v2,
    readFileSync(`${fixture}/households.yaml`, 'utf8').replace(
      '      - { name: county, title: County, type: string, length: 40 }',
      '      - { name: county, title: County, type: string, length: 40 }\n      - { name: head, title: Head of household, type: string, length: 40 }',
    ),
  );

  const child = spawn(process.execPath, [GOVGRAPH_BIN, 'catalogue', 'import', '--publish', v2], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Stopped while it publishes, the backup restored as the operator's guide says, then let go on.
  await new Promise<void>((resolve, reject) => {
    const poll = () => {
      if (child.exitCode !== null) return reject(new Error(`the import ended before it published: ${stderr}`));
      if (publishing()) {
        child.kill('SIGSTOP');
        return resolve();
      }
      setTimeout(poll, 1);
    };
    poll();
  });
  copyFileSync(backup, file);
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  child.kill('SIGCONT');
  const code = await exited;

  expect(code).toBe(1);
  // Which change it met first (the header's counter gone back, the -wal deleted) depends on where it stopped.
  expect(stderr).toMatch(/\ngovgraph: \S+govgraph\.sqlite\S* .*(was rewritten|was deleted).*: this command's store is no longer that file, so what it wrote since is not in the store/);
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(readFileSync(file).equals(restored)).toBe(true);
  const verified = await runGovgraph(['audit', 'verify'], { env });
  expect(verified.code, verified.stderr).toBe(0);
  expect(verified.stdout).toContain('audit chain ok: 4 entries');
}, 90_000);
