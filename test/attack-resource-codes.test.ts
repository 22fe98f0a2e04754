// Attacks on who owns a resource code: another department (its departmental catalogue, or a subject
// catalogue naming the true provider) re-opens a withdrawn or superseded code under share settings of
// its own, writes the code in another case, or widens the sharing of another provider's resource that
// its subject catalogue carries. A resource code, once published, belongs to its provider for good: only
// the provider, in a catalogue it compiles, may publish it again after it left the platform or share it
// more widely. Each attack is refused with CATALOGUE_INVALID and the path, at submission and at
// publication, by `govgraph catalogue validate` and by `govgraph catalogue import`; nothing is stored.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { widenings } from '../src/catalogue/widening.ts';
import type { Catalogue, Item, Resource } from '../src/model/catalogue.ts';
import type { Role } from '../src/identity/roles.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Store } from '../src/store/port.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
import type { Actor, WorkflowEnv } from '../src/workflow/actor.ts';
import { runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { PUBLISH, REVIEW, SUBMIT, workflowActor } from './helpers/workflow.ts';

const PLATFORM_FILE = 'test/fixtures/catalogue/platform.yaml';
const platform = loadPlatform(PLATFORM_FILE);

// The provider whose data is at stake, the department that attacks it, a third one, and the auditor.
const PROVIDER = '430000-GA';
const OTHER = '430000-SCJG';
const THIRD = '430100-MZ';
const AUDITOR = '430000-ZWB';

const items: Item[] = [
  { name: 'idNumber', type: 'string', required: true },
  { name: 'fullName', type: 'string', sensitivity: 'personal', mask: 'name' },
  { name: 'regionCode', type: 'string' },
];

function resource(code: string, provider: string, extra: Partial<Resource> = {}): Resource {
  const n = code.replace(/-/g, '_');
  return {
    code,
    name: `Resource ${code}`,
    provider,
    graphql: { type: `R_${n}`, list: `list_${n}`, byKey: `one_${n}` },
    key: 'idNumber',
    share: { type: 'conditional', conditions: 'Under a sharing grant', basis: 'Regulations, Art. 1', methods: ['api'], scope: { purposes: ['social-assistance'] } },
    items: structuredClone(items),
    ...extra,
  };
}

function catalogue(id: string, compiler: string, resources: Resource[], kind: Catalogue['kind'] = 'departmental'): Catalogue {
  return { id, kind, title: `Catalogue ${id}`, compiler, ...(kind === 'departmental' ? {} : { subject: 'population' }), resources };
}

/** The provider's own catalogue: one resource it keeps, and the archive whose code is attacked. */
const KEPT = resource('430000-GA-00001', PROVIDER);
const ARCHIVE = resource('430000-GA-00090', PROVIDER, { share: { type: 'none', basis: 'Internal records', methods: ['other'] } });
const providerCatalogue = (...rs: Resource[]) => catalogue('T-GA', PROVIDER, [KEPT, ...rs]);

/** Share settings an attacker would like: every department, every purpose, no grant. */
const OPEN = { type: 'unconditional' as const, methods: ['api' as const, 'download' as const] };

describe('through the workflow', () => {
  let dir: string;
  let store: Store;
  let env: WorkflowEnv;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-codes-'));
    store = await openSqliteStore(dir);
    env = { store, platform, now: new Date() };
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const actor = (dept: string, role: Role): Actor => workflowActor(platform, dept, role);
  const submit = (c: Catalogue) => submitCatalogue(env, actor(c.compiler, 'compiler'), c);
  async function approve(id: string, version: number) {
    await reviewCatalogue(env, actor(AUDITOR, 'auditor'), { id, version, decision: 'approve' });
  }
  /** Submits, approves and publishes; returns the published version's number. */
  async function publish(c: Catalogue): Promise<number> {
    const { version } = await submit(c);
    await approve(c.id, version.version);
    await publishCatalogue(env, actor(c.compiler, 'compiler'), { id: c.id, version: version.version });
    return version.version;
  }
  const withdraw = (id: string, compiler: string) => withdrawCatalogue(env, actor(compiler, 'compiler'), { id, reason: 'No longer kept' });
  /** The refusal's problems as `path: message` lines. */
  async function refusal(action: Promise<unknown>): Promise<string[]> {
    const err = (await action.then(() => null, (e: unknown) => e)) as { code?: string; problems?: { path: string; message: string }[] } | null;
    expect(err, 'the action was not refused').not.toBeNull();
    expect(err!.code).toBe('CATALOGUE_INVALID');
    return err!.problems!.map((p) => `${p.path}: ${p.message}`);
  }

  it("refuses another department's catalogue that takes a withdrawn code as its own", async () => {
    await publish(providerCatalogue(ARCHIVE));
    await withdraw('T-GA', PROVIDER);
    const before = await store.count(CATALOGUE_VERSIONS);
    const theirs = catalogue('T-SCJG', OTHER, [resource('430000-GA-00090', OTHER, { share: OPEN, source: { collection: 'scjg_archive' } })]);
    expect(await refusal(submit(theirs))).toEqual([
      `resources[0].provider: resource 430000-GA-00090 was first published with provider ${PROVIDER} (catalogue "T-GA" version 1) and belongs to it for good; it cannot be provided by ${OTHER}: give the resource a code of its own`,
    ]);
    expect(await store.count(CATALOGUE_VERSIONS)).toBe(before);
  });

  it("refuses a subject catalogue that re-opens another provider's superseded code under the true provider's name", async () => {
    await publish(providerCatalogue(ARCHIVE));
    await publish(providerCatalogue()); // version 2 drops the archive: version 1 is superseded
    // The records stay in r_430000_ga_00090, bound to (430000-GA-00090, 430000-GA): the same code and
    // provider, so the collection's binding alone let the other department serve them as it liked.
    const theirs = catalogue('T-SUBJECT', OTHER, [resource('430000-GA-00090', PROVIDER, { share: OPEN })], 'subject');
    expect(await refusal(submit(theirs))).toEqual([
      `resources[0].code: resource 430000-GA-00090 of ${PROVIDER} was last published by catalogue "T-GA" (version 1, compiled by ${PROVIDER}); only ${PROVIDER} may publish it again, in a catalogue it compiles, and this one is compiled by ${OTHER}`,
    ]);
  });

  it('refuses a withdrawn code written in another case, and a code in effect written in another case', async () => {
    await publish(providerCatalogue(ARCHIVE));
    await publish(providerCatalogue());
    const archive = catalogue('T-SCJG', OTHER, [resource('430000-ga-00090', OTHER, { share: OPEN, source: { collection: 'scjg_archive' } })]);
    expect(await refusal(submit(archive))).toEqual([
      'resources[0].code: "430000-ga-00090" is resource code 430000-GA-00090 in another case; a resource code is written as it was first published, and belongs to its provider for good',
      `resources[0].provider: resource 430000-GA-00090 was first published with provider ${PROVIDER} (catalogue "T-GA" version 1) and belongs to it for good; it cannot be provided by ${OTHER}: give the resource a code of its own`,
    ]);
    const kept = catalogue('T-SCJG', OTHER, [resource('430000-ga-00001', OTHER, {
      share: OPEN, source: { collection: 'scjg_kept' },
      graphql: { type: 'KeptRecord', list: 'keptRecords', byKey: 'keptRecord' }, // R_430000_ga_00001 would clash by case too
    })]);
    expect(await refusal(submit(kept))).toEqual([
      'resources[0].code: "430000-ga-00001" is the code of a resource in catalogue "T-GA" ("430000-GA-00001") in another case; resource codes are unique on the platform, whatever their case',
    ]);
  });

  it("lets a subject catalogue carry another provider's new resource, but never share it more widely than it last did", async () => {
    const carried = resource('430000-GA-00100', PROVIDER);
    // The auditor is told that the compiler sets another provider's share settings, once.
    const first = await submit(catalogue('T-SUBJECT', OTHER, [carried], 'subject'));
    expect(first.warnings).toEqual([{
      kind: 'OTHER_PROVIDER',
      path: 'resources[0].provider',
      resource: '430000-GA-00100',
      message: `Resource 430000-GA-00100 is provided by ${PROVIDER}, not by the compiler ${OTHER}: once published, the code and its records are ${PROVIDER}'s for good (${PROVIDER} reads them unmasked and its approvers decide requests for them). This catalogue sets its share settings now; later versions may keep or tighten them, never widen them, and once a version drops the resource only ${PROVIDER} can publish it again. Check that ${PROVIDER} agrees to these share settings.`,
    }]);
    await approve('T-SUBJECT', first.version.version);
    await publishCatalogue(env, actor(OTHER, 'compiler'), { id: 'T-SUBJECT', version: first.version.version });

    const wider = structuredClone(carried);
    wider.share = { ...OPEN, scope: { departments: ['430000-*'] } };
    wider.items[1] = { name: 'fullName', type: 'string' }; // no longer personal: unmasked
    expect(await refusal(submit(catalogue('T-SUBJECT', OTHER, [wider], 'subject')))).toEqual([
      `resources[0].share.type: shared unconditional instead of conditional; resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 1); a catalogue compiled by ${OTHER} may keep or tighten another department's share settings, only the provider ${PROVIDER} may widen them, in a catalogue it compiles`,
      `resources[0].share.methods: offered by download too; resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 1); a catalogue compiled by ${OTHER} may keep or tighten another department's share settings, only the provider ${PROVIDER} may widen them, in a catalogue it compiles`,
      `resources[0].share.scope.purposes: for any purpose instead of social-assistance; resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 1); a catalogue compiled by ${OTHER} may keep or tighten another department's share settings, only the provider ${PROVIDER} may widen them, in a catalogue it compiles`,
      `resources[0].items[1].sensitivity: no longer personal, so no longer masked; resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 1); a catalogue compiled by ${OTHER} may keep or tighten another department's share settings, only the provider ${PROVIDER} may widen them, in a catalogue it compiles`,
    ]);

    // Tightening is the compiler's to do; widening back is not, even to what it was before.
    const tighter = structuredClone(carried);
    tighter.share = { type: 'none', basis: 'Suspended', methods: ['api'], scope: { purposes: ['social-assistance'] } };
    tighter.items[2].share = { scope: { levels: ['province'] } };
    const tightened = await submit(catalogue('T-SUBJECT', OTHER, [tighter], 'subject'));
    expect(tightened.warnings.map((w) => w.kind)).not.toContain('OTHER_PROVIDER');
    await approve('T-SUBJECT', tightened.version.version);
    await publishCatalogue(env, actor(OTHER, 'compiler'), { id: 'T-SUBJECT', version: tightened.version.version });
    const back = await refusal(submit(catalogue('T-SUBJECT', OTHER, [carried], 'subject')));
    expect(back.map((line) => line.split(';')[0])).toEqual([
      'resources[0].share.type: shared conditional instead of none',
      'resources[0].items[2].share.scope.levels: at any level instead of province',
    ]);

    // An item dropped and brought back is compared with its last publication: its records are still stored.
    const dropped = structuredClone(tighter);
    dropped.items = dropped.items.filter((i) => i.name !== 'fullName');
    await publish(catalogue('T-SUBJECT', OTHER, [dropped], 'subject'));
    const unmasked = structuredClone(tighter);
    unmasked.items[1] = { name: 'fullName', type: 'string', sensitivity: 'personal', mask: 'partial' };
    expect((await refusal(submit(catalogue('T-SUBJECT', OTHER, [unmasked], 'subject')))).map((line) => line.split(';')[0])).toEqual([
      'resources[0].items[1].mask: masked "partial" instead of "name"',
    ]);

    // Nor may it make the resource its own (nor its records: their collection is bound to the code and provider).
    const taken = structuredClone(tighter);
    taken.provider = OTHER;
    expect((await refusal(submit(catalogue('T-SUBJECT', OTHER, [taken], 'subject')))).map((line) => line.split(';')[0])).toEqual([
      `resources[0].provider: resource 430000-GA-00100 was first published with provider ${PROVIDER} (catalogue "T-SUBJECT" version 1) and belongs to it for good`,
      `resources[0].code: the store collection "r_430000_ga_00100" belongs to resource 430000-GA-00100 of ${PROVIDER} (as "r_430000_ga_00100")`,
    ]);

    // Once the subject catalogue drops it, neither it nor a third department brings it back (the provider
    // decides whether its data returns); the provider does, as it likes.
    await publish(catalogue('T-SUBJECT', OTHER, [resource('430000-SCJG-00001', OTHER)], 'subject'));
    expect((await refusal(submit(catalogue('T-SUBJECT', OTHER, [resource('430000-SCJG-00001', OTHER), tighter], 'subject')))).map((l) => l.split(';')[0])).toEqual([
      `resources[1].code: resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 3, compiled by ${OTHER})`,
    ]);
    expect((await refusal(submit(catalogue('T-THIRD', THIRD, [tighter], 'basic')))).map((l) => l.split(';')[0])).toEqual([
      `resources[0].code: resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-SUBJECT" (version 3, compiled by ${OTHER})`,
    ]);
    await publish(providerCatalogue({ ...carried, share: OPEN }));
  });

  it('the provider itself may publish its withdrawn code again, more widely', async () => {
    await publish(providerCatalogue(ARCHIVE));
    await withdraw('T-GA', PROVIDER);
    await publish(providerCatalogue({ ...ARCHIVE, share: OPEN }));
  });

  it('refuses at publication a version that was fine when submitted, once the provider has published and dropped the code', async () => {
    const carried = resource('430000-GA-00100', PROVIDER, { source: { collection: 'subject_copy' } });
    const { version } = await submit(catalogue('T-SUBJECT', OTHER, [carried], 'subject'));
    await approve('T-SUBJECT', version.version);
    await publish(providerCatalogue(resource('430000-GA-00100', PROVIDER, { share: { type: 'none', basis: 'Internal', methods: ['api'] } })));
    await withdraw('T-GA', PROVIDER);
    const lines = await refusal(publishCatalogue(env, actor(OTHER, 'compiler'), { id: 'T-SUBJECT', version: version.version }));
    expect(lines.map((l) => l.split(';')[0])).toEqual([
      `resources[0].code: resource 430000-GA-00100 of ${PROVIDER} was last published by catalogue "T-GA" (version 1, compiled by ${PROVIDER})`,
    ]);
  });

  it('two first publications of one new code at once: one wins, the other is refused, whatever their collections', async () => {
    // Each was checked against a history without the code; they race to publish. Different collections,
    // so the collections' bindings alone do not settle it: the code is claimed too. (Another department
    // cannot provide a new code in the provider's space at all: their subject catalogue names the provider.)
    const mine = providerCatalogue(resource('430000-GA-00200', PROVIDER));
    const theirs = catalogue('T-SCJG', OTHER, [resource('430000-GA-00200', PROVIDER, { source: { collection: 'scjg_copy' } })], 'subject');
    const versions: number[] = [];
    for (const c of [mine, theirs]) {
      const { version } = await submit(c);
      await approve(c.id, version.version);
      versions.push(version.version);
    }
    const results = await Promise.allSettled([mine, theirs].map((c, i) => publishCatalogue(env, actor(c.compiler, 'compiler'), { id: c.id, version: versions[i] })));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason.code).toBe('CATALOGUE_INVALID');
    // Publications take the store's publication lock (src/catalogue/publication-lock.ts): the second checks
    // again against the first, in effect by then. (The code's claim, collections.ts, stays the last word.)
    expect(lost.reason.problems.map((p: { path: string; message: string }) => `${p.path}: ${p.message}`.split(';')[0])[0]).toMatch(
      /^resources\[\d\]\.code: "430000-GA-00200" is already the code of a resource in catalogue "T-(GA|SCJG)"$/,
    );
    const published = await store.find(CATALOGUE_VERSIONS, { filter: { kind: 'compare', field: 'status', op: 'eq', value: 'published' } });
    expect(published).toHaveLength(1);
  });
});

