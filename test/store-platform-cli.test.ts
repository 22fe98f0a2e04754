// One store, two platform files (SPEC §3, §11, §15; found by the platform mix-up walk). An operator with two
// platforms on one machine (Liaoning 210000, Neimenggu 150000 here, both made up for the test) named one's
// platform file with the other's store: `catalogue validate` validated the other platform's catalogues
// against the store without a word, `catalogue import` put them into it, `grant add` stored a grant for a
// department the store's platform does not have, and a file whose region code alone was edited served the
// store under another region. The store now records its platform's region at its first import (or serve),
// and every command that reads the platform file with the store refuses a file of another region, naming
// both; an edit that keeps the region (departments, competent department, purposes, name) still works,
// and `platform adopt` records a region code that really changed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { catalogueVersions, publishedCatalogues } from '../src/catalogue/repository.ts';
import { STORE_PLATFORM_KEY, storePlatform } from '../src/catalogue/store-platform.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { ADOPT_PLATFORM_ACTION } from '../src/cli/platform.ts';
import { cliEnv, GOVGRAPH_BIN, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { freePort } from './helpers/guizhou.ts';
import { holdLock } from './helpers/lock-holder.ts';

vi.setConfig({ testTimeout: 120_000 });

const dir = mkdtempSync(join(tmpdir(), 'govgraph-store-platform-'));
const data = join(dir, 'data');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function platformFile(name: string, p: { region: string; name: string; competent: string; purposes: string[]; departments: [string, string][] }): string {
  const file = join(dir, name);
  const yaml = [
    'platform:',
    `  region: "${p.region}"`,
    '  level: province',
    `  name: ${p.name}`,
    `  competentDepartment: "${p.competent}"`,
    '  holidays: []',
    'purposes:',
    ...p.purposes.map((c) => `  - { code: ${c}, name: ${c} }`),
    'departments:',
    ...p.departments.map(([code, gql]) => `  - { code: "${code}", name: ${gql} office, graphqlName: ${gql}, level: province, region: "${p.region}" }`),
  ];
  writeFileSync(file, yaml.join('\n') + '\n');
  return file;
}

function catalogueFile(name: string, id: string, provider: string, code: string, type: string, purpose: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      `id: ${id}`,
      'kind: departmental',
      `title: ${id}`,
      `compiler: "${provider}"`,
      'resources:',
      `  - code: "${code}"`,
      `    name: ${type} register`,
      `    provider: "${provider}"`,
      `    graphql: { type: ${type}, list: ${type.toLowerCase()}s, byKey: ${type.toLowerCase()} }`,
      '    key: regNo',
      '    share:',
      '      type: conditional',
      '      conditions: Under a grant',
      '      basis: Test regulation',
      '      methods: [api]',
      `      scope: { purposes: [${purpose}] }`,
      '    items:',
      '      - { name: regNo, type: string, required: true }',
      '      - { name: holder, type: string }',
    ].join('\n') + '\n',
  );
  return file;
}

const LN_DEPTS: [string, string][] = [['210000-ZWB', 'lnService'], ['210000-SC', 'lnMarket'], ['210000-MZ', 'lnCivil']];
const LIAONING = platformFile('liaoning.yaml', { region: '210000', name: 'Liaoning Sharing Platform', competent: '210000-ZWB', purposes: ['market-check', 'relief'], departments: LN_DEPTS });
const NEIMENGGU = platformFile('neimenggu.yaml', {
  region: '150000', name: 'Neimenggu Sharing Platform', competent: '150000-ZWB', purposes: ['market-check'],
  departments: [['150000-ZWB', 'nmService'], ['150000-SC', 'nmMarket'], ['150000-MZ', 'nmCivil']],
});
// Liaoning's file as edited since: a department added, the competent department and the name changed, a purpose dropped.
const LIAONING_EDITED = platformFile('liaoning-edited.yaml', {
  region: '210000', name: 'Liaoning Government Data Sharing Platform', competent: '210000-MZ', purposes: ['market-check'],
  departments: [...LN_DEPTS, ['210000-GA', 'lnPolice']],
});
// Liaoning's departments (their codes unchanged) under another region code: nothing else tells the store it is not its platform.
const RECODED = platformFile('recoded.yaml', { region: '220000', name: 'Liaoning Sharing Platform', competent: '210000-ZWB', purposes: ['market-check', 'relief'], departments: LN_DEPTS });
const LN_CATALOGUE = catalogueFile('ln-market.yaml', 'LN-SC', '210000-SC', '210000-SC-00001', 'LnFirm', 'market-check');
const NM_CATALOGUE = catalogueFile('nm-market.yaml', 'NM-SC', '150000-SC', '150000-SC-00001', 'NmFirm', 'market-check');

