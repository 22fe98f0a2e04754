// Catalogue ids are compared ignoring case, as resource codes are (src/catalogue/codes.ts): an id names
// one department's catalogue for good in any case (docs/workflow.md). On a platform of its own
// (test/fixtures/sichuan, SC-WJW of 510000-WJW and SC-GA of 510000-GA), on every path that takes an id:
// the submitCatalogue mutation and `catalogue submit`, `catalogue import [--publish]`, the review,
// publish and withdraw mutations and commands, the `catalogue(id:)` and `catalogues` fields and
// `catalogue list`. An id in another case names the catalogue under its id as first written; another
// department's document of that id in any case is refused as taking it over.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DocumentInvalidError } from '../src/catalogue/problems.ts';
import { CATALOGUE_VERSIONS, claimCatalogueId } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { startSichuanGateway } from './helpers/sichuan.ts';
import { PUBLISH, REVIEW, SUBMIT } from './helpers/workflow.ts';

const fixture = (name: string) => join(fileURLToPath(new URL('.', import.meta.url)), 'fixtures/sichuan', name);
const PLATFORM = fixture('platform.yaml');
const BLOOD = readFileSync(fixture('blood.yaml'), 'utf8');
const VEHICLES = readFileSync(fixture('vehicles.yaml'), 'utf8');

/** The health catalogue under `id`, with one more item when `more`. */
const blood = (id: string, more = false) =>
  BLOOD.replace(/^id: SC-WJW$/m, `id: ${id}`).replace('      - { name: units, type: int }\n', more ? '      - { name: units, type: int }\n      - { name: ward, type: string }\n' : '      - { name: units, type: int }\n');
/** The police's catalogue under `id`: another department's document of that id. */
const vehicles = (id: string) => VEHICLES.replace(/^id: SC-GA$/m, `id: ${id}`);
const TAKEN = `Catalogue id SC-WJW is already used by 510000-WJW's catalogue "Health catalogue"; choose another id.`;

const WJW = { dept: '510000-WJW', roles: ['compiler' as const] };
const GA = { dept: '510000-GA', roles: ['compiler' as const] };
const DSJ = { dept: '510000-DSJ', roles: ['auditor' as const] };
const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code);

describe('GraphQL: an id in another case names the same catalogue', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startSichuanGateway({
      gateway: { port: Number(process.env.GOVGRAPH_TEST_PORT ?? 0) },
    });
  });
  afterAll(() => gw?.close());

  const versions = async (id: string) =>
    (await gw.query(`query($id: ID!) { catalogue(id: $id) { id compiler versions { id version status } } }`, { ...WJW, variables: { id } })).data!.catalogue;

  it('refuses another department taking the id over in any case, as for the id as written', async () => {
    for (const id of ['SC-WJW', 'sc-wjw', 'Sc-WjW']) {
      const r = await gw.query(SUBMIT, { ...GA, variables: { doc: vehicles(id) } });
      expect(codes(r)).toEqual(['CONFLICT']);
      expect(r.errors![0].message).toBe(TAKEN);
    }
    expect((await versions('SC-WJW')).versions).toEqual([{ id: 'SC-WJW', version: 1, status: 'PUBLISHED' }]);
  });

  it('finds the catalogue by its id in any case, in catalogue(id:) and catalogues(id:)', async () => {
    expect(await versions('sc-wjw')).toEqual({ id: 'SC-WJW', compiler: '510000-WJW', versions: [{ id: 'SC-WJW', version: 1, status: 'PUBLISHED' }] });
    const listed = await gw.query(`{ catalogues(id: "sC-wJw") { id } }`, WJW);
    expect(listed.data!.catalogues).toEqual([{ id: 'SC-WJW' }]);
  });

  it("stores its department's submission in another case under the id as first written; reviews, publishes and withdraws it in any case", async () => {
    const s = await gw.query(SUBMIT, { ...WJW, variables: { doc: blood('sc-wjw', true) } });
    expect(s.errors).toBeUndefined();
    expect(s.data!.submitCatalogue.version).toEqual({ id: 'SC-WJW', version: 2, status: 'SUBMITTED' });

    const r = await gw.query(REVIEW, { ...DSJ, variables: { id: 'sc-wjw', v: 2, d: 'APPROVE', c: 'ok' } });
    expect(r.errors).toBeUndefined();
    expect(r.data!.reviewCatalogue).toMatchObject({ id: 'SC-WJW', version: 2, status: 'APPROVED' });

    const p = await gw.query(PUBLISH, { ...WJW, variables: { id: 'Sc-Wjw', v: 2 } });
    expect(p.errors).toBeUndefined();
    expect(p.data!.publishCatalogue).toMatchObject({ id: 'SC-WJW', version: 2, status: 'PUBLISHED' });
    const ward = await gw.query(`{ health { bloodStocks(first: 1) { nodes { ward } } } }`, { ...WJW, purpose: 'health-check' });
    expect(ward.errors).toBeUndefined();

    const w = await gw.query(`mutation { withdrawCatalogue(id: "sc-WJW", reason: "merged") { id version status } }`, WJW);
    expect(w.errors).toBeUndefined();
    expect(w.data!.withdrawCatalogue).toEqual({ id: 'SC-WJW', version: 2, status: 'WITHDRAWN' });
    expect((await versions('SC-WJW')).versions).toEqual([
      { id: 'SC-WJW', version: 1, status: 'SUPERSEDED' },
      { id: 'SC-WJW', version: 2, status: 'WITHDRAWN' },
    ]);
    // Withdrawn, the id is still its department's, in any case.
    const again = await gw.query(SUBMIT, { ...GA, variables: { doc: vehicles('sc-wjw') } });
    expect(again.errors![0].message).toBe(TAKEN);
  });
});