describe('what counts as widening another provider\'s sharing', () => {
  const base = resource('430000-GA-00100', PROVIDER, {
    share: { type: 'conditional', conditions: 'c', basis: 'b', methods: ['api'], scope: { purposes: ['social-assistance'], departments: ['430000-*'], levels: ['province'], rows: { item: 'regionCode' } } },
  });
  const wider = (change: (r: Resource) => void) => {
    const r = structuredClone(base);
    change(r);
    const before = { resource: base };
    return widenings(platform, r, before, () => before).map((w) => `${w.path}: ${w.what}`);
  };

  it('names each part the new version shares more, once, at the resource or the item', () => {
    expect(wider(() => {})).toEqual([]);
    expect(wider((r) => { r.share.scope!.departments = ['430000-*', '4301*']; })).toEqual(['share.scope.departments: to departments 430100-MZ, 430121-MZ too']);
    expect(wider((r) => { r.share.scope!.departments = ['4300*']; })).toEqual([]); // other patterns, the same departments
    expect(wider((r) => { r.share.scope!.levels = ['province', 'city']; })).toEqual(['share.scope.levels: at the city level too']);
    expect(wider((r) => { delete r.share.scope!.rows; })).toEqual(['share.scope.rows: without its row scope on regionCode']);
    expect(wider((r) => { r.share.scope!.rows = { item: 'idNumber' }; })).toEqual(['share.scope.rows: with row scope on idNumber instead of regionCode']);
    expect(wider((r) => { delete r.share.methods; })).toEqual(['share.methods: offered by system-integration, online-query, download, copy, other too']);
    expect(wider((r) => { r.items[1].mask = 'full'; r.items[2].share = { type: 'none' }; r.share.scope!.levels = []; })).toEqual([]); // tighter only
    expect(wider((r) => { r.share.type = 'unconditional'; r.items[2].share = { scope: { levels: ['province'] } }; })).toEqual(['share.type: shared unconditional instead of conditional']);
  });
});

