// kill -9 of the writing commands no earlier walk killed (docs/operations.md, "Commands and gateways killed
// midway"), on a Hohhot platform of its own (test/fixtures/hohhot-killsweep): `catalogue submit`, `catalogue
// review`, `platform rotate-key` and `platform adopt`. Each is run as a real process and killed (SIGSTOP, then
// SIGKILL) at three moments read from its store by another connection: at once, once its audit entry is
// written, once its change is stored. At every one the change is whole or absent, `audit verify` passes
// (naming a rotation or adoption left without its outcome), the command run again does it (or says it is
// done), and a gateway started on the folder serves (after the kill between the entry and the change). The sweep found no defect here; this holds what it checked.
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository/rows.ts';
import { SETTINGS } from '../src/store/format.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';
import { spawnServe, waitReady } from './helpers/served.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/hohhot-killsweep/', import.meta.url));
const platformFile = join(FIXTURE, 'platform.yaml');
const dir = mkdtempSync(join(tmpdir(), 'govgraph-killsweep-'));
const published = join(dir, 'published'); // both catalogues published: copied for each kill
const civil2 = join(dir, 'civil-2.yaml');
const renamedPlatform = join(dir, 'platform-renamed.yaml');

beforeAll(async () => {
  await withSqliteStore(published, (store) =>
    importCatalogueFiles(store, loadPlatform(platformFile), [join(FIXTURE, 'civil.yaml'), join(FIXTURE, 'police.yaml')], { publish: true }));
  writeFileSync(civil2, readFileSync(join(FIXTURE, 'civil.yaml'), 'utf8').replace('title: Hohhot civil affairs catalogue', 'title: Hohhot civil affairs catalogue, second edition'));
  writeFileSync(renamedPlatform, readFileSync(platformFile, 'utf8').replace('name: Hohhot Sharing Platform', 'name: Hohhot Municipal Sharing Platform'));
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const docs = (db: Database.Database, collection: string, where = '1'): Record<string, unknown>[] =>
  (db.prepare(`SELECT doc FROM "c:${collection}" WHERE ${where}`).all() as { doc: string }[]).map((r) => JSON.parse(r.doc) as Record<string, unknown>);
const auditCount = (db: Database.Database) => (db.prepare(`SELECT count(*) AS n FROM "c:${AUDIT_COLLECTION}"`).get() as { n: number }).n;
const setting = (db: Database.Database, key: string) => docs(db, SETTINGS).find((r) => r.key === key)?.value as string | undefined;
const versionOf = (db: Database.Database, id: string, version: number) =>
  docs(db, CATALOGUE_VERSIONS).find((v) => v.id === id && v.version === version);

/** Reads the store of a folder (after the kill: no other process has it). */
function read<T>(data: string, what: (db: Database.Database) => T): T {
  const db = new Database(join(data, SQLITE_FILE), { readonly: true, fileMustExist: true });
  try {
    return what(db);
  } finally {
    db.close();
  }
}

interface KilledCommand {
  args: string[];
  /** What the command's store holds before it runs, besides the published catalogues. */
  before?: (env: NodeJS.ProcessEnv) => Promise<void>;
  /** Its change, as a read of the store sees it: true once stored. */
  changed: (db: Database.Database) => boolean;
  /** Whether what is stored is the whole change or none of it (a half-written one: false). */
  wholeOrNone: (db: Database.Database) => boolean;
  /** Its audit entry, written before the change: a change stored without it is one the log misses. */
  entry: RegExp;
  /** The run again: succeeds, or (`done`) refuses it as done already. */
  done?: RegExp;
}

/** The moments a command is killed at, each read from its store: `base` is the log's count of entries before it ran. */
const MOMENTS: { name: string; ready: (db: Database.Database, base: number, c: KilledCommand) => boolean }[] = [
  { name: 'at once', ready: () => true },
  { name: 'once its first audit entry is written', ready: (db, base) => auditCount(db) > base },
  { name: 'once its change is stored', ready: (db, _base, c) => c.changed(db) },
];

const HALFWAY = MOMENTS[1];

async function killSweep(c: KilledCommand): Promise<void> {
  for (const moment of MOMENTS) {
    const data = mkdtempSync(join(dir, 'case-'));
    cpSync(published, data, { recursive: true });
    const env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platformFile });
    await c.before?.(env);
    const base = read(data, auditCount);
    const killed = await signalledWhen(c.args, { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready: (db) => moment.ready(db, base, c) })
      .catch((err: Error) => ({ code: 0, signal: null, stdout: '', stderr: err.message })); // ended before its moment came: nothing killed
    const at = `${c.args.slice(0, 2).join(' ')} killed ${moment.name} (${killed.signal ?? `exit ${killed.code}`})`;
    // Killed at once it cannot have ended first (the later moments may come as it ends).
    if (moment.name === 'at once') expect(killed.signal, at).toBe('SIGKILL');
    expect(read(data, c.wholeOrNone), at).toBe(true);
    const logged = (db: Database.Database) => docs(db, AUDIT_COLLECTION).some((e) => Number(e.seq) > base && c.entry.test(String(e.detail)));
    if (read(data, c.changed)) expect(read(data, logged), `${at}: the change's entry`).toBe(true);
    const verified = await runGovgraph(['audit', 'verify'], { env });
    expect(verified, at).toMatchObject({ code: 0, stdout: expect.stringContaining('audit chain ok') });
    const again = await runGovgraph(c.args, { env });
    if (again.code !== 0) expect(again.stderr, at).toMatch(c.done ?? /^$/);
    expect(read(data, c.changed), at).toBe(true);
    expect(read(data, c.wholeOrNone), at).toBe(true);
    expect(await runGovgraph(['audit', 'verify'], { env }), at).toMatchObject({ code: 0 });
    // A gateway started on the folder: once a command, after the kill that leaves the most half done (its
    // audit entry written, its change not yet), so that the suite keeps within its time on two cores.
    if (moment === HALFWAY) {
      const served = await spawnServe([], env);
      try {
        await waitReady(`http://127.0.0.1:${served.port}`, 60_000);
      } finally {
        served.child.kill('SIGTERM');
        await served.exited;
      }
    }
    rmSync(data, { recursive: true, force: true });
  }
}