describe('commands: an id in another case names the same catalogue', () => {
  vi.setConfig({ testTimeout: 180_000 });
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-id-case-'));
  const data = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const govgraph = (...args: string[]) => runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM }) });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const stored = () =>
    withSqliteStore(data, async (store) =>
      (await store.find(CATALOGUE_VERSIONS, { projection: ['id', 'version', 'status'], sort: [{ field: 'id', direction: 'asc' }, { field: 'version', direction: 'asc' }] })).map(
        (r) => `${String(r.id)} v${Number(r.version)} ${String(r.status)}`,
      ),
    );

  beforeAll(async () => {
    // The police's catalogue is not imported here: its document under another id clashes with nothing.
    const first = await govgraph('catalogue', 'import', fixture('blood.yaml'), '--publish');
    expect(first.code, first.stderr).toBe(0);
  });

  it('catalogue import [--publish] refuses another department taking the id over, in any case, and imports nothing', async () => {
    for (const [id, publish] of [['SC-WJW', true], ['sc-wjw', true], ['sc-Wjw', false]] as const) {
      const path = file(`police-${id}-${publish}.yaml`, vehicles(id));
      const r = await govgraph('catalogue', 'import', path, ...(publish ? ['--publish'] : []));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Nothing was imported:\n${path}: id: ${TAKEN}\n`);
    }
    expect(await stored()).toEqual(['SC-WJW v1 published']);
  });

  it('catalogue validate checks a document in another case as the next version of the catalogue; two in one batch are one id twice', async () => {
    const next = file('health-next.yaml', blood('sc-wjw', true));
    const ok = await govgraph('catalogue', 'validate', next);
    expect(ok.stdout).toBe(`${next}: ok (1 resource)\n`);
    expect(ok.code).toBe(0);
    const twice = await govgraph('catalogue', 'validate', fixture('blood.yaml'), next);
    expect(twice.code).toBe(1);
    expect(twice.stdout).toContain(`${next}: id: "sc-wjw" is also the id of document 1 of this batch ("SC-WJW": ids are compared ignoring case); catalogue ids are unique`);
  });

  it('catalogue submit refuses another department in any case; its own department submits, reviews and publishes in another case under the id as first written', async () => {
    const taken = await govgraph('catalogue', 'submit', file('police-lower.yaml', vehicles('sc-wjw')), '--dept', '510000-GA');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`govgraph: CONFLICT: ${TAKEN}`);

    const s = await govgraph('catalogue', 'submit', file('health-lower.yaml', blood('sc-wjw', true)), '--dept', '510000-WJW');
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/^SC-WJW version 2 submitted/);
    const r = await govgraph('catalogue', 'review', 'Sc-wjw', '2', '--approve');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SC-WJW version 2 approved/);
    const p = await govgraph('catalogue', 'publish', 'sc-WJW', '2', '--dept', '510000-WJW');
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toMatch(/^SC-WJW version 2 published/);

    const list = await govgraph('catalogue', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout.split('\n').filter((l) => /^sc-wjw /i.test(l)).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual([
      'SC-WJW 1 SUPERSEDED',
      'SC-WJW 2 PUBLISHED',
    ]);
    expect(list.stderr).toContain('1 catalogue, 2 versions');
  });

  it('catalogue import --publish of its own department in another case makes the next version under the id as first written', async () => {
    const r = await govgraph('catalogue', 'import', file('health-v3.yaml', blood('sc-Wjw')), '--publish');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('SC-WJW version 3 published');
    // The same document again, in yet another case, is unchanged.
    const same = await govgraph('catalogue', 'import', file('health-v3-again.yaml', blood('SC-wjw')), '--publish');
    expect(same.code, same.stderr).toBe(0);
    expect(same.stdout).toContain('SC-WJW version 3 published (1 resource; unchanged, no new version)');
    expect(await stored()).toEqual(['SC-WJW v1 superseded', 'SC-WJW v2 superseded', 'SC-WJW v3 published']);
  });
});

// Two first submissions of one new id in two cases at once, by two departments (two gateways on one
// folder, or one): both read no version of it, so the versions alone cannot settle it; the id's claim
// (claimCatalogueId) lets one through and refuses the other as taken.
describe('a new id submitted in two cases at once', () => {
  let gw: TestGateway;
  let arrived = 0;
  let release: () => void = () => undefined;
  const bothArrived = new Promise<void>((resolve) => (release = resolve));
  beforeAll(async () => {
    gw = await startTestGateway({
      platformFile: PLATFORM,
      // Each submission waits at its version's write until the other reaches it too (or 2 s passed, when
      // the other was refused before): both have read the versions before either writes one.
      wrapStore: (store) => ({
        ...store,
        close: store.close.bind(store),
        async insert(collection, rows) {
          if (collection === CATALOGUE_VERSIONS) {
            if (++arrived === 2) release();
            await Promise.race([bothArrived, new Promise((resolve) => setTimeout(resolve, 2000))]);
          }
          return store.insert(collection, rows);
        },
      }),
    });
  });
  afterAll(() => gw?.close());

  it("lets one department's submission through and refuses the other's as taking the id", async () => {
    const [health, police] = await Promise.all([
      gw.query(SUBMIT, { ...WJW, variables: { doc: blood('sc-new') } }),
      gw.query(SUBMIT, { ...GA, variables: { doc: vehicles('SC-NEW') } }),
    ]);
    const outcomes = [health, police].map((r) => r.errors?.[0]?.extensions?.code ?? 'ok').sort();
    expect(outcomes).toEqual(['CONFLICT', 'ok']);
    const [won, lost] = health.errors ? [police, health] : [health, police];
    const winner = { id: won === health ? 'sc-new' : 'SC-NEW' };
    // Another department's drafts, neither department nor title named (test/attack-leaks.test.ts).
    const lostId = lost === health ? 'sc-new' : 'SC-NEW';
    expect(lost.errors![0].message).toBe(`Catalogue id ${lostId} is already used by another department's catalogue; choose another id.`);
    const rows = await gw.store.find(CATALOGUE_VERSIONS, { projection: ['id', 'version', 'submittedBy'] });
    expect(rows.map((r) => `${String(r.id)} v${Number(r.version)}`)).toEqual([`${winner.id} v1`]);
  });

  it('refuses the other department in any case afterwards, and stores its own submission in another case under the id as claimed', async () => {
    const owner = (await gw.store.find(CATALOGUE_VERSIONS, { limit: 1 }))[0];
    const [mine, theirs] = owner.id === 'sc-new' ? [WJW, GA] : [GA, WJW];
    const doc = (id: string, dept: typeof WJW) => (dept === WJW ? blood(id) : vehicles(id));
    const refused = await gw.query(SUBMIT, { ...theirs, variables: { doc: doc('Sc-New', theirs) } });
    expect(codes(refused)).toEqual(['CONFLICT']);
    const next = await gw.query(SUBMIT, { ...mine, variables: { doc: doc('SC-new', mine) } });
    expect(next.errors).toBeUndefined();
    expect(next.data!.submitCatalogue.version).toEqual({ id: owner.id, version: 2, status: 'SUBMITTED' });
  });

  it('catalogue import refuses a new id that another department claimed meanwhile in another case, and takes its own claim\'s spelling', async () => {
    // As when another gateway's submission has claimed the id and not yet stored its version.
    await claimCatalogueId(gw.store, { id: 'SC-THIRD', compiler: '510000-GA', title: 'Police, third' } as Catalogue);
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-id-claim-'));
    try {
      const path = join(dir, 'health.yaml');
      writeFileSync(path, blood('sc-third'));
      const refused = await importCatalogueFiles(gw.store, gw.platform, [path], { publish: false }).catch((e: Error) => e);
      expect(refused).toBeInstanceOf(DocumentInvalidError);
      expect((refused as Error).message).toContain(`${path}: id: Catalogue id SC-THIRD is already used by 510000-GA's catalogue "Police, third"; choose another id.`);
      await claimCatalogueId(gw.store, { id: 'SC-FOURTH', compiler: '510000-WJW', title: 'Health, fourth' } as Catalogue);
      writeFileSync(path, blood('sc-fourth'));
      const [imported] = await importCatalogueFiles(gw.store, gw.platform, [path], { publish: false });
      expect(imported.version.id).toBe('SC-FOURTH');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
