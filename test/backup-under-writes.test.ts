// The online backups of docs/operations.md ("Backups of the embedded store"), run as written there while
// another process writes to the store without pause, as busy gateways do (every request with records
// writes an audit entry). The backup API in steps of 100 pages, and the sqlite3 shell's `.backup`, start
// over at every write of another process: under steady writes they never finished. The documented ways
// must finish, and give one consistent snapshot: the writer puts the same number in two tables in one
// transaction, so a backup holding a half-written moment would hold different counts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-backup-'));
const backups = join(dir, 'backups');
const doc = readFileSync(join(root, 'docs', 'operations.md'), 'utf8');
const section = doc.slice(doc.indexOf('## Backups of the embedded store'), doc.indexOf('### Restoring the embedded store'));

/** The first fenced block of `lang` after `marker` in the backup section, its `/backups` made this test's. */
function documented(marker: string, lang: string): string {
  const from = section.indexOf(marker);
  expect(from).toBeGreaterThanOrEqual(0);
  const open = section.indexOf('```' + lang + '\n', from) + lang.length + 4;
  return section.slice(open, section.indexOf('```', open)).replace(/\n {2}/g, '\n').trim().replaceAll('/backups', backups);
}

let writer: ChildProcess;
beforeAll(async () => {
  // The folder as the govgraph folder is: data/govgraph.sqlite, better-sqlite3 importable.
  mkdirSync(join(dir, 'data'));
  mkdirSync(backups);
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const db = new Database(join(dir, 'data', 'govgraph.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE a (n INTEGER, pad TEXT); CREATE TABLE b (n INTEGER, pad TEXT)');
  const fill = db.prepare('INSERT INTO a (n, pad) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 60_000; i++) fill.run(-i, 'x'.repeat(500)); // about 35 MB: hundreds of 100-page steps
  })();
  db.close();
  // Another process writes without pause: one number into both tables per transaction.
  const script = `
    import Database from 'better-sqlite3';
    const db = new Database('data/govgraph.sqlite');
    db.pragma('busy_timeout = 5000');
    const a = db.prepare('INSERT INTO a (n, pad) VALUES (?, ?)'), b = db.prepare('INSERT INTO b (n, pad) VALUES (?, ?)');
    const both = db.transaction((n) => { a.run(n, 'w'); b.run(n, 'w'); });
    let n = 0;
    const tick = () => { both(++n); if (n === 20) process.stdout.write('writing\\n'); setImmediate(tick); };
    tick();`;
  writer = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => writer.stdout!.once('data', () => resolve()));
}, 60_000);
afterAll(() => {
  writer?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Runs a documented backup with a deadline; what it made, checked. */
function checkBackup(): { integrity: string; a: number; b: number } {
  const [file] = readdirSync(backups).filter((f) => !f.includes('.part'));
  expect(file).toMatch(/^govgraph-\d{4}-\d{2}-\d{2}-\d{6}\.sqlite$/);
  const db = new Database(join(backups, file), { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      a: (db.prepare('SELECT count(*) FROM a WHERE n > 0').pluck().get() as number),
      b: (db.prepare('SELECT count(*) FROM b').pluck().get() as number),
    };
  } finally {
    db.close();
  }
}

describe('an online backup while another process writes', () => {
  it('from Node, as documented, finishes and holds one consistent snapshot', () => {
    rmSync(backups, { recursive: true, force: true });
    mkdirSync(backups);
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', documented('**Online, from Node**', 'js')], { cwd: dir, timeout: 20_000, encoding: 'utf8' });
    expect(run.signal, 'the backup did not finish within 20 s').toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const made = checkBackup();
    expect(made.integrity).toBe('ok');
    expect(made.b).toBeGreaterThan(0); // taken while the writer wrote
    expect(made.a).toBe(made.b);
  }, 60_000);

  const shell = spawnSync('sqlite3', ['-version']).status === 0;
  it.skipIf(!shell)('with the sqlite3 shell, as documented, finishes and holds one consistent snapshot', () => {
    rmSync(backups, { recursive: true, force: true });
    const lines = documented('**Online, with the sqlite3 shell**', 'sh');
    const run = spawnSync('sh', ['-c', lines], { cwd: dir, timeout: 20_000, encoding: 'utf8' });
    expect(run.signal, 'the backup did not finish within 20 s').toBeNull();
    expect(run.status, run.stderr).toBe(0);
    const made = checkBackup();
    expect(made.integrity).toBe('ok');
    expect(made.b).toBeGreaterThan(0);
    expect(made.a).toBe(made.b);
  }, 60_000);

  it.skipIf(!shell)('names both kinds by the time in UTC, on a machine whose clock shows local time (Asia/Shanghai)', () => {
    // The shell's `date` wrote local time and Node's toISOString UTC: eight hours apart in Shanghai, so the two
    // kinds did not sort together, nor meet on one name within a second as the doc says.
    rmSync(backups, { recursive: true, force: true });
    mkdirSync(backups);
    const env = { ...process.env, TZ: 'Asia/Shanghai' };
    const shellDone = spawnSync('sh', ['-c', documented('**Online, with the sqlite3 shell**', 'sh')], { cwd: dir, encoding: 'utf8', env });
    expect(shellDone.status, shellDone.stderr).toBe(0);
    const [made] = readdirSync(backups);
    const stamp = /^govgraph-(\d{4}-\d\d-\d\d)-(\d\d)(\d\d)(\d\d)\.sqlite$/.exec(made)!;
    const named = Date.parse(`${stamp[1]}T${stamp[2]}:${stamp[3]}:${stamp[4]}Z`);
    expect(Math.abs(Date.now() - named)).toBeLessThan(120_000);
  }, 60_000);

  it.skipIf(!shell)('runs again the same day: each backup a file of its own (VACUUM INTO refuses a file that exists)', async () => {
    rmSync(backups, { recursive: true, force: true });
    mkdirSync(backups);
    const shellLines = documented('**Online, with the sqlite3 shell**', 'sh');
    const node = documented('**Online, from Node**', 'js');
    for (const [i, run] of [() => spawnSync('sh', ['-c', shellLines], { cwd: dir, encoding: 'utf8' }), () => spawnSync(process.execPath, ['--input-type=module', '-e', node], { cwd: dir, encoding: 'utf8' })].entries()) {
      for (let n = 0; n < 2; n++) {
        if (i + n > 0) await new Promise((resolve) => setTimeout(resolve, 1100)); // the next second
        const done = run();
        expect(done.status, done.stderr).toBe(0);
      }
      expect(readdirSync(backups)).toHaveLength(2 * (i + 1));
    }
  }, 60_000);
  // A backup killed midway (kill -9, a job's timeout) must leave no file named like a backup: VACUUM INTO
  // straight into the final name left a partial database there with a hot journal beside it, which
  // SQLite rolls back to an empty database that passes integrity_check and holds no table.
  it('from Node, as documented, killed at any moment leaves no file named like a backup but a whole one', async () => {
    rmSync(backups, { recursive: true, force: true });
    mkdirSync(backups);
    const script = documented('**Online, from Node**', 'js');
    const started = performance.now();
    expect(spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' }).status).toBe(0);
    const whole = performance.now() - started;
    rmSync(backups, { recursive: true, force: true });
    mkdirSync(backups);
    let killed = 0;
    for (let i = 0; i < 8; i++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: 'ignore' });
      const timer = setTimeout(() => { if (child.kill('SIGKILL')) killed++; }, whole * (0.3 + 0.1 * i));
      await new Promise((resolve) => child.on('exit', resolve));
      clearTimeout(timer);
      for (const file of readdirSync(backups).filter((f) => !f.includes('.part'))) {
        const db = new Database(join(backups, file), { readonly: true });
        try {
          expect({ file, integrity: db.pragma('integrity_check', { simple: true }), b: (db.prepare('SELECT count(*) FROM b').pluck().get() as number) > 0 }).toEqual({ file, integrity: 'ok', b: true });
        } finally {
          db.close();
        }
        rmSync(join(backups, file));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the next run names another file
    }
    expect(killed).toBeGreaterThan(0);
  }, 60_000);
});