const govgraph = (args: string[], env: Record<string, string> = {}) => runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, ...env }) });

const refusal = (file: string, region: string) =>
  new RegExp(`^govgraph: the platform file ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S* (\\(GOVGRAPH_PLATFORM\\) )?is of region ${region} \\(.*\\), but this store belongs to the platform of region 210000 \\(Liaoning Sharing Platform\\); nothing was done\\.`, 'm');

describe("a store given another platform's file", () => {
  it('records its platform at its first import', async () => {
    const r = await govgraph(['catalogue', 'import', '--publish', '--platform', LIAONING, LN_CATALOGUE]);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.code).toBe(0);
  });

  it('is refused, naming both regions, by every command that reads the file with the store; nothing is written', async () => {
    const runs: [string, string[]][] = [
      ['catalogue validate', ['catalogue', 'validate', NM_CATALOGUE]],
      ['catalogue import', ['catalogue', 'import', '--publish', NM_CATALOGUE]],
      ['grant add', ['grant', 'add', '--requester', '150000-MZ', '--resource', '210000-SC-00001', '--items', 'regNo', '--purposes', 'market-check']],
      ['schema print', ['schema', 'print']],
      ['token', ['token', '--dept', '150000-MZ']],
      ['catalogue list', ['catalogue', 'list']],
      ['platform status', ['platform', 'status']],
      ['serve', ['serve', '--port', '0']],
    ];
    for (const [what, args] of runs) {
      // --platform of the other platform, and the same file left in GOVGRAPH_PLATFORM from yesterday
      const given = await govgraph([...args, '--platform', NEIMENGGU]);
      expect(given.code, what).toBe(1);
      expect(given.stdout, what).not.toMatch(/ok \(|^eyJ/m);
      expect(given.stderr, what).toMatch(refusal(NEIMENGGU, '150000'));
      expect(given.stderr, what).not.toMatch(/^\s+at /m);
      if (!['catalogue validate', 'grant add', 'serve'].includes(what)) continue; // the same check: a few suffice
      const inherited = await govgraph(args, { GOVGRAPH_PLATFORM: NEIMENGGU });
      expect(inherited.code, what).toBe(1);
      expect(inherited.stderr, what).toContain(`${NEIMENGGU} (GOVGRAPH_PLATFORM) is of region 150000`);
    }
    const published = await withSqliteStore(data, (store) => catalogueVersions(store).published());
    expect(published.map((v) => v.id)).toEqual(['LN-SC']);
    const grants = await govgraph(['grant', 'list']);
    expect(grants.stdout).not.toContain('150000-MZ');
  });

  it('takes an edit of the platform file that keeps its region', async () => {
    const validate = await govgraph(['catalogue', 'validate', '--platform', LIAONING_EDITED, LN_CATALOGUE]);
    expect(validate.stdout).toContain('ok (1 resource)');
    expect(validate.code).toBe(0);
    const grant = await govgraph(['grant', 'add', '--platform', LIAONING_EDITED, '--requester', '210000-GA', '--resource', '210000-SC-00001', '--items', 'regNo', '--purposes', 'market-check']);
    expect(grant.stderr).not.toMatch(/region/);
    expect(grant.code).toBe(0);
    const schema = await govgraph(['schema', 'print', '--platform', LIAONING_EDITED]);
    expect(schema.code).toBe(0);
    expect(schema.stdout).toContain('LnFirm');
  });

  it('takes a changed region code only once the operator adopts it', async () => {
    expect((await govgraph(['schema', 'print', '--platform', RECODED])).stderr).toMatch(refusal(RECODED, '220000'));
    // the other platform's file is not adopted: the store's catalogues are not its departments'
    const other = await govgraph(['platform', 'adopt', '--platform', NEIMENGGU]);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('is not a department of the platform');
    const adopt = await govgraph(['platform', 'adopt', '--platform', RECODED]);
    expect(adopt.code).toBe(0);
    expect(adopt.stdout).toContain('store platform: region 220000 (Liaoning Sharing Platform), was 210000 (Liaoning Sharing Platform), recorded');
    expect((await govgraph(['schema', 'print', '--platform', RECODED])).code).toBe(0);
    const old = await govgraph(['schema', 'print', '--platform', LIAONING]);
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('but this store belongs to the platform of region 220000 (Liaoning Sharing Platform)');
    const audit = await govgraph(['audit', 'verify']);
    expect(audit.code).toBe(0);
    // Two entries, as rotate-key's: one before the change, one after it.
    const adoptions = await withSqliteStore(data, (store) => store.find(AUDIT_COLLECTION, { filter: eq('action', ADOPT_PLATFORM_ACTION) }));
    expect(adoptions.map((e) => [e.outcome, String(e.detail).replace(/ \(entry #\d+\)/, '')])).toEqual([
      ['ok', 'store platform: region 220000 (Liaoning Sharing Platform), was 210000 (Liaoning Sharing Platform), attempted'],
      ['ok', 'store platform: region 220000 (Liaoning Sharing Platform), was 210000 (Liaoning Sharing Platform), recorded'],
    ]);
  });
});

describe('a store made before stores recorded their platform', () => {
  const legacy = join(dir, 'legacy');
  const run = (args: string[]) => runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: legacy }) });

  it("records the right platform at its next import, not the other platform's of a mixed-up one", async () => {
    // A store made before stores recorded their platform: Liaoning's catalogues published, no record.
    await withSqliteStore(legacy, async (store) => {
      await importCatalogueFiles(store, loadPlatform(LIAONING), [LN_CATALOGUE], { publish: true });
      await store.delete(SETTINGS, eq('key', STORE_PLATFORM_KEY));
    });
    // nothing recorded: the other platform's file cannot be told apart yet, and its import is taken...
    expect((await run(['catalogue', 'import', '--platform', NEIMENGGU, NM_CATALOGUE])).code).toBe(0);
    // ...but does not make Neimenggu the store's platform: Liaoning's next import records Liaoning
    expect((await run(['catalogue', 'import', '--platform', LIAONING, LN_CATALOGUE])).code).toBe(0);
    const validate = await run(['catalogue', 'validate', '--platform', NEIMENGGU, NM_CATALOGUE]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(refusal(NEIMENGGU, '150000'));
  });
});

