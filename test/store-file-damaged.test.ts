// A store file damaged in place (found by the chaos walk of wave 20): a file that is no database put where
// the store was (a "backup" that was a text export, a header written over) and a store whose audit log's
// pages were overwritten. SQLite's words alone (`file is not a database`, `database disk image is
// malformed`) told the operator neither that the file itself is damaged nor what to do, and a gateway on
// the second said `ready` on /readyz while it refused every request that reads data ("try again shortly"):
// its readiness probe, a write to `_settings`, went through. Now each says the file is damaged and to put
// a backup in place, and /readyz says `store-unavailable` while the audit log cannot be read.
import { mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../src/identity/token.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { spawnServe, type ServedProcess } from './helpers/served.ts';

const fixture = 'test/fixtures/qinghai-restore';
const root = mkdtempSync(join(tmpdir(), 'govgraph-store-file-damaged-'));
const secret = 'qinghai-damaged-store-secret-of-32-characters';
const served: ServedProcess[] = [];
afterAll(() => {
  for (const s of served) if (s.child.exitCode === null) s.child.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});
const envOf = (data: string) => cliEnv({ GOVGRAPH_PLATFORM: `${fixture}/platform.yaml`, GOVGRAPH_DATA_DIR: data, GOVGRAPH_JWT_SECRET: secret });
const RESTORE = 'stop the gateways and commands on this data folder and put a whole backup in place (docs/operations.md, "Restoring the embedded store")';

/** A whole store: a published catalogue and its records, its write-ahead log checkpointed into the file. */
let whole: Buffer;
beforeAll(async () => {
  const data = join(root, 'whole');
  for (const args of [['catalogue', 'import', '--publish', `${fixture}/households.yaml`], ['data', 'import', '--resource', '630000-MZ-00001', `${fixture}/households.jsonl`]]) {
    const r = await runGovgraph(args, { env: envOf(data) });
    expect(r.code, r.stderr).toBe(0);
  }
  const db = new Database(join(data, 'govgraph.sqlite'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  whole = readFileSync(join(data, 'govgraph.sqlite'));
}, 60_000);

/** A data folder holding `bytes` as its store file. */
function folderWith(name: string, bytes: Buffer | string): { data: string; file: string } {
  const data = join(root, name);
  mkdirSync(data);
  const file = join(data, 'govgraph.sqlite');
  writeFileSync(file, bytes, { mode: 0o600 });
  return { data, file };
}

/** The store with the root page of its audit log overwritten. */
function auditPagesOverwritten(name: string): { data: string; file: string } {
  const at = folderWith(name, whole);
  const db = new Database(at.file, { readonly: true });
  const page = db.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'c:_audit'").pluck().get() as number;
  const size = db.pragma('page_size', { simple: true }) as number;
  db.close();
  const fd = openSync(at.file, 'r+');
  writeSync(fd, Buffer.alloc(size, 0xff), 0, size, (page - 1) * size);
  closeSync(fd);
  return at;
}

describe('a damaged store file', () => {
  it.each([
    ['grant list', ['grant', 'list']],
    ['audit verify', ['audit', 'verify']],
    ['serve', ['serve', '--port', '0']],
  ])('%s on a file that is no database says so and what to do, and leaves it as it is', async (_name, args) => {
    const exported = '{"householdNo":"QH00000001","county":"Chengdong"}\n'; // an export put in place of a backup
    const { data, file } = folderWith(`not-a-database-${args[0]}`, exported);
    const r = await runGovgraph(args, { env: envOf(data), timeout: 30_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `govgraph: cannot open the SQLite store ${file}: file is not a database; the store file is not a SQLite database ` +
        `(its header overwritten, or another file put in its place): ${RESTORE}\n`,
    );
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(file, 'utf8')).toBe(exported);
  }, 60_000);

  it('audit verify on a store whose audit log was overwritten names the damage and the restore', async () => {
    const { data } = auditPagesOverwritten('audit-pages-verify');
    const r = await runGovgraph(['audit', 'verify'], { env: envOf(data) });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`SQLite failed: database disk image is malformed; the store file is damaged (pages overwritten or cut off): ${RESTORE}\n`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('serve on it: a read is refused, the log says what to do, and /readyz says store-unavailable, not ready', async () => {
    const { data } = auditPagesOverwritten('audit-pages-serve');
    const s = await spawnServe(['--data', data], { ...envOf(data), GOVGRAPH_LOG_LEVEL: 'info' }, Number(process.env.GOVGRAPH_TEST_PORT ?? 0));
    served.push(s);
    const url = `http://127.0.0.1:${s.port}`;
    const token = await signToken(new TextEncoder().encode(secret), { dept: '630100-RS', user: 'xining-clerk', roles: [], ttl: '10m' });
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'benefits' },
      body: JSON.stringify({ query: '{ qhCivil { households { nodes { householdNo county } } } }' }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
    expect(JSON.stringify(body)).not.toContain('Chengdong');
    await eventually(async () => expect(s.output()).toContain('"event":"audit-log","available":false'));
    expect(s.output()).toContain(`the store file is damaged (pages overwritten or cut off): ${RESTORE.replaceAll('"', '\\"')}`);
    // /readyz asks the store at most once a second: the answer after the refusal is the one that counts.
    await new Promise((r) => setTimeout(r, 1100));
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'store-unavailable' });
    expect(ready.status).toBe(503);
  }, 60_000);
});
