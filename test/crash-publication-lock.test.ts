// kill -9 of a command holding the publication lock (docs/operations.md, "Commands and gateways killed
// midway"). Found by the kill walk on an Inner Mongolia platform of its own: `catalogue import --publish`
// or `catalogue publish` killed holding the lock made the operator's next run of it wait 20 s and be
// refused (`another publication (...) is in progress on this store`), the dead run named as the holder,
// until the lock went stale 30 s after the kill. The lock row names its holder's process now, and a holder
// on this machine that no longer runs is taken over at once; a live one is still waited for. Each command
// here is stopped and killed the moment a read of its store shows it at the step chosen.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { PUBLICATION_LOCK, withPublicationLock } from '../src/catalogue/publication-lock.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';

vi.setConfig({ testTimeout: 60_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/neimenggu-crash/', import.meta.url));
const files = ['police.yaml', ...[1, 2, 3, 4, 5].map((n) => `city-${n}.yaml`)].map((f) => join(FIXTURE, f));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'city-1-v2.yaml'), `id: HHHT-MZ1
kind: departmental
title: Hohhot civil affairs catalogue 1, revised
compiler: "150100-MZJ"
resources:
  - code: "150100-MZJ-00101"
    name: Hohhot register 1
    provider: "150100-MZJ"
    graphql: { type: HhhtRegister1, list: registers1, byKey: register1 }
    key: caseNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: caseNo, title: Case number, type: string, required: true }
      - { name: district, title: District, type: string }
      - { name: amount, title: Amount, type: decimal }
      - { name: paidOn, title: Paid on, type: date }
`);

let data = '';
let env: NodeJS.ProcessEnv = {};
function newStore(name: string): void {
  ({ data, env } = storeOfCase(dir, name, join(FIXTURE, 'platform.yaml')));
}
const govgraph = (args: string[]) => runGovgraph(args, { cwd: dir, env });
/**
 * `govgraph ...args` killed once `ready` holds. On a loaded machine the command may end between two polls
 * of its store, before the kill: then it is run again on a store made afresh by `fresh` (twice at most),
 * so that the test checks a kill at the step, not the machine's speed.
 */
async function killedWhen(args: string[], ready: (db: Database.Database) => boolean, fresh: (attempt: number) => Promise<void> | void) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await signalledWhen(args, { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready });
    } catch (error) {
      if (attempt === 3 || !String(error).includes('ended before it was signalled')) throw error;
      await fresh(attempt);
    }
  }
}

const count = (db: Database.Database, collection: string, where = '1') => db.prepare(`SELECT count(*) FROM "c:${collection}" WHERE ${where}`).pluck().get() as number;
const lockHeld = (db: Database.Database) => count(db, PUBLICATION_LOCK) === 1;
const publishedAtLeast = (n: number) => (db: Database.Database) => lockHeld(db) && count(db, CATALOGUE_VERSIONS, `json_extract(doc, '$.status') = 'published'`) >= n;
const ofAction = (action: string) =>
  withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { filter: eq('action', action), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).map((e) => `${e.outcome} ${e.detail}`));
/** Each catalogue id and its versions' statuses, in version order. */
const statuses = () =>
  withSqliteStore(data, async (s) => {
    const byId: Record<string, string[]> = {};
    for (const v of await s.find(CATALOGUE_VERSIONS, { sort: [{ field: 'version', direction: 'asc' }] })) (byId[String(v.id)] ??= []).push(String(v.status));
    return byId;
  });
const lockRows = () => withSqliteStore(data, (s) => s.find(PUBLICATION_LOCK, {}));
async function auditVerifies(): Promise<void> {
  expect(await withSqliteStore(data, (s) => verifyAuditChain(s))).toMatchObject({ ok: true });
}
const allPublished = { 'NM-GAT': ['published'], ...Object.fromEntries([1, 2, 3, 4, 5].map((n) => [`HHHT-MZ${n}`, ['published']])) };

describe('catalogue import --publish killed holding the lock', () => {
  it.each([
    ['as it takes the lock', 'lock', lockHeld],
    ['with 3 of its 6 catalogues published', 'half', publishedAtLeast(3)],
  ])('%s: the next run goes on at once and publishes every catalogue once', async (_, name, ready) => {
    newStore(name);
    const killed = await killedWhen(['catalogue', 'import', '--publish', ...files], ready, (n) => newStore(`${name}-${n}`));
    expect(killed.signal).toBe('SIGKILL');
    expect(await lockRows()).toHaveLength(1); // died holding it
    const next = await govgraph(['catalogue', 'import', '--publish', ...files]);
    expect(next.stderr).not.toContain('another publication');
    expect(next.code).toBe(0);
    expect(await statuses()).toEqual(allPublished);
    expect(await lockRows()).toEqual([]);
    // The killed run's entry, when it got that far, stands alone (attempted); the next run's two follow it.
    const log = (await ofAction('catalogue import')).map((l) => l.replace(/ (attempted|done).*$/, ' $1').replaceAll(FIXTURE, ''));
    const entry = 'ok import and publication of NM-GAT (police.yaml), HHHT-MZ1 (city-1.yaml), HHHT-MZ2 (city-2.yaml) and 3 more catalogues';
    expect(log.slice(-2)).toEqual([`${entry} attempted`, `${entry} done`]);
    // Killed with 3 or more published, it may have got as far as its entry saying done (all six published,
    // the lock not yet given back: the kill lands after the poll that saw three, CI met it): that entry
    // follows its attempt, and the next run's two follow them.
    const killedRun = log.slice(0, -2);
    expect(killedRun).toEqual(
      name === 'half'
        ? killedRun.length === 2 ? [`${entry} attempted`, `${entry} done`] : [`${entry} attempted`]
        : killedRun.map(() => `${entry} attempted`),
    );
    const verified = await govgraph(['audit', 'verify']); // as the operator checks it
    expect({ code: verified.code, out: verified.stdout }).toEqual({ code: 0, out: expect.stringMatching(/^audit chain ok: \d+ entries/) });
  });
});

