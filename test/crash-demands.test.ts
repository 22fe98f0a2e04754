// kill -9 of a publication that keeps a promise (docs/operations.md, "Commands and gateways killed
// midway"). Found by the kill walk on an Inner Mongolia platform of its own: a demand answered
// WILL_CATALOGUE with a new code, and `catalogue import --publish` of the file adding that code killed
// right after its `done` entry (or right after the version was marked published): the demand stayed
// WILL_CATALOGUE for good, its code in effect. The import run again said "unchanged" and fulfilled
// nothing (republishing a code in effect keeps no promise, on purpose), and `catalogue publish` was
// refused (CONFLICT). A publication records on its version, in the write that publishes it, the codes it
// newly brought into effect; the next import, and the next read of the demands, mark the promises it kept
// from that record. A promise made after the publication (of a code in effect) is still kept by nothing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { eq } from '../src/store/port.ts';
import { SQLITE_FILE } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { answerDemand, DEMANDS, getDemand, requestData } from '../src/workflow/demands.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { signalledWhen } from './helpers/interrupted-command.ts';

vi.setConfig({ testTimeout: 90_000 });
const FIXTURE = fileURLToPath(new URL('./fixtures/neimenggu-crash/', import.meta.url));
const PLATFORM = join(FIXTURE, 'platform.yaml');
const PROMISED = '150000-GAT-00022';
const dir = mkdtempSync(join(tmpdir(), 'govgraph-crash-demands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The police catalogue with a second resource, the promised one.
const police = parse(readFileSync(join(FIXTURE, 'police.yaml'), 'utf8')) as Catalogue;
const secondVersion: Catalogue = {
  ...police,
  resources: [...police.resources, { ...structuredClone(police.resources[0]), code: PROMISED, name: 'Herder pasture roll', graphql: { type: 'NmPasture', list: 'pastures', byKey: 'pasture' } }],
};
writeFileSync(join(dir, 'police-2.json'), JSON.stringify(secondVersion));

let data = '';
let env: NodeJS.ProcessEnv = {};
const govgraph = (args: string[]) => runGovgraph(args, { cwd: dir, env });
const count = (db: Database.Database, collection: string, where: string) => db.prepare(`SELECT count(*) FROM "c:${collection}" WHERE ${where}`).pluck().get() as number;
const secondPublished = (db: Database.Database) =>
  count(db, CATALOGUE_VERSIONS, `json_extract(doc, '$.id') = 'NM-GAT' AND json_extract(doc, '$.version') = 2 AND json_extract(doc, '$.status') = 'published'`) === 1;
const importDone = (db: Database.Database) =>
  count(db, AUDIT_COLLECTION, `json_extract(doc, '$.action') = 'catalogue import' AND json_extract(doc, '$.detail') LIKE '%done (entry%NM-GAT v2 published%'`) === 1;
const killedWhen = (args: string[], ready: (db: Database.Database) => boolean) =>
  signalledWhen(args, { cwd: dir, env, sqliteFile: join(data, SQLITE_FILE), signal: 'SIGKILL', ready });

/**
 * A store made by `setup` (the demand's id), then `govgraph ...args` killed once `ready` holds. The step
 * lasts a few milliseconds: on a loaded machine the kill may come after the command wrote its fulfilDemand
 * entry or marked the demand, or after it ended; then it is all done again on a new store (five times at most), so that the test checks a
 * kill at the step, not the machine's speed.
 */
async function killedAtStep(name: string, setup: (name: string) => Promise<string>, args: string[], ready: (db: Database.Database) => boolean) {
  for (let attempt = 1; ; attempt++) {
    const id = await setup(`${name}-${attempt}`);
    const last = attempt === 5;
    try {
      const killed = await killedWhen(args, ready);
      // At the step: the demand not marked, and no fulfilDemand entry written yet (the entry goes ahead of
      // the mark, so a kill between the two is a later step, whose second entry says it was not done).
      if (last || ((await demand(id))?.status === 'will-catalogue' && (await fulfilEntries()).length === 0)) return { id, killed };
    } catch (error) {
      if (last || !String(error).includes('ended before it was signalled')) throw error;
    }
  }
}

/** A store with NM-GAT v1 published and a demand of civil affairs answered by the police promising PROMISED. */
async function promised(name: string): Promise<string> {
  data = join(dir, name);
  env = cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM });
  expect((await govgraph(['catalogue', 'import', '--publish', join(FIXTURE, 'police.yaml')])).code).toBe(0);
  const platform = loadPlatform(PLATFORM);
  const actor = (dept: string, role: 'applicant' | 'approver'): Actor => ({
    dept: platform.departments.find((d) => d.code === dept)!, user: `${role}-${dept}`, roles: [role], purpose: null, requestId: `r-${role}`,
  });
  return withSqliteStore(data, async (store) => {
    const wf = { store, platform, now: new Date() };
    const d = await requestData(wf, actor('150000-MZT', 'applicant'), {
      title: 'Pasture roll', description: 'For pension checks of herders', items: ['pasture'], purposes: ['pension-check'], provider: '150000-GAT',
    });
    await answerDemand(wf, actor('150000-GAT', 'approver'), { id: d.id, decision: 'will-catalogue', resource: PROMISED });
    return d.id;
  });
}