describe('through the gateway: the records of a superseded code stay the provider\'s', () => {
  let gw: TestGateway;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-codes-gw-'));
    const file = join(dir, 'provider.yaml');
    writeFileSync(file, stringify(providerCatalogue(ARCHIVE)));
    gw = await startTestGateway({ platformFile: PLATFORM_FILE, catalogueFiles: [file] });
    await gw.store.insert('r_430000_ga_00090', [{ idNumber: '430102199001011234', fullName: 'Zhang San', regionCode: '430102' }]);
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("another department's subject catalogue cannot serve them", async () => {
    const as = (dept: string) => ({ dept, roles: ['compiler' as const] });
    // The provider publishes a version without the archive.
    const dropped = await gw.query(SUBMIT, { ...as(PROVIDER), variables: { doc: JSON.stringify(providerCatalogue()) } });
    await gw.query(REVIEW, { dept: AUDITOR, roles: ['auditor'], variables: { id: 'T-GA', v: 2, d: 'APPROVE' } });
    expect((await gw.query(PUBLISH, { ...as(PROVIDER), variables: { id: 'T-GA', v: dropped.data!.submitCatalogue.version.version } })).errors).toBeUndefined();

    const theirs = catalogue('T-SUBJECT', OTHER, [resource('430000-GA-00090', PROVIDER, { share: OPEN, graphql: { type: 'Archive', list: 'archives', byKey: 'archive' } })], 'subject');
    const s = await gw.query(SUBMIT, { ...as(OTHER), variables: { doc: JSON.stringify(theirs) } });
    expect(s.errors?.[0]?.extensions?.code).toBe('CATALOGUE_INVALID');
    expect(s.errors![0].extensions!.problems.map((p: { path: string }) => p.path)).toEqual(['resources[0].code']);
    if (!s.errors) {
      await gw.query(REVIEW, { dept: AUDITOR, roles: ['auditor'], variables: { id: 'T-SUBJECT', v: 1, d: 'APPROVE' } });
      await gw.query(PUBLISH, { ...as(OTHER), variables: { id: 'T-SUBJECT', v: 1 } });
    }
    const read = await gw.query(`{ publicSecurity { archives { nodes { idNumber fullName } } } }`, { dept: THIRD, purpose: 'social-assistance' });
    expect(JSON.stringify(read)).not.toContain('430102199001011234');
  });
});

