// Attacks on the store collections behind resources (issue 8, point 1): a department's catalogue names
// another department's collection, in another case, under a code that derives the same name, or one
// whose owner is no longer in effect; or names a platform collection. Each is refused (CATALOGUE_INVALID
// with the path), through the workflow and through `govgraph catalogue import`, and nothing is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { COLLECTION_OWNERS } from '../src/catalogue/collections.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { DEMO_CATALOGUES_DIR, DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import type { Catalogue, Resource } from '../src/model/catalogue.ts';
import { runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { GA_COMPILER, PUBLISH, REVIEW, SUBMIT, ZWB_AUDITOR, demoCatalogue } from './helpers/workflow.ts';

const MZ_COMPILER = { dept: '430000-MZ', roles: ['compiler' as const] };

/** Civil Affairs' catalogue with one more resource: share none, nothing that draws a warning. */
function civilAffairsWith(extra: Partial<Resource>): Catalogue {
  const c = demoCatalogue('civil-affairs.yaml');
  const base = c.resources[0];
  const resource: Resource = {
    ...base,
    code: '430000-MZ-00090',
    name: 'Registry office visits',
    related: undefined,
    graphql: { type: 'RegistryVisit', list: 'registryVisits', byKey: 'registryVisit' },
    key: 'idNumber',
    share: { type: 'none', basis: 'Internal records', methods: ['other'] },
    items: [{ name: 'idNumber', type: 'string', required: true }, { name: 'fullName', type: 'string' }],
    ...extra,
  };
  return { ...c, resources: [...c.resources, resource] };
}

const HIJACKS: [string, Partial<Resource>, string][] = [
  ['another case of the owner\'s collection', { source: { collection: 'R_430000_GA_00001' } }, 'resources[1].source.collection'],
  ['a mixed case', { source: { collection: 'r_430000_Ga_00001' } }, 'resources[1].source.collection'],
  ['a code that derives the owner\'s collection', { code: '430000-ga-00001' }, 'resources[1].code'],
  ['a platform collection', { source: { collection: '_audit' } }, 'resources[1].source.collection'],
  ['a store table of SQLite', { source: { collection: 'sqlite_master' } }, 'resources[1].source.collection'],
  ['a look-alike (fullwidth) letter', { source: { collection: 'ｒ_430000_ga_00001' } }, 'resources[1].source.collection'],
  ['a trailing space', { source: { collection: 'r_430000_ga_00001 ' } }, 'resources[1].source.collection'],
];

describe('through the workflow (submit, review, publish)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway({ demo: true });
  });
  afterAll(() => gw?.close());

  const submit = (c: Catalogue, as = MZ_COMPILER) => gw.query(SUBMIT, { ...as, variables: { doc: JSON.stringify(c) } });
  async function approveAndPublish(id: string, v: number, as = MZ_COMPILER) {
    await gw.query(REVIEW, { ...ZWB_AUDITOR, variables: { id, v, d: 'APPROVE' } });
    return gw.query(PUBLISH, { ...as, variables: { id, v } });
  }

  it.each(HIJACKS)('refuses %s at submission, with the path', async (_what, extra, path) => {
    const before = await gw.store.count(CATALOGUE_VERSIONS);
    const r = await submit(civilAffairsWith(extra));
    expect(r.errors?.[0]?.extensions?.code).toBe('CATALOGUE_INVALID');
    expect(r.errors![0].extensions!.problems.map((p: { path: string }) => p.path)).toContain(path);
    expect(await gw.store.count(CATALOGUE_VERSIONS)).toBe(before);
  });

  it("the issue's attack ends before any record: submit, approve, publish, read with no role", async () => {
    const s = await submit(civilAffairsWith({ source: { collection: 'R_430000_GA_00001' } }));
    if (!s.errors) await approveAndPublish('HN-MZ', s.data!.submitCatalogue.version.version);
    const r = await gw.query(`{ civilAffairs { registryVisits(first: 5) { nodes { idNumber fullName } } } }`, { dept: '430000-MZ' });
    expect(r.data?.civilAffairs?.registryVisits ?? null).toBeNull();
  });

  it('refuses the collection of a resource that is no longer in effect, at submission and at publication', async () => {
    // Public Security publishes a resource with its own collection, then a version without it.
    const ga = demoCatalogue('public-security.yaml');
    const gaExtra: Resource = {
      ...ga.resources[0],
      code: '430000-GA-00090',
      name: 'Old archive',
      graphql: { type: 'OldArchive', list: 'oldArchives', byKey: 'oldArchive' },
      source: { collection: 'ga_archive' },
    };
    const v2 = await submit({ ...ga, resources: [...ga.resources, gaExtra] }, GA_COMPILER);
    expect(v2.errors).toBeUndefined();
    expect((await approveAndPublish('HN-GA', v2.data!.submitCatalogue.version.version, GA_COMPILER)).errors).toBeUndefined();
    const v3 = await submit(ga, GA_COMPILER);
    expect((await approveAndPublish('HN-GA', v3.data!.submitCatalogue.version.version, GA_COMPILER)).errors).toBeUndefined();

    // Civil Affairs asks for it under another case: submission already says no.
    const refused = await submit(civilAffairsWith({ source: { collection: 'GA_Archive' } }));
    expect(refused.errors![0].extensions!.code).toBe('CATALOGUE_INVALID');
    expect(refused.errors![0].extensions!.problems[0]).toEqual({
      path: 'resources[1].source.collection',
      message: expect.stringContaining('belongs to resource 430000-GA-00090 of 430000-GA'),
    });

    // A version approved before the owner published is refused at publication (the store's binding).
    const early = await submit(civilAffairsWith({ source: { collection: 'shared_name' } }));
    expect(early.errors).toBeUndefined();
    const gaTakes = await submit({ ...ga, resources: [...ga.resources, { ...gaExtra, code: '430000-GA-00091', graphql: { type: 'Shared', list: 'shareds', byKey: 'shared' }, source: { collection: 'SHARED_NAME' } }] }, GA_COMPILER);
    expect((await approveAndPublish('HN-GA', gaTakes.data!.submitCatalogue.version.version, GA_COMPILER)).errors).toBeUndefined();
    const v4 = await submit(ga, GA_COMPILER); // and withdraws it again: the binding stays
    expect((await approveAndPublish('HN-GA', v4.data!.submitCatalogue.version.version, GA_COMPILER)).errors).toBeUndefined();
    const late = await approveAndPublish('HN-MZ', early.data!.submitCatalogue.version.version);
    expect(late.errors![0].extensions!.code).toBe('CATALOGUE_INVALID');
    expect(late.errors![0].extensions!.problems[0].message).toContain('belongs to resource 430000-GA-00091 of 430000-GA');
    const versions = await gw.query(`{ catalogue(id: "HN-MZ") { published { version } } }`, MZ_COMPILER);
    expect(versions.data!.catalogue.published.version).toBe(1);
    expect(await gw.store.count(COLLECTION_OWNERS, { kind: 'compare', field: 'resource', op: 'eq', value: '430000-MZ-00090' })).toBe(0);
  });
});

