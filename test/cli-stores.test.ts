// Stores are found, not made (SPEC §15): every command says on stderr which platform file and store it
// uses; only `serve --demo` and `catalogue import` make a store (once their input passed), the others refuse a
// folder without one and say where they looked (a command run from another folder used to make an empty
// ./data with a new secret, whose tokens the running gateway refused).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { appendAudit } from '../src/audit/log.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const elsewhere = mkdtempSync(join(tmpdir(), 'govgraph-cli-stores-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

/** Runs govgraph in `cwd` with neither GOVGRAPH_DATA_DIR nor GOVGRAPH_PLATFORM set. */
const govgraph = (cwd: string, ...args: string[]) => runGovgraph(args, { cwd });

/** The same, with `set` in its environment. */
const govgraphWith = (set: Record<string, string>, cwd: string, ...args: string[]) => runGovgraph(args, { cwd, env: cliEnv(set) });

// What `token` and `schema print` add when the demo platform was read for want of a named one: a developer
// of another platform, run from another folder, saw only the demo's codes and no way to name their own file.
const demoHint =
  '. That is the demo platform, read because no platform file was named and there is no ./platform.yaml here: ' +
  'name yours with --platform FILE (env GOVGRAPH_PLATFORM)\n';

describe('a command run where there is no store', () => {
  const store = join(elsewhere, 'data', 'govgraph.sqlite');
  const said = `govgraph: platform ${DEMO_PLATFORM_FILE} (the demo platform: there is no ./platform.yaml here); store ${store}\n`;
  const refusal =
    `govgraph: no store at ${store} (the default ./data); run the command where the data folder is, pass --data DIR ` +
    '(env GOVGRAPH_DATA_DIR) or --mongodb-uri URI, or make a store with govgraph catalogue import (or serve --demo, on the demo platform)\n';

  it.each([
    ['token', '--dept', '430000-GA'],
    ['schema', 'print'],
    ['serve', '--port', '0'],
    ['platform', 'rotate-key'],
    ['catalogue', 'list'],
  ])('%s %s refuses, says where it looked, and makes nothing', async (...args) => {
    expect(await govgraph(elsewhere, ...args)).toEqual({ code: 1, stdout: '', stderr: said + refusal });
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  // These read the store alone: they name no platform file (see 'what a command says it uses' below).
  it.each([
    ['audit', 'verify'],
    ['grant', 'list'],
    ['grant', 'revoke', 'no-such-grant'],
  ])('%s %s refuses, says where it looked (the store only), and makes nothing', async (...args) => {
    expect(await govgraph(elsewhere, ...args)).toEqual({ code: 1, stdout: '', stderr: `govgraph: store ${store}\n${refusal}` });
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('schema print --dept with a code the platform lacks lists its departments, as token does, before any store', async () => {
    expect(await govgraph(elsewhere, 'schema', 'print', '--dept', '430000-XX')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `govgraph: Department 430000-XX is not a department of the platform (${DEMO_PLATFORM_FILE}); its departments are: ` +
        '430000-GA, 430000-SCJG, 430000-MZ, 430000-RST, 430000-ZRZYT, 430000-ZWB, 430100-MZ, 430100-SCJG, 430121-MZ, 430300-MZ' +
        demoHint,
    });
  });

  it('token --dept with a code the platform lacks names the platform file it read, as schema print does', async () => {
    // A developer of another platform running `govgraph token` where there is no ./platform.yaml (and no
    // GOVGRAPH_PLATFORM) reads the demo platform: the refusal must say so, not only list the demo's codes.
    expect(await govgraph(elsewhere, 'token', '--dept', '420000-MZT')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        `govgraph: Department 420000-MZT is not a department of the platform (${DEMO_PLATFORM_FILE}); its departments are: ` +
        '430000-GA, 430000-SCJG, 430000-MZ, 430000-RST, 430000-ZRZYT, 430000-ZWB, 430100-MZ, 430100-SCJG, 430121-MZ, 430300-MZ' +
        demoHint,
    });
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('a code the platform lacks gets no demo hint when the platform file was named (here the demo file itself, by GOVGRAPH_PLATFORM)', async () => {
    const r = await govgraphWith({ GOVGRAPH_PLATFORM: DEMO_PLATFORM_FILE }, elsewhere, 'token', '--dept', '420000-MZT');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('its departments are: 430000-GA');
    expect(r.stderr).not.toContain('--platform FILE');
  });

  it('names --data when the folder came from it; catalogue validate works without a store', async () => {
    const r = await govgraph(elsewhere, 'audit', 'verify', '--data', 'nowhere');
    expect(r.stderr).toContain(`no store at ${join(elsewhere, 'nowhere', 'govgraph.sqlite')} (--data nowhere)`);
    const v = await govgraph(elsewhere, 'catalogue', 'validate', join(root, 'demo', 'catalogues', 'civil-affairs.yaml'));
    expect(v.stderr).toBe(`govgraph: platform ${DEMO_PLATFORM_FILE} (the demo platform: there is no ./platform.yaml here)\n`);
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });
});

// SPEC §15: commands say which platform file and store they use. `grant list`, `grant revoke` and `audit
// verify` said `platform FILE; store ...` though they never read the file: they read grants, catalogues
// and the audit log (its key is the store's secret) from the store, and a grant's dates are on the
// platform's fixed calendar. They name the store only; `grant add`, which checks the grant against the
// platform's departments and purposes, names both. A platform file the commands do not read would change
// nothing they show: the test gives one that differs from the store's (Guizhou's, over the demo's store).
describe('what a command says it uses', () => {
  const here = join(elsewhere, 'uses');
  const data = join(here, 'data');
  const store = join(data, 'govgraph.sqlite');
  const guizhou = join(root, 'test', 'fixtures', 'guizhou', 'platform.yaml');
  const run = (...args: string[]) => govgraph(here, ...args, '--data', data);

  it('grant add names the platform file and the store; grant list, grant revoke, audit verify and data import the store only', async () => {
    mkdirSync(here, { recursive: true });
    const imported = await run('catalogue', 'import', ...demoCatalogueFiles(), '--publish');
    expect(imported.code, imported.stderr).toBe(0);

    const added = await run('grant', 'add', '--requester', '430000-MZ', '--resource', '430000-GA-00001', '--items', 'idNumber,fullName', '--purposes', 'social-assistance');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toBe(`govgraph: platform ${DEMO_PLATFORM_FILE} (the demo platform: there is no ./platform.yaml here); store ${store}\n`);
    const id = /^grant (\S+):/.exec(added.stdout)![1];

    for (const platform of [[], ['--platform', guizhou]]) {
      const listed = await run('grant', 'list', ...platform);
      expect(listed).toEqual({ code: 0, stdout: expect.stringContaining(`${id}  active `), stderr: `govgraph: store ${store}\n` });
      const verified = await run('audit', 'verify', ...platform);
      expect(verified).toEqual({ code: 0, stdout: expect.stringMatching(/^audit chain ok: /), stderr: `govgraph: store ${store}\n` });
      const imported = await run('data', 'import', '--resource', '520000-GAT-00001', join(here, 'none.jsonl'), ...platform);
      expect(imported.code).toBe(1);
      expect(imported.stderr.split('\n').slice(0, 2)).toEqual([`govgraph: store ${store}`, expect.stringMatching(/^govgraph: no published resource 520000-GAT-00001; /)]);
    }
    // A resource code in another case is the resource's, as grant add takes it.
    expect((await run('grant', 'list', '--resource', '430000-ga-00001')).stdout).toContain(`${id}  active `);
    const revoked = await run('grant', 'revoke', id, '--platform', guizhou);
    expect(revoked).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^grant ${id} revoked at `)), stderr: `govgraph: store ${store}\n` });
    const again = await run('grant', 'revoke', id);
    expect(again).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^grant ${id} was already revoked at `)), stderr: `govgraph: store ${store}\n` });
  });
});

