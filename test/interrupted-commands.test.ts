// Ctrl-C (SIGINT) and SIGTERM in the middle of the long commands that hold something (src/cli/interrupt.ts).
// Found by the interrupt walk on a Hubei platform of its own: `catalogue import --publish` of 150 files
// interrupted by Ctrl-C died holding the publication lock, so the next import or publication waited for
// it 30 s and was refused meanwhile, and the log held the import's `attempted` entry alone. Each command
// here is signalled while it holds the lock (or has begun writing records) and must: give the lock back
// at once, leave nothing half-written, say `not done` in the log, exit 130 (SIGINT) or 143 (SIGTERM), and
// print no stack trace.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { PUBLICATION_LOCK } from '../src/catalogue/publication-lock.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';

// A guard against a hang, not a bound of the product: on a loaded machine (CI, 2 cores, two files at once) an
// import of 80 catalogues and the runs around it took more than 60 s.
vi.setConfig({ testTimeout: 240_000 });
const dir = mkdtempSync(join(tmpdir(), 'govgraph-interrupted-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLATFORM = `platform: { region: "420000", level: province, name: 湖北省平台, competentDepartment: "420000-DSJ" }
purposes: [{ code: subsidy, name: 补贴核验 }]
departments:
  - { code: "420000-DSJ", name: 湖北省大数据中心, graphqlName: bigData, level: province, region: "420000" }
  - { code: "420000-MZT", name: 湖北省民政厅, graphqlName: civil, level: province, region: "420000" }
  - { code: "420100-MZJ", name: 武汉市民政局, graphqlName: wuhanCivil, level: city, region: "420100" }
`;
/** Catalogue n: one resource of Wuhan's civil affairs bureau. */
const catalogue = (n: number) => `id: WH-MZ${n}
kind: departmental
title: 武汉民政目录 ${n}
compiler: "420100-MZJ"
resources:
  - code: "420100-MZJ-${10000 + n}"
    name: 登记 ${n}
    provider: "420100-MZJ"
    graphql: { type: WhReg${n}, list: whRegs${n}, byKey: whReg${n} }
    key: djbh
    share: { type: unconditional, methods: [api] }
    items:
      - { name: djbh, type: string, required: true }
      - { name: xm, type: string }
`;
const FILES = 80; // named in full twice, the entry saying how it ended was cut before it said why
const files = Array.from({ length: FILES }, (_, i) => `wuhan-civil-affairs-catalogue-${i}.yaml`);
writeFileSync(join(dir, 'platform.yaml'), PLATFORM);
for (let i = 0; i < FILES; i++) writeFileSync(join(dir, files[i]), catalogue(i));
writeFileSync(join(dir, 'late.yaml'), catalogue(999));

let data: string;
let env: NodeJS.ProcessEnv;
const lockHeld = (db: Database.Database) => Boolean(db.prepare(`SELECT 1 FROM "c:${PUBLICATION_LOCK}"`).get());
/**
 * The import's publication under way: the lock held and its "attempted" entry written (the lock is taken
 * first; a signal between the two ends the command with nothing written and no entry, which a loaded
 * machine's poll caught once, so the entries' story below was not there to check).
 */
const importUnderway = (db: Database.Database) =>
  lockHeld(db) && Boolean(db.prepare(`SELECT 1 FROM "c:${AUDIT_COLLECTION}" WHERE doc LIKE '%import and publication of%attempted%'`).get());
function newStore(name: string): void {
  ({ data, env } = storeOfCase(dir, name, join(dir, 'platform.yaml')));
  mkdirSync(data);
}
const run = (args: string[], signal: NodeJS.Signals, ready: (db: Database.Database) => boolean) =>
  signalledWhen(args, { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal, ready });
const entries = () => withSqliteStore(data, async (store) => (await store.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));
const ofAction = (all: AuditEntry[], action: string) => all.filter((e) => e.action === action).map((e) => `${e.outcome} ${e.detail}`);

/**
 * The lock is free: a publication now goes on at once (it would wait 20 s and be refused otherwise). Shown
 * by the store, not the clock: no lock row is left, so the next publication's first insert takes it (it
 * waits only while a row is there: src/catalogue/publication-lock.ts); and that publication is made.
 */
async function publishesAtOnce(): Promise<void> {
  await withSqliteStore(data, async (store) => expect(await store.find(PUBLICATION_LOCK, {})).toEqual([]));
  const next = await runGovgraph(['catalogue', 'import', 'late.yaml', '--publish'], { cwd: dir, env });
  expect(next.stderr).not.toContain('another publication');
  expect(next.stdout).toContain('WH-MZ999 version 1 published');
}

describe.each([
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)('%s', (signal, exitCode) => {
  it('in `catalogue import --publish` of many files: lock released, entry says not done, exit code, no stack', async () => {
    newStore(`import-${signal}`);
    const done = await run(['catalogue', 'import', '--publish', ...files], signal, importUnderway);
    expect(done.stderr).not.toMatch(/\n\s+at /);
    expect(done.stderr).toContain(`interrupted by ${signal} before its next change; run it again`);
    expect({ code: done.code, signal: done.signal }).toEqual({ code: exitCode, signal: null });
    const log = ofAction(await entries(), 'catalogue import');
    expect(log).toHaveLength(2);
    expect(log[0]).toMatch(/^ok import and publication of WH-MZ0 \(wuhan-civil-affairs-catalogue-0\.yaml\), WH-MZ1 \(wuhan-civil-affairs-catalogue-1\.yaml\), WH-MZ2 \(wuhan-civil-affairs-catalogue-2\.yaml\) and 77 more catalogues attempted: WH-MZ0 /);
    expect(log[1]).toMatch(new RegExp(`^refused import and publication of WH-MZ0 \\(wuhan-civil-affairs-catalogue-0\\.yaml\\), .* and 77 more catalogues — entry #\\d+ (not done|partly done: .*): interrupted by ${signal}`));
    // What the entry says stood is what the store holds: published versions only of the catalogues it names.
    await withSqliteStore(data, async (store) => {
      const published = (await store.find(CATALOGUE_VERSIONS, {})).filter((v) => v.status === 'published').length;
      expect(published).toBeLessThan(FILES);
      const stood = Array.from({ length: published }, (_, i) => `WH-MZ${i} v1 published`);
      const named = stood.length <= 4 ? stood.join(', ') : `${stood.slice(0, 3).join(', ')} and ${stood.length - 3} more catalogues`;
      expect(log[1]).toContain(published === 0 ? ' not done: ' : ` partly done: ${named}; `);
      expect((await verifyAuditChain(store)).ok).toBe(true);
    });
    await publishesAtOnce();
  });
});

