// A data import that finds a problem (without --skip-invalid) writes nothing, yet it read the rest of its
// file inside the store's transaction, holding the write lock: a refused file of 1.2 million records held it
// for about 6 s, and a gateway on the folder answered AUDIT_UNAVAILABLE to every data read meanwhile, for
// an import that wrote nothing. The lock is now given back at the first problem; the rest of the file is
// still read and every problem reported. A real `govgraph data import` reads a named pipe, so the test
// decides when the rest of the file arrives; another process probes the lock (Gansu, test/fixtures/threads).
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { eventually } from './helpers/eventually.ts';
import { writeLocked } from './helpers/lock-holder.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/threads/${p}`, import.meta.url));
const PAYMENTS = '620000-RST-00001';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-refused-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const payment = (i: number) => JSON.stringify({ paymentNo: `GS-${i}`, qh: '620100', amount: '12.50', batch: i }) + '\n';
const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => payment(from + i)).join('');


describe('a data import refused by a problem', () => {
  it('gives the write lock back at the problem, reads on, reports every problem and writes nothing', async () => {
    const env = cliEnv({ GOVGRAPH_DATA_DIR: join(dir, 'data'), GOVGRAPH_PLATFORM: fixture('platform.yaml') });
    expect((await runGovgraph(['catalogue', 'import', fixture('catalogue.yaml'), '--publish'], { env })).code).toBe(0);
    const db = join(dir, 'data', SQLITE_FILE);
    const pipe = join(dir, 'payments.jsonl');
    execFileSync('mkfifo', [pipe]);

    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'data', 'import', '--resource', PAYMENTS, pipe], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = ''; // nothing: a refused import says so on stderr
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit');
    const feed = createWriteStream(pipe);
    try {
      // Good records past the first batch: the import's transaction has begun and holds the lock.
      feed.write(lines(0, 2500));
      await eventually(async () => expect(writeLocked(db)).toBe(true), 20_000);
      // A problem: nothing can be written any more, so the lock is given back while the file is still open.
      feed.write(JSON.stringify({ paymentNo: 'GS-BAD-1', batch: 'seven' }) + '\n');
      await eventually(async () => expect(writeLocked(db)).toBe(false), 20_000);
      expect(child.exitCode).toBeNull(); // still reading the file
    } finally {
      // The rest of the file, with a second problem: it is still read and reported.
      feed.end(lines(2500, 4000) + JSON.stringify({ paymentNo: 'GS-BAD-2', amount: 'lots' }) + '\n');
    }
    const [code] = await exited;
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(stderr).toContain('line 2501: batch:');
    expect(stderr).toContain('line 4002: amount:');
    expect(stderr).toContain(`refused ${pipe}: 2 problems in 2 of 4002 records; nothing was written to ${PAYMENTS}`);
    const after = new Database(db, { readonly: true });
    try {
      const tables = after.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE '%620000_rst_00001'").pluck().all() as string[];
      for (const t of tables) expect(after.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()).toBe(0);
    } finally {
      after.close();
    }
  }, 60_000);
});