describe('kill -9 of the writing commands at three moments', () => {
  it('catalogue submit: the version is stored whole or not at all; submitted again it is stored', async () => {
    await killSweep({
      args: ['catalogue', 'submit', civil2, '--dept', '150100-MZJ'],
      entry: /^HH-MZ v2 submitted/,
      changed: (db) => versionOf(db, 'HH-MZ', 2) !== undefined,
      wholeOrNone: (db) => {
        const v = versionOf(db, 'HH-MZ', 2);
        return v === undefined || (v.status === 'submitted' && JSON.parse(String(v.document)).title === 'Hohhot civil affairs catalogue, second edition');
      },
    });
  }, 240_000);

  it('catalogue review: the version is approved or still submitted; reviewed again it is approved', async () => {
    await killSweep({
      args: ['catalogue', 'review', 'HH-MZ', '2', '--approve'],
      entry: /^HH-MZ v2 approved/,
      before: async (env) => void expect(await runGovgraph(['catalogue', 'submit', civil2, '--dept', '150100-MZJ'], { env })).toMatchObject({ code: 0 }),
      changed: (db) => versionOf(db, 'HH-MZ', 2)?.status === 'approved',
      wholeOrNone: (db) => ['submitted', 'approved'].includes(String(versionOf(db, 'HH-MZ', 2)?.status)) && versionOf(db, 'HH-MZ', 1)?.status === 'published',
      done: /CONFLICT: HH-MZ v2 is approved/,
    });
  }, 240_000);

  it('platform rotate-key: one current key, the new one or none; rotated again there is a new one', async () => {
    let before: string | undefined;
    await killSweep({
      args: ['platform', 'rotate-key'],
      entry: /^rotation of the platform's signing key attempted/,
      before: async (env) => {
        expect(await runGovgraph(['platform', 'rotate-key'], { env })).toMatchObject({ code: 0 });
        before = read(String(env.GOVGRAPH_DATA_DIR), (db) => setting(db, 'signing-keys'));
      },
      changed: (db) => setting(db, 'signing-keys') !== before,
      wholeOrNone: (db) => (JSON.parse(setting(db, 'signing-keys') ?? '[]') as { retiredAt: string | null }[]).filter((k) => k.retiredAt === null).length === 1,
    });
  }, 240_000);

  it('platform adopt: the store records the new name or the old one; adopted again it is recorded', async () => {
    const name = (db: Database.Database) => (JSON.parse(setting(db, 'platform') ?? '{}') as { name?: string }).name;
    await killSweep({
      args: ['platform', 'adopt', '--platform', renamedPlatform],
      entry: /^store platform: region 150100 \(Hohhot Municipal Sharing Platform\), was .*, attempted$/,
      changed: (db) => name(db) === 'Hohhot Municipal Sharing Platform',
      wholeOrNone: (db) => ['Hohhot Sharing Platform', 'Hohhot Municipal Sharing Platform'].includes(String(name(db))),
    });
  }, 240_000);
});