const demand = (id: string) => withSqliteStore(data, (s) => getDemand(s, id));
/** The fulfilDemand entries, outcome and detail, in the log's order. */
const fulfilEntries = () =>
  withSqliteStore(data, async (s) => (await s.find(AUDIT_COLLECTION, { filter: eq('action', 'fulfilDemand'), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow).map((e) => `${e.outcome} ${e.department} ${e.user} ${e.detail}`));

describe('a publication keeping a promise, killed before it marked the demand', () => {
  it.each([
    ['right after the version is marked published', secondPublished],
    ['right after its done entry', importDone],
  ])('catalogue import --publish killed %s: the next import marks the demand FULFILLED, once', async (_, ready) => {
    const { id, killed } = await killedAtStep(ready === secondPublished ? 'import-published' : 'import-done', promised, ['catalogue', 'import', '--publish', 'police-2.json'], ready);
    expect(killed.signal).toBe('SIGKILL');
    expect(await demand(id)).toMatchObject({ status: 'will-catalogue', resource: PROMISED }); // the state the kill walk found

    const next = await govgraph(['catalogue', 'import', '--publish', 'police-2.json']);
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('unchanged, no new version');
    expect(next.stdout).toContain(`demand ${id} of 150000-MZT (Pasture roll) fulfilled: kept by the publication of NM-GAT v2, whose process stopped before it marked it`);
    expect(await demand(id)).toMatchObject({ status: 'fulfilled', fulfilledBy: 'NM-GAT@2' });
    // One entry, the publisher's (the operator), saying it completes the killed publication.
    expect(await fulfilEntries()).toEqual([
      `ok null operator demand ${id} of 150000-MZT fulfilled: NM-GAT v2 publishes ${PROMISED} (marked after the publication: its process stopped before it marked the demand)`,
    ]);
    // Run again, nothing more is marked or audited.
    const again = await govgraph(['catalogue', 'import', '--publish', 'police-2.json']);
    expect(again.stdout).not.toContain(id);
    expect(await fulfilEntries()).toHaveLength(1);
    const verified = await govgraph(['audit', 'verify']);
    expect(verified.stdout).toMatch(/^audit chain ok/);
  });

  it('catalogue publish killed right after the version is marked published: the next read of the demands marks it', async () => {
    const approved = async (name: string) => {
      const id = await promised(name);
      expect((await govgraph(['catalogue', 'submit', 'police-2.json', '--dept', '150000-GAT'])).code).toBe(0);
      expect((await govgraph(['catalogue', 'review', 'NM-GAT', '2', '--approve'])).code).toBe(0);
      return id;
    };
    const { id, killed } = await killedAtStep('publish', approved, ['catalogue', 'publish', 'NM-GAT', '2', '--dept', '150000-GAT'], secondPublished);
    expect(killed.signal).toBe('SIGKILL');
    expect(await demand(id)).toMatchObject({ status: 'will-catalogue' });
    // Published: publishing it again is refused, as the kill walk found.
    expect((await govgraph(['catalogue', 'publish', 'NM-GAT', '2', '--dept', '150000-GAT'])).stderr).toContain('CONFLICT');

    const listed = await govgraph(['demand', 'list']);
    expect(listed.stdout).toContain(`${id}  FULFILLED`);
    expect(await demand(id)).toMatchObject({ status: 'fulfilled', fulfilledBy: 'NM-GAT@2' });
    // The entry is the publisher's, under its department (the provider asked), not the reader's.
    expect(await fulfilEntries()).toEqual([
      `ok 150000-GAT operator demand ${id} of 150000-MZT fulfilled: NM-GAT v2 publishes ${PROMISED} (marked after the publication: its process stopped before it marked the demand)`,
    ]);
    await govgraph(['demand', 'list']);
    expect(await fulfilEntries()).toHaveLength(1);
  });

  it('keeps no promise made after the publication: a promise of the code in effect stays WILL_CATALOGUE', async () => {
    // NM-GAT v2 in effect with PROMISED, its record naming it. A promise of PROMISED made now (written
    // before answers were checked, or racing the publication) is not kept by that publication, nor by
    // importing the same document again.
    const id = await promised('late');
    expect((await govgraph(['catalogue', 'import', '--publish', 'police-2.json'])).stdout).toContain(`fulfils demand ${id}`);
    const late = await withSqliteStore(data, async (store) => {
      const [row] = await store.find(DEMANDS, { filter: eq('id', id) });
      const copy = { ...row, id: 'late-promise', status: 'will-catalogue', answeredAt: new Date().toISOString(), fulfilledAt: null, fulfilledBy: null };
      await store.insert(DEMANDS, [copy]);
      return copy.id;
    });
    expect((await govgraph(['demand', 'list'])).stdout).toContain(`${late}  WILL_CATALOGUE`);
    expect((await govgraph(['catalogue', 'import', '--publish', 'police-2.json'])).stdout).not.toContain(late);
    expect(await demand(late)).toMatchObject({ status: 'will-catalogue', fulfilledBy: null });
    expect((await fulfilEntries()).filter((e) => e.includes(late))).toEqual([]);
    expect(await fulfilEntries()).toHaveLength(1); // the first demand's, by the import that published
  });
});
