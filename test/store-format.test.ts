// The store's format (src/store/format.ts; found by the §15 operations walk, upgrading). A store recorded no
// format: a govgraph older than the store (a rollback after an upgrade, an old build left on one host)
// opened what a newer release had changed and read and wrote it as its own, with no word. Now the store
// records its format; a store of a newer format is refused by every command, naming both formats and
// releases, the file left as it was; a store made before formats were recorded is taken, and records one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_FORMAT, releaseVersion } from '../src/store/format.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const fixtures = fileURLToPath(new URL('./fixtures/henan/', import.meta.url));
const platform = join(fixtures, 'platform.yaml');
const root = mkdtempSync(join(tmpdir(), 'govgraph-store-format-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = cliEnv({ GOVGRAPH_PLATFORM: platform });
const storeFile = (data: string) => join(data, 'govgraph.sqlite');

/** The `_settings` row of the format, as stored (null: none), read with SQLite itself. */
function formatRow(data: string): string | null {
  const db = new Database(storeFile(data), { readonly: true });
  try {
    const row = db.prepare(`SELECT json_extract(doc, '$.value') AS value FROM "c:_settings" WHERE json_extract(doc, '$.key') = 'store-format'`).get() as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  } finally {
    db.close();
  }
}

/** Sets (or, with null, deletes) the format row, as a newer release, or an older one, left it. */
function setFormatRow(data: string, value: string | null): void {
  const db = new Database(storeFile(data));
  try {
    db.prepare(`DELETE FROM "c:_settings" WHERE json_extract(doc, '$.key') = 'store-format'`).run();
    if (value !== null) db.prepare(`INSERT INTO "c:_settings" (doc) VALUES (json_object('key', 'store-format', 'value', ?))`).run(value);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function madeStore(name: string): Promise<string> {
  const data = join(root, name);
  const made = await runGovgraph(['catalogue', 'import', join(fixtures, 'tax.yaml'), '--publish', '--data', data], { env });
  expect(made.code, made.stderr).toBe(0);
  return data;
}

describe('the store format', () => {
  let data: string;
  beforeAll(async () => {
    data = await madeStore('made');
  });

  it('is recorded by the store a release makes', () => {
    expect(JSON.parse(formatRow(data)!)).toEqual({ format: STORE_FORMAT, release: releaseVersion() });
  });

  it('is recorded at the first use of a store made before formats were recorded, which works as before', async () => {
    const older = await madeStore('older');
    setFormatRow(older, null);
    const verified = await runGovgraph(['audit', 'verify', '--data', older], { env });
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain ok: \d+ entries/);
    expect(JSON.parse(formatRow(older)!)).toEqual({ format: STORE_FORMAT, release: releaseVersion() });
  });

  it.each([
    ['audit verify', ['audit', 'verify']],
    ['grant list', ['grant', 'list']],
    ['token', ['token', '--dept', '410100-MZ']],
    ['catalogue import', ['catalogue', 'import', join(fixtures, 'tax.yaml')]],
    ['serve', ['serve', '--port', '0']],
  ])('of a newer release is refused by %s, naming both, the store left as it was', async (_name, args) => {
    const newer = await madeStore(`newer-${args[0]}-${args[1]}`);
    setFormatRow(newer, JSON.stringify({ format: STORE_FORMAT + 1, release: '9.0.0' }));
    const before = readFileSync(storeFile(newer));
    const run = await runGovgraph([...args, '--data', newer], { env, timeout: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `${storeFile(newer)} is a store of format ${STORE_FORMAT + 1}, recorded by govgraph 9.0.0, newer than this govgraph ${releaseVersion()} reads (format ${STORE_FORMAT}); nothing was written to it`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readFileSync(storeFile(newer)).equals(before)).toBe(true);
    expect(formatRow(newer)).toBe(JSON.stringify({ format: STORE_FORMAT + 1, release: '9.0.0' }));
  });

  it.each([
    ['audit verify', ['audit', 'verify']],
    ['serve', ['serve', '--port', '0']],
  ])('of a newer release laid out otherwise is refused by %s before this release lays it out, the store left as it was', async (_name, args) => {
    // A newer release that keeps its store in another journal mode and `_govgraph_indexes` without the
    // column this release adds: the embedded store's layout steps ran before the format was checked, so
    // the store was switched to WAL and given the column, and then refused as "nothing was written to it".
    const newer = await madeStore(`newer-layout-${args[0]}`);
    setFormatRow(newer, JSON.stringify({ format: STORE_FORMAT + 1, release: '9.0.0' }));
    const db = new Database(storeFile(newer));
    try {
      db.exec('ALTER TABLE _govgraph_indexes DROP COLUMN is_partial');
      db.pragma('journal_mode = DELETE');
    } finally {
      db.close();
    }
    const before = readFileSync(storeFile(newer));
    const run = await runGovgraph([...args, '--data', newer], { env, timeout: 20_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${storeFile(newer)} is a store of format ${STORE_FORMAT + 1}, recorded by govgraph 9.0.0, newer than this govgraph`);
    expect(readFileSync(storeFile(newer)).equals(before)).toBe(true);
    const after = new Database(storeFile(newer), { readonly: true });
    try {
      expect(after.pragma('journal_mode', { simple: true })).toBe('delete');
      expect(after.prepare("SELECT name FROM pragma_table_info('_govgraph_indexes')").pluck().all()).not.toContain('is_partial');
    } finally {
      after.close();
    }
  });

  it('that cannot be read is taken as newer: this release cannot tell what wrote it', async () => {
    const odd = await madeStore('odd');
    setFormatRow(odd, 'v3');
    const run = await runGovgraph(['audit', 'verify', '--data', odd], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('is a store of an unknown format, recorded by govgraph unknown, newer than this govgraph');
  });

  it.each([
    ['a number', '2', 'an unknown format, recorded by govgraph unknown'],
    ['an object', JSON.stringify({ format: STORE_FORMAT + 1, release: '9.0.0' }), `format ${STORE_FORMAT + 1}, recorded by govgraph 9.0.0`],
  ])('whose value is not text (%s) is taken as newer too, the store left as it was', async (_name, json, named) => {
    // Read as no row, such a value let this release use the store: its own row refused by the key's unique index.
    const odd = await madeStore(`odd-${_name.replace(/ /g, '-')}`);
    setFormatRow(odd, null);
    const db = new Database(storeFile(odd));
    try {
      db.prepare(`INSERT INTO "c:_settings" (doc) VALUES (json_object('key', 'store-format', 'value', json(?)))`).run(json);
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const before = readFileSync(storeFile(odd));
    const run = await runGovgraph(['audit', 'verify', '--data', odd], { env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${storeFile(odd)} is a store of ${named}, newer than this govgraph ${releaseVersion()} reads`);
    expect(readFileSync(storeFile(odd)).equals(before)).toBe(true);
  });
});