/** A catalogue of `n` resources of Wuhan's civil affairs bureau, for a publication that takes a while. */
const bigCatalogue = (n: number) => `id: WH-BIG
kind: departmental
title: 武汉民政大目录
compiler: "420100-MZJ"
resources:
${Array.from({ length: n }, (_, i) => `  - code: "420100-MZJ-${20000 + i}"
    name: 大登记 ${i}
    provider: "420100-MZJ"
    graphql: { type: WhBig${i}, list: whBigs${i}, byKey: whBig${i} }
    key: djbh
    share: { type: unconditional, methods: [api] }
    items:
      - { name: djbh, type: string, required: true }
      - { name: xm, type: string }
`).join('')}`;
writeFileSync(join(dir, 'big.yaml'), bigCatalogue(40));

describe('SIGINT in `catalogue publish` of a large catalogue', () => {
  it('gives the lock back, publishes nothing, and its entries say not done', async () => {
    newStore('publish');
    const acting = (args: string[]) => runGovgraph(args, { cwd: dir, env });
    expect((await acting(['catalogue', 'import', '--publish', files[0]])).code).toBe(0);
    expect((await acting(['catalogue', 'submit', 'big.yaml', '--dept', '420100-MZJ'])).code).toBe(0);
    expect((await acting(['catalogue', 'review', 'WH-BIG', '1', '--approve'])).code).toBe(0);
    const done = await run(['catalogue', 'publish', 'WH-BIG', '1', '--dept', '420100-MZJ'], 'SIGINT', lockHeld);
    expect(done.stderr).not.toMatch(/\n\s+at /);
    expect(done.stderr).toContain('interrupted by SIGINT before its next change');
    expect({ code: done.code, signal: done.signal }).toEqual({ code: 130, signal: null });
    const log = ofAction(await entries(), 'publishCatalogue');
    expect(log).toEqual([expect.stringMatching(/^ok WH-BIG v1 publication attempted$/), expect.stringMatching(/^refused WH-BIG v1 publication attempted — entry #\d+ not done: interrupted by SIGINT/)]);
    await withSqliteStore(data, async (store) => {
      const big = (await store.find(CATALOGUE_VERSIONS, {})).filter((v) => v.id === 'WH-BIG');
      expect(big.map((v) => v.status)).toEqual(['approved']);
    });
    await publishesAtOnce();
  });
});

describe.each([false, true])('SIGINT in `data import` of a large file (--skip-invalid: %s)', (skipInvalid) => {
  it('writes nothing, leaves no rejects, and its entries say not done', async () => {
    newStore(`data-${skipInvalid}`);
    expect((await runGovgraph(['catalogue', 'import', '--publish', files[1]], { cwd: dir, env })).code).toBe(0);
    const file = join(dir, `records-${skipInvalid}.jsonl`);
    const lines = Array.from({ length: 200_000 }, (_, i) => JSON.stringify(i % 1000 === 7 ? { xm: 'no key' } : { djbh: `DJ${i}`, xm: `名${i}` }));
    writeFileSync(file, lines.join('\n') + '\n');
    const attempted = (db: Database.Database) =>
      Boolean(db.prepare(`SELECT 1 FROM "c:${AUDIT_COLLECTION}" WHERE doc LIKE '%data import of%attempted%'`).get());
    const done = await run(['data', 'import', '--resource', '420100-MZJ-10001', file, ...(skipInvalid ? ['--skip-invalid'] : [])], 'SIGINT', attempted);
    expect(done.stderr).not.toMatch(/\n\s+at /);
    expect(done.stderr).toContain('interrupted by SIGINT before its next change');
    expect({ code: done.code, signal: done.signal }).toEqual({ code: 130, signal: null });
    const log = ofAction(await entries(), 'data import');
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/^refused data import of .* — entry #\d+ not done: interrupted by SIGINT/);
    await withSqliteStore(data, async (store) => expect(await store.find('r_420100_mzj_10001', { limit: 1 })).toEqual([]));
    expect([existsSync(`${file}.rejects.jsonl`), existsSync(`${file}.rejects.jsonl.part`)]).toEqual([false, false]);
  });
});
