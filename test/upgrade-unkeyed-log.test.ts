// A store the release of 25 November 2026 wrote (test/fixtures/upgrade-2026-11-25, README there): its audit
// log is hashed with plain SHA-256, before keyed hashes. This release refused every writing command with
// "export the GOVGRAPH_JWT_SECRET the gateways on this store run with" and `audit verify` said the entry was
// altered or the secret changed: an operator went looking for a secret that never was. Both now say what the
// log is and what to do, and still change nothing.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { RECORD_ORDER_FIELD } from '../src/model/catalogue.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/upgrade-2026-11-25/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-unkeyed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyOfStore(name: string): NodeJS.ProcessEnv {
  const data = join(dir, name);
  mkdirSync(data);
  copyFileSync(join(FIXTURE, 'store.sqlite'), join(data, SQLITE_FILE));
  return cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: join(FIXTURE, 'platform.yaml') }, ['GOVGRAPH_JWT_SECRET']);
}

/**
 * What a gateway would change in a store file, read without the store (which lays itself out as it opens):
 * the audit rows, the records (their place `_o` included), the other collections but `_settings` (the
 * store's format, recorded by every command's open), and the tables and indexes there are.
 */
function contents(file: string): { audit: string[]; unplaced: number; rows: Record<string, string[]>; schema: string[] } {
  const db = new Database(file, { readonly: true });
  try {
    const schema = db.prepare("SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").pluck().all() as string[];
    const rows: Record<string, string[]> = {};
    for (const table of schema.filter((s) => s.startsWith('table c:') && s !== 'table c:_settings').map((s) => s.slice('table '.length))) {
      rows[table] = db.prepare(`SELECT doc FROM "${table}" ORDER BY id`).pluck().all() as string[];
    }
    const records = Object.entries(rows).filter(([table]) => table.startsWith('c:r_')).flatMap(([, docs]) => docs);
    const unplaced = records.filter((doc) => !(RECORD_ORDER_FIELD in (JSON.parse(doc) as object))).length;
    return { audit: rows['c:_audit'] ?? [], unplaced, rows, schema };
  } finally {
    db.close();
  }
}

const SAID = 'written by a release before keyed hashes (before 2 December 2026';

describe('a log written before keyed hashes, under this release', () => {
  it('audit verify says what entry #1 is, not that it was altered', async () => {
    const r = await runGovgraph(['audit', 'verify'], { env: copyOfStore('verify') });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toContain('audit chain broken at entry #1: hash is a plain SHA-256');
    expect(r.stdout + r.stderr).toContain(SAID);
  });

  it('grant add refuses in one line saying so, with or without a secret exported, and writes nothing', async () => {
    const env = copyOfStore('grant');
    for (const e of [env, { ...env, GOVGRAPH_JWT_SECRET: 'a-staging-secret-of-32-characters!!' }]) {
      const r = await runGovgraph(['grant', 'add', '--requester', '220200-MZJ', '--resource', '220000-GAT-00001', '--items', 'idNumber', '--purposes', 'residence-check'], { env: e });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("the audit log's newest entry #21 is not keyed with any secret");
      expect(r.stderr).toContain(SAID);
      expect(r.stderr).not.toContain('export the GOVGRAPH_JWT_SECRET');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    }
    const list = await runGovgraph(['grant', 'list'], { env });
    expect(list.stdout.trim().split('\n')).toHaveLength(4); // the four the old release stored, none added
  });

  it('the old release’s catalogues, grants and requests still list', async () => {
    const env = copyOfStore('lists');
    const cat = await runGovgraph(['catalogue', 'list'], { env });
    expect(cat.code).toBe(0);
    expect(cat.stdout).toMatch(/CC-ZJJ\s+2\s+APPROVED/);
    const req = await runGovgraph(['request', 'list'], { env });
    expect(req.stdout).toMatch(/01c36690-578f-4e63-9fa1-37caf5bc4c8e\s+PENDING/);
  });

  // `serve` appends to its log whatever the head (AuditHeadError each minute, options.ts), so it was not
  // refused: it placed the 67 records, made the audit log's indexes and chained keyed entries #22... after
  // the unkeyed ones, while its log said "another GOVGRAPH_JWT_SECRET ... or the entry was altered".
  it('serve (and serve --demo) refuses to start in that one line, with or without a secret exported, and changes nothing', async () => {
    const before = contents(join(FIXTURE, 'store.sqlite'));
    expect(before.audit).toHaveLength(21);
    expect(before.unplaced).toBe(67); // the old release's records, none placed
    const env = copyOfStore('serve');
    const secret = { ...env, GOVGRAPH_JWT_SECRET: 'a-staging-secret-of-32-characters!!' };
    const demo = cliEnv({ GOVGRAPH_DATA_DIR: env.GOVGRAPH_DATA_DIR! }, ['GOVGRAPH_JWT_SECRET']); // the demo's platform file: refused first at the log
    for (const [args, e] of [[['serve'], env], [['serve'], secret], [['serve', '--demo'], demo]] as const) {
      // A gateway that starts never exits by itself: the bound ends the case (killed, not code 1 with the line).
      const r = await runGovgraph([...args, '--port', '0'], { env: e, cwd: dir, timeout: 20_000 });
      expect(r.stderr).toContain("\ngovgraph: the audit log's newest entry #21 is not keyed with any secret");
      expect(r.stderr).toContain(SAID);
      expect(r.stderr.trimEnd()).toMatch(/; nothing was changed$/);
      expect(r.stderr).not.toContain('AuditHeadError');
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
      expect(r.stdout).not.toContain('GraphQL'); // never served
      expect(r.code).toBe(1);
    }
    const after = contents(join(env.GOVGRAPH_DATA_DIR!, SQLITE_FILE));
    expect(after.audit).toEqual(before.audit); // no entry chained after #21
    expect(after.unplaced).toBe(67); // no record placed
    expect(after.rows).toEqual(before.rows); // nor anything else stored: no checkpoint, no platform recorded
    expect(after.schema).toEqual(before.schema); // no index made, no collection
  }, 120_000);
});