// `serve --demo` loads the demo's catalogues and records and signs a token for the demo's Department of
// Civil Affairs: on another platform none of them fits. It used to make a store and list sixty catalogue
// problems, or, over a folder already published, open GraphiQL with a token for a department the
// platform does not have. It refuses in one line instead, before it makes anything.
// A store holding one entry (a catalogue import's) said "audit chain ok: 1 entries" (seen on the docs walk).
describe('audit verify counts its entries in English', () => {
  it('one entry is "1 entry"', async () => {
    const here = join(elsewhere, 'one-entry');
    mkdirSync(here, { recursive: true });
    const data = join(here, 'data');
    // A catalogue import writes two entries (attempted, done): the one entry is written here.
    const store = await openSqliteStore(data);
    await appendAudit(store, {
      requestId: 'one', department: null, user: 'operator', purpose: null, operationName: null, documentHash: null,
      kind: 'operator', action: 'catalogue import', outcome: 'ok', detail: 'import of FJ-A (a.yaml) attempted', resources: [],
    });
    await store.close();
    const verified = await govgraph(here, 'audit', 'verify', '--data', data);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit chain ok: 1 entry, no signed checkpoint /);
    const imported = await govgraph(here, 'catalogue', 'import', ...demoCatalogueFiles(), '--publish', '--data', data);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await govgraph(here, 'audit', 'verify', '--data', data)).stdout).toMatch(/^audit chain ok: 3 entries, /);
  });
});