describe('through `govgraph catalogue import`', () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-collections-'));
    const first = await govgraph('--publish', join(DEMO_CATALOGUES_DIR, 'population.yaml'), join(DEMO_CATALOGUES_DIR, 'legal-entities.yaml'), join(DEMO_CATALOGUES_DIR, 'electronic-licences.yaml'), join(DEMO_CATALOGUES_DIR, 'market-regulation.yaml'));
    expect(first.code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const govgraph = (...args: string[]) =>
    runGovgraph(['catalogue', 'import', '--platform', DEMO_PLATFORM_FILE, '--data', join(dir, 'data'), ...args]);
  const counts = () =>
    withSqliteStore(join(dir, 'data'), async (store) => [
      await store.count(CATALOGUE_VERSIONS),
      await store.count(AUDIT_COLLECTION),
      await store.count(COLLECTION_OWNERS),
    ]);

  it.each([
    ['another case', 'R_430000_GA_00001', 'resources[1].source.collection'],
    ['a platform collection', '_grants', 'resources[1].source.collection'],
  ])('refuses %s of a collection, and stores nothing but the refusal\'s audit entry', async (_what, collection, path) => {
    const file = join(dir, `hijack-${collection}.yaml`);
    writeFileSync(file, stringify(civilAffairsWith({ source: { collection } })));
    const before = await counts();
    const r = await govgraph('--publish', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Nothing was imported:');
    expect(r.stderr).toContain(`${file}: ${path}: `);
    // Nothing stored; the refusal is on record (test/catalogue-import-refusals-audited.test.ts).
    expect(await counts()).toEqual([before[0], before[1] + 1, before[2]]);
  });
});