// Two gateways started at once on a store recording no platform, with two regions' files: both passed the
// check at their open, and the second to record took the first's DuplicateKeyError as agreement and served
// the store under its own region (found by review10). The write lock held by another process (a long
// import) keeps both between their check and their record, as a slow start would.
describe('two gateways started at once with two regions\' files', () => {
  const fresh = join(dir, 'fresh');

  it('one serves; the other stops, naming both regions, before it says it serves', async () => {
    // A store made by an import refused (the file invalid): it exists and records no platform yet.
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'id: X\n');
    const refused = await runGovgraph(['catalogue', 'import', '--platform', LIAONING, bad], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: fresh }) });
    expect(refused.code).toBe(1);
    expect(await withSqliteStore(fresh, (s) => storePlatform(s))).toBeNull();

    const lock = await holdLock(join(fresh, SQLITE_FILE));
    const serve = (file: string) => {
      const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', '0', '--platform', file], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: fresh }) });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      const announced = new Promise<void>((resolve) => child.stderr.on('data', (d: Buffer) => ((stderr += d), stderr.includes('store ') && resolve())));
      const serving = new Promise<void>((resolve) => child.stdout.on('data', () => stdout.includes('/graphql') && resolve()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      return { child, announced, serving, exited, out: () => ({ stdout, stderr }) };
    };
    const runs = [serve(LIAONING), serve(NEIMENGGU)];
    try {
      await Promise.all(runs.map((r) => r.announced));
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await lock.release();
      // Each either serves or exits; then the one that stopped is told apart.
      await Promise.all(runs.map((r) => Promise.race([r.serving, r.exited])));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const recorded = (await withSqliteStore(fresh, (s) => storePlatform(s)))!;
      const [winner, loser] = recorded.region === '210000' ? runs : [runs[1], runs[0]];
      expect(winner.out().stdout).toContain('/graphql');
      expect(await Promise.race([loser.exited, new Promise((resolve) => setTimeout(() => resolve('still serving'), 10_000))])).toBe(1);
      expect(loser.out().stdout).not.toContain('/graphql');
      expect(loser.out().stderr).toMatch(/is of region \d{6} \(.*\), but this store belongs to the platform of region \d{6}/);
    } finally {
      for (const r of runs) r.child.kill('SIGTERM');
      await Promise.all(runs.map((r) => r.exited));
    }
  });
});