describe('serve --demo with a platform that is not the demo\'s', () => {
  const guizhou = join(root, 'test', 'fixtures', 'guizhou', 'platform.yaml');

  const refusal =
    `govgraph: --demo serves the demo platform (${DEMO_PLATFORM_FILE}) with its catalogues, records and token; ` +
    `${guizhou} is another platform (it has no department 430000-GA, nor 9 more of the demo's). Leave out --demo, and load your catalogues ` +
    'with govgraph catalogue import and your records with govgraph data import.\n';

  it('refuses, names the platform and what to do, and makes no store', async () => {
    const r = await govgraph(elsewhere, 'serve', '--demo', '--port', '0', '--platform', guizhou, '--data', 'gz');
    expect(r).toEqual({ code: 1, stdout: '', stderr: `govgraph: platform ${guizhou}; store ${join(elsewhere, 'gz', 'govgraph.sqlite')}\n${refusal}` });
    expect(existsSync(join(elsewhere, 'gz'))).toBe(false);
  });

  // GOVGRAPH_PLATFORM names the platform as --platform does; --demo used to serve the demo over it, silently.
  it('refuses the same with the platform named by GOVGRAPH_PLATFORM', async () => {
    const r = await govgraphWith({ GOVGRAPH_PLATFORM: guizhou }, elsewhere, 'serve', '--demo', '--port', '0', '--data', 'gz-env');
    expect(r).toEqual({ code: 1, stdout: '', stderr: `govgraph: platform ${guizhou} (GOVGRAPH_PLATFORM); store ${join(elsewhere, 'gz-env', 'govgraph.sqlite')}\n${refusal}` });
    expect(existsSync(join(elsewhere, 'gz-env'))).toBe(false);
  });
});

