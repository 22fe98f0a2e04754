// A data folder or store another user owns (found by the §15 operations walk, run as nobody over a store
// made by root): a folder this user may not open (mode 700 of another user) said `no store at …` and told
// the operator to make one with catalogue import; a store file it may not read (mode 600 of another user)
// said only SQLite's `unable to open database file`. Both now say permission denied, naming the folder or
// file, and nothing is made. Run as the user nobody when the tests run as root, whom no mode bits stop.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOVGRAPH_BIN, cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const asRoot = process.getuid?.() === 0;
/** As root the command runs as nobody, who must be able to reach govgraph's own files (a clone under /root is not). */
function othersReach(path: string): boolean {
  for (let p = dirname(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false;
    if (dirname(p) === p) return true;
  }
}
const runnable = !asRoot || othersReach(GOVGRAPH_BIN);
const NOBODY = 65534;
const henan = fileURLToPath(new URL('./fixtures/henan/', import.meta.url));
const henanPlatform = join(henan, 'platform.yaml');
const top = mkdtempSync(join(tmpdir(), 'govgraph-data-folder-permissions-'));
afterAll(() => rmSync(top, { recursive: true, force: true }));

/** `govgraph ...args` as another user than the data folder's owner (nobody, when the tests run as root). */
function asOtherUser(args: string[]): Promise<{ code: number; stderr: string }> {
  const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  return new Promise((done) => {
    execFile(process.execPath, [GOVGRAPH_BIN, ...args], { cwd: top, env: cliEnv(), timeout: 30_000, ...user }, (error, _stdout, stderr) => {
      done({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

/** A data folder with a store, owned by this process's user, the others given `mode`. */
async function storeIn(name: string): Promise<string> {
  const dir = join(top, name);
  mkdirSync(dir);
  await withSqliteStore(dir, async () => undefined);
  return dir;
}

beforeAll(() => {
  chmodSync(top, 0o755); // nobody may look in; each case closes what it tests
  if (asRoot) chownSync(top, 0, 0);
});

describe.skipIf(!runnable)('a data folder or store this user may not open', () => {
  it('a folder it may not open: permission denied, naming the folder, not "no store at"', async () => {
    const dir = await storeIn('closed');
    chmodSync(dir, 0o700);
    if (!asRoot) chmodSync(dir, 0o000);
    for (const data of [dir, join(dir, 'below')]) {
      const { code, stderr } = await asOtherUser(['grant', 'list', '--data', data]);
      expect(code).toBe(1);
      expect(stderr).toBe(
        `govgraph: --data: ${data}: this user may not open the folder ${dir} (permission denied); ` +
          'run the command as the user that owns the data folder, or give this user access to it\n',
      );
    }
    chmodSync(dir, 0o700);
    expect(readdirSync(dir).filter((f) => !f.startsWith('govgraph.sqlite'))).toEqual([]); // nothing made
  });

  it('a store file it may not read: permission denied, naming the file', async () => {
    const dir = await storeIn('locked-file');
    chmodSync(dir, 0o777);
    const file = join(dir, 'govgraph.sqlite');
    chmodSync(file, asRoot ? 0o600 : 0o000);
    const { code, stderr } = await asOtherUser(['grant', 'list', '--data', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain(`govgraph: store ${file}\n`);
    expect(stderr).toContain(
      `: unable to open database file; this user may not read and write ${file} (permission denied): ` +
        'run as the user that owns the store, or give this user access to it\n',
    );
    expect(existsSync(join(dir, 'govgraph.sqlite-wal'))).toBe(false);
  });

  // With its write-ahead log and shared memory beside it (a gateway of the owner running, or an offline copy
  // that took them along), SQLite opened a store file this user may not write read-only, without a word:
  // `serve` started, /readyz said ready and every request got AUDIT_UNAVAILABLE; `audit verify` said ok.
  it.each([
    ['serve', ['serve', '--port', '0']],
    ['audit verify', ['audit', 'verify']],
  ])('%s on a store file it may not write, its write-ahead log beside it: refused, naming the file', async (_name, args) => {
    const dir = join(top, `read-only-${args[0]}`);
    const imported = await runGovgraph(['catalogue', 'import', '--publish', join(henan, 'tax.yaml'), '--platform', henanPlatform, '--data', dir]);
    expect(imported.code, imported.stderr).toBe(0); // a store with its platform and secret, as the owner served it
    const file = join(dir, 'govgraph.sqlite');
    const owner = new Database(file); // keeps govgraph.sqlite-wal and -shm there, as a running gateway does
    try {
      owner.pragma('journal_mode = WAL');
      owner.prepare('SELECT count(*) FROM _govgraph_indexes').get();
      expect(existsSync(`${file}-wal`) && existsSync(`${file}-shm`)).toBe(true);
      chmodSync(dir, 0o755);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) chmodSync(f, asRoot ? 0o644 : 0o444);
      const { code, stderr } = await asOtherUser([...args, '--platform', henanPlatform, '--data', dir]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `govgraph: cannot open the SQLite store ${file}: this user may not write ${file} (permission denied), so SQLite would ` +
          'open the store read-only and no audit entry could be written: run as the user that owns the store, or give this user access to it\n',
      );
      expect(stderr).not.toContain('GraphQL');
    } finally {
      owner.close();
    }
  }, 60_000);
});