/** A store with every fixture catalogue published and HHHT-MZ1 v2 submitted and approved, made once and copied. */
let approved = '';
async function approvedSecondVersion(name: string): Promise<void> {
  if (!approved) {
    newStore('approved');
    expect((await govgraph(['catalogue', 'import', '--publish', ...files])).code).toBe(0);
    expect((await govgraph(['catalogue', 'submit', 'city-1-v2.yaml', '--dept', '150100-MZJ'])).code).toBe(0);
    expect((await govgraph(['catalogue', 'review', 'HHHT-MZ1', '2', '--approve'])).code).toBe(0);
    approved = data;
  }
  newStore(name);
  cpSync(approved, data, { recursive: true });
}
const publish = ['catalogue', 'publish', 'HHHT-MZ1', '2', '--dept', '150100-MZJ'];
const attemptedPublications = (db: Database.Database) =>
  count(db, AUDIT_COLLECTION, `json_extract(doc, '$.action') = 'publishCatalogue' AND json_extract(doc, '$.detail') LIKE '%attempted'`);

describe('catalogue publish', () => {
  it('killed holding the lock: the next run publishes the version at once', async () => {
    await approvedSecondVersion('publish');
    expect((await killedWhen(publish, lockHeld, (n) => approvedSecondVersion(`publish-${n}`))).signal).toBe('SIGKILL');
    const next = await govgraph(publish);
    expect(next.stderr).not.toContain('another publication');
    expect(next.code).toBe(0);
    expect((await statuses())['HHHT-MZ1']).toEqual(['superseded', 'published']);
    expect(await lockRows()).toEqual([]);
    await auditVerifies();
  });

  it('killed while it waits for a live holder: the holder keeps the lock, and the next run publishes once it is given back', async () => {
    await approvedSecondVersion('publish-waiting');
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // The live holder is this test's process, on a connection of its own.
    const holding = withSqliteStore(data, (store) => withPublicationLock(store, 'a live publication', () => held));
    await vi.waitFor(async () => expect(await lockRows()).toHaveLength(1));
    // The holder as named by its row (its renewals change `since` meanwhile).
    const holder = async () => (await lockRows()).map(({ token, pid }) => ({ token, pid }));
    const before = await holder();
    // It waits for the holder until killed: it cannot end before the kill, so no second try is needed.
    expect((await killedWhen(publish, (db) => attemptedPublications(db) === 1, () => undefined)).signal).toBe('SIGKILL');
    expect(await holder()).toEqual(before);
    expect(await ofAction('publishCatalogue')).toEqual(['ok HHHT-MZ1 v2 publication attempted']);
    release();
    await holding;
    const next = await govgraph(publish);
    expect(next.code).toBe(0);
    expect((await statuses())['HHHT-MZ1']).toEqual(['superseded', 'published']);
    await auditVerifies();
  });

  it('waiting for a holder that is killed meanwhile: it takes the lock over and publishes', async () => {
    await approvedSecondVersion('publish-holder-killed');
    // The holder's row names a process of this machine that the test kills while the publication waits.
    const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const holding = withSqliteStore(data, async (store) => {
      await withPublicationLock(store, 'a publication whose process is killed', async () => {
        await store.update(PUBLICATION_LOCK, eq('key', 'publication'), { pid: sleeper.pid! });
        await held;
      });
    });
    await vi.waitFor(async () => expect((await lockRows())[0]?.pid).toBe(sleeper.pid));
    const waiting = govgraph(publish);
    await vi.waitFor(() => withSqliteStore(data, async (s) => expect(await s.count(AUDIT_COLLECTION, eq('action', 'publishCatalogue'))).toBe(1)), { timeout: 15_000, interval: 20 });
    sleeper.kill('SIGKILL');
    const next = await waiting;
    expect(next.stderr).not.toContain('another publication');
    expect(next.code).toBe(0);
    expect((await statuses())['HHHT-MZ1']).toEqual(['superseded', 'published']);
    release();
    await holding; // its release finds the lock another's, and leaves it
    expect(await lockRows()).toEqual([]);
    await auditVerifies();
  });
});