// A refused import used to make the store first and check after: it left a new folder with an empty
// store (and a new secret) behind, which the next command then took for the platform's store.
describe('an import that is refused', () => {
  const guizhou = join(root, 'test', 'fixtures', 'guizhou');
  const platform = join(guizhou, 'platform.yaml');
  const records = join(elsewhere, 'records.jsonl');
  const notACatalogue = join(elsewhere, 'not-a-catalogue.yaml');
  writeFileSync(records, '{"caseNo":"A"}\n');
  writeFileSync(notACatalogue, 'id: GZ-X\n');

  it.each([
    ['data import of an unknown resource', ['data', 'import', '--resource', '520000-GAT-00001', records, '--platform', platform], 'no store at'],
    ['data import of a file that is not there', ['data', 'import', '--resource', '520000-GAT-00001', join(elsewhere, 'none.jsonl'), '--platform', platform], 'no store at'],
    ['catalogue import of a bad document', ['catalogue', 'import', notACatalogue, '--publish', '--platform', platform], `${notACatalogue}: kind: is required`],
    ['catalogue import of a file that is not there', ['catalogue', 'import', join(elsewhere, 'none.yaml'), '--platform', platform], 'none.yaml: no such file'],
    ['catalogue import with a bad platform file', ['catalogue', 'import', join(guizhou, 'police.yaml'), '--platform', notACatalogue], `${notACatalogue}: platform: is required`],
  ])('%s leaves no folder and no store behind', async (what, args, says) => {
    const folder = join(elsewhere, what.replaceAll(' ', '-'));
    const r = await govgraph(elsewhere, ...args, '--data', join(folder, 'data'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(says);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    expect(existsSync(folder)).toBe(false);
  });

  it('a catalogue import that passes makes the folder and the store', async () => {
    const data = join(elsewhere, 'made', 'data');
    const r = await govgraph(elsewhere, 'catalogue', 'import', join(guizhou, 'police.yaml'), '--publish', '--platform', platform, '--data', data);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(data, 'govgraph.sqlite'))).toBe(true);
  });
});

// A file where the data folder should be reached SQLite's open as mkdir's `EEXIST: file already exists,
// mkdir '...'` (serve --demo, catalogue import) or as "no store at" (the others, as if only the store were
// missing). Every command that takes --data now refuses it first, in one line naming where the path came from.
describe('a data folder that is not a folder', () => {
  const file = join(elsewhere, 'a-file');
  writeFileSync(file, 'not a folder\n');
  const civilAffairs = join(root, 'demo', 'catalogues', 'civil-affairs.yaml');
  const isAFile = `${file} is a file, not a folder; name the folder of the store (it holds govgraph.sqlite)`;

  it.each([
    ['serve', '--demo', '--port', '0'],
    ['catalogue', 'import', civilAffairs],
    ['data', 'import', '--resource', '430000-MZ-00001', civilAffairs],
    ['grant', 'list'],
  ])('%s %s is refused in one line naming --data or GOVGRAPH_DATA_DIR', async (...args) => {
    expect(await govgraph(elsewhere, ...args, '--data', file)).toEqual({ code: 1, stdout: '', stderr: `govgraph: --data: ${isAFile}\n` });
    expect(await govgraphWith({ GOVGRAPH_DATA_DIR: file }, elsewhere, ...args)).toEqual({ code: 1, stdout: '', stderr: `govgraph: GOVGRAPH_DATA_DIR: ${isAFile}\n` });
  });

  it('names the file on the way to the folder, and a folder where the store file should be', async () => {
    expect((await govgraph(elsewhere, 'grant', 'list', '--data', join(file, 'data'))).stderr).toBe(
      `govgraph: --data: ${join(file, 'data')}: ${isAFile}\n`,
    );
    const folder = join(elsewhere, 'store-is-a-folder');
    mkdirSync(join(folder, 'govgraph.sqlite'), { recursive: true });
    expect(await govgraph(elsewhere, 'grant', 'list', '--data', folder)).toEqual({
      code: 1, stdout: '', stderr: `govgraph: --data: ${folder}: ${join(folder, 'govgraph.sqlite')} is a folder; the store is a file of that name (SQLite's)\n`,
    });
  });
});