describe('through `govgraph catalogue validate` and `import`', () => {
  let dir: string;
  const govgraph = (...args: string[]) => runGovgraph(['catalogue', ...args, '--platform', PLATFORM_FILE, '--data', join(dir, 'data')]);
  const write = (name: string, c: Catalogue) => {
    const file = join(dir, name);
    writeFileSync(file, stringify(c));
    return file;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-codes-cli-'));
    expect((await govgraph('import', '--publish', write('v1.yaml', providerCatalogue(ARCHIVE)))).code).toBe(0);
    expect((await govgraph('import', '--publish', write('v2.yaml', providerCatalogue()))).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validate names the problem as `FILE: path: message` and exits 1', async () => {
    const file = write('theirs.yaml', catalogue('T-SCJG', OTHER, [resource('430000-GA-00090', OTHER, { share: OPEN, source: { collection: 'scjg_archive' } })]));
    const r = await govgraph('validate', file);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}: resources[0].provider: resource 430000-GA-00090 was first published with provider ${PROVIDER}`);
  });

  it('import refuses it and stores nothing', async () => {
    const file = write('subject.yaml', catalogue('T-SUBJECT', OTHER, [resource('430000-GA-00090', PROVIDER, { share: OPEN })], 'subject'));
    const r = await govgraph('import', '--publish', file);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Nothing was imported:');
    expect(r.stderr).toContain(`${file}: resources[0].code: resource 430000-GA-00090 of ${PROVIDER} was last published by catalogue "T-GA"`);
  });
});