// Two `catalogue import --publish` at once, of two regions' catalogues, into a store recording no platform:
// both passed the command's check at their open; the second, publishing after the first (the publication
// lock), mixed the other region's catalogues into it (found by review10). The check and the record are
// now made holding the lock.
// Without --publish the import recorded the platform after it had stored its drafts, outside the lock, and
// ignored what the store recorded: two such imports both stored theirs (found by review, wave 20).
describe("two imports at once of two regions' catalogues", () => {
  it.each([
    ['--publish', true, 'one publishes and records its platform'],
    ['without --publish', false, 'one stores its drafts and records its platform'],
  ] as const)('%s: %s; the other is refused, nothing of it stored', async (name, publish, _what) => {
    const both = join(dir, `both ${name}`);
    // Two handles, as two processes have: each reads the store and takes the lock on a connection of its own.
    const results = await withSqliteStore(both, (ln) =>
      withSqliteStore(both, (nm) =>
        Promise.allSettled([
          importCatalogueFiles(ln, loadPlatform(LIAONING), [LN_CATALOGUE], { publish, platformFile: LIAONING }),
          importCatalogueFiles(nm, loadPlatform(NEIMENGGU), [NM_CATALOGUE], { publish, platformFile: NEIMENGGU }),
        ]),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(String(refused.reason.message)).toMatch(/^the platform file \S+ is of region \d{6} \(.*\), but this store belongs to the platform of region \d{6} .*; nothing was done\./);
    const [recorded, ids, stored] = await withSqliteStore(both, async (s) =>
      [await storePlatform(s), (await publishedCatalogues(s)).map((c) => c.id), (await catalogueVersions(s).list()).map((v) => v.id)] as const,
    );
    const own = recorded!.region === '210000' ? 'LN-SC' : 'NM-SC';
    expect(stored).toEqual([own]);
    expect(ids).toEqual(publish ? [own] : []);
  });
});

// A gateway started on a store recording no platform answered requests before it recorded its own: it
// listened first and recorded after, so while another process held the write lock (a long import), or
// between its start and another process's record of another region, it served the store under its file's
// region (its GraphQL, /healthz, its polls and checkpoints) and only then stopped (found by review11). It
// now records, or is refused, before it listens: refused, it has answered nothing.
describe('a gateway whose record comes second, to another region\'s', () => {
  // A port free when the test starts (freePort), not a fixed one (6051): held by another run on the machine,
  // it answered, and the file failed saying the refused gateway had.
  let PORT: number;
  const legacy = join(dir, 'second');

  /** Holds the store's write lock; once let go, records Liaoning as the store's platform in the same transaction. */
  function holdThenRecordLiaoning(file: string) {
    const doc = JSON.stringify({ key: STORE_PLATFORM_KEY, value: JSON.stringify({ region: '210000', name: 'Liaoning Sharing Platform' }) });
    const script = `
      const db = new (require('better-sqlite3'))(process.argv[1]);
      db.exec('BEGIN IMMEDIATE');
      console.log('locked');
      process.stdin.once('data', () => {
        db.prepare('INSERT INTO "c:_settings" (doc) VALUES (?)').run(process.argv[2]);
        db.exec('COMMIT'); db.close(); process.exit(0);
      });`;
    const child = spawn(process.execPath, ['-e', script, file, doc], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const locked = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    return { locked, release: () => (child.stdin.end('go\n'), exited) };
  }

  /** Whether anything answers HTTP on the port now. */
  const answers = () => fetch(`http://127.0.0.1:${PORT}/healthz`).then(() => true, () => false);

  it('answers nothing: it is refused before it listens', async () => {
    await withSqliteStore(legacy, async (store) => {
      await importCatalogueFiles(store, loadPlatform(LIAONING), [LN_CATALOGUE], { publish: true });
      await store.delete(SETTINGS, eq('key', STORE_PLATFORM_KEY));
    });
    PORT = await freePort();
    const holder = holdThenRecordLiaoning(join(legacy, SQLITE_FILE));
    await holder.locked;
    // Liaoning's departments under another region code: nothing but the record tells the two apart.
    const child = spawn(process.execPath, [GOVGRAPH_BIN, 'serve', '--port', String(PORT), '--platform', RECODED], { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: legacy }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    try {
      let answered = false;
      for (let i = 0; i < 15; i++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        answered ||= await answers();
      }
      await holder.release();
      expect(await exited).toBe(1);
      expect(answered).toBe(false);
      expect(stdout).not.toContain('/graphql');
      expect(stderr).toMatch(refusal(RECODED, '220000'));
      expect(await withSqliteStore(legacy, (s) => storePlatform(s))).toEqual({ region: '210000', name: 'Liaoning Sharing Platform' });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