// A folder where the platform file should be reached the reader as `cannot be read: EISDIR: illegal
// operation on a directory, read`. Every command that takes --platform now refuses it first, in one line
// naming where the path came from, as for --data above.
describe('a platform file that is a folder', () => {
  const folder = join(elsewhere, 'config');
  mkdirSync(folder, { recursive: true });
  const isAFolder = `${folder}: a folder, not a file; name the platform's YAML or JSON file (such as platform.yaml)`;
  const civilAffairs = join(root, 'demo', 'catalogues', 'civil-affairs.yaml');

  it.each([
    ['serve', '--port', '0'],
    ['schema', 'print'],
    ['catalogue', 'validate', civilAffairs],
    ['catalogue', 'import', civilAffairs],
    ['grant', 'list'],
  ])('%s %s is refused in one line naming --platform or GOVGRAPH_PLATFORM', async (...args) => {
    expect(await govgraph(elsewhere, ...args, '--platform', folder)).toEqual({ code: 1, stdout: '', stderr: `govgraph: --platform: ${isAFolder}\n` });
    expect(await govgraphWith({ GOVGRAPH_PLATFORM: folder }, elsewhere, ...args)).toEqual({ code: 1, stdout: '', stderr: `govgraph: GOVGRAPH_PLATFORM: ${isAFolder}\n` });
    expect(existsSync(join(elsewhere, 'data'))).toBe(false);
  });

  it('and a folder named platform.yaml where the default is looked for', async () => {
    const here = join(elsewhere, 'default-is-a-folder');
    mkdirSync(join(here, 'platform.yaml'), { recursive: true });
    expect(await govgraph(here, 'schema', 'print')).toEqual({
      code: 1, stdout: '', stderr: `govgraph: the default platform file: platform.yaml: a folder, not a file; name the platform's YAML or JSON file (such as platform.yaml)\n`,
    });
  });
});

// The same on MongoDB: a command that makes no store refuses an empty database (a URI naming the wrong
// database) instead of making a store there, and a refused catalogue import leaves the database empty
// (it left the store's marker, a new secret and the refusal's audit entry). Runs with MONGODB_URI.
describe.runIf(Boolean(process.env.MONGODB_URI))('an empty MongoDB database', () => {
  const guizhou = join(root, 'test', 'fixtures', 'guizhou');
  const platform = join(guizhou, 'platform.yaml');
  const uriOf = (db: string) => {
    const url = new URL(process.env.MONGODB_URI!);
    url.pathname = `/${db}`;
    return url.toString();
  };
  const collectionsOf = async (db: string) => {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(process.env.MONGODB_URI!);
    try {
      return (await client.db(db).listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    } finally {
      await client.db(db).dropDatabase();
      await client.close();
    }
  };

  it.each([['audit', 'verify'], ['grant', 'list'], ['catalogue', 'list', '--platform', platform]])('%s %s refuses it and makes nothing', async (...args) => {
    const db = `gg_empty_${process.pid}_${args[0]}_${args[1]}`;
    const r = await govgraph(elsewhere, ...args, '--mongodb-uri', uriOf(db));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`MongoDB database ${db} holds no govgraph store; nothing was made in it`);
    expect(await collectionsOf(db)).toEqual([]);
  });

  it('a refused catalogue import leaves it empty; catalogue validate checks against the platform alone', async () => {
    const db = `gg_empty_${process.pid}_import`;
    const notACatalogue = join(elsewhere, 'mongo-not-a-catalogue.yaml');
    writeFileSync(notACatalogue, 'id: GZ-X\n');
    const r = await govgraph(elsewhere, 'catalogue', 'import', notACatalogue, '--publish', '--platform', platform, '--mongodb-uri', uriOf(db));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${notACatalogue}: kind: is required`);
    const validated = await govgraph(elsewhere, 'catalogue', 'validate', join(guizhou, 'police.yaml'), '--platform', platform, '--mongodb-uri', uriOf(db));
    expect(validated.code, validated.stderr).toBe(0);
    expect(await collectionsOf(db)).toEqual([]);
  });
});
